"""``low-confidence``: the MT engine was unsure of its own translation.

``row.mt_logprob`` is the engine's mean log-probability per target token. What counts
as low depends on the model and the kind of text (no fixed value was measured on the
real Opus-MT model here), so by default a row is judged against its own document: it fires
when its log-probability is a low outlier by the modified z-score of Iglewicz &
Hoaglin (1993, "How to Detect and Handle Outliers": ``0.6745 (x - median) / MAD <
-3.5``) *and* at least ``CONFIDENCE_MIN_GAP`` below the document's median, so a clean
document whose scores are nearly equal (tiny MAD) does not fire on ordinary
variation. A fixed threshold can be given instead. Rows without ``mt_logprob`` (MT
not computed by Selaras) never fire.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from selaras.checks.base import Check, ParameterError, _is_number, _show
from selaras.checks.length import RobustStats
from selaras.records import Flag
from selaras.rows import AlignedRow

#: Modified z-score below which a row's log-probability is an outlier (Iglewicz &
#: Hoaglin 1993's 3.5, the same limit as ``length-ratio``).
CONFIDENCE_Z = 3.5
#: Nats per token a row must also be below the document's median: 0.5 means each
#: token was on average e^0.5 = 1.65 times less likely than the document's typical
#: token. A project choice that keeps near-uniform documents quiet.
CONFIDENCE_MIN_GAP = 0.5
#: Rows with ``mt_logprob`` needed before the document's median and MAD are trusted;
#: with fewer, the document-relative rule never fires (give a fixed threshold).
CONFIDENCE_MIN_ROWS = 10


@dataclass(frozen=True, slots=True)
class ConfidenceScore:
    """A row's ``mt_logprob`` (``None`` if unknown) and the document's distribution of them."""

    logprob: float | None = None
    stats: RobustStats = RobustStats()


@dataclass(frozen=True, slots=True)
class LowConfidenceCheck(Check):
    """The MT's mean log-probability per token is low, for its document or below ``threshold``.

    Args:
        threshold: a fixed log-probability (at most 0, e.g. -1.5) below which a row
            fires; ``None`` (the default) uses the document-relative rule.
        z: modified z-score (above 0) below minus which a row is an outlier.
        min_gap: nats per token (at least 0) the row must also be below the median.
        min_rows: rows with a log-probability needed for the rule (at least 3).
    """

    name: ClassVar[str] = "low-confidence"
    threshold: float | None = None
    z: float = CONFIDENCE_Z
    min_gap: float = CONFIDENCE_MIN_GAP
    min_rows: int = CONFIDENCE_MIN_ROWS

    def __post_init__(self) -> None:
        if self.threshold is not None and not (
            _is_number(self.threshold) and math.isfinite(self.threshold) and self.threshold <= 0
        ):
            raise ParameterError(
                self.name,
                "threshold",
                f"must be a log-probability of at most 0 (e.g. -1.5) or None for the "
                f"document-relative rule, got {_show(self.threshold)}",
            )
        self._require_above("z", 0)
        self._require_range("min_gap", 0, math.inf)
        self._require_count("min_rows", 3)

    def document_stats(self, rows: Sequence[AlignedRow]) -> RobustStats:
        """Median and MAD of the document's ``mt_logprob`` values (the rows that have one)."""
        values = [row.mt_logprob for row in rows if row.mt_logprob is not None and math.isfinite(row.mt_logprob)]
        return RobustStats.of(values, min_rows=self.min_rows)

    def score(self, row: AlignedRow, stats: RobustStats | None = None) -> ConfidenceScore:
        return ConfidenceScore(row.mt_logprob, stats or RobustStats())

    def decide(self, score: ConfidenceScore) -> Flag | None:
        value, stats = score.logprob, score.stats
        if value is None or math.isnan(value):
            return None
        if self.threshold is not None:
            if value < self.threshold:
                return Flag(self.name, f"MT log-probability {value:.2f} < {self.threshold:g}")
            return None
        if stats.n < self.min_rows:
            return None
        gap = stats.center - value
        if gap < self.min_gap or stats.z(value) >= -self.z:
            return None
        return Flag(
            self.name,
            f"MT log-probability {value:.2f} vs document median {stats.center:.2f} "
            f"(modified z {_z_text(stats, value)})",
        )


def _z_text(stats: RobustStats, value: float) -> str:
    z = stats.z(value)
    return "-inf" if math.isinf(z) else f"{z:.1f}"

