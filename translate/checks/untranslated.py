"""``untranslated``: MT that copies the source or is left partly in Indonesian."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import ClassVar

from selaras.checks.base import Check
from selaras.language import ID_FUNCTION_WORDS
from selaras.records import Flag
from selaras.rows import AlignedRow

#: Lower-case Indonesian function words in the MT that make it ``untranslated``; two,
#: so one quoted word ("the so-called *tidak* vote") does not fire.
UNTRANSLATED_MIN_ID_WORDS = 2
#: Character similarity (difflib ratio, 0-1) of casefolded MT and source above which
#: the MT is a copy of the source.
UNTRANSLATED_COPY_RATIO = 0.9
#: Share of the MT's lower-case words that also occur in the source above which the
#: MT is mostly left in Indonesian (names are capitalised and numbers are not words,
#: so both are excluded); needs at least ``UNTRANSLATED_MIN_SHARED`` such words so
#: loanwords like "media" or "internet" in a short sentence do not fire.
UNTRANSLATED_SHARED_SHARE = 0.5
UNTRANSLATED_MIN_SHARED = 3

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _lower_words(text: str) -> list[str]:
    """Lower-case alphabetic words as written (capitalised names and numbers dropped)."""
    return [w for w in _WORD.findall(text) if w.islower()]


@dataclass(frozen=True, slots=True)
class UntranslatedScore:
    """How much of the MT is still Indonesian."""

    id_words: int = 0
    copy_ratio: float = 0.0
    shared_words: int = 0
    shared_share: float = 0.0


def untranslated_score(source: str, mt: str) -> UntranslatedScore:
    """Measure untranslated text in ``mt``; an empty side scores all zeros.

    ``id_words`` counts lower-case Indonesian function words in the MT;
    ``copy_ratio`` is difflib's similarity of the casefolded strings, counted only when
    the source has a lower-case word (a sentence of names and numbers may be copied);
    ``shared_words``/``shared_share`` count the MT's lower-case words found in the source.
    """
    if not source.strip() or not mt.strip():
        return UntranslatedScore()
    mt_words = _lower_words(mt)
    src_words = set(_lower_words(source))
    id_words = sum(1 for w in mt_words if w in ID_FUNCTION_WORDS)
    copy_ratio = 0.0
    if src_words:
        a, b = " ".join(source.casefold().split()), " ".join(mt.casefold().split())
        copy_ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    shared = sum(1 for w in mt_words if w in src_words)
    share = shared / len(mt_words) if mt_words else 0.0
    return UntranslatedScore(id_words, copy_ratio, shared, share)


@dataclass(frozen=True, slots=True)
class UntranslatedCheck(Check):
    """The MT copies the source, keeps Indonesian function words, or reuses its words.

    Args:
        min_id_words: Indonesian function words in the MT that fire (at least 1).
        copy_ratio: similarity to the source (0-1) at which the MT is a copy.
        shared_share: share (0-1) of the MT's words found in the source that fires,
        min_shared: together with at least this many such words.
    """

    name: ClassVar[str] = "untranslated"
    min_id_words: int = UNTRANSLATED_MIN_ID_WORDS
    copy_ratio: float = UNTRANSLATED_COPY_RATIO
    shared_share: float = UNTRANSLATED_SHARED_SHARE
    min_shared: int = UNTRANSLATED_MIN_SHARED

    def __post_init__(self) -> None:
        self._require_count("min_id_words", 1)
        self._require_range("copy_ratio", 0, 1)
        self._require_range("shared_share", 0, 1)
        self._require_count("min_shared", 1)

    def score(self, row: AlignedRow, stats: object = None) -> UntranslatedScore:
        return untranslated_score(row.source, row.mt)

    def decide(self, score: UntranslatedScore) -> Flag | None:
        if score.copy_ratio >= self.copy_ratio:
            return Flag(self.name, f"MT copies the source (similarity {score.copy_ratio:.2f})")
        if score.id_words >= self.min_id_words:
            return Flag(self.name, f"{score.id_words} Indonesian function words in the MT")
        if score.shared_words >= self.min_shared and score.shared_share >= self.shared_share:
            return Flag(self.name, f"{score.shared_share:.0%} of the MT's words are source words")
        return None
