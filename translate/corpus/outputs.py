"""A corpus job's own outputs, written while the documents stream past.

* ``corpus.tsv`` — every bead of every document (its first reference's aligned TSV),
  with a leading ``doc`` column;
* ``exports/`` — the filtered exports (``selaras.export.select_rows`` per document,
  the counts summed), one set of files per format of the export registry
  (``selaras.export.registry``), each written by its exporter's stream:
  ``corpus.tmx`` (each ``tu`` carries ``<prop type="x-doc">``), ``corpus.id`` +
  ``corpus.en`` (Moses), ``corpus.jsonl`` (a ``doc`` key) and ``corpus.tsv`` (a
  ``doc`` column);
* ``metrics.json`` — corpus-level scores (``selaras.metrics.ScoreAccumulator``: summed
  sacrebleu statistics, so memory does not grow with the corpus), the per-document
  table, the failures, the export counts and the SHA-256 of every file above.

All of them are one set (``selaras.io.atomic_write_many``): they appear together
when the job finishes, or not at all. Nothing in them depends on how the job ran
(engine, resumes, cache hits), so a resumed or Ray run writes the same bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from selaras.errors import InputError
from selaras.export import EXPORTERS, ExportStream, ExportSummary, load_exporter, select_rows, unknown_formats
from selaras.rows import AlignedRow

CORPUS_TSV = "corpus.tsv"
EXPORTS_DIR = "exports"
METRICS_NAME = "metrics.json"
DOCS_DIR = "docs"
#: Bump when the corpus ``metrics.json`` changes incompatibly.
CORPUS_METRICS_FORMAT = 1


@dataclass(frozen=True)
class ExportFilter:
    """Which rows go into the exports (as ``selaras export``): the formats and filters."""

    formats: tuple[str, ...] = tuple(EXPORTERS)
    min_chrf: float | None = None
    exclude_flags: tuple[str, ...] = ()


def check_formats(formats: Sequence[str]) -> None:
    """Refuse export format names the registry does not know (before any work starts).

    Raises:
        InputError: naming the unknown formats and the known ones.
    """
    unknown = unknown_formats(formats)
    if unknown:
        raise InputError(f"unknown export format {', '.join(unknown)}; choose from {', '.join(EXPORTERS)}")


def export_files(fmt: str) -> list[str]:
    """The files of format ``fmt``'s export, relative to the job's folder."""
    return [f"{EXPORTS_DIR}/{name}" for name in load_exporter(fmt).corpus_files]


def output_files(exports: Sequence[str]) -> list[str]:
    """The job's own files, relative to its folder, ``metrics.json`` last."""
    names = [CORPUS_TSV]
    for fmt in exports:
        names += export_files(fmt)
    return [*names, METRICS_NAME]


class _Hashing:
    """A binary handle that keeps the SHA-256 of what went through it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.handle.write(data)


@dataclass
class CorpusWriter:
    """Streams documents' rows into the corpus outputs (use :func:`open_outputs`)."""

    handles: dict[str, _Hashing]
    filters: ExportFilter
    corpus: ExportStream
    streams: dict[str, ExportStream]
    summaries: dict[str, ExportSummary] = field(default_factory=dict)
    closed: bool = False

    def add(self, doc_id: str, rows: Sequence[AlignedRow]) -> None:
        """Append one document's rows to ``corpus.tsv`` and, selected, to each export."""
        self.corpus.add(doc_id, rows)
        for fmt, stream in self.streams.items():
            kept, summary = select_rows(
                rows, fmt=fmt, min_chrf=self.filters.min_chrf, exclude_flags=self.filters.exclude_flags
            )
            self.summaries[fmt] = self.summaries.get(fmt, ExportSummary()) + summary
            stream.add(doc_id, kept)

    def close(self) -> None:
        """End every export (a TMX's closing tags), once; the file digests are complete after."""
        if self.closed:
            return
        self.closed = True
        for stream in self.streams.values():
            stream.close()

    def digests(self) -> dict[str, str]:
        """SHA-256 of every file written so far (complete once :meth:`close` ran)."""
        return {name: h.digest.hexdigest() for name, h in self.handles.items() if name != METRICS_NAME}


@contextlib.contextmanager
def open_outputs(out_dir: Path, filters: ExportFilter) -> Iterator[tuple[CorpusWriter, Any]]:
    """Open the job's outputs as one atomic set; yields the writer and ``finish(metrics)``.

    Call ``finish(metrics)`` once every document is added: it ends the exports, adds the
    file digests to ``metrics`` and writes ``metrics.json``. Leaving the block without
    it (an error, Ctrl-C, ``kill -9``) leaves every earlier output as it was.
    """
    from selaras.export.tsv import DocTsvStream
    from selaras.io import atomic_write_many

    names = output_files(filters.formats)
    with atomic_write_many([out_dir / name for name in names], "wb") as raw, contextlib.ExitStack() as stack:
        handles = {name: _Hashing(handle) for name, handle in zip(names, raw)}
        streams: dict[str, ExportStream] = {}
        writer = CorpusWriter(handles, filters, DocTsvStream(handles[CORPUS_TSV]), streams)
        # Closed on an error too (lxml's writer is a context); the files are discarded then.
        stack.callback(writer.close)
        for fmt in filters.formats:
            streams[fmt] = load_exporter(fmt).open_stream([handles[name] for name in export_files(fmt)])

        def finish(metrics: dict) -> dict:
            writer.close()
            payload = {**metrics, "files": writer.digests(), "format": CORPUS_METRICS_FORMAT}
            handles[METRICS_NAME].write(
                (json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
            )
            return payload

        yield writer, finish


__all__ = [
    "CORPUS_TSV",
    "DOCS_DIR",
    "EXPORTS_DIR",
    "METRICS_NAME",
    "CorpusWriter",
    "ExportFilter",
    "check_formats",
    "export_files",
    "open_outputs",
    "output_files",
]
