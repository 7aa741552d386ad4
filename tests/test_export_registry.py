"""The exporter registry: one list of formats that ``selaras export`` and a corpus job share.

A toy format registered in one place (one line in ``EXPORTERS``, its module here) is
written by :func:`selaras.export.export_rows`, accepted and streamed by the corpus
outputs, counted in their summaries and removed as a stale export: nothing else knows
format names.
"""

from __future__ import annotations

import inspect
import json
import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import pytest

from selaras.corpus.outputs import ExportFilter, check_formats, open_outputs, output_files
from selaras.errors import InputError
from selaras.export import (
    EXPORTERS,
    FORMATS,
    Exporter,
    ExportStream,
    ExportSummary,
    export_paths,
    export_rows,
    load_exporter,
)
from selaras.export.registry import unknown_formats
from selaras.io import atomic_write
from selaras.rows import AlignedRow

ROWS = [
    AlignedRow((1,), (1,), "Saya suka kopi.", "I like coffee.", "I love coffee.", 0.9, 60.0, 30.0),
    AlignedRow((2,), (), "Kalimat sendiri.", "A lone sentence.", "", None, None, None),
]


class _ToyStream(ExportStream):
    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.closed = 0

    def add(self, doc_id: str, rows: Sequence[AlignedRow]) -> None:
        self.handle.write("".join(f"{doc_id}|{r.source}\n" for r in rows).encode("utf-8"))

    def close(self) -> None:
        self.closed += 1
        self.handle.write(b"END\n")


class ToyExporter(Exporter):
    name = "toy"
    extension = ".toy"
    pairs_only = True

    def write(self, path, rows, *, pair="reference") -> None:
        with atomic_write(path) as handle:
            handle.writelines(f"{r.source}|{r.reference if pair == 'reference' else r.mt}\n" for r in rows)

    def open_stream(self, handles, *, pair="reference") -> ExportStream:
        (handle,) = handles
        return _ToyStream(handle)


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> Exporter:
    """The toy format, registered as a new format would be: its module, and one line."""
    module = types.ModuleType("selaras_toy_exporter")
    module.TOY = ToyExporter()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(EXPORTERS, "toy", f"{module.__name__}:TOY")
    return module.TOY  # type: ignore[attr-defined]


def test_every_registered_exporter_loads_under_its_own_name() -> None:
    assert FORMATS == ("tmx", "moses", "jsonl", "tsv")
    for name in EXPORTERS:
        exporter = load_exporter(name)
        assert isinstance(exporter, Exporter) and exporter.name == name


def test_files_of_each_format() -> None:
    assert export_paths("out", "moses") == ["out.id", "out.en"]
    assert export_paths("out.tmx", "tmx") == ["out.tmx"]
    assert output_files(FORMATS) == [
        "corpus.tsv",
        "exports/corpus.tmx",
        "exports/corpus.id",
        "exports/corpus.en",
        "exports/corpus.jsonl",
        "exports/corpus.tsv",
        "metrics.json",
    ]
    assert [load_exporter(f).stdout_refusal() for f in FORMATS] == [
        None,
        "the moses format writes two files (PATH.id, PATH.en)",
        None,
        None,
    ]


def test_an_unknown_format_is_refused_by_name() -> None:
    assert unknown_formats(["tmx", "pdf", "toy"]) == ["pdf", "toy"]
    with pytest.raises(InputError, match="unknown export format 'pdf'; choose one of tmx, moses, jsonl, tsv"):
        export_rows(ROWS, "x.pdf", fmt="pdf")
    with pytest.raises(InputError, match="unknown export format pdf; choose from tmx, moses, jsonl, tsv"):
        check_formats(["tmx", "pdf"])


def test_both_commands_offer_the_registry() -> None:
    """``--format`` choices and the corpus ``--export`` default are built from it (at
    import, for ``--help``; a format added later is accepted by the code they call)."""
    from selaras.cli.corpus import corpus
    from selaras.cli.export import Format

    assert [f.value for f in Format] == list(EXPORTERS)
    assert inspect.signature(corpus).parameters["export"].default == ",".join(EXPORTERS)


def test_a_toy_format_is_exported_by_selaras_export(toy: Exporter, tmp_path: Path) -> None:
    summary = export_rows(ROWS, tmp_path / "out.toy", fmt="toy")
    assert (tmp_path / "out.toy").read_text(encoding="utf-8") == "Saya suka kopi.|I love coffee.\n"
    assert summary == ExportSummary(exported=1, skipped_empty=1)  # pairs_only: the 1-0 bead is left out


def test_a_toy_format_is_streamed_by_the_corpus_outputs(toy: Exporter, tmp_path: Path) -> None:
    check_formats(["tmx", "toy"])
    assert output_files(["toy"]) == ["corpus.tsv", "exports/corpus.toy", "metrics.json"]
    (tmp_path / "exports").mkdir()
    with open_outputs(tmp_path, ExportFilter(formats=("tmx", "toy"))) as (writer, finish):
        writer.add("a", ROWS)
        writer.add("b", ROWS[:1])
        metrics = finish({"exports": {fmt: s.as_json() for fmt, s in writer.summaries.items()}})
    assert (tmp_path / "exports" / "corpus.toy").read_text(encoding="utf-8") == (
        "a|Saya suka kopi.\nb|Saya suka kopi.\nEND\n"  # closed once, though finish and the block both end it
    )
    assert metrics["exports"]["toy"]["exported"] == 2 and metrics["exports"]["toy"]["skipped_empty"] == 1
    assert set(json.loads((tmp_path / "metrics.json").read_text())["files"]) == {
        "corpus.tsv",
        "exports/corpus.tmx",
        "exports/corpus.toy",
    }


def test_a_toy_export_of_an_earlier_run_is_removed_as_stale(toy: Exporter, tmp_path: Path) -> None:
    from selaras.corpus.job import _remove_stale_exports

    (tmp_path / "exports").mkdir()
    for name in ("corpus.toy", "corpus.tmx", "corpus.id"):
        (tmp_path / "exports" / name).write_text("old")
    _remove_stale_exports(tmp_path, ("tmx",))
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == ["corpus.tmx"]


def test_summaries_add_up() -> None:
    assert ExportSummary(1, 2, 3, 4, 5) + ExportSummary(10, 20, 30, 40, 50) == ExportSummary(11, 22, 33, 44, 55)
