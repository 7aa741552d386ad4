"""``length-ratio``: an MT much longer or shorter than the document's own norm.

Outliers are judged with the modified z-score of Iglewicz & Hoaglin (1993, "How to
Detect and Handle Outliers"): ``0.6745 (x - median) / MAD``, robust to the outliers
it looks for. :func:`robust_z` is shared with :mod:`.confidence`.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from selaras.checks.base import Check
from selaras.records import Flag
from selaras.rows import AlignedRow

#: Modified z-score above which a length ratio is an outlier (Iglewicz & Hoaglin 1993:
#: |0.6745 (x - median) / MAD| > 3.5).
LENGTH_Z = 3.5
#: Minimum band: an MT is never ``length-ratio`` unless it is at least this factor
#: longer or shorter than the document's median ratio, so a short, clean document with
#: a tiny MAD does not fire on ordinary variation.
LENGTH_MIN_FACTOR = 2.0
#: Characters added to both lengths before the ratio (additive smoothing), so a
#: one-word heading ("Foto:" -> "Photo:") cannot be an outlier by itself.
LENGTH_SMOOTHING = 10
#: Rows needed to estimate the document's own ratio distribution; with fewer, the
#: centre is a neutral ratio of 1 and only ``LENGTH_MIN_FACTOR`` applies.
LENGTH_MIN_ROWS = 5
#: The constant of the modified z-score: the 0.75 quantile of the standard normal,
#: so that MAD / 0.6745 estimates the standard deviation (Iglewicz & Hoaglin 1993).
MAD_TO_SIGMA = 0.6745


def length_log_ratio(source: str, mt: str, smoothing: int = LENGTH_SMOOTHING) -> float | None:
    """Smoothed log(MT chars / source chars); ``None`` when either side is empty."""
    s, m = len(source.strip()), len(mt.strip())
    if not s or not m:
        return None
    return math.log((m + smoothing) / (s + smoothing))


@dataclass(frozen=True, slots=True)
class RobustStats:
    """A sample's median and median absolute deviation (MAD), and its size.

    With fewer than the caller's minimum rows the centre is ``default`` and the MAD 0.
    """

    center: float = 0.0
    mad: float = 0.0
    n: int = 0

    @classmethod
    def of(cls, values: Sequence[float], *, min_rows: int, default: float = 0.0) -> RobustStats:
        if len(values) < min_rows or not values:
            return cls(default, 0.0, len(values))
        center = statistics.median(values)
        return cls(center, statistics.median(abs(v - center) for v in values), len(values))

    def z(self, value: float) -> float:
        """Modified z-score of ``value``; ±inf when the MAD is 0 and ``value`` is off-centre."""
        gap = value - self.center
        if self.mad == 0:
            return 0.0 if gap == 0 else math.copysign(math.inf, gap)
        return MAD_TO_SIGMA * gap / self.mad


@dataclass(frozen=True, slots=True)
class LengthRatioCheck(Check):
    """|log(MT/source) - document median| beyond both the z-score and the minimum band.

    Args:
        z: modified z-score (above 0) beyond which a ratio is an outlier.
        min_factor: MT/source must also be this factor (above 1) off the median.
        min_rows: rows needed for a distribution (at least 1).
        smoothing: characters added to both lengths (at least 0).
    """

    name: ClassVar[str] = "length-ratio"
    z: float = LENGTH_Z
    min_factor: float = LENGTH_MIN_FACTOR
    min_rows: int = LENGTH_MIN_ROWS
    smoothing: int = LENGTH_SMOOTHING

    def __post_init__(self) -> None:
        self._require_above("z", 0)
        self._require_above("min_factor", 1)
        self._require_count("min_rows", 1)
        self._require_count("smoothing", 0)

    def document_stats(self, rows: Sequence[AlignedRow]) -> RobustStats:
        ratios = [length_log_ratio(row.source, row.mt, self.smoothing) for row in rows]
        return RobustStats.of([r for r in ratios if r is not None], min_rows=self.min_rows)

    def band(self, stats: RobustStats) -> float:
        """Allowed |log ratio - centre|: the modified-z limit or the minimum band."""
        return max(self.z * stats.mad / MAD_TO_SIGMA, math.log(self.min_factor))

    def score(self, row: AlignedRow, stats: RobustStats | None = None) -> tuple[float | None, RobustStats]:
        """The row's log ratio (``None`` for an empty side) and the document's distribution."""
        return length_log_ratio(row.source, row.mt, self.smoothing), stats or RobustStats()

    def decide(self, score: tuple[float | None, RobustStats]) -> Flag | None:
        ratio, stats = score
        if ratio is None or abs(ratio - stats.center) <= self.band(stats):
            return None
        return Flag(
            self.name,
            f"MT/source length {math.exp(ratio):.2f} vs document median {math.exp(stats.center):.2f}",
        )
