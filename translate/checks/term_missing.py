"""``term-missing``: a glossary term is in the source but its English is not in the MT or reference.

The glossary is this check's parameter (``build_checks({"term-missing": {"glossary":
read_glossary("terms.tsv")}})``); without one the check never fires. Terms are found
in the source as :mod:`selaras.terms.match` explains (enclitics and case understood),
and each found term's English renderings are looked for in the MT and in the
reference (case-insensitive, plural and *-s* forms). The reason names the term, the
English expected and, when it is not the MT, the side that lacks it:
``kebijakan → policy``, ``kebijakan → policy (reference)``,
``kebijakan → policy (MT and reference)``.

It runs on every row whatever made its MT (the engine, a translation memory, a file),
and on the reference too: a human translation that strays from the agreed terms is
what a terminology review is for. A capitalised word inside the sentence that the
translation keeps as it is (*Wings Air*) is a name, not a missing term.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from selaras.checks.base import Check, ParameterError
from selaras.records import Flag
from selaras.rows import AlignedRow

#: At most this many missing terms are named in one reason (the rest are counted).
TERM_MISSING_MAX = 5


def _kept_as_name(matched: str, start: int, text: str) -> bool:
    """Whether a capitalised match inside the sentence is part of a name the translation
    kept (*Wings Air*, where *air* is "water"): a name is not a term to translate."""
    return start > 0 and matched[:1].isupper() and re.search(rf"(?<!\w){re.escape(matched)}(?!\w)", text) is not None


@dataclass(frozen=True, slots=True)
class TermMissingCheck(Check):
    """Flags a row whose source has a glossary term whose English is missing on a side.

    Args:
        glossary: a :class:`selaras.terms.Glossary` (``None``: the check is off).
        affixes: how Indonesian terms are found: ``clitics`` (default) or
            ``derivations`` (see :mod:`selaras.terms.match`).
    """

    name: ClassVar[str] = "term-missing"
    needs_mt: ClassVar[bool] = False
    glossary: Any = None
    affixes: str = "clitics"

    def __post_init__(self) -> None:
        from selaras.terms.glossary import Glossary
        from selaras.terms.match import AFFIX_CHOICES

        if self.glossary is not None and not isinstance(self.glossary, Glossary):
            raise ParameterError(self.name, "glossary", f"must be a Glossary (selaras.terms.read_glossary), got {type(self.glossary).__name__}")
        if self.affixes not in AFFIX_CHOICES:
            raise ParameterError(self.name, "affixes", f"must be one of {', '.join(AFFIX_CHOICES)}, got {self.affixes!r}")

    def document_stats(self, rows: Sequence[AlignedRow]) -> Any:
        """The term matcher, built once for the document."""
        if self.glossary is None:
            return None
        from selaras.terms.match import TermMatcher

        return TermMatcher(self.glossary, affixes=self.affixes)  # type: ignore[arg-type]

    def score(self, row: AlignedRow, stats: Any = None) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """``(term, expected English, sides lacking it)`` for each term missing somewhere."""
        matcher = stats if stats is not None else self.document_stats([row])
        if matcher is None or not row.source.strip():
            return ()
        from selaras.terms.match import has_english

        missing: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        for match in matcher.find(row.source):
            term = match.term
            if term.source in missing:
                continue
            matched = row.source[match.start : match.end]
            sides = tuple(
                side
                for side, text in (("MT", row.mt), ("reference", row.reference))
                if text.strip() and not has_english(text, term) and not _kept_as_name(matched, match.start, text)
            )
            if sides:
                missing[term.source] = (term.source, term.target, sides)
        return tuple(missing.values())

    def decide(self, score: tuple[tuple[str, str, tuple[str, ...]], ...]) -> Flag | None:
        if not score:
            return None
        parts = []
        for source, target, sides in score[:TERM_MISSING_MAX]:
            where = "" if sides == ("MT",) else f" ({' and '.join(sides)})"
            parts.append(f"{source} → {target}{where}")
        more = len(score) - TERM_MISSING_MAX
        return Flag(self.name, "; ".join(parts) + (f"; {more} more" if more > 0 else ""))


__all__ = ["TERM_MISSING_MAX", "TermMissingCheck"]
