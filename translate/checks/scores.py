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
    """The sentence chrF of the MT against the reference is below ``min_chrf`` (0-100)."""

    name: ClassVar[str] = "low-score"
    min_chrf: float = LOW_CHRF

    def __post_init__(self) -> None:
        self._require_range("min_chrf", 0, 100)

    def score(self, row: AlignedRow, stats: object = None) -> float | None:
        """The row's sentence ``chrf`` (``None`` without a reference or MT)."""
        return row.chrf

    def decide(self, score: float | None) -> Flag | None:
        if score is None or score >= self.min_chrf:
            return None
        return Flag(self.name, f"chrF {score:.1f} < {self.min_chrf:g}")
