"""The aligned TSV itself, filtered: Selaras's working format, readable by its commands.

A corpus job's TSV (``exports/corpus.tsv``, and the unfiltered ``corpus.tsv`` beside
``metrics.json``) adds a leading ``doc`` column. The whole-file writer is
``selaras.rows.write_aligned_tsv`` (the reader is ``read_aligned_tsv``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import IO

from selaras.export.base import Exporter, ExportStream, PairSide
from selaras.rows import COLUMN_NAMES, AlignedRow, format_row, write_aligned_tsv


class DocTsvStream(ExportStream):
    """Rows as aligned-TSV lines after a ``doc`` column; the header line at once."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        handle.write(("\t".join(("doc", *COLUMN_NAMES)) + "\n").encode("utf-8"))

    def add(self, doc_id: str, rows: Sequence[AlignedRow]) -> None:
        lines = "".join(doc_id + "\t" + "\t".join(format_row(row)) + "\n" for row in rows)
        self.handle.write(lines.encode("utf-8"))


class TsvExporter(Exporter):
    """Every column is kept, so ``pair`` changes nothing: both English sides are there."""

    name = "tsv"
    extension = ".tsv"

    def write(self, path: str | os.PathLike[str], rows: Sequence[AlignedRow], *, pair: PairSide = "reference") -> None:
        write_aligned_tsv(path, rows)

    def open_stream(self, handles: Sequence[IO[bytes]], *, pair: PairSide = "reference") -> ExportStream:
        (handle,) = handles
        return DocTsvStream(handle)


TSV = TsvExporter()

__all__ = ["TSV", "DocTsvStream"]
