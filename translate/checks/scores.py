"""``low-alignment`` and ``low-score``: a stored score below a fixed threshold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from selaras.checks.base import Check
from selaras.records import Flag
from selaras.rows import AlignedRow

#: Sentence chrF (0-100) below which a row is ``low-score``. chrF is an F-score over
#: character 1-6-grams (Popović 2015); under 30 the MT shares few of them with the
#: reference. A review cue, not a verdict; the project default (``--low-chrf``), and
#: the band the review marks weak.
LOW_CHRF = 30.0
#: A reference shorter than this many words is short: one paraphrased word moves its
#: chrF by ten points, so a valid MT of "Apa yang terjadi di sini?" ("What's going on
#: here?" against "So what happens here?", chrF 23.6) is no low score.
LOW_CHRF_SHORT_WORDS = 10
#: chrF points a short row may fall below ``min_chrf`` (30 → 20 by default).
LOW_CHRF_SHORT_SLACK = 10.0
#: Aligner confidence (0-1) below which a bead is ``low-alignment``; 0.5 is the
#: midpoint of the aligner's score range, i.e. "less sure than not".
LOW_ALIGN = 0.5


@dataclass(frozen=True, slots=True)
class LowAlignmentCheck(Check):
    """The aligner's confidence in the bead is below ``min_score`` (0-1)."""

    name: ClassVar[str] = "low-alignment"
    needs_mt: ClassVar[bool] = False
    min_score: float = LOW_ALIGN

    def __post_init__(self) -> None:
        self._require_range("min_score", 0, 1)

    def score(self, row: AlignedRow, stats: object = None) -> float | None:
        """The row's ``align_score`` (``None`` when the TSV has none)."""
        return row.align_score

    def decide(self, score: float | None) -> Flag | None:
        if score is None or score >= self.min_score:
            return None
        return Flag(self.name, f"alignment score {score:.2f} < {self.min_score:g}")


@dataclass(frozen=True, slots=True)
class LowScoreCheck(Check):
    """The sentence chrF of the MT against the reference is below ``min_chrf`` (0-100),
    less ``short_slack`` points where the reference has fewer than ``short_words`` words."""

    name: ClassVar[str] = "low-score"
    min_chrf: float = LOW_CHRF
    short_words: int = LOW_CHRF_SHORT_WORDS
    short_slack: float = LOW_CHRF_SHORT_SLACK

    def __post_init__(self) -> None:
        self._require_range("min_chrf", 0, 100)
        self._require_count("short_words", 0)
        self._require_range("short_slack", 0, 100)

    def score(self, row: AlignedRow, stats: object = None) -> tuple[float | None, int]:
        """The row's sentence ``chrf`` (``None`` without a reference or MT) and the
        reference's length in words."""
        return row.chrf, len(row.reference.split())

    def decide(self, score: tuple[float | None, int] | float | None) -> Flag | None:
        chrf, words = score if isinstance(score, tuple) else (score, self.short_words)
        bar = self.min_chrf - self.short_slack if words < self.short_words else self.min_chrf
        if chrf is None or chrf >= bar:
            return None
        short = f" (a short sentence: {words} words)" if words < self.short_words else ""
        return Flag(self.name, f"chrF {chrf:.1f} < {bar:g}{short}")
