"""Make the MT obey a glossary: put each term's English on the words the model aligned to it.

For every glossary term in a source sentence whose English is not already in the MT,
the words of the translation that the model's cross-attention links to the term are
found exactly as inline formatting finds a bold span's words
(:func:`selaras.formats.inline.aligned_range`: strong links from most of the term's
pieces, a compact range mostly linked back, no more words than the term has plus an
article, near the term's own place) and replaced by the glossary's English. A leading
article the range had is kept (*a book* → *a volume*), and a sentence-initial capital.

**When unsure, nothing changes**: no sure alignment (a model whose attention says
nothing, a sentence split into pieces), or two terms on overlapping words, leave the
MT exactly as it was, and the result says so (``unsure``); the ``term-missing`` check
then flags the row. Why alignment and not placeholders the model copies: measured on
the test models (``scripts/eval_glossary_enforce.py``, README *Glossary*), a
placeholder put in the source changed the rest of the sentence or was not copied,
while the alignment placement never touches the words around the term.

Only the engine's translations go through here: a human translation (a translation
memory's) is trusted as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from selaras.records import Translation
from selaras.terms.glossary import Glossary, Term
from selaras.terms.match import Affixes, TermMatcher, has_english

Outcome = Literal["present", "placed", "unsure"]
_ARTICLES = ("a", "an", "the")


@dataclass(frozen=True, slots=True)
class TermOutcome:
    """What happened to one term occurrence of a sentence: its English was already
    ``present``, was ``placed`` on the aligned words, or the placement was ``unsure``
    (the MT left as it was)."""

    term: Term
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Enforced:
    """One sentence after enforcement: its translation (changed only where a term was
    placed; its piece alignment is then dropped, since the pieces no longer spell the
    text) and what happened to each term found in its source."""

    translation: Translation
    terms: tuple[TermOutcome, ...] = ()

    @property
    def changed(self) -> bool:
        return any(t.outcome == "placed" for t in self.terms)


def _replacement(english: str, target: str, at_start: bool) -> str:
    """``target`` for the words ``english``: a leading article kept, a capital kept at the start."""
    first, _, rest = english.partition(" ")
    text = target
    if rest and first.lower() in _ARTICLES and target.split(" ", 1)[0].lower() not in _ARTICLES:
        text = f"{first} {target}"
    elif at_start and english[:1].isupper() and text[:1].islower():
        text = text[:1].upper() + text[1:]
    return text


def enforce_sentence(translation: Translation, matcher: TermMatcher) -> Enforced:
    """Enforce the matcher's glossary on one translated sentence (see the module docstring)."""
    from selaras.formats.inline import aligned_range

    if translation.origin != "mt":  # a translation memory's human translation is trusted as it is
        return Enforced(translation)
    matches = matcher.find(translation.source)
    if not matches or not translation.text.strip():
        return Enforced(translation)
    outcomes: list[TermOutcome] = []
    ranges: list[tuple[int, int, int]] = []  # (start, end, index into outcomes)
    for match in matches:
        if has_english(translation.text, match.term):
            outcomes.append(TermOutcome(match.term, "present"))
            continue
        where = aligned_range(translation.source, match.start, match.end, translation) if translation.pieces == 1 else None
        outcomes.append(TermOutcome(match.term, "unsure"))
        if where is not None:
            ranges.append((where[0], where[1], len(outcomes) - 1))
    ranges.sort()
    clash = {k for a, b in zip(ranges, ranges[1:]) if a[1] > b[0] for k in (a[2], b[2])}
    text = translation.text
    for start, end, k in reversed(ranges):
        if k in clash:
            continue
        english = text[start:end]
        text = text[:start] + _replacement(english, outcomes[k].term.target, start == 0) + text[end:]
        outcomes[k] = TermOutcome(outcomes[k].term, "placed")
    if text == translation.text:
        return Enforced(translation, tuple(outcomes))
    changed = replace(translation, text=text, alignment=None, alignment_weights=(), target_pieces=())
    return Enforced(changed, tuple(outcomes))


def enforce_terms(
    translations: Sequence[Translation], glossary: Glossary, *, affixes: Affixes = "clitics"
) -> list[Enforced]:
    """Enforce ``glossary`` on each translation (made with ``alignment=True``; without an
    alignment every term not already present is ``unsure`` and nothing changes)."""
    matcher = TermMatcher(glossary, affixes=affixes)
    return [enforce_sentence(t, matcher) for t in translations]


def enforcement_counts(results: Sequence[Enforced]) -> dict[str, int]:
    """Term occurrences by outcome (``present``, ``placed``, ``unsure``), for a run's metrics."""
    counts = {"present": 0, "placed": 0, "unsure": 0}
    for result in results:
        for term in result.terms:
            counts[term.outcome] += 1
    return counts


__all__ = ["Enforced", "Outcome", "TermOutcome", "enforce_sentence", "enforce_terms", "enforcement_counts"]
