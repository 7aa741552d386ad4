"""Untranslated, repeated and over- or under-long MT: plain numbers, no thresholds applied.

Each measure gives an empty side a defined value, never an exception; the checks in
:mod:`translate.checks` compare the numbers with :class:`~translate.checks.thresholds.Thresholds`.
"""

from __future__ import annotations

import difflib
import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from translate.checks.thresholds import (
    LENGTH_MIN_ROWS,
    LENGTH_SMOOTHING,
    REPEAT_MAX_N,
    REPEAT_MIN_TRIGRAMS,
    Thresholds,
)
from translate.rows import AlignedRow

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


# ---------------------------------------------------------------------------
# Untranslated text

#: Frequent Indonesian function words, lower-case; seen in an English MT they mean
#: text was left untranslated. Words that are also common in English text ("para",
#: as in para-athletes) are left out; capitalised uses (the name "Dan") never count.
ID_FUNCTION_WORDS: frozenset[str] = frozenset(
    """yang dan di dengan untuk ini itu tidak akan dari ke pada dalam adalah juga atau oleh
    karena bahwa telah sudah bisa dapat lebih kami kita mereka saya ia dia sebuah seorang
    tersebut sebagai hanya masih belum antara setelah sebelum namun tetapi jika kata ada
    secara agar sehingga serta bagi tentang terhadap hingga sejak kepada""".split()
)

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


# ---------------------------------------------------------------------------
# Repetition


def max_repeat_run(text: str, max_n: int = REPEAT_MAX_N) -> tuple[int, str]:
    """Longest run of one 1..``max_n``-word n-gram repeated back to back, and that n-gram.

    Words are lower-cased and punctuation is ignored, so "of the country, of the
    country, of the country" is a run of 3. Empty text gives ``(0, "")``.
    """
    tokens = [w.lower() for w in re.findall(r"\w+", text)]
    best, best_gram = (1, "") if tokens else (0, "")
    for n in range(1, max_n + 1):
        for i in range(len(tokens) - 2 * n + 1):
            gram = tokens[i : i + n]
            run = 1
            while tokens[i + run * n : i + (run + 1) * n] == gram:
                run += 1
            if run > best:
                best, best_gram = run, " ".join(gram)
    return best, best_gram


def repeated_trigram_share(text: str) -> float:
    """Share of word trigrams that repeat an earlier one (1 - distinct/total).

    0.0 when the text has fewer than ``REPEAT_MIN_TRIGRAMS`` trigrams, so short text
    has a defined, harmless value.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    grams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    if len(grams) < REPEAT_MIN_TRIGRAMS:
        return 0.0
    return 1.0 - len(set(grams)) / len(grams)


# ---------------------------------------------------------------------------
# Length ratio


def length_log_ratio(source: str, mt: str) -> float | None:
    """Smoothed log(MT chars / source chars); ``None`` when either side is empty."""
    s, m = len(source.strip()), len(mt.strip())
    if not s or not m:
        return None
    return math.log((m + LENGTH_SMOOTHING) / (s + LENGTH_SMOOTHING))


@dataclass(frozen=True, slots=True)
class LengthStats:
    """The document's own length-ratio distribution: median and MAD of log ratios."""

    center: float = 0.0
    mad: float = 0.0
    n: int = 0

    @classmethod
    def of(cls, rows: Sequence[AlignedRow]) -> LengthStats:
        ratios = [r for r in (length_log_ratio(row.source, row.mt) for row in rows) if r is not None]
        if len(ratios) < LENGTH_MIN_ROWS:
            return cls(0.0, 0.0, len(ratios))
        center = statistics.median(ratios)
        return cls(center, statistics.median(abs(r - center) for r in ratios), len(ratios))

    def band(self, thresholds: Thresholds) -> float:
        """Allowed |log ratio - centre|: the modified-z limit or the minimum band."""
        return max(thresholds.length_z * self.mad / 0.6745, math.log(thresholds.length_min_factor))
