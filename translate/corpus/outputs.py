"""A corpus job's own outputs, written while the documents stream past.

* ``corpus.tsv`` — every bead of every document (its first reference's aligned TSV),
  with a leading ``doc`` column;
* ``exports/`` — the filtered exports (``selaras.export.select_rows`` per document,
  the counts summed): ``corpus.tmx`` (each ``tu`` carries ``<prop type="x-doc">``),
  ``corpus.id`` + ``corpus.en`` (Moses), ``corpus.jsonl`` (a ``doc`` key) and
  ``corpus.tsv`` (a ``doc`` column);
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

from selaras.export import ExportSummary
from selaras.rows import AlignedRow

CORPUS_TSV = "corpus.tsv"
EXPORTS_DIR = "exports"
METRICS_NAME = "metrics.json"
DOCS_DIR = "docs"
#: File names of each export format under ``exports/``.
EXPORT_FILES: dict[str, tuple[str, ...]] = {
    "tmx": ("corpus.tmx",),
    "moses": ("corpus.id", "corpus.en"),
    "jsonl": ("corpus.jsonl",),
    "tsv": ("corpus.tsv",),
}
#: Bump when the corpus ``metrics.json`` changes incompatibly.
CORPUS_METRICS_FORMAT = 1


@dataclass(frozen=True)
class ExportFilter:
    """Which rows go into the exports (as ``selaras export``): the formats and filters."""

    formats: tuple[str, ...] = ("tmx", "moses", "jsonl", "tsv")
    min_chrf: float | None = None
    exclude_flags: tuple[str, ...] = ()


def output_files(exports: Sequence[str]) -> list[str]:
    """The job's own files, relative to its folder, ``metrics.json`` last."""
    names = [CORPUS_TSV]
    for fmt in exports:
        names += [f"{EXPORTS_DIR}/{name}" for name in EXPORT_FILES[fmt]]
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
    tmx: Any = None
    units: int = 0
    summaries: dict[str, ExportSummary] = field(default_factory=dict)

    def add(self, doc_id: str, rows: Sequence[AlignedRow]) -> None:
        """Append one document's rows to ``corpus.tsv`` and to each export."""
        from selaras.export import one_line, select_rows, tmx_unit
        from selaras.rows import format_row, row_as_json

        tsv = "".join(doc_id + "\t" + "\t".join(format_row(row)) + "\n" for row in rows)
        self.handles[CORPUS_TSV].write(tsv.encode("utf-8"))
        for fmt in self.filters.formats:
            kept, summary = select_rows(
                rows, fmt=fmt, min_chrf=self.filters.min_chrf, exclude_flags=self.filters.exclude_flags  # type: ignore[arg-type]
            )
            previous = self.summaries.get(fmt, ExportSummary())
            self.summaries[fmt] = ExportSummary(
                *(a + b for a, b in zip(_counts(previous), _counts(summary)))
            )
            if fmt == "tmx":
                for row in kept:
                    self.units += 1
                    self.tmx.write(tmx_unit(row, self.units, props=[("x-doc", doc_id)]), pretty_print=True)
            elif fmt == "moses":
                self.handles[f"{EXPORTS_DIR}/corpus.id"].write("".join(one_line(r.source) + "\n" for r in kept).encode())
                self.handles[f"{EXPORTS_DIR}/corpus.en"].write("".join(one_line(r.reference) + "\n" for r in kept).encode())
            elif fmt == "jsonl":
                lines = "".join(
                    json.dumps({"doc": doc_id, **row_as_json(r)}, sort_keys=True, ensure_ascii=False) + "\n" for r in kept
                )
                self.handles[f"{EXPORTS_DIR}/corpus.jsonl"].write(lines.encode("utf-8"))
            else:
                lines = "".join(doc_id + "\t" + "\t".join(format_row(r)) + "\n" for r in kept)
                self.handles[f"{EXPORTS_DIR}/corpus.tsv"].write(lines.encode("utf-8"))

    def digests(self) -> dict[str, str]:
        """SHA-256 of every file written so far (complete once the TMX is closed)."""
        return {name: h.digest.hexdigest() for name, h in self.handles.items() if name != METRICS_NAME}


def _counts(summary: ExportSummary) -> tuple[int, ...]:
    return (
        summary.exported,
        summary.skipped_empty,
        summary.skipped_low_chrf,
        summary.skipped_flagged,
        summary.skipped_duplicate,
    )


@contextlib.contextmanager
def open_outputs(out_dir: Path, filters: ExportFilter) -> Iterator[tuple[CorpusWriter, Any]]:
    """Open the job's outputs as one atomic set; yields the writer and ``finish(metrics)``.

    Call ``finish(metrics)`` once every document is added: it closes the TMX, adds the
    file digests to ``metrics`` and writes ``metrics.json``. Leaving the block without
    it (an error, Ctrl-C, ``kill -9``) leaves every earlier output as it was.
    """
    from lxml import etree

    from selaras.export import TMX_DOCTYPE, tmx_header
    from selaras.io import atomic_write_many
    from selaras.rows import COLUMN_NAMES

    names = output_files(filters.formats)
    with atomic_write_many([out_dir / name for name in names], "wb") as raw, contextlib.ExitStack() as stack:
        handles = {name: _Hashing(handle) for name, handle in zip(names, raw)}
        header = ("\t".join(("doc", *COLUMN_NAMES)) + "\n").encode("utf-8")
        handles[CORPUS_TSV].write(header)
        if "tsv" in filters.formats:
            handles[f"{EXPORTS_DIR}/corpus.tsv"].write(header)
        writer = CorpusWriter(handles, filters)
        tmx_stack = contextlib.ExitStack()
        if "tmx" in filters.formats:
            xf = tmx_stack.enter_context(etree.xmlfile(handles[f"{EXPORTS_DIR}/corpus.tmx"], encoding="UTF-8"))
            xf.write_declaration()
            xf.write_doctype(TMX_DOCTYPE)
            tmx_stack.enter_context(xf.element("tmx", version="1.4"))
            xf.write("\n")
            xf.write(tmx_header(), pretty_print=True)
            tmx_stack.enter_context(xf.element("body"))
            xf.write("\n")
            writer.tmx = xf
        stack.callback(tmx_stack.close)  # on an error the temporary files are discarded anyway

        def finish(metrics: dict) -> dict:
            tmx_stack.close()
            if "tmx" in filters.formats:
                handles[f"{EXPORTS_DIR}/corpus.tmx"].write(b"\n")
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
    "EXPORT_FILES",
    "METRICS_NAME",
    "CorpusWriter",
    "ExportFilter",
    "open_outputs",
    "output_files",
]
