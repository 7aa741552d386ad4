"""JSON Lines: one object per bead with every column, for scripts.

Keys are sorted (``sort_keys``) and text is written as is (UTF-8, no ``\\u`` escapes),
so the same rows always give the same bytes. A corpus job's objects add a ``doc`` key.
The whole-file writer is ``selaras.rows.write_jsonl`` (the reader is ``read_jsonl``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import IO

from selaras.export.base import Exporter, ExportStream, PairSide
from selaras.rows import AlignedRow, row_as_json, write_jsonl


class _JsonlStream(ExportStream):
    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle

    def add(self, doc_id: str, rows: Sequence[AlignedRow]) -> None:
        lines = "".join(
            json.dumps({"doc": doc_id, **row_as_json(r)}, sort_keys=True, ensure_ascii=False) + "\n" for r in rows
        )
        self.handle.write(lines.encode("utf-8"))


class JsonlExporter(Exporter):
    """Every column is kept, so ``pair`` changes nothing: both English sides are there."""

    name = "jsonl"
    extension = ".jsonl"

    def write(self, path: str | os.PathLike[str], rows: Sequence[AlignedRow], *, pair: PairSide = "reference") -> None:
        write_jsonl(path, rows)

    def open_stream(self, handles: Sequence[IO[bytes]], *, pair: PairSide = "reference") -> ExportStream:
        (handle,) = handles
        return _JsonlStream(handle)


JSONL = JsonlExporter()

__all__ = ["JSONL"]
