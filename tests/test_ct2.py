"""The CTranslate2 backend: parity with transformers, the conversion cache, ``auto`` fallback.

Parity is the point of the backend: with float32 weights and greedy search the
CTranslate2 model must give the transformers model's translations *and* scores on the
same inputs. Scores (mean log-probability per token) catch a broken conversion (wrong
decoder start vector, wrong vocabulary row) even where the best token survives it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from selaras_process import run_selaras
from selaras.backends import load_backend
from selaras.backends import ct2
from selaras.backends import ct2_cache
from selaras.errors import RETRY_CTRANSLATE2, BackendError

SOURCES_EXTRA = [
    "Saya membaca buku di pasar pada hari Minggu.",
    "Kopi, teh; dan hujan!",
    "Apa kabar? Terima kasih.",
]


#: Every test converts into its own cache (SELARAS_CACHE), never the user's.
pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture(scope="module")
def marian_backends(random_model_dir: Path, tiny_trained_model: tuple[Path, list[tuple[str, str]]]):
    """The transformers backend on both test models (loaded once; CPU, fp32)."""
    from selaras.backends.marian import load_marian

    trained_dir, _ = tiny_trained_model
    return {
        "random": load_marian(str(random_model_dir), device="cpu", threads=1),
        "trained": load_marian(str(trained_dir), device="cpu", threads=1),
    }


def _greedy_scores_transformers(backend, texts: list[str]) -> list[float]:
    """Log-probability of the greedy output (through ``</s>``; a forced ``</s>`` adds 0),
    from transformers' own ``output_scores``: an independent check of the backend's
    recorded scores (the tiny models set ``renormalize_logits``, so these are log-probs)."""
    import torch

    batch = backend.tokenizer(texts, return_tensors="pt", padding=True)
    with torch.inference_mode():
        out = backend.model.generate(
            **batch, num_beams=1, do_sample=False, output_scores=True, return_dict_in_generate=True
        )
        steps = backend.model.compute_transition_scores(out.sequences, out.scores, normalize_logits=False)
    eos = backend.model.config.eos_token_id
    sums = []
    for sequence, scores in zip(out.sequences[:, 1:], steps):
        n = min(int((sequence != eos).cumprod(0).sum()) + 1, len(sequence))  # through the first </s>
        sums.append(float(scores[:n].sum()))
    return sums


def _texts(kind: str, pairs: list[tuple[str, str]]) -> list[str]:
    return [s for s, _ in pairs] + SOURCES_EXTRA


# --------------------------------------------------------------------------- parity


def _same_hypotheses(mine, reference, abs_score: float = 1e-4) -> None:
    assert [h.text for h in mine] == [h.text for h in reference]
    assert [h.tokens for h in mine] == [h.tokens for h in reference]
    assert [h.length for h in mine] == [h.length for h in reference]
    assert [h.score for h in mine] == pytest.approx([h.score for h in reference], abs=abs_score)


@pytest.mark.parametrize("kind", ["trained", "random"])
def test_float32_greedy_matches_transformers(kind, marian_backends, random_model_dir, tiny_trained_model):
    """Same model, same inputs, float32 and greedy: identical text, pieces, lengths and scores."""
    trained_dir, pairs = tiny_trained_model
    path = trained_dir if kind == "trained" else random_model_dir
    reference = marian_backends[kind]
    backend = ct2.load_ct2(str(path), device="cpu", compute_type="float32")
    texts = _texts(kind, pairs)

    assert backend.count_tokens(texts) == reference.count_tokens(texts)
    _same_hypotheses(backend.translate_batch(texts, beams=1), reference.translate_batch(texts, beams=1))
    # A short max_length cuts both engines at the same token (no </s> is scored there).
    short = backend.translate_batch(texts, beams=1, max_length=6)
    _same_hypotheses(short, reference.translate_batch(texts, beams=1, max_length=6))
    assert all(h.length == 4 for h in short if len(h.tokens) == 4)


def test_greedy_scores_are_the_models_log_probabilities(marian_backends, tiny_trained_model):
    """The transformers backend's recorded log-probabilities are what transformers itself
    reports with output_scores; CTranslate2's are the same (the parity test above)."""
    _, pairs = tiny_trained_model
    reference = marian_backends["trained"]
    texts = _texts("trained", pairs)
    hypotheses = reference.translate_batch(texts, beams=1)
    assert [h.logprob for h in hypotheses] == pytest.approx(_greedy_scores_transformers(reference, texts), abs=1e-4)
    for h in hypotheses:
        assert h.length == len(h.tokens) + 1  # every one ended with a chosen </s>
        assert h.score == pytest.approx(h.logprob / h.length) and h.score < 0


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_memorised_pairs_score_higher_than_shuffled_words(engine, marian_backends, tiny_trained_model):
    """The model is sure of what it learnt: each memorised sentence scores higher than
    the same words in reverse order (an input it never saw). A random shuffle can leave
    a three-word sentence almost as it was (this tiny model barely minds "Saya kopi
    suka"); reversing moves every word."""
    path, pairs = tiny_trained_model
    if engine == "transformers":
        backend = marian_backends["trained"]
    else:
        backend = ct2.load_ct2(str(path), device="cpu", compute_type="float32")
    sources = [s for s, _ in pairs]
    shuffled = [" ".join(s[:-1].split()[::-1]) + s[-1] for s in sources]  # "kasih Terima."
    known = backend.translate_batch(sources, beams=1)
    unknown = backend.translate_batch(shuffled, beams=1)
    assert [h.text for h in known] == [t for _, t in pairs]
    for source, mixed, a, b in zip(sources, shuffled, known, unknown):
        assert a.score > b.score, (source, a.score, mixed, b.score)


def test_beam_scores_agree_between_engines(marian_backends, tiny_trained_model):
    """With beam search each engine scores its own best hypothesis the same way; on the
    trained model both find the same one."""
    path, pairs = tiny_trained_model
    backend = ct2.load_ct2(str(path), device="cpu", compute_type="float32")
    texts = [s for s, _ in pairs]
    _same_hypotheses(backend.translate_batch(texts, beams=4), marian_backends["trained"].translate_batch(texts, beams=4))


def test_describe_names_the_engine(tiny_trained_model, marian_backends):
    import ctranslate2

    path, _ = tiny_trained_model
    info = ct2.load_ct2(str(path), device="cpu").describe()
    assert info.as_json() == {
        "model": str(path), "family": "marian", "backend": "ctranslate2", "device": "cpu", "precision": "int8", "beams": 4,
        "selaras": info.versions["selaras"], "ctranslate2": ctranslate2.__version__,
    }
    assert ct2.load_ct2(str(path), device="cpu").describe(beams=2).beams == 2
    marian = marian_backends["trained"].describe().as_json()
    assert (marian["backend"], marian["precision"], marian["beams"]) == ("transformers", "float32", 4)
    assert {"model", "device", "selaras", "torch", "transformers"} <= set(marian)


def test_trained_model_beam4_gives_the_english(tiny_trained_model):
    """The default compute type (int8 on CPU) and 4 beams still give the learnt English."""
    path, pairs = tiny_trained_model
    backend = load_backend("ctranslate2", str(path), device="cpu")
    assert backend.name == "ctranslate2" and backend.compute_type == "int8"
    assert [h.text for h in backend.translate_batch([s for s, _ in pairs], beams=4)] == [t for _, t in pairs]


@pytest.fixture(scope="module")
def finetuned_like_model(tiny_trained_model, tmp_path_factory):
    """The trained model with a non-zero ``<pad>`` row, like any Opus-MT model fine-tuned
    with tied embeddings (the output layer's gradient moves that row), and its
    transformers backend."""
    import torch
    from transformers import MarianMTModel

    from selaras.backends.marian import load_marian
    from selaras.backends.runtime import quiet_transformers

    source, pairs = tiny_trained_model
    target = tmp_path_factory.mktemp("finetuned-like")
    shutil.copytree(source, target, dirs_exist_ok=True)
    with quiet_transformers():
        model = MarianMTModel.from_pretrained(target)
    with torch.no_grad():
        generator = torch.Generator().manual_seed(0)
        row = model.get_input_embeddings().weight[model.config.pad_token_id]
        row.copy_(torch.randn(row.shape, generator=generator) * 0.5)
    model.save_pretrained(target)
    return target, pairs, load_marian(str(target), device="cpu", threads=1)


def test_pad_shortcut_would_break_a_finetuned_model(finetuned_like_model, monkeypatch, tmp_path):
    """The <pad> trap: CTranslate2's stock Marian conversion (drop <pad>, start from a zero
    vector) is wrong when the <pad> row is not zero; Selaras then keeps the real start
    token, and the parity check sees the difference if the stock shortcut is forced.
    """
    path, pairs, reference = finetuned_like_model
    texts = _texts("trained", pairs)
    expected = reference.translate_batch(texts, beams=1)

    kept = ct2.load_ct2(str(path), device="cpu", compute_type="float32")
    assert "<pad>" in ct2.read_ct2_vocabulary(kept.model_path)  # the start token was kept...
    assert ("<pad>",) in kept.defaults.suppress_sequences  # ...and is never emitted
    _same_hypotheses(kept.translate_batch(texts, beams=1), expected)

    monkeypatch.setattr(ct2_cache, "zero_start_is_exact", lambda model: True)  # looked up there
    stock = ct2.load_ct2(str(path), device="cpu", compute_type="float32", cache_dir=tmp_path / "stock")
    assert "<pad>" not in ct2.read_ct2_vocabulary(stock.model_path)
    wrong = stock.translate_batch(texts, beams=1)
    assert [h.score for h in wrong] != pytest.approx([h.score for h in expected], abs=1e-4)


def test_random_opus_like_model_drops_pad(random_model_dir):
    """A zero <pad> row (as in every Opus-MT conversion) takes CTranslate2's own path:
    <pad> leaves the vocabulary, so it cannot be generated at all."""
    backend = ct2.load_ct2(str(random_model_dir), device="cpu", compute_type="float32")
    vocabulary = ct2.read_ct2_vocabulary(backend.model_path)
    assert "<pad>" not in vocabulary
    assert vocabulary == sorted(backend.tokenizer.vocab, key=backend.tokenizer.vocab.get)[:-1]
    results = backend.translator.translate_batch(
        [backend.tokenizer.tokenize(t) for t in SOURCES_EXTRA], **backend.decoding_options(beams=4)
    )
    assert all("<pad>" not in r.hypotheses[0] for r in results)


def test_tokenizer_mirrors_marian_tokenizer(marian_backends, random_model_dir):
    """Pieces and ids are MarianTokenizer's, also for unknown characters, literal special
    tokens and language codes; decoding drops special tokens like batch_decode."""
    reference = marian_backends["random"].tokenizer
    mine = ct2.MarianSentencePiece(Path(random_model_dir))
    texts = SOURCES_EXTRA + ["", "  spasi  ganda ", "ümlaut 日本 😀", "a <unk> b </s> c", ">>eng<< Terima kasih.", "x<pad>y"]
    for text in texts:
        assert mine.tokenize(text) == reference.convert_ids_to_tokens(reference(text)["input_ids"]), text
    ids = [[0, 5, 9, 1, 30, 0], [12, 3, 7, 7, 0], list(range(2, 40)) + [0]]
    expected = reference.batch_decode(ids, skip_special_tokens=True)
    id_to_token = {i: t for t, i in mine.vocab.items()}
    assert [mine.detokenize([id_to_token[i] for i in row]) for row in ids] == expected


def test_token_budget_batching_keeps_order(tiny_trained_model):
    """Sub-batches of a few tokens (sorted by length inside CTranslate2) come back in input order."""
    path, pairs = tiny_trained_model
    backend = ct2.load_ct2(str(path), device="cpu", inter_threads=2, intra_threads=1, max_batch_tokens=8)
    sources = [s for s, _ in pairs][::-1]
    assert [h.text for h in backend.translate_batch(sources, beams=1)] == [t for _, t in pairs][::-1]
    assert backend.translate_batch([]) == []


def test_too_long_input_is_refused_not_cut(tiny_trained_model):
    path, pairs = tiny_trained_model
    backend = ct2.load_ct2(str(path), device="cpu", max_input_tokens=4)
    with pytest.raises(BackendError, match="split"):
        backend.translate_batch([pairs[-1][0]])


def test_generation_defaults_follow_the_model(tiny_trained_model):
    path, _ = tiny_trained_model
    backend = ct2.load_ct2(str(path), device="cpu")
    # build_marian's trained model: num_beams 4, max_length 32 with forced </s>.
    assert backend.defaults.beam_size == 4
    assert backend.defaults.max_decoding_length == 30
    assert backend.decoding_options(beams=2, max_length=10)["beam_size"] == 2
    assert backend.decoding_options(max_length=10)["max_decoding_length"] == 8
    overridden = ct2.load_ct2(str(path), device="cpu", num_beams=2, min_decoding_length=5, max_decoding_length=5)
    assert overridden.decoding_options()["beam_size"] == 2
    tokens = overridden.tokenizer.tokenize("Terima kasih.")
    result = overridden.translator.translate_batch([tokens], **overridden.decoding_options())
    assert len(result[0].hypotheses[0]) == 5  # forced length, as the benchmark uses


@pytest.mark.parametrize(("cores", "expected"), [(1, (1, 1)), (2, (2, 1)), (3, (3, 1)), (8, (4, 2)), (16, (4, 4))])
def test_default_threads(cores, expected):
    assert ct2.default_threads(cores) == expected


# --------------------------------------------------------------------------- cache


def _count_conversions(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = ct2_cache._convert

    def counting(model_dir, out_dir, compute_type):
        calls.append(out_dir)
        return real(model_dir, out_dir, compute_type)

    monkeypatch.setattr(ct2_cache, "_convert", counting)
    return calls


def test_second_load_reuses_the_conversion(random_model_dir, monkeypatch, fresh_cache):
    calls = _count_conversions(monkeypatch)
    first = ct2.load_ct2(str(random_model_dir), device="cpu")
    assert len(calls) == 1
    assert first.model_path.parent == fresh_cache / "ct2"
    assert ct2.verify_cache_entry(first.model_path) is None
    start = time.perf_counter()
    second = ct2.load_ct2(str(random_model_dir), device="cpu")
    elapsed = time.perf_counter() - start
    assert len(calls) == 1 and second.model_path == first.model_path
    assert elapsed < 2.0, f"cached load took {elapsed:.2f} s"
    # No temporary folders are left behind.
    assert [p.name for p in first.model_path.parent.iterdir()] == [first.model_path.name]


@pytest.mark.parametrize("damage", ["truncate", "flip", "no-marker", "unreadable"])
def test_damaged_cache_is_rebuilt(damage, tiny_trained_model, monkeypatch):
    path, pairs = tiny_trained_model
    entry = ct2.load_ct2(str(path), device="cpu").model_path
    model_bin = entry / "model.bin"
    if damage == "truncate":
        model_bin.write_bytes(model_bin.read_bytes()[: model_bin.stat().st_size // 2])
    elif damage == "flip":
        data = bytearray(model_bin.read_bytes())
        data[len(data) // 2] ^= 0xFF
        model_bin.write_bytes(bytes(data))
    elif damage == "no-marker":
        (entry / ct2.MANIFEST).unlink()
    else:  # garbage that matches a (rewritten) manifest: only CTranslate2 can tell
        model_bin.write_bytes(b"not a model")
        (entry / ct2.MANIFEST).unlink()
        ct2_cache.write_manifest(entry)
    if damage != "unreadable":
        assert ct2.verify_cache_entry(entry) is not None
    calls = _count_conversions(monkeypatch)
    backend = ct2.load_ct2(str(path), device="cpu")
    assert len(calls) == 1
    assert ct2.verify_cache_entry(backend.model_path) is None
    assert [h.text for h in backend.translate_batch([pairs[0][0]], beams=1)] == [pairs[0][1]]


def test_interrupted_conversion_leaves_no_entry(random_model_dir, monkeypatch, fresh_cache):
    """A crash mid-conversion leaves only a temporary folder, never a usable-looking entry."""

    def crash(model_dir, out_dir, compute_type):
        Path(out_dir).mkdir(parents=True)
        (Path(out_dir) / "model.bin").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(ct2_cache, "_convert", crash)
    with pytest.raises(KeyboardInterrupt):
        ct2.load_ct2(str(random_model_dir), device="cpu")
    assert not [p for p in (fresh_cache / "ct2").iterdir() if not p.name.startswith(".")]
    monkeypatch.undo()
    monkeypatch.setenv("SELARAS_CACHE", str(fresh_cache))
    assert ct2.load_ct2(str(random_model_dir), device="cpu").translate_batch(["Terima kasih."])


def test_warm_load_hashes_the_weights_once(random_model_dir, monkeypatch):
    """A cached load checks the converted model's checksum once, not twice."""
    first = ct2.load_ct2(str(random_model_dir), device="cpu")
    hashed: list[str] = []
    real = ct2_cache._sha256

    def counting(path):
        hashed.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(ct2_cache, "_sha256", counting)
    second = ct2.load_ct2(str(random_model_dir), device="cpu")
    assert second.model_path == first.model_path
    assert hashed.count("model.bin") == 1


@pytest.mark.parametrize("compute_type", ["float16", "bfloat16", "int8_float16", "int8_bfloat16"])
def test_gpu_compute_type_on_cpu_is_one_line_without_converting(compute_type, random_model_dir, monkeypatch):
    """float16 arithmetic needs a GPU: refused before any model loads (EngineOptions), and
    when device auto turns out to be the CPU, refused before converting (not converted
    twice and then called an unreadable cache), also by auto, which does not fall back."""
    from selaras.backends import EngineOptions
    from selaras.backends.options import UnsupportedComputeType
    from selaras.errors import InputError

    calls = _count_conversions(monkeypatch)
    with pytest.raises(InputError) as err:
        EngineOptions(backend="ctranslate2", model=str(random_model_dir), device="cpu", compute_type=compute_type)
    message = str(err.value)
    assert "\n" not in message and "needs a GPU" in message and "int8, int8_float32, int16, float32" in message
    assert "--" not in message

    monkeypatch.setattr(ct2, "_resolve_device", lambda device: "cpu")  # auto found no GPU
    for backend in ("ctranslate2", "auto"):
        with pytest.raises(UnsupportedComputeType) as err:
            load_backend(backend, str(random_model_dir), compute_type=compute_type)
        assert str(err.value) == message
    assert calls == []


def test_compute_type_the_cpu_lacks_is_refused_before_converting(random_model_dir, monkeypatch):
    from selaras.backends.options import UnsupportedComputeType

    calls = _count_conversions(monkeypatch)
    monkeypatch.setattr(ct2, "_supported_compute_types", lambda device: {"int8", "float32"})
    with pytest.raises(UnsupportedComputeType, match="int16 does not run on this CPU .* supports: int8, float32"):
        ct2.load_ct2(str(random_model_dir), device="cpu", compute_type="int16")
    assert calls == []
    assert ct2.choose_compute_type(None, "cpu", {"float32"}) == "float32"
    assert ct2.choose_compute_type(None, "cuda", {"float16", "float32"}) == "float16"
    assert ct2.choose_compute_type(None, "cuda", None) == "int8_float16"


def test_cache_dir_location(monkeypatch, tmp_path):
    monkeypatch.setenv("SELARAS_CACHE", str(tmp_path / "x"))
    assert ct2.ct2_cache_dir() == tmp_path / "x" / "ct2"
    monkeypatch.delenv("SELARAS_CACHE")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    assert ct2.ct2_cache_dir() == (tmp_path / "selaras" / "ct2").resolve()


# --------------------------------------------------------------------------- auto


def test_auto_prefers_ctranslate2(random_model_dir, caplog):
    with caplog.at_level(logging.WARNING):
        backend = load_backend("auto", str(random_model_dir), device="cpu")
    assert backend.name == "ctranslate2"
    assert not caplog.records


def _assert_one_fallback_line(caplog, backend, reason: str) -> None:
    assert backend.name == "transformers"
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "\n" not in message and "transformers" in message and reason in message


def test_auto_falls_back_when_conversion_fails(random_model_dir, monkeypatch, caplog):
    from ctranslate2.converters import TransformersConverter

    def broken(self, *args, **kwargs):
        raise RuntimeError("converter exploded")

    monkeypatch.setattr(TransformersConverter, "convert", broken)
    with caplog.at_level(logging.WARNING):
        backend = load_backend("auto", str(random_model_dir), device="cpu", compute_type="int8")
    _assert_one_fallback_line(caplog, backend, "converter exploded")
    with pytest.raises(BackendError, match="converter exploded"):
        load_backend("ctranslate2", str(random_model_dir), device="cpu")


def _failure_records(cache: Path) -> list[Path]:
    return sorted((cache / "ct2").glob("*.failed.json"))


def test_auto_remembers_a_failed_conversion(random_model_dir, monkeypatch, caplog, fresh_cache):
    """A conversion that failed is not retried by ``auto`` (no torch import, no seconds
    lost on every run); the one warning line says why and how to retry. An explicit
    ``--backend ctranslate2`` retries, and a success forgets the failure."""
    import ctranslate2
    from ctranslate2.converters import TransformersConverter

    real_convert = TransformersConverter.convert

    def broken(self, *args, **kwargs):
        raise RuntimeError("converter exploded")

    monkeypatch.setattr(TransformersConverter, "convert", broken)
    calls = _count_conversions(monkeypatch)
    load_backend("auto", str(random_model_dir), device="cpu")
    assert len(calls) == 1
    [record] = _failure_records(fresh_cache)
    payload = json.loads(record.read_text(encoding="utf-8"))
    assert "converter exploded" in payload["reason"]
    assert payload["ctranslate2"] == ctranslate2.__version__ and payload["failed_at"]
    assert not [p for p in record.parent.iterdir() if p.name.endswith(".tmp")]  # written atomically

    caplog.clear()
    with caplog.at_level(logging.WARNING):
        backend = load_backend("auto", str(random_model_dir), device="cpu")
    assert len(calls) == 1  # remembered: no second attempt
    _assert_one_fallback_line(caplog, backend, "converter exploded")
    message = caplog.records[-1].getMessage()
    assert str(record) in message and RETRY_CTRANSLATE2 in message and "--backend" not in message

    with pytest.raises(BackendError, match="converter exploded"):  # explicit: retried
        load_backend("ctranslate2", str(random_model_dir), device="cpu")
    assert len(calls) == 2

    monkeypatch.setattr(TransformersConverter, "convert", real_convert)
    assert load_backend("ctranslate2", str(random_model_dir), device="cpu").name == "ctranslate2"
    assert len(calls) == 3 and _failure_records(fresh_cache) == []
    assert load_backend("auto", str(random_model_dir), device="cpu").name == "ctranslate2"
    assert len(calls) == 3


def test_failure_is_remembered_per_compute_type(random_model_dir, monkeypatch, fresh_cache):
    """The record is keyed like the cache entry: another compute type is still tried."""
    from ctranslate2.converters import TransformersConverter

    def broken(self, *args, **kwargs):
        raise RuntimeError("converter exploded")

    monkeypatch.setattr(TransformersConverter, "convert", broken)
    calls = _count_conversions(monkeypatch)
    load_backend("auto", str(random_model_dir), device="cpu", compute_type="int8")
    load_backend("auto", str(random_model_dir), device="cpu", compute_type="float32")
    assert len(calls) == 2 and len(_failure_records(fresh_cache)) == 2


@pytest.mark.parametrize("content", ["{not json", "[]", '{"reason": ""}', '{"reason": 3}', ""])
def test_corrupt_failure_record_is_ignored(content, random_model_dir, monkeypatch, fresh_cache):
    """An unreadable record means "no record": ``auto`` tries the conversion again."""
    from ctranslate2.converters import TransformersConverter

    def broken(self, *args, **kwargs):
        raise RuntimeError("converter exploded")

    monkeypatch.setattr(TransformersConverter, "convert", broken)
    calls = _count_conversions(monkeypatch)
    load_backend("auto", str(random_model_dir), device="cpu")
    [record] = _failure_records(fresh_cache)
    record.write_text(content, encoding="utf-8")
    assert load_backend("auto", str(random_model_dir), device="cpu").name == "transformers"
    assert len(calls) == 2
    assert "converter exploded" in json.loads(record.read_text(encoding="utf-8"))["reason"]  # rewritten


def test_environmental_conversion_failure_is_not_remembered(random_model_dir, monkeypatch, fresh_cache):
    """A full disk says nothing about the model: the next run tries again."""
    from ctranslate2.converters import TransformersConverter

    def no_space(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(TransformersConverter, "convert", no_space)
    calls = _count_conversions(monkeypatch)
    load_backend("auto", str(random_model_dir), device="cpu")
    load_backend("auto", str(random_model_dir), device="cpu")
    assert len(calls) == 2 and _failure_records(fresh_cache) == []


def test_auto_falls_back_when_ctranslate2_is_missing(random_model_dir, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # makes "import ctranslate2" raise ImportError
    with caplog.at_level(logging.WARNING):
        backend = load_backend("auto", str(random_model_dir), device="cpu")
    _assert_one_fallback_line(caplog, backend, "pip install ctranslate2")


def test_auto_falls_back_when_the_gpu_libraries_are_missing(random_model_dir, monkeypatch, caplog):
    """A GPU that CTranslate2 sees but cannot compute on (its cuBLAS 12 missing, as beside
    a CUDA 13 PyTorch) is found at load time, so ``auto`` moves to transformers instead of
    failing in the middle of a run. The GPU is simulated: the translator is a CPU one
    whose matrix products raise what CTranslate2 raises there (seen on an H100)."""
    import ctranslate2

    real_translator = ctranslate2.Translator

    class NoCublasTranslator:
        def __init__(self, path, *, device, **kwargs):
            assert device == "cuda"
            self.inner = real_translator(path, device="cpu", **{**kwargs, "compute_type": "float32"})

        def translate_batch(self, *args, **kwargs):
            raise RuntimeError("Library libcublas.so.12 is not found or cannot be loaded")

    monkeypatch.setattr(ctranslate2, "Translator", NoCublasTranslator)
    monkeypatch.setattr(ct2, "_resolve_device", lambda device: "cuda")
    monkeypatch.setattr("selaras.backends.marian.pick_device", lambda device: "cpu")
    with caplog.at_level(logging.WARNING):
        backend = load_backend("auto", str(random_model_dir))
    _assert_one_fallback_line(caplog, backend, "libcublas.so.12")
    with pytest.raises(BackendError, match="cannot run .* on the GPU"):
        load_backend("ctranslate2", str(random_model_dir))


def test_cli_cuda_without_a_gpu_is_one_error_line(tiny_trained_model, tmp_path, monkeypatch):
    """--device cuda where neither engine sees a GPU: one Error line (PyTorch's), no
    fallback warning first, since there is nothing to fall back to."""
    import torch
    from typer.testing import CliRunner

    from selaras.cli import app

    def no_gpu(device):
        raise BackendError("no CUDA device is visible to CTranslate2; use --device cpu")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(ct2, "_resolve_device", no_gpu)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    path, pairs = tiny_trained_model
    source = tmp_path / "in.txt"
    source.write_text(pairs[0][0] + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["translate", str(source), "--lines", "--model", str(path), "--device", "cuda"])
    assert result.exit_code == 4
    assert result.stderr.splitlines() == [
        "Error: device cuda: PyTorch sees no CUDA GPU (CPU-only build or no driver); use device cpu or auto"
    ]


def test_auto_does_not_hide_a_missing_model(tmp_path):
    from selaras.errors import ModelUnavailableError

    with pytest.raises(ModelUnavailableError):
        load_backend("auto", str(tmp_path / "no-such-model"), device="cpu")


def test_fallback_is_one_stderr_line_without_logging_setup(random_model_dir, tmp_path):
    """Outside tests nothing configures logging: Python prints the warning as one line."""
    code = (
        "import sys; sys.modules['ctranslate2'] = None\n"
        "from selaras.backends import load_backend\n"
        f"b = load_backend('auto', {str(random_model_dir)!r}, device='cpu')\n"
        "print(b.name)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SELARAS_CACHE": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "transformers"
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "CTranslate2 unavailable" in proc.stderr


# --------------------------------------------------------------------------- lazy imports


def test_importing_the_cli_loads_no_engine():
    code = (
        "import sys, selaras.cli, selaras.backends, selaras.backends.ct2\n"
        "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# --------------------------------------------------------------------------- CLI


def test_cli_backend_and_compute_type(tiny_trained_model, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from selaras.cli import app

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path, pairs = tiny_trained_model
    source = tmp_path / "in.txt"
    source.write_text("".join(f"{s}\n" for s, _ in pairs), encoding="utf-8")
    runner = CliRunner()
    args = ["translate", str(source), "--lines", "--model", str(path), "--device", "cpu", "--json"]
    result = runner.invoke(app, [*args, "--backend", "ctranslate2", "--compute-type", "float32"])
    assert result.exit_code == 0, result.output
    assert [row["translation"] for row in json.loads(result.stdout)] == [t for _, t in pairs]

    result = runner.invoke(app, [*args, "--backend", "transformers", "--compute-type", "int8"])
    assert result.exit_code == 2
    result = runner.invoke(app, [*args, "--compute-type", "int3"])
    assert result.exit_code == 2


def test_cli_auto_without_ctranslate2_says_so_in_one_line(tiny_trained_model, tmp_path):
    """A real ``selaras`` process where ``import ctranslate2`` fails: it still translates
    (transformers) and says why on exactly one stderr line."""
    path, pairs = tiny_trained_model
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "ctranslate2.py").write_text("raise ImportError('ctranslate2 blocked for this test')\n")
    source = tmp_path / "in.txt"
    source.write_text(pairs[0][0] + "\n", encoding="utf-8")
    env = {"PYTHONPATH": str(blocker), "XDG_CACHE_HOME": str(tmp_path / "xdg"), "SELARAS_CACHE": str(tmp_path / "cache")}
    proc = run_selaras("translate", str(source), "--lines", "--model", str(path), "--device", "cpu", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == pairs[0][1]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "CTranslate2 unavailable" in lines[0] and "transformers" in lines[0], proc.stderr
