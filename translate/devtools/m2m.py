"""Build NLLB-200 and M2M-100 architecture models locally, without downloading weights.

Both families are ``M2M100ForConditionalGeneration`` in transformers; they differ in
their tokenizer conventions, which is what Selaras must get right:

* **NLLB** (``NllbTokenizer``, one ``tokenizer.json``): ``<s> <pad> </s> <unk>`` are ids
  0-3, the SentencePiece pieces follow, then ``<mask>`` and the 202 FLORES-200 codes
  (``ind_Latn``, ``eng_Latn``, ...) as special tokens. A source is
  ``[src_code] pieces </s>``; the decoder starts from ``</s>`` and the target code is
  forced as its first token (``forced_bos_token_id``). The model's vocabulary has two
  ids more than the tokenizer (256,206 against 256,204 in nllb-200-distilled-600M).
* **M2M-100** (``M2M100Tokenizer``: ``vocab.json`` + ``sentencepiece.bpe.model``): the
  same four specials, the pieces, then the 100 language tokens ``__id__``, ``__en__``...
  after the vocabulary, and 8 "made-up words" the model has but the tokenizer does not
  (128,112 = 128,004 + 100 + 8 in m2m100_418M). Sources are ``[__src__] pieces </s>``.

Presets: ``tiny`` (seconds to build, for tests; wide random weights so the output
depends on the input) and ``real`` (the dimensions of nllb-200-distilled-600M and
m2m100_418M: d_model 1024, 12+12 layers, 16 heads, FFN 4096, 1024 positions, their
vocabulary sizes; for the speed and memory figures of the README). The SentencePiece
model is trained on the local corpus, so a real-size model's tokenizer is small and the
rest of its vocabulary are ids no text maps to (both engines never emit ids past the
tokenizer's, see :mod:`selaras.backends.family`).

``train_tiny_m2m(family, pairs, out)`` trains a tiny model of either family until greedy
and beam search reproduce the pairs, so format and seed tests read real words.

Command line: ``python scripts/build_marian.py random-nllb OUT [--preset tiny|real]``,
``random-m2m100``, ``tiny-trained-nllb``, ``tiny-trained-m2m100``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from selaras.backends.family import language_ids, tokenizer_size
from selaras.devtools.marian import DEFAULT_CORPUS, DEFAULT_PAIRS, _quiet_transformers, _split_corpus, read_corpus

Family = Literal["nllb", "m2m100"]
Preset = Literal["tiny", "real"]

#: nllb-200-distilled-600M's config.json (hub file of the model card): d_model 1024,
#: 12+12 layers, 16 heads, FFN 4096, relu, scaled embeddings, 1024 positions, vocab 256,206;
#: its generation_config.json sets max_length 200 and no beams (greedy).
NLLB_600M = {
    "vocab_size": 256206,
    "d_model": 1024,
    "encoder_layers": 12,
    "decoder_layers": 12,
    "encoder_attention_heads": 16,
    "decoder_attention_heads": 16,
    "encoder_ffn_dim": 4096,
    "decoder_ffn_dim": 4096,
    "max_position_embeddings": 1024,
    "num_beams": 1,
    "max_length": 200,
}
#: m2m100_418M's config.json: the same dimensions, vocab 128,112, beam 5, max_length 200.
M2M100_418M = dict(NLLB_600M, vocab_size=128112, num_beams=5)
#: Small enough to build in about a second and decode fast in tests.
TINY = {
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 4,
    "decoder_attention_heads": 4,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 64,
    "max_position_embeddings": 128,
    "num_beams": 4,
    "max_length": 24,
    "init_std": 0.3,  # as the tiny Marian: with 0.02 every input decodes to the same string
}
#: Ids the model has beyond its tokenizer, per family (see the module doc).
EXTRA_IDS = {"nllb": 2, "m2m100": 8}


def _train_spm(texts: Sequence[str], vocab_size: int, seed: int) -> bytes:
    """A BPE SentencePiece model in fairseq's id layout (``<unk>`` 0, ``<s>`` 1, ``</s>`` 2)."""
    import sentencepiece as spm

    spm.set_random_generator_seed(seed)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([t for t in texts if t.strip()]),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="bpe",
        character_coverage=1.0,
        hard_vocab_limit=False,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def write_tokenizer(family: Family, texts: Sequence[str], out: Path, *, vocab_size: int = 160, seed: int = 0, max_length: int = 128):
    """Train SentencePiece on ``texts`` and save the family's tokenizer into ``out``.

    Returns:
        The tokenizer (``NllbTokenizer`` or ``M2M100Tokenizer``), loaded back from ``out``.
    """
    import sentencepiece as spm

    out.mkdir(parents=True, exist_ok=True)
    for stale in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json"):
        (out / stale).unlink(missing_ok=True)  # from_pretrained(out) below would read them
    model = _train_spm(texts, vocab_size, seed)
    (out / "sentencepiece.bpe.model").write_bytes(model)
    if family == "nllb":
        from transformers import NllbTokenizer
        from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

        # From the SentencePiece file transformers builds the fast tokenizer (the codes
        # must be named: from a bare file it adds none); save_pretrained writes tokenizer.json.
        tokenizer = NllbTokenizer.from_pretrained(
            str(out), src_lang="ind_Latn", tgt_lang="eng_Latn", model_max_length=max_length,
            additional_special_tokens=list(FAIRSEQ_LANGUAGE_CODES),
        )
        tokenizer.save_pretrained(out)
        (out / "sentencepiece.bpe.model").unlink()  # tokenizer.json holds it all
        return NllbTokenizer.from_pretrained(str(out))
    if family == "m2m100":
        from transformers import M2M100Tokenizer

        processor = spm.SentencePieceProcessor(model_proto=model)
        vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
        for i in range(processor.get_piece_size()):
            vocab.setdefault(processor.id_to_piece(i), len(vocab))
        (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")
        tokenizer = M2M100Tokenizer(
            vocab_file=str(out / "vocab.json"),
            spm_file=str(out / "sentencepiece.bpe.model"),
            src_lang="id",
            tgt_lang="en",
            model_max_length=max_length,
        )
        tokenizer.save_pretrained(out)
        return M2M100Tokenizer.from_pretrained(str(out))
    raise ValueError(f"unknown family {family!r}; choose 'nllb' or 'm2m100'")


def _damp_language_rows(model, tokenizer) -> None:
    """Shrink the (tied) embedding rows of the language codes in a random model.

    A tiny random model with ~200 codes among ~360 ids otherwise emits mostly codes,
    which decode to nothing; a trained model never emits one after the forced first
    token, so the random one should not either for tests to see text.
    """
    import torch

    with torch.no_grad():
        rows = model.get_input_embeddings().weight
        rows[sorted(language_ids(tokenizer))] *= 0.05


def _config(vocab_size: int, sizes: dict):
    """An M2M100Config as the hub's NLLB and M2M-100 ones: relu, pre-norm, scaled tied embeddings."""
    from transformers import M2M100Config

    return M2M100Config(
        vocab_size=vocab_size,
        d_model=sizes["d_model"],
        encoder_layers=sizes["encoder_layers"],
        decoder_layers=sizes["decoder_layers"],
        encoder_attention_heads=sizes["encoder_attention_heads"],
        decoder_attention_heads=sizes["decoder_attention_heads"],
        encoder_ffn_dim=sizes["encoder_ffn_dim"],
        decoder_ffn_dim=sizes["decoder_ffn_dim"],
        max_position_embeddings=sizes["max_position_embeddings"],
        init_std=sizes.get("init_std", 0.02),
        activation_function="relu",
        scale_embedding=True,
        dropout=0.1,
        attention_dropout=0.0,
        activation_dropout=0.0,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        tie_word_embeddings=True,
        architectures=["M2M100ForConditionalGeneration"],
    )


def _generation_config(sizes: dict):
    from transformers import GenerationConfig

    return GenerationConfig(
        bos_token_id=0,
        decoder_start_token_id=2,
        eos_token_id=2,
        pad_token_id=1,
        max_length=sizes["max_length"],
        num_beams=sizes["num_beams"],
    )


def _corpus_texts(corpus, preset: Preset) -> list[str]:
    if corpus is None:
        corpus = list(DEFAULT_PAIRS)
        if preset == "real" and DEFAULT_CORPUS.exists():
            corpus = read_corpus(DEFAULT_CORPUS)
    sources, targets = _split_corpus(corpus)
    return sources + (targets or [])


def build_random_m2m(
    out_dir: str | Path,
    family: Family = "nllb",
    *,
    preset: Preset = "tiny",
    corpus: Sequence[tuple[str, str]] | Sequence[str] | None = None,
    seed: int = 0,
) -> Path:
    """Write a randomly initialised NLLB- or M2M-100-architecture model to ``out_dir``.

    Args:
        out_dir: folder to write (created; existing files are overwritten).
        family: ``"nllb"`` or ``"m2m100"`` (the tokenizer conventions, see the module doc).
        preset: ``"tiny"`` (tests) or ``"real"`` (nllb-200-distilled-600M or m2m100_418M sizes).
        corpus: text for SentencePiece; default :data:`DEFAULT_PAIRS` (``tiny``) or
            :data:`DEFAULT_CORPUS` (``real``, if present).
        seed: seeds SentencePiece and the weights.

    Returns:
        ``out_dir`` as a Path.
    """
    import torch
    from transformers import M2M100ForConditionalGeneration

    _quiet_transformers()
    out = Path(out_dir)
    if preset == "tiny":
        sizes, spm_size = dict(TINY), 160
    elif preset == "real":
        sizes, spm_size = dict(NLLB_600M if family == "nllb" else M2M100_418M), 8000
    else:
        raise ValueError(f"unknown preset {preset!r}; choose 'tiny' or 'real'")
    tokenizer = write_tokenizer(
        family, _corpus_texts(corpus, preset), out, vocab_size=spm_size, seed=seed,
        max_length=sizes["max_position_embeddings"],
    )
    vocab_size = sizes.get("vocab_size") or tokenizer_size(tokenizer) + EXTRA_IDS[family]
    config = _config(vocab_size, sizes)
    torch.manual_seed(seed)
    model = M2M100ForConditionalGeneration(config).eval()
    if preset == "tiny":
        _damp_language_rows(model, tokenizer)
    model.generation_config = _generation_config(sizes)
    model.save_pretrained(out)
    return out


def train_tiny_m2m(
    family: Family = "nllb",
    pairs: Sequence[tuple[str, str]] = DEFAULT_PAIRS,
    out_dir: str | Path = "tiny-m2m",
    *,
    seed: int = 0,
    max_steps: int = 3000,
) -> Path:
    """Train a tiny model of ``family`` until greedy and 4-beam search reproduce ``pairs``.

    As :func:`selaras.devtools.marian.train_tiny_marian` (AdamW, lr 3e-3, the whole set
    per step, checked every 25 steps, 25 steps of margin), with the family's language
    codes: sources tokenized with the Indonesian code, labels starting with the English
    one, which generation forces.

    Raises:
        RuntimeError: if ``max_steps`` pass without an exact reproduction.
    """
    import torch
    from transformers import M2M100ForConditionalGeneration

    _quiet_transformers()
    out = Path(out_dir)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        tokenizer = write_tokenizer(family, [s for s, _ in pairs] + [t for _, t in pairs], out, vocab_size=160, seed=seed)
        src, tgt = ("ind_Latn", "eng_Latn") if family == "nllb" else ("id", "en")
        tokenizer.src_lang, tokenizer.tgt_lang = src, tgt
        sizes = dict(TINY, d_model=64, encoder_ffn_dim=128, decoder_ffn_dim=128, max_length=32, init_std=0.02)
        config = _config(tokenizer_size(tokenizer) + EXTRA_IDS[family], sizes)
        config.dropout = 0.0
        torch.manual_seed(seed)
        model = M2M100ForConditionalGeneration(config)
        model.generation_config = _generation_config(sizes)
        batch = tokenizer([s for s, _ in pairs], text_target=[t for _, t in pairs], return_tensors="pt", padding=True)
        batch["labels"][batch["labels"] == config.pad_token_id] = -100
        forced = tokenizer.convert_tokens_to_ids(tgt if family == "nllb" else f"__{tgt}__")
        optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)

        def exact(beams: int) -> bool:
            encoded = tokenizer([s for s, _ in pairs], return_tensors="pt", padding=True)
            with torch.inference_mode():
                generated = model.generate(**encoded, num_beams=beams, do_sample=False, forced_bos_token_id=forced)
            # After the decoder start and the forced code: transformers 5's M2M100Tokenizer
            # keeps __en__ in skip_special_tokens output.
            texts = tokenizer.batch_decode(generated[:, 2:], skip_special_tokens=True)
            return [t.strip() for t in texts] == [t for _, t in pairs]

        extra = None
        for step in range(1, max_steps + 1):
            model.train()
            model(**batch).loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            if extra is not None:
                extra -= 1
                if extra == 0:
                    break
            elif step % 25 == 0:
                model.eval()
                if exact(1) and exact(4):
                    extra = 25
        else:
            raise RuntimeError(f"tiny {family} model did not learn the pairs in {max_steps} steps")
        model.eval()
        if not (exact(1) and exact(4)):
            raise RuntimeError(f"tiny {family} model lost the pairs during the margin steps")
        model.save_pretrained(out)
        return out
    finally:
        torch.set_num_threads(threads)


__all__ = ["EXTRA_IDS", "M2M100_418M", "NLLB_600M", "TINY", "build_random_m2m", "train_tiny_m2m", "write_tokenizer"]
