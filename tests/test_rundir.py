"""``selaras.rundir``: run folder names and manifest, metrics.json, checkpoint and cache places."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from selaras.errors import InputError
from selaras.rows import AlignedRow
from selaras.rundir import (
    cache_root,
    checkpoint_path,
    metrics_for_rows,
    remove_run_temps,
    run_file_names,
    scored_digest,
    stale_files,
    write_run_folder,
)

ROWS = [
    AlignedRow((1,), (1,), "Saya suka kopi.", "I like coffee.", "I like coffee.", 0.9, 100.0, 100.0),
    AlignedRow((2,), (), "Dia membaca.", "He reads.", "", 0.2),
]


def test_cache_root_prefers_selaras_cache_then_xdg_then_home(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SELARAS_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HF_HOME", raising=False)
    assert cache_root() == tmp_path / "home" / ".cache" / "selaras"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "selaras"
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    assert cache_root() == (tmp_path / "selaras").resolve()  # beside the Hugging Face cache
    monkeypatch.setenv("SELARAS_CACHE", str(tmp_path / "mine"))
    assert cache_root() == tmp_path / "mine"


def test_checkpoints_for_stdout_honour_selaras_cache(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SELARAS_CACHE", str(tmp_path / "cache"))
    path = checkpoint_path(None, "Saya suka kopi.", lines=False)
    assert path.parent == tmp_path / "cache" / "checkpoints"
    assert path == checkpoint_path("-", "Saya suka kopi.", lines=False)  # same command, same place
    assert path != checkpoint_path(None, "Saya suka kopi.", lines=True)
    assert checkpoint_path(tmp_path / "out.txt", "x", lines=False) == tmp_path / "out.txt.selaras-partial"


def test_run_file_names_list_every_file_a_run_writes() -> None:
    assert run_file_names(2, with_mt=True) == [
        "source.txt", "mt.txt", "reference.txt", "aligned.tsv", "reference2.txt", "aligned.ref2.tsv", "metrics.json",
    ]
    assert run_file_names(1, with_mt=False) == ["source.txt", "reference.txt", "aligned.tsv", "metrics.json"]


def test_a_killed_runs_temps_go_and_the_users_own_stay(tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    theirs = [".aligned.tsv.ab_12cd3.tmp", ".metrics.json.x9y8z7w6.tmp", ".aligned.ref3.tsv.q1w2e3r4.tmp"]
    mine = [".notes.md.a1b2c3d4.tmp", "aligned.tsv", ".hidden.tmp"]
    for name in theirs + mine:
        (out / name).write_text("x\n")
    assert remove_run_temps(out, ["source.txt", "aligned.tsv", "metrics.json"]) == 3
    assert sorted(p.name for p in out.iterdir()) == sorted(mine)
    assert remove_run_temps(tmp_path / "missing", ["aligned.tsv"]) == 0


def test_a_rewritten_run_folder_drops_the_earlier_runs_files_only(tmp_path: Path) -> None:
    out = tmp_path / "run"
    write_run_folder(out, {"source.txt": "a\n", "mt.txt": "b\n", "aligned.ref2.tsv": "t\n", "extra.tsv": "x\n"}, {})
    (out / "notes.md").write_text("mine\n")
    (out / "aligned.ref7.tsv").write_text("from an old selaras without a manifest\n")
    assert [p.name for p in stale_files(out, ["source.txt", "metrics.json"])] == [
        "aligned.ref2.tsv", "aligned.ref7.tsv", "extra.tsv", "mt.txt",
    ]
    payload = write_run_folder(out, {"source.txt": "a\n"}, {"mt": None})
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json", "notes.md", "source.txt"]
    assert json.loads((out / "metrics.json").read_text()) == payload
    assert set(payload["files"]) == {"source.txt"} and payload["mt"] is None


def test_the_scored_digest_follows_the_scored_text_not_the_flags() -> None:
    digest = scored_digest(ROWS)
    assert scored_digest([replace(ROWS[0], flags=("low-score",)), ROWS[1]]) == digest
    assert scored_digest([replace(ROWS[1], mt="He is reading."), ROWS[0]]) == scored_digest(ROWS[:1])  # unscored row
    assert scored_digest([replace(ROWS[0], mt="I love coffee."), ROWS[1]]) != digest


def test_metrics_are_found_by_content_and_another_tsvs_are_refused() -> None:
    scores = {"bleu": 100.0, "chrf": 100.0}
    payload = {"references": [{"aligned": "aligned.tsv", "scored_sha256": scored_digest(ROWS), "metrics": scores}]}
    assert metrics_for_rows(payload, "m.json", ROWS, "aligned.tsv") == scores
    other = [replace(ROWS[0], mt="You like tea.")]
    with pytest.raises(InputError, match="does not describe aligned.tsv"):
        metrics_for_rows(payload, "m.json", other, "aligned.tsv")
    with pytest.raises(InputError, match="older selaras"):
        metrics_for_rows({"references": [{"aligned": "aligned.tsv", "metrics": scores}]}, "m.json", ROWS, "a.tsv")
    with pytest.raises(InputError, match="does not say which aligned TSV"):
        metrics_for_rows({"bleu": 1.0, "chrf": 2.0}, "m.json", ROWS, "a.tsv")
    no_mt = {"references": [{"aligned": "aligned.tsv", "scored_sha256": scored_digest([]), "metrics": None}]}
    assert metrics_for_rows(no_mt, "m.json", [replace(r, mt="") for r in ROWS], "aligned.tsv") is None
