"""Filling a translation memory from aligned rows: reviewed beads, corpus references.

A row gives one entry: its source and, by default, its **reference** (the human
translation the bead aligns; ``pair="mt"`` takes the MT instead, for post-edited MT
accepted in the workbench). Rows whose chosen side is empty are skipped, and so are
rows not in ``statuses`` (default: only ``accepted`` beads: a TM holds what a person
vouched for). A bead joining several sentences becomes one entry of several sentences:
it cannot match a single sentence exactly, but it is offered as a fuzzy match.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from selaras.export.base import PairSide, target_text
from selaras.memory.store import MemoryEntry
from selaras.rows import AlignedRow, format_ids


def entries_from_rows(
    rows: Sequence[AlignedRow], *, statuses: Sequence[str] | None = ("accepted",), pair: PairSide = "reference", origin: str = ""
) -> Iterator[MemoryEntry]:
    """The TM entries of ``rows`` (see the module docstring); ``statuses=None`` takes every row.

    Each entry's note is the bead's source sentence numbers (``src 3,4``), so an entry
    can be traced to its document.
    """
    for row in rows:
        if statuses is not None and row.status not in statuses:
            continue
        target = target_text(row, pair)
        if row.source.strip() and target.strip():
            yield MemoryEntry(row.source, target, origin, f"src {format_ids(row.src_ids)}")


__all__ = ["entries_from_rows"]
