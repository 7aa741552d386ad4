"""The backend package's own parts: EngineOptions, the registry, the runtime helpers, the records."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from selaras.backends import EngineInfo, EngineOptions, Hypothesis, available_backends, load_backend
from selaras.backends import registry, runtime
from selaras.backends.options import COMPUTE_TYPES, MAX_BATCH_SIZE, MAX_BEAMS
from selaras.errors import BackendError, InputError

REPO_ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- EngineOptions


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"beams": 100000}, f"beams must be between 1 and {MAX_BEAMS}, got 100000"),
        ({"beams": 0}, "beams must be between 1"),
        ({"beams": True}, "beams must be a whole number"),
        ({"batch_size": 0}, f"batch size must be between 1 and {MAX_BATCH_SIZE}, got 0"),
        ({"batch_size": 5000}, "batch size must be between 1"),
        ({"threads": 0}, "threads must be at least 1, got 0"),
        ({"compute_type": "int3"}, "unknown compute type 'int3'; choose one of: int8, "),
        ({"backend": "transformers", "compute_type": "int8"}, "compute type int8 is a CTranslate2 setting"),
        ({"backend": "ctranslate2", "dtype": "float16"}, "dtype float16 is a transformers setting"),
        ({"device": "cpu", "compute_type": "float16"}, "compute type float16 needs a GPU"),
        ({"device": "tpu"}, "unknown device 'tpu'"),
        ({"backend": "marian"}, "unknown backend 'marian'; choose one of: auto, transformers, ctranslate2"),
        ({"model": " "}, "model must be a hub id"),
        ({"dtype": "int8"}, "unknown dtype 'int8'"),
    ],
)
def test_bad_options_are_one_line_before_anything_loads(fields, message):
    with pytest.raises(InputError) as err:
        EngineOptions(**fields)
    text = str(err.value)
    assert text.startswith(message) and "\n" not in text
    assert "--" not in text  # a library message names settings, not CLI flags


def test_gpu_compute_type_on_cpu_says_what_the_cpu_takes():
    with pytest.raises(InputError) as err:
        EngineOptions(backend="auto", device="cpu", compute_type="int8_bfloat16")
    assert str(err.value) == (
        "compute type int8_bfloat16 needs a GPU (bfloat16 arithmetic); "
        "on the CPU use one of: int8, int8_float32, int16, float32"
    )
    assert EngineOptions(device="cuda", compute_type="float16").compute_type == "float16"
    assert EngineOptions(device="auto", compute_type="float16").compute_type == "float16"  # checked at load


def test_each_engine_gets_only_its_own_options():
    options = EngineOptions(model="m", device="cpu", compute_type="float32", threads=2, beams=3, batch_size=8)
    assert options.for_engine("ctranslate2") == {"device": "cpu", "compute_type": "float32", "threads": 2}
    assert options.for_engine("transformers") == {"device": "cpu", "dtype": "auto", "threads": 2}
    assert EngineOptions(backend="transformers", dtype="float16").for_engine("transformers")["dtype"] == "float16"
    assert EngineOptions(max_input_tokens=12).for_engine("transformers")["max_input_tokens"] == 12
    with pytest.raises(Exception):
        options.beams = 4  # type: ignore[misc]  # frozen


def test_compute_types_have_one_owner():
    from selaras.backends import ct2, ct2_cache

    assert ct2.COMPUTE_TYPES is COMPUTE_TYPES and ct2_cache.COMPUTE_TYPES is COMPUTE_TYPES
    assert COMPUTE_TYPES == ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")


# --------------------------------------------------------------------------- registry


def test_registry_names_loaders_without_importing_them():
    assert available_backends() == ["ctranslate2", "transformers"]
    assert registry.LOADERS == {
        "transformers": "selaras.backends.marian:load_marian",
        "ctranslate2": "selaras.backends.ct2:load_ct2",
    }
    with pytest.raises(BackendError, match="unknown backend 'x'"):
        registry.import_loader("x")


def test_load_backend_takes_engine_options(monkeypatch):
    seen = []

    def fake_loader(name):
        def load(model, **kwargs):
            seen.append((name, model, kwargs))
            return name

        return load

    monkeypatch.setattr(registry, "import_loader", fake_loader)
    assert load_backend(EngineOptions(backend="ctranslate2", model="m", device="cpu", compute_type="int8")) == "ctranslate2"
    assert seen[-1] == ("ctranslate2", "m", {"device": "cpu", "compute_type": "int8"})
    assert load_backend("transformers", "m", device="cpu", threads=1) == "transformers"
    assert seen[-1] == ("transformers", "m", {"device": "cpu", "dtype": "auto", "threads": 1})
    with pytest.raises(InputError, match="unknown engine option inter_threads"):
        load_backend("ctranslate2", "m", inter_threads=2)
    with pytest.raises(TypeError):
        load_backend(EngineOptions(), "m")


def test_auto_fallback_drops_the_compute_type(monkeypatch, caplog):
    import logging

    seen = []

    def fake_loader(name):
        def load(model, **kwargs):
            seen.append((name, kwargs))
            if name == "ctranslate2":
                raise ImportError("no ctranslate2 here")
            return name

        return load

    monkeypatch.setattr(registry, "import_loader", fake_loader)
    with caplog.at_level(logging.WARNING, logger="selaras.backends"):
        assert load_backend(EngineOptions(model="m", compute_type="int8")) == "transformers"
    assert seen == [
        ("ctranslate2", {"retry_failed": False, "device": "auto", "compute_type": "int8"}),
        ("transformers", {"device": "auto", "dtype": "auto"}),
    ]
    [warning] = caplog.records
    assert "CTranslate2 unavailable (no ctranslate2 here)" in warning.getMessage()


def test_base_imports_no_implementation_and_nothing_heavy():
    code = (
        "import sys, selaras.backends.base, selaras.backends.options, selaras.backends.registry, "
        "selaras.backends.runtime, selaras.backends\n"
        "bad = [m for m in ('torch', 'transformers', 'ctranslate2', 'huggingface_hub', "
        "'selaras.backends.marian', 'selaras.backends.ct2', 'selaras.backends.loading') if m in sys.modules]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- runtime


@pytest.mark.parametrize(("content", "cap"), [("200000 100000\n", 2), ("max 100000\n", None), ("50000 100000", 1), ("junk", None)])
def test_usable_cpus_reads_the_cgroup_quota_and_closes_it(tmp_path, monkeypatch, content, cap):
    import builtins
    import os

    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text(content, encoding="ascii")
    opened = []

    def tracking_open(*args, **kwargs):
        handle = builtins.open(*args, **kwargs)
        opened.append(handle)
        return handle

    monkeypatch.setattr(runtime, "open", tracking_open, raising=False)
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 1
    expected = min(affinity, cap) if cap else affinity
    assert runtime.usable_cpus(str(cpu_max)) == expected
    assert len(opened) == 1 and opened[0].closed  # the handle does not leak
    assert runtime.usable_cpus(str(tmp_path / "missing")) == affinity


def test_input_limit_rule():
    assert runtime.max_input_tokens(512, int(1e30)) == 512
    assert runtime.max_input_tokens(512, 256) == 256
    assert runtime.max_input_tokens(512, 256, 12) == 12
    assert runtime.max_input_tokens(None, None) == 512
    with pytest.raises(BackendError, match="no room for text"):
        runtime.max_input_tokens(512, None, 1)


def test_choose_device():
    assert runtime.choose_device("auto", engine="X", gpu_visible=lambda: False) == "cpu"
    assert runtime.choose_device("auto", engine="X", gpu_visible=lambda: True) == "cuda"
    with pytest.raises(BackendError, match="device cuda: X sees no CUDA GPU"):
        runtime.choose_device("cuda", engine="X", gpu_visible=lambda: False)


# --------------------------------------------------------------------------- records


def test_hypothesis_score_and_engine_info():
    assert Hypothesis("Hi.", ("▁Hi", "."), -0.9, 3).score == pytest.approx(-0.3)
    assert Hypothesis("").score is None
    info = EngineInfo("ctranslate2", "m", "cpu", "int8", 4, {"selaras": "0.1.0", "ctranslate2": "4.8"})
    assert info.as_json() == {
        "model": "m", "family": "marian", "backend": "ctranslate2", "device": "cpu", "precision": "int8", "beams": 4,
        "selaras": "0.1.0", "ctranslate2": "4.8",
    }
    nllb = EngineInfo("ctranslate2", "m", "cpu", "int8", 1, family="nllb", src_lang="ind_Latn", tgt_lang="eng_Latn", revision="abc")
    assert {k: nllb.as_json()[k] for k in ("family", "src_lang", "tgt_lang", "revision")} == {
        "family": "nllb", "src_lang": "ind_Latn", "tgt_lang": "eng_Latn", "revision": "abc",
    }


@pytest.mark.parametrize("module", ["base", "options", "registry", "runtime", "ct2", "ct2_cache_public"])
def test_all_lists_only_real_public_names(module):
    import importlib

    if module == "ct2_cache_public":  # ct2 takes only public names from ct2_cache
        source = (REPO_ROOT / "translate" / "backends" / "ct2.py").read_text(encoding="utf-8")
        block = source.split("from selaras.backends.ct2_cache import (")[1].split(")")[0]
        assert not [name for name in block.replace(",", " ").split() if name.startswith("_")]
        return
    mod = importlib.import_module(f"selaras.backends.{module}")
    assert all(hasattr(mod, name) and not name.startswith("_") for name in mod.__all__)
