"""``untranslated``: MT that keeps Indonesian words from the source.

Only Indonesian words count (:data:`ID_WORDS`: words frequent in Indonesian and rare in
English, from ``data/id-words.txt``, plus the function words of :mod:`selaras.language`),
so a source that is names, numbers and English words ("Eric Cantona — 1992 — 1997 (185
apps)", a song title, "Dia tweeted kembali" → "She tweeted back") can be copied or kept
without a flag. Words are counted as written in lower case (names are capitalised), and
web addresses, @handles and #hashtags are left out.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import ClassVar

from selaras.checks.base import Check
from selaras.checks.lexicon import word_list
from selaras.language import ID_FUNCTION_WORDS, ID_LANGUAGE_WORDS
from selaras.records import Flag
from selaras.rows import AlignedRow

#: Indonesian function words in the MT that fire; two, so one quoted word ("the
#: so-called *tidak* vote", "Angel di Maria") does not.
UNTRANSLATED_MIN_ID_WORDS = 2
#: Other Indonesian words copied from the source that fire: one ("the final *pluit*",
#: "Indonesia's *sawit* production") when the reference does not use it too (a
#: reference that keeps "halal", "azan" or "modus operandi" licenses the MT to).
UNTRANSLATED_MIN_KEPT_WORDS = 1
#: Character similarity (difflib ratio, 0-1) of casefolded MT and source at which the
#: MT is a copy of the source; it fires when the copy keeps an Indonesian word.
UNTRANSLATED_COPY_RATIO = 0.9
#: Share of the MT's lower-case words that also occur in the source at which the MT is
#: mostly left in Indonesian, with at least ``UNTRANSLATED_MIN_SHARED`` such words; it
#: fires when one of them is an Indonesian word (so shared loanwords like "media" or
#: "internet", or an English source, never do).
UNTRANSLATED_SHARED_SHARE = 0.5
UNTRANSLATED_MIN_SHARED = 3

#: Words that are Indonesian and not English (``data/id-words.txt``, from wordfreq's
#: word lists; see ``data/SOURCE.md``) and the Indonesian function words.
ID_WORDS: frozenset[str] = word_list("id-words.txt") | ID_LANGUAGE_WORDS

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
#: Web addresses, e-mail addresses, @handles and #hashtags: not words of either language.
_NOT_TEXT = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|[@#][\w.]+", re.IGNORECASE)


def _lower_words(text: str) -> list[str]:
    """Lower-case alphabetic words as written (capitalised names and numbers dropped)."""
    return [w for w in _WORD.findall(text) if w.islower()]


def _undouble(word: str) -> str:
    """``word`` with doubled letters single, so a reference's "azaan" licenses "azan"."""
    return re.sub(r"(.)\1+", r"\1", word)


@dataclass(frozen=True, slots=True)
class UntranslatedScore:
    """How much of the MT is still Indonesian; ``words`` are the Indonesian words kept."""

    id_words: int = 0
    copy_ratio: float = 0.0
    shared_words: int = 0
    shared_share: float = 0.0
    words: tuple[str, ...] = ()
    kept_words: int = 0


def untranslated_score(source: str, mt: str, reference: str = "") -> UntranslatedScore:
    """Measure untranslated text in ``mt``; an empty side scores all zeros.

    ``words``: the MT's lower-case Indonesian function words, and its other Indonesian
    words (:data:`ID_WORDS`) that the source also has, that ``reference`` (the human
    translation, if any) does not use; ``id_words`` counts the function words and
    ``kept_words`` the others, each where it occurs; ``copy_ratio`` is difflib's similarity of the casefolded strings, counted
    only when the source has a lower-case word (a sentence of names and numbers may be
    copied); ``shared_words``/``shared_share`` count the MT's lower-case words found in
    the source.
    """
    if not source.strip() or not mt.strip():
        return UntranslatedScore()
    mt_words = _lower_words(_NOT_TEXT.sub(" ", mt))
    src_words = set(_lower_words(_NOT_TEXT.sub(" ", source)))
    ref_words = {_undouble(w) for w in _lower_words(reference)}
    kept = [
        w
        for w in mt_words
        if _undouble(w) not in ref_words and (w in ID_FUNCTION_WORDS or (w in ID_WORDS and w in src_words))
    ]
    function = sum(1 for w in kept if w in ID_FUNCTION_WORDS)
    content = sum(1 for w in kept if w not in ID_FUNCTION_WORDS)
    copy_ratio = 0.0
    if src_words:
        a, b = " ".join(source.casefold().split()), " ".join(mt.casefold().split())
        copy_ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    shared = sum(1 for w in mt_words if w in src_words)
    share = shared / len(mt_words) if mt_words else 0.0
    return UntranslatedScore(function, copy_ratio, shared, share, tuple(dict.fromkeys(kept)), content)


@dataclass(frozen=True, slots=True)
class UntranslatedCheck(Check):
    """The MT keeps Indonesian words: a copy of the source, or words left in Indonesian.

    Args:
        min_id_words: Indonesian function words in the MT that fire (at least 1).
        min_kept_words: other Indonesian words copied from the source (and not in
            the reference) that fire (at least 1).
        copy_ratio: similarity to the source (0-1) at which an MT keeping any
            Indonesian word is a copy.
        shared_share: share (0-1) of the MT's words found in the source that fires,
        min_shared: together with at least this many such words (one Indonesian).
    """

    name: ClassVar[str] = "untranslated"
    min_id_words: int = UNTRANSLATED_MIN_ID_WORDS
    min_kept_words: int = UNTRANSLATED_MIN_KEPT_WORDS
    copy_ratio: float = UNTRANSLATED_COPY_RATIO
    shared_share: float = UNTRANSLATED_SHARED_SHARE
    min_shared: int = UNTRANSLATED_MIN_SHARED

    def __post_init__(self) -> None:
        self._require_count("min_id_words", 1)
        self._require_count("min_kept_words", 1)
        self._require_range("copy_ratio", 0, 1)
        self._require_range("shared_share", 0, 1)
        self._require_count("min_shared", 1)

    def score(self, row: AlignedRow, stats: object = None) -> UntranslatedScore:
        return untranslated_score(row.source, row.mt, row.reference)

    def decide(self, score: UntranslatedScore) -> Flag | None:
        if not score.words and score.id_words < self.min_id_words:
            return None
        words = _show_words(score.words)
        if score.copy_ratio >= self.copy_ratio and score.words:
            return Flag(self.name, f"MT copies the source (similarity {score.copy_ratio:.2f}): {words}")
        if score.id_words >= self.min_id_words or score.kept_words >= self.min_kept_words:
            return Flag(self.name, f"Indonesian words in the MT: {words}")
        if score.shared_words >= self.min_shared and score.shared_share >= self.shared_share:
            return Flag(self.name, f"{score.shared_share:.0%} of the MT's words are source words: {words}")
        return None


def _show_words(words: tuple[str, ...], limit: int = 6) -> str:
    shown = ", ".join(words[:limit])
    return shown + (f" (+{len(words) - limit} more)" if len(words) > limit else "")
