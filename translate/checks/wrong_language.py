"""``wrong-language``: a reference that is not English (the source given as reference).

A reference in the wrong language makes every score meaningless (the source given as
its own reference scores chrF 99.9 against itself) and poisons an exported corpus. The
row's reference is read with :func:`selaras.language.detect_language`; the flag fires
only on clear Indonesian evidence, never on a short or mixed sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from selaras.checks.base import Check
from selaras.language import MIN_EVIDENCE, MIN_SHARE, LanguageGuess, detect_language
from selaras.records import Flag
from selaras.rows import AlignedRow


@dataclass(frozen=True, slots=True)
class WrongLanguageCheck(Check):
    """The reference reads as Indonesian, not English.

    Args:
        min_evidence: function words the reference must hold (at least 1).
        min_share: share of them (0.5-1) that must be Indonesian.
    """

    name: ClassVar[str] = "wrong-language"
    needs_mt: ClassVar[bool] = False
    min_evidence: int = MIN_EVIDENCE
    min_share: float = MIN_SHARE

    def __post_init__(self) -> None:
        self._require_count("min_evidence", 1)
        self._require_range("min_share", 0.5, 1)

    def score(self, row: AlignedRow, stats: object = None) -> LanguageGuess:
        """The reference's :class:`~selaras.language.LanguageGuess` (``lang=None`` when empty)."""
        return detect_language(row.reference, min_evidence=self.min_evidence, min_share=self.min_share)

    def decide(self, score: LanguageGuess) -> Flag | None:
        if score.lang != "id":
            return None
        return Flag(self.name, f"reference reads as {score.describe()}")
