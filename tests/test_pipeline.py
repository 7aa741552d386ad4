"""``selaras run`` and ``selaras.jobs.run.run``: the whole job on a locally trained model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selaras.cli import app
from selaras.io import read_lines
from selaras.rows import read_aligned_tsv
from selaras.metrics import corpus_scores
from selaras.jobs.run import run

runner = CliRunner()


@pytest.fixture()
def texts(tmp_path: Path) -> tuple[Path, Path, list[tuple[str, str]]]:
    """A source of the trained pairs (two paragraphs) and a free reference that merges two
    of them; no model is built (for the tests that need none)."""
    from selaras.devtools.marian import DEFAULT_PAIRS

    pairs = list(DEFAULT_PAIRS)
    source = tmp_path / "doc.id.txt"
    source.write_text(" ".join(src for src, _ in pairs[:3]) + "\n\n" + " ".join(src for src, _ in pairs[3:]) + "\n")
    english = [tgt for _, tgt in pairs]
    merged = english[:3] + [english[3][:-1] + " and " + english[4][0].lower() + english[4][1:]] + english[5:]
    reference = tmp_path / "ref.en.txt"
    reference.write_text(" ".join(merged) + "\n")
    return source, reference, pairs


@pytest.fixture()
def documents(texts, tiny_trained_model) -> tuple[Path, Path, Path, list[tuple[str, str]]]:
    """:func:`texts` and the tiny model trained to translate its pairs exactly."""
    model, pairs = tiny_trained_model
    source, reference, text_pairs = texts
    assert pairs == text_pairs
    return model, source, reference, pairs


def test_run_translates_aligns_and_scores(tmp_path: Path, documents) -> None:
    model, source, reference, pairs = documents
    out = tmp_path / "run"
    result = runner.invoke(
        app, ["run", str(source), "-r", str(reference), "-o", str(out), "--model", str(model), "--backend", "transformers", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert sorted(p.name for p in out.iterdir()) == ["aligned.tsv", "metrics.json", "mt.txt", "reference.txt", "source.txt"]
    assert read_lines(out / "source.txt") == [src for src, _ in pairs]
    assert read_lines(out / "mt.txt") == [tgt for _, tgt in pairs]  # the model reproduces its pairs

    rows = read_aligned_tsv(out / "aligned.tsv")
    assert [r.bead for r in rows] == ["1-1", "1-1", "1-1", "2-1", "1-1"]
    assert [i for r in rows for i in r.src_ids] == [1, 2, 3, 4, 5, 6]
    assert [i for r in rows for i in r.ref_ids] == [1, 2, 3, 4, 5]
    assert rows[0].chrf == pytest.approx(100.0)
    # The engine's confidence reaches the TSV: a mean log-probability per token, below 0.
    assert all(r.mt_logprob is not None and r.mt_logprob < 0 for r in rows)
    assert "low-confidence" not in {f for r in rows for f in r.flags}  # memorised pairs: none is an outlier

    # metrics.json holds sacrebleu's corpus scores over the aligned beads.
    metrics = json.loads((out / "metrics.json").read_text())
    expected = corpus_scores([r.mt for r in rows], [[r.reference for r in rows]], n_bootstrap=1)
    for key in ("bleu", "chrf", "chrfpp", "ter"):
        assert metrics[key] == pytest.approx(expected[key].score, abs=1e-4)
        assert summary[key] == metrics[key]
        assert metrics["signatures"][key].startswith("nrefs:1|")
    assert metrics["n_sentences"] == 5
    assert not list(out.glob("*.selaras-partial"))  # the checkpoint is gone once finished
    # The settings that made the MT, as they ran (the model's own 4 beams; fp32 on CPU).
    assert {k: metrics["mt"][k] for k in ("model", "backend", "device", "precision", "beams")} == {
        "model": str(model), "backend": "transformers", "device": "cpu", "precision": "float32", "beams": 4,
    }


def test_run_records_the_engine_auto_picked(tmp_path: Path, documents, fresh_cache) -> None:
    model, source, reference, _ = documents
    result = run(source, [reference], tmp_path / "run", model=str(model), device="cpu", beams=2, n_bootstrap=1)
    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())["mt"]
    assert saved == result.metrics["mt"]
    assert (saved["backend"], saved["precision"], saved["beams"]) == ("ctranslate2", "int8", 2)


def test_run_with_two_references_writes_one_tsv_each(tmp_path: Path, documents) -> None:
    model, source, reference, pairs = documents
    close = tmp_path / "close.en.txt"
    close.write_text("\n".join(tgt for _, tgt in pairs) + "\n")
    result = run(source, [reference, close], tmp_path / "run", model=str(model), engine="transformers", n_bootstrap=1)
    assert [len(rows) for rows in result.aligned] == [5, 6]
    assert (tmp_path / "run" / "aligned.ref2.tsv").exists() and (tmp_path / "run" / "reference2.txt").exists()
    assert result.metrics["references"][1]["metrics"]["chrf"] == pytest.approx(100.0)


def test_run_with_an_existing_mt_needs_no_model(tmp_path: Path, texts) -> None:
    source, reference, pairs = texts
    mt = tmp_path / "mt.txt"
    mt.write_text("\n".join(tgt for _, tgt in pairs[:3]) + "\n\n" + "\n".join(tgt for _, tgt in pairs[3:]) + "\n")
    result = runner.invoke(app, ["run", str(source), "-r", str(reference), "-o", str(tmp_path / "r"), "--mt", str(mt), "--model", "/nonexistent"])
    assert result.exit_code == 0, result.output
    assert read_lines(tmp_path / "r" / "mt.txt") == [tgt for _, tgt in pairs]
    assert all(r.mt_logprob is None for r in read_aligned_tsv(tmp_path / "r" / "aligned.tsv"))  # not Selaras' MT


def test_run_rejects_an_mt_with_the_wrong_line_count(tmp_path: Path, texts) -> None:
    source, reference, pairs = texts
    mt = tmp_path / "mt.txt"
    mt.write_text("Only one line.\n")
    result = runner.invoke(app, ["run", str(source), "-r", str(reference), "-o", str(tmp_path / "r"), "--mt", str(mt)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "1 non-empty lines but the source has 6 sentences" in result.stderr


def test_run_without_mt_aligns_source_and_reference_only(tmp_path: Path, texts) -> None:
    source, reference, _ = texts
    out = tmp_path / "r"
    result = runner.invoke(app, ["run", str(source), "-r", str(reference), "-o", str(out), "--no-mt"])
    assert result.exit_code == 0, result.output
    rows = read_aligned_tsv(out / "aligned.tsv")
    assert [i for r in rows for i in r.src_ids] == [1, 2, 3, 4, 5, 6]
    assert all(r.mt == "" and r.chrf is None and "empty" not in r.flags for r in rows)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["mt"] is None and "bleu" not in metrics
    assert not (out / "mt.txt").exists()


def test_run_with_an_unreachable_model_says_so_in_one_line(tmp_path: Path, texts, monkeypatch) -> None:
    source, reference, _ = texts
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-hf-home"))
    out = tmp_path / "r"
    result = runner.invoke(app, ["run", str(source), "-r", str(reference), "-o", str(out), "--model", "Helsinki-NLP/opus-mt-id-en"])
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "--model PATH" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()  # a failed run leaves nothing behind


@pytest.mark.parametrize("with_reference, args, message", [(False, [], "--reference"), (True, ["--mt", "x.txt", "--no-mt"], "contradict")])
def test_run_rejects_contradictory_or_missing_options(tmp_path: Path, texts, with_reference, args, message) -> None:
    source, reference, _ = texts
    ref_args = ["-r", str(reference)] if with_reference else []
    result = runner.invoke(app, ["run", str(source), "-o", str(tmp_path / "r"), *ref_args, *args])
    assert result.exit_code == 2 and message in result.stderr


#: Runs ``selaras ARGS`` and ``kill -9``s itself at its third rename into the run folder
#: (``sys.argv[1]``): what a kill during the final write of the run folder leaves.
_KILLED_AT_FINAL_WRITE = """
import os, signal, sys
folder, args = os.path.realpath(sys.argv[1]), sys.argv[2:]
renames, real_replace = [], os.replace
def replace(src, dst, *rest, **kwargs):
    if os.path.dirname(os.path.realpath(dst)) == folder:
        renames.append(dst)
        if len(renames) == 3:
            os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst, *rest, **kwargs)
os.replace = replace
sys.argv = ["selaras", *args]
from selaras.cli import main
main()
"""


def test_a_run_killed_while_writing_its_folder_leaves_no_temps_after_the_rerun(tmp_path: Path, documents) -> None:
    import signal
    import subprocess
    import sys

    from corpus_helpers import tree_bytes
    from selaras_process import run_selaras, selaras_env

    model, source, reference, _ = documents
    clean, killed = tmp_path / "clean", tmp_path / "killed"

    def args(out: Path) -> list[str]:
        return ["run", str(source), "-r", str(reference), "-o", str(out), "--model", str(model),
                "--backend", "transformers", "--embedder", "none", "--bootstrap", "0"]

    assert run_selaras(*args(clean), cwd=tmp_path).returncode == 0
    dead = subprocess.run([sys.executable, "-c", _KILLED_AT_FINAL_WRITE, str(killed), *args(killed)],
                          capture_output=True, text=True, cwd=tmp_path, env=selaras_env(), timeout=300)
    assert dead.returncode == -signal.SIGKILL, dead.stderr
    temps = sorted(p.name for p in killed.glob(".*.tmp"))
    assert len(temps) >= 2 and (killed / "source.txt").exists()  # half renamed, the rest left as temps

    rerun = run_selaras(*args(killed), cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert not list(killed.glob(".*.tmp"))
    assert tree_bytes(killed) == tree_bytes(clean)
