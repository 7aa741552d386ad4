"""Where a row's glossary terms are, for the review pages to highlight them.

The static page and the workbench mark each glossary term found in a row's source and
each of its English renderings found in the MT and the reference (the same matching as
the ``term-missing`` check, :mod:`selaras.terms.match`), as character ranges the page's
script wraps in ``<span class="term">`` (the terminal table underlines the same spans). A term whose English is missing shows only on
the source side, which is the reviewer's cue beside the flag's reason.
"""

from __future__ import annotations

from collections.abc import Callable

from selaras.rows import AlignedRow
from selaras.terms.glossary import Glossary
from selaras.terms.match import TermMatcher, english_spans

#: ``{"source": [[start, end], ...], "mt": [...], "reference": [...]}``
TermMarks = dict[str, list[list[int]]]


def _utf16(text: str, ranges: list[list[int]]) -> list[list[int]]:
    """Code-point ranges as the UTF-16 ranges a page's script indexes strings by."""
    if text.isascii():
        return ranges
    def at(k: int) -> int:
        return len(text[:k].encode("utf-16-le")) // 2
    return [[at(a), at(b)] for a, b in ranges]


def term_spans(row: AlignedRow, matcher: TermMatcher) -> TermMarks:
    """The character ranges (code points) of ``row``'s glossary terms in its source and of
    their English in its MT and reference."""
    matches = matcher.find(row.source)
    spans: TermMarks = {"source": [[m.start, m.end] for m in matches], "mt": [], "reference": []}
    targets = list(dict.fromkeys(t for m in matches for t in m.term.targets))
    for side in ("mt", "reference"):
        found = sorted({span for target in targets for span in english_spans(getattr(row, side), target)})
        kept: list[list[int]] = []
        for start, end in found:  # overlapping renderings: keep the first
            if not kept or start >= kept[-1][1]:
                kept.append([start, end])
        spans[side] = kept
    return spans


def term_marks(row: AlignedRow, matcher: TermMatcher) -> TermMarks:
    """:func:`term_spans` in UTF-16 code units (JavaScript's string indexes), for the pages."""
    spans = term_spans(row, matcher)
    return {side: _utf16(getattr(row, side), ranges) for side, ranges in spans.items()}


def row_marker(glossary: Glossary | None) -> Callable[[AlignedRow], TermMarks] | None:
    """A function giving each row's :func:`term_marks` for ``glossary`` (``None`` without one)."""
    if glossary is None:
        return None
    matcher = TermMatcher(glossary)
    return lambda row: term_marks(row, matcher)


__all__ = ["TermMarks", "row_marker", "term_marks", "term_spans"]
