"""``empty``: a side that should have text is empty."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from selaras.checks.base import Check
from selaras.records import Flag
from selaras.rows import AlignedRow


@dataclass(frozen=True, slots=True)
class EmptyCheck(Check):
    """A side the bead promises is empty, or the MT is empty for a non-empty source.

    A 1-0 or 0-1 bead has no sentence on one side by design, so only sides with
    sentence numbers must have text. No parameters.
    """

    name: ClassVar[str] = "empty"

    def score(self, row: AlignedRow, stats: object = None) -> tuple[str, ...]:
        """The empty sides, in ``source, reference, mt`` order; ``()`` when none."""
        sides = []
        if row.src_ids and not row.source.strip():
            sides.append("source")
        if row.ref_ids and not row.reference.strip():
            sides.append("reference")
        if row.source.strip() and not row.mt.strip():
            sides.append("mt")
        return tuple(sides)

    def decide(self, score: tuple[str, ...]) -> Flag | None:
        return Flag(self.name, "empty " + ", ".join(score)) if score else None
