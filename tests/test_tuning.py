"""The CTranslate2 calibration (selaras.backends.tuning): grid, cache, identical output, first-use tuning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from selaras.backends import ct2, tuning
from selaras.backends.tuning import Setting
from selaras.translator import translate_sentences


def test_thread_splits_use_every_cpu():
    assert tuning.thread_splits(1) == [(1, 1)]
    assert tuning.thread_splits(2) == [(1, 2), (2, 1)]
    assert tuning.thread_splits(6) == [(1, 6), (2, 3), (4, 1), (6, 1)]
    assert [s[0] for s in tuning.thread_splits(64)] == [1, 2, 4, 8]
    grid = tuning.candidate_settings(2, budgets=(100, 200))
    assert Setting(2, 1, 200) in grid and len(grid) == 4


def test_int8_isa_and_the_switch():
    assert tuning.int8_isa({"avx2", "avx512f", "avx512_vnni"}) == "avx512_vnni"
    assert tuning.int8_isa({"avx2"}) == "avx2 only"
    assert tuning.int8_isa({"avx2", "amx_int8", "avx512_vnni"}) == "amx"
    assert tuning.tuning_disabled({"SELARAS_TUNE": "off"})
    assert tuning.tuning_disabled({"SELARAS_TUNE": "0"})
    assert not tuning.tuning_disabled({})


def test_machine_description_reads_cpuinfo(tmp_path: Path):
    info = tmp_path / "cpuinfo"
    info.write_text("model name\t: Test CPU 9000\nflags\t\t: fpu avx2 avx_vnni\n", encoding="utf-8")
    machine = tuning.machine_description(str(info))
    assert machine["cpu"] == "Test CPU 9000" and machine["int8_isa"] == "avx_vnni" and machine["cpus"] >= 1


@pytest.fixture()
def trained(tiny_trained_model, fresh_cache):
    path, pairs = tiny_trained_model
    backend = ct2.load_ct2(str(path), device="cpu", shortlist=None)
    return backend, [src for src, _ in pairs]


def test_tuning_measures_caches_and_is_reused(trained, monkeypatch, fresh_cache):
    backend, sources = trained
    sample = sources * 3
    seen = []
    result = tuning.tune_backend(
        backend, beams=4, budgets=(16, 64), sample=sample, on_progress=lambda d, n, s: seen.append((d, n))
    )
    assert not result.cached
    measured = {m.setting for m in result.measurements}
    assert result.choice in measured and result.default in measured
    assert all(m.identical and m.sentences_per_s > 0 for m in result.measurements)
    assert seen[-1][0] == seen[-1][1] == len(result.measurements)
    saved = json.loads((fresh_cache / "tune" / f"{result.key}.json").read_text(encoding="utf-8"))
    assert saved["choice"]["max_batch_tokens"] == result.choice.max_batch_tokens
    assert saved["identity"]["beams"] == 4 and saved["identity"]["compute_type"] == "int8"

    def no_measuring(*args, **kwargs):
        raise AssertionError("a cached choice must not be measured again")

    monkeypatch.setattr(tuning, "measure", no_measuring)
    again = tuning.tune_backend(backend, beams=4, budgets=(16, 64), sample=sample)
    assert again.cached and again.choice == result.choice
    with pytest.raises(AssertionError, match="cached"):  # another beam is another key: measured, not reused
        tuning.tune_backend(backend, beams=2, sample=sample)


def test_full_grid_and_a_differing_setting_is_never_chosen(trained, monkeypatch):
    backend, sources = trained
    original = tuning._run_sample

    def wrong_with_budget_16(engine, texts, beams):
        out = original(engine, texts, beams)
        return [t + " x" for t in out] if engine.max_batch_tokens == 16 else out

    monkeypatch.setattr(tuning, "_run_sample", wrong_with_budget_16)
    result = tuning.tune_backend(backend, beams=2, full=True, budgets=(16, 64), sample=sources, save=False)
    by_budget = {m.setting.max_batch_tokens: m.identical for m in result.measurements}
    assert by_budget[16] is False and by_budget[64] is True
    assert result.choice.max_batch_tokens != 16
    assert len(result.measurements) == len(tuning.candidate_settings(tuning.machine_description()["cpus"], (16, 64))) + 1


def test_first_load_uses_the_cached_choice_and_explicit_threads_win(tiny_trained_model, monkeypatch, fresh_cache):
    path, pairs = tiny_trained_model
    default = ct2.load_ct2(str(path), device="cpu", shortlist=None)
    sources = [src for src, _ in pairs]
    before = [t.text for t in translate_sentences(default, sources, beams=4)]
    identity = tuning.tuning_identity(tuning.machine_description(), default.fingerprint, "int8", default.defaults.beam_size)
    chosen = Setting(1, 2, 48)
    tuning.write_cached(tuning.Tuning(tuning.tuning_key(identity), identity, chosen, Setting(2, 1, 320), (), 0.0))
    monkeypatch.delenv("SELARAS_TUNE", raising=False)
    monkeypatch.setattr(tuning, "tune_backend", lambda *a, **k: pytest.fail("the cached choice must be used"))
    tuned = ct2.load_ct2(str(path), device="cpu", shortlist=None)
    assert (tuned.inter_threads, tuned.intra_threads, tuned.max_batch_tokens) == (1, 2, 48)
    assert tuned.tuning is not None and tuned.tuning.cached
    assert [t.text for t in translate_sentences(tuned, sources, beams=4)] == before
    explicit = ct2.load_ct2(str(path), device="cpu", shortlist=None, threads=2)
    assert explicit.tuning is None and explicit.max_batch_tokens == ct2.MAX_BATCH_TOKENS
    off = ct2.load_ct2(str(path), device="cpu", shortlist=None, tune=False)
    assert off.tuning is None
    monkeypatch.setenv("SELARAS_TUNE", "off")
    assert ct2.load_ct2(str(path), device="cpu", shortlist=None).tuning is None


def test_first_load_measures_once_when_nothing_is_cached(tiny_trained_model, monkeypatch, fresh_cache):
    path, pairs = tiny_trained_model
    monkeypatch.delenv("SELARAS_TUNE", raising=False)
    monkeypatch.setattr(tuning, "SAMPLE", tuple(src for src, _ in pairs))
    monkeypatch.setattr(tuning, "BUDGETS", (32, 320))
    calls = []
    real = tuning.tune_backend
    monkeypatch.setattr(tuning, "tune_backend", lambda *a, **k: calls.append(1) or real(*a, budgets=(32, 320), **k))
    first = ct2.load_ct2(str(path), device="cpu", shortlist=None)
    second = ct2.load_ct2(str(path), device="cpu", shortlist=None)
    assert len(calls) == 1 and first.tuning is not None and second.tuning.cached
    assert second.tuning.choice == first.tuning.choice


def test_pipelined_batches_equal_one_call_each(tiny_trained_model):
    path, pairs = tiny_trained_model
    backend = ct2.load_ct2(str(path), device="cpu", shortlist=None, tune=False)
    sources = [src for src, _ in pairs]
    batches = [sources[:3], [], sources[3:], sources[:1]]
    piped = list(backend.translate_batches(batches, beams=4))
    one_by_one = [backend.translate_batch(b, beams=4) for b in batches]
    assert [[(h.text, h.tokens, h.logprob) for h in b] for b in piped] == [
        [(h.text, h.tokens, h.logprob) for h in b] for b in one_by_one
    ]
    whole = translate_sentences(backend, sources * 5, beams=4, batch_size=4)
    assert [t.text for t in whole] == [h.text for h in backend.translate_batch(sources * 5, beams=4)]


def test_tune_command_measures_and_prints_json(tiny_trained_model, fresh_cache):
    from typer.testing import CliRunner

    from selaras.cli import app

    path, _ = tiny_trained_model
    result = CliRunner().invoke(app, ["tune", "--model", str(path), "--beams", "2", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["identity"]["beams"] == 2 and payload["measurements"]
    assert (fresh_cache / "tune" / f"{payload['key']}.json").is_file()
    bad = CliRunner().invoke(app, ["tune", "--model", str(path), "--rounds", "0"])
    assert bad.exit_code != 0


def test_the_measured_path_gives_the_translators_output(tiny_trained_model):
    path, pairs = tiny_trained_model
    backend = ct2.load_ct2(str(path), device="cpu", shortlist=None, tune=False)
    sources = [src for src, _ in pairs] * 3
    assert tuning._run_sample(backend, sources, 4) == [t.text for t in translate_sentences(backend, sources, beams=4)]
