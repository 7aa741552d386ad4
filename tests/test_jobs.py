"""Job specs and the output transaction (``selaras.jobs``): bounds owned by the spec, the
MT source as one explicit case, keyword adapters that refuse unknown keywords, and the
one sequence every job writes through."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import selaras
from selaras.backends.options import EngineOptions
from selaras.cli import app
from selaras.errors import BEAD_LIMIT, InputError, LockedError
from selaras.jobs.outputs import Outputs
from selaras.jobs.spec import (
    MAX_BEAD,
    AlignSettings,
    GivenMt,
    NoMt,
    Precomputed,
    RunSpec,
    Translate,
    run_spec,
)
from selaras.records import Translation

runner = CliRunner()
SOURCE = "Saya suka kopi. Dia membaca buku di perpustakaan.\n\nKami pergi ke pasar.\n"
REFERENCE = "I like coffee. He reads a book in the library.\n\nWe go to the market.\n"


@pytest.fixture()
def texts(tmp_path: Path) -> tuple[Path, Path]:
    source, reference = tmp_path / "doc.id.txt", tmp_path / "doc.en.txt"
    source.write_text(SOURCE, encoding="utf-8")
    reference.write_text(REFERENCE, encoding="utf-8")
    return source, reference


# --------------------------------------------------------------------------- bounds


@pytest.mark.parametrize("value", [0, 1, 13, 500, -3, True, 5.0, "5"])
def test_align_settings_refuse_a_bead_limit_out_of_range(value: object) -> None:
    with pytest.raises(InputError, match="max bead") as info:
        AlignSettings(max_bead=value)  # type: ignore[arg-type]
    assert BEAD_LIMIT in str(info.value)


@pytest.mark.parametrize("value", [None, 2, 5, MAX_BEAD])
def test_align_settings_take_a_bead_limit_in_range(value: int | None) -> None:
    assert AlignSettings(max_bead=value).max_bead == value


@pytest.mark.parametrize("value", [500, 0])
def test_run_refuses_a_bead_limit_out_of_range_before_any_work(texts, tmp_path: Path, value: int) -> None:
    """Before the specs, 500 was accepted and 0 silently became the default 5."""
    source, reference = texts
    with pytest.raises(InputError, match=f"max bead must be between 2 and {MAX_BEAD}, got {value}"):
        selaras.run(source, [reference], tmp_path / "run", translate=False, embedder="none", max_bead=value)
    assert not (tmp_path / "run").exists()


def test_align_files_refuses_a_bead_limit_out_of_range(texts) -> None:
    source, reference = texts
    with pytest.raises(InputError, match="max bead"):
        selaras.align_files(source, reference, None, max_bead=0, embedder="none")


@pytest.mark.parametrize("command", ["align", "run"])
def test_the_cli_names_the_flag_for_a_bead_limit_out_of_range(texts, tmp_path: Path, command: str) -> None:
    source, reference = texts
    args = [str(source), str(reference)] if command == "align" else [str(source), "-r", str(reference), "--no-mt"]
    result = runner.invoke(app, [command, *args, "--max-bead", "13", "--embedder", "none", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert "--max-bead 2 to 12" in result.output and BEAD_LIMIT not in result.output


# --------------------------------------------------------------------------- keyword adapters


def test_run_keywords_become_one_mt_source_case(texts, tmp_path: Path) -> None:
    source, reference = texts
    files = (source, [reference], tmp_path / "run")
    assert isinstance(run_spec(*files, {"mt": "mt.txt", "translate": False})[0].mt, GivenMt)  # a file wins
    assert isinstance(run_spec(*files, {"translate": False})[0].mt, NoMt)
    done = [Translation(source="a", text="b", pieces=1, score=-0.1, tokens=2)]
    assert run_spec(*files, {"translations": done, "engine_info": {"model": "m"}})[0].mt == Precomputed(done, {"model": "m"})
    spec, progress = run_spec(*files, {"model": "x/y", "engine": "transformers", "beams": 2, "on_progress": print})
    assert spec.mt == Translate(EngineOptions(backend="transformers", model="x/y", beams=2))
    assert progress.translate is print and progress.embed is None
    options = EngineOptions(backend="transformers", beams=4)
    assert run_spec(*files, {"options": options, "beams": 2})[0].mt == Translate(replace(options, beams=2))


def test_run_refuses_an_unknown_keyword_naming_the_valid_ones(texts, tmp_path: Path) -> None:
    source, reference = texts
    with pytest.raises(TypeError, match=r"run\(\) got an unexpected keyword argument 'max_beads'") as info:
        selaras.run(source, [reference], tmp_path / "run", max_beads=4)
    for valid in ("max_bead", "lexicon", "embedder", "options", "model", "engine", "translations"):
        assert valid in str(info.value)
    with pytest.raises(TypeError, match="unexpected keyword argument 'lang'"):
        selaras.translate_file(source, tmp_path / "out.txt", lang="id")


def test_engine_keywords_beside_options_would_be_ignored_so_they_are_refused(texts, tmp_path: Path) -> None:
    source, reference = texts
    with pytest.raises(TypeError, match="either as options or as keywords"):
        selaras.run(source, [reference], tmp_path / "run", options=EngineOptions(), model="other/model")


def test_word_alignment_needs_an_mt_made_here(texts, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="word alignment"):
        RunSpec(texts[0], (texts[1],), tmp_path, mt=NoMt(), word_alignment=True)
    assert RunSpec(texts[0], texts[1], tmp_path).references == (texts[1],)  # one path: one reference


def test_run_takes_a_lexicon_and_never_writes_over_it(texts, tmp_path: Path) -> None:
    source, reference = texts
    lexicon = tmp_path / "lex.tsv"
    lexicon.write_text("kopi\tcoffee\nbuku\tbook\n", encoding="utf-8")
    result = selaras.run(source, [reference], tmp_path / "run", translate=False, embedder="none", lexicon=lexicon, n_bootstrap=0)
    assert [r.bead for r in result.aligned[0]] == ["1-1", "1-1", "1-1"]
    # The lexicon is an input: a run folder holding it under a run file's name is refused.
    (tmp_path / "run2").mkdir()
    trap = tmp_path / "run2" / "reference.txt"
    trap.write_text("kopi\tcoffee\n", encoding="utf-8")
    with pytest.raises(InputError, match="also an input"):
        selaras.run(source, [reference], tmp_path / "run2", translate=False, embedder="none", lexicon=trap)
    assert trap.read_text(encoding="utf-8") == "kopi\tcoffee\n"


def test_the_corpus_derives_each_document_spec_from_one_template(tmp_path: Path) -> None:
    from selaras.corpus import RunSettings
    from selaras.corpus.job import document_spec
    from selaras.corpus.manifest import Document

    settings = RunSettings(engine=EngineOptions(beams=2), lines=True, align=AlignSettings(max_bead=4), n_bootstrap=0)
    template = settings.template()
    done = [Translation(source="a", text="b", pieces=1, score=None, tokens=0)]
    document = Document(id="d1", source=tmp_path / "a.id.txt", references=(tmp_path / "a.en.txt",))
    spec = document_spec(template, document, tmp_path / "docs" / "d1", done, {"model": "m"})
    assert (spec.source, spec.references, spec.out_dir) == (document.source, document.references, tmp_path / "docs" / "d1")
    assert spec.mt == Precomputed(done, {"model": "m"})
    assert (spec.align, spec.lines, spec.n_bootstrap) == (template.align, True, 0)


# --------------------------------------------------------------------------- the output transaction


def test_outputs_refuse_an_input_and_a_folder_in_the_way(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("x\n", encoding="utf-8")
    with pytest.raises(InputError, match="also an input"):
        Outputs((source,), (source,)).refuse()
    (tmp_path / "dir").mkdir()
    from selaras.errors import FileError

    with pytest.raises(FileError, match="is a folder"):
        Outputs((tmp_path / "dir",), (source,)).refuse()


def test_a_transaction_locks_cleans_temps_and_drops_the_checkpoint_only_after_the_commit(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    partial = tmp_path / "out.txt.selaras-partial"
    leftover = tmp_path / ".out.txt.abc123.tmp"  # of a writer killed earlier
    leftover.write_text("half", encoding="utf-8")
    outputs = Outputs((target,), checkpoint=partial)
    with pytest.raises(RuntimeError), outputs.transaction() as transaction:
        assert not leftover.exists()
        assert (tmp_path / "out.txt.selaras-lock").exists()
        with pytest.raises(LockedError), outputs.transaction():
            pass
        partial.write_text("finished pieces\n", encoding="utf-8")
        assert transaction.checkpoint is not None and transaction.checkpoint.path == partial
        raise RuntimeError("killed before the commit")
    assert partial.exists() and not target.exists()  # the work so far is kept for the rerun
    assert not (tmp_path / "out.txt.selaras-lock").exists()
    with outputs.transaction() as transaction:
        transaction.commit_lines(["done"])
    assert target.read_text(encoding="utf-8") == "done\n" and not partial.exists()


def test_a_run_folder_transaction_writes_one_set(tmp_path: Path) -> None:
    out = tmp_path / "run"
    outputs = Outputs.run_folder(out, ["source.txt", "metrics.json"], [])
    out.mkdir()
    (out / ".aligned.ref3.tsv.x1.tmp").write_text("", encoding="utf-8")  # an earlier run with more references
    with outputs.transaction() as transaction:
        assert not list(out.glob(".*.tmp"))
        metrics = transaction.commit_folder({"source.txt": "a\n"}, {"source": "doc"})
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["files"] == metrics["files"]
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json", "source.txt"]


def test_every_translating_job_refuses_its_input_as_output_before_loading_a_model(texts, tmp_path: Path) -> None:
    source, reference = texts
    missing = str(tmp_path / "no-model")  # loading it would fail with another error
    with pytest.raises(InputError, match="also an input"):
        selaras.translate_file(source, source, model=missing, engine="transformers")
    md = tmp_path / "doc.md"
    md.write_text("# Judul\n\nSaya suka kopi.\n", encoding="utf-8")
    with pytest.raises(InputError, match="also an input"):
        selaras.translate_file(md, md, model=missing, engine="transformers")
    (tmp_path / "run").mkdir()
    inside = tmp_path / "run" / "source.txt"
    inside.write_text(SOURCE, encoding="utf-8")
    with pytest.raises(InputError, match="also an input"):
        selaras.run(inside, [reference], tmp_path / "run", model=missing, engine="transformers")
