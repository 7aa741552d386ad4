"""Translation on a CUDA GPU: both backends, their GPU defaults, and ``auto``.

The CPU suite cannot see the GPU code paths: fp16 weights in the transformers backend,
``int8_float16`` in CTranslate2, tensors moved to the device, the GPU probe that lets
``auto`` fall back. These tests run them with the same tiny trained model the CPU tests
use, whose five sentence pairs are known, so a wrong dtype, a batch sent to the wrong
device or a broken conversion shows up as a wrong English sentence.

They are opt-in: ``pytest -m gpu`` on a machine with a GPU (the default run, and CI,
deselect them). Asked for on a machine where PyTorch sees no GPU, they fail: a GPU check
that passed by skipping would say nothing.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

pytestmark = pytest.mark.gpu


@pytest.fixture(autouse=True, scope="module")
def _a_gpu_is_there() -> None:
    assert torch.cuda.is_available(), "pytest -m gpu needs a CUDA GPU that PyTorch can use; none is visible"


@pytest.fixture(autouse=True)
def _private_cache(fresh_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def _shuffled(pairs: list[tuple[str, str]], copies: int = 7) -> list[tuple[str, str]]:
    """Many copies in a fixed random order, so batches mix lengths and positions."""
    many = pairs * copies
    random.Random(3).shuffle(many)
    return many


def test_transformers_on_cuda_uses_fp16_and_translates_exactly(tiny_trained_model) -> None:
    from selaras.backends.marian import load_marian
    from selaras.translator import translate_sentences

    path, pairs = tiny_trained_model
    backend = load_marian(str(path), device="auto")
    assert backend.device == "cuda"
    assert next(backend.model.parameters()).dtype == torch.float16
    many = _shuffled(pairs)
    for beams in (1, 4):
        out = translate_sentences(backend, [s for s, _ in many], beams=beams, batch_size=8)
        assert [t.text for t in out] == [t for _, t in many]
        assert all(t.score is not None and t.score < 0 and t.tokens > 0 for t in out)


def test_ctranslate2_on_cuda_int8_float16_translates_exactly(tiny_trained_model) -> None:
    from selaras.backends import load_backend
    from selaras.translator import translate_sentences

    path, pairs = tiny_trained_model
    backend = load_backend("ctranslate2", str(path), device="cuda")
    assert (backend.device, backend.compute_type) == ("cuda", "int8_float16")
    many = _shuffled(pairs)
    for beams in (1, 4):
        out = translate_sentences(backend, [s for s, _ in many], beams=beams, batch_size=16)
        assert [t.text for t in out] == [t for _, t in many]
        assert all(t.score is not None and t.score < 0 and t.tokens > 0 for t in out)


def test_ctranslate2_float32_on_cuda_matches_transformers_on_cpu(random_model_dir) -> None:
    """Parity on the random model too, where nothing is memorised: float32 greedy on the
    GPU gives the CPU transformers model's text (a conversion that lost ``<pad>`` or the
    decoder start would not)."""
    from selaras.backends import load_backend
    from selaras.backends.marian import load_marian

    texts = ["Saya membaca buku di pasar pada hari Minggu.", "Kopi, teh; dan hujan!", "Apa kabar? Terima kasih."]
    cpu = load_marian(str(random_model_dir), device="cpu", threads=1).translate_batch(texts, beams=1)
    gpu = load_backend("ctranslate2", str(random_model_dir), device="cuda", compute_type="float32")
    on_gpu = gpu.translate_batch(texts, beams=1)
    assert [h.text for h in on_gpu] == [h.text for h in cpu]
    assert [h.length for h in on_gpu] == [h.length for h in cpu]
    # The model's own scores agree too (GPU float32 kernels differ from the CPU's in the last bits).
    assert [h.score for h in on_gpu] == pytest.approx([h.score for h in cpu], abs=1e-3)


def test_auto_runs_on_the_gpu_and_says_which_engine(tiny_trained_model, caplog) -> None:
    """``auto`` on a GPU machine: CTranslate2 on CUDA, or, where CTranslate2 cannot use
    this GPU (its CUDA libraries missing), transformers on CUDA with one warning saying why."""
    from selaras.backends import load_backend

    path, pairs = tiny_trained_model
    with caplog.at_level(logging.WARNING, logger="selaras"):
        backend = load_backend("auto", str(path))
    assert backend.device == "cuda"
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    if backend.name == "ctranslate2":
        assert warnings == []
    else:
        assert len(warnings) == 1 and "CTranslate2" in warnings[0]
    assert [h.text for h in backend.translate_batch([s for s, _ in pairs], beams=4)] == [t for _, t in pairs]


def test_cli_translates_on_cuda(tiny_trained_model, tmp_path: Path) -> None:
    from selaras.cli import app

    path, pairs = tiny_trained_model
    source = tmp_path / "in.id.txt"
    source.write_text("".join(f"{s}\n" for s, _ in pairs), encoding="utf-8")
    for backend in ("transformers", "auto"):
        result = CliRunner().invoke(
            app, ["translate", str(source), "--lines", "--model", str(path), "--device", "cuda",
                  "--backend", backend, "--json"],
        )
        assert result.exit_code == 0, result.output
        assert [row["translation"] for row in json.loads(result.stdout)] == [t for _, t in pairs]
