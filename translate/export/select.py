"""Which rows an export writes, and why the others were left out (counted by reason).

The same selection serves ``selaras export`` (one TSV) and a corpus job (per document,
the counts summed), so the two agree on what a filter leaves out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass

from selaras.errors import USE_REFERENCE_PAIR, InputError
from selaras.export.base import PairSide, target_text
from selaras.export.registry import load_exporter
from selaras.rows import AlignedRow


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export wrote and why the other rows were left out."""

    exported: int = 0
    skipped_empty: int = 0
    skipped_low_chrf: int = 0
    skipped_flagged: int = 0
    skipped_duplicate: int = 0

    @property
    def skipped(self) -> int:
        """Rows left out, for every reason together."""
        return self.skipped_empty + self.skipped_low_chrf + self.skipped_flagged + self.skipped_duplicate

    def __add__(self, other: ExportSummary) -> ExportSummary:
        """Both counts together (a corpus job sums its documents' summaries)."""
        return ExportSummary(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    def as_json(self) -> dict[str, int]:
        return {
            "exported": self.exported,
            "skipped": self.skipped,
            "skipped_empty": self.skipped_empty,
            "skipped_low_chrf": self.skipped_low_chrf,
            "skipped_flagged": self.skipped_flagged,
            "skipped_duplicate": self.skipped_duplicate,
        }


def _normalise_for_dedupe(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def select_rows(
    rows: Sequence[AlignedRow],
    *,
    fmt: str = "tmx",
    pair: PairSide = "reference",
    min_chrf: float | None = None,
    exclude_flags: Iterable[str] = (),
    dedupe: bool = False,
) -> tuple[list[AlignedRow], ExportSummary]:
    """Choose the rows to export and count the rest by the first reason they fail.

    Reasons are checked in this order: an empty side (formats of pairs only, see
    ``Exporter.pairs_only``), chrF below ``min_chrf`` (a row without chrF counts as
    below: it cannot show it passes), any flag in ``exclude_flags``, and a (source,
    target) pair already exported (``dedupe``; compared after Unicode NFC and
    whitespace normalisation).

    Raises:
        InputError: ``fmt`` is not an export format.
    """
    pairs_only = load_exporter(fmt).pairs_only
    excluded = {f.strip() for f in exclude_flags if f.strip()}
    kept: list[AlignedRow] = []
    seen: set[tuple[str, str]] = set()
    empty = low = flagged = duplicate = 0
    for row in rows:
        target = target_text(row, pair)
        if pairs_only and (not row.source.strip() or not target.strip()):
            empty += 1
            continue
        if min_chrf is not None and (row.chrf is None or row.chrf < min_chrf):
            low += 1
            continue
        if excluded.intersection(row.flags):
            flagged += 1
            continue
        if dedupe:
            key = (_normalise_for_dedupe(row.source), _normalise_for_dedupe(target))
            if key in seen:
                duplicate += 1
                continue
            seen.add(key)
        kept.append(row)
    return kept, ExportSummary(len(kept), empty, low, flagged, duplicate)


def check_pair(rows: Sequence[AlignedRow], pair: str, name: str) -> None:
    """Refuse a ``pair`` the rows cannot provide.

    A TSV made without MT (``selaras run --no-mt``, ``selaras align`` without ``--mt``)
    has an empty MT column; ``pair="mt"`` on it would skip every bead as "empty side"
    and write a valid but empty corpus with exit 0, which looks like success. An
    empty TSV is not refused: it exports nothing whichever side is asked for.

    Raises:
        InputError: ``pair`` is unknown, or ``"mt"`` while no row has MT text.
    """
    if pair not in ("reference", "mt"):
        raise InputError(f"unknown pair {pair!r}; choose reference or mt")
    if pair == "mt" and rows and not any(row.mt.strip() for row in rows):
        raise InputError(f"{name} has no MT column content; {USE_REFERENCE_PAIR}")


__all__ = ["ExportSummary", "check_pair", "select_rows"]
