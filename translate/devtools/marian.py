"""Build MarianMT models locally, without downloading weights: for tests and benchmarks.

Tests need real models (a real ``MarianMTModel`` + ``MarianTokenizer`` folder that
``from_pretrained`` loads exactly like a hub download) but cannot download Opus-MT.
This script makes three kinds:

* ``build_random_marian(out, preset="tiny")``: a small randomly initialised Marian with
  a real SentencePiece tokenizer. Output is gibberish but deterministic (seeded); good
  for testing batching, splitting, checkpoints and engine parity.
* ``build_random_marian(out, preset="opus-mt-id-en")``: the *exact* architecture of
  Helsinki-NLP/opus-mt-id-en (shared vocab 54,796, d_model 512, 6+6 layers, 8 heads,
  FFN 2048, swish, tied and scaled embeddings, sinusoidal positions, pad = decoder start
  = 54795, eos 0, unk 1, 512 positions, beam 6, ``bad_words_ids [[54795]]``) with random
  weights: for speed and memory measurements and conversion tests.
* ``train_tiny_marian(pairs, out)``: a tiny Marian trained on a handful of Indonesian →
  English pairs until greedy *and* beam search reproduce every pair exactly, so tests
  can assert exact English output.

As in converted Opus-MT models, the ``<pad>`` embedding row (also the decoder start)
is all zeros (``convert_marian_to_pytorch.add_emb_entries``); CTranslate2 relies on it.

The tokenizer files follow the Opus-MT layout that ``MarianTokenizer`` reads:
``source.spm`` and ``target.spm`` (SentencePiece models used only to cut text into
pieces) and one shared ``vocab.json`` (piece -> model id; ``</s>`` = 0, ``<unk>`` = 1,
``<pad>`` = last id, as in every Opus-MT conversion).

Vocabulary padding (``opus-mt-id-en`` preset): a SentencePiece model trained on a small
local corpus cannot have ~54k pieces, so the source and target models are trained as
large as the corpus allows (``hard_vocab_limit=False``) and ``vocab.json`` is filled up
with unused ``<dummy-NNNNN>`` entries to exactly 54,796 ids. The dummy ids have random
embeddings like every other id; the random model may emit them, and they decode to
SentencePiece's unknown mark. This keeps the embedding matrix, softmax size and
``pad``/``decoder_start`` id identical to the real model.

Command line (a thin CLI over this module)::

    python scripts/build_marian.py random OUT [--preset tiny|opus-mt-id-en] [--corpus FILE]
    python scripts/build_marian.py tiny-trained OUT

torch, transformers and sentencepiece are imported inside the functions, so importing
this module stays light. Everything is seeded and runs single-threaded, so a build is reproducible.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

#: The source checkout this module lies in (``translate/devtools/marian.py``).
REPO_ROOT = Path(__file__).resolve().parents[2]
#: Default corpus for the full-size preset: UD PUD Indonesian/English (CC BY-SA 3.0),
#: beside the repository, never copied into it (absent: the preset falls back to the pairs).
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "data" / "ud-pud" / "id-en.tsv"

#: Real, short Indonesian -> English pairs of different lengths (hand-written, common
#: textbook sentences). Used to train the tiny model and as a fallback corpus.
DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (
    ("Terima kasih.", "Thank you."),
    ("Apa kabar?", "How are you?"),
    ("Saya suka kopi.", "I like coffee."),
    ("Dia membaca buku di perpustakaan.", "She reads a book in the library."),
    ("Kami pergi ke pasar pada hari Minggu.", "We go to the market on Sunday."),
    (
        "Hujan turun sejak pagi, jadi jalanan sangat basah.",
        "It has been raining since morning, so the streets are very wet.",
    ),
)

Preset = Literal["tiny", "opus-mt-id-en"]

#: Helsinki-NLP/opus-mt-id-en config.json / generation_config.json (the values the
#: brief fixes; checked against the hub files of the model card).
OPUS_MT_ID_EN = {
    "vocab_size": 54796,
    "d_model": 512,
    "encoder_layers": 6,
    "decoder_layers": 6,
    "encoder_attention_heads": 8,
    "decoder_attention_heads": 8,
    "encoder_ffn_dim": 2048,
    "decoder_ffn_dim": 2048,
    "max_position_embeddings": 512,
    "num_beams": 6,
    "max_length": 512,
}
#: Small enough to build in well under a second and decode fast in tests; 128
#: positions leave room for the splitting tests to use a smaller input limit.
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
    # Wide random weights so the output depends on the input: with Marian's usual
    # 0.02 every input of a model this small decodes to the same string.
    "init_std": 0.3,
}


@dataclass(frozen=True)
class SpmPaths:
    """The tokenizer files written by :func:`train_sentencepiece`."""

    source_spm: Path
    target_spm: Path
    vocab: Path
    vocab_size: int  # ids in vocab.json, <pad> included


def _train_one_spm(texts: Sequence[str], vocab_size: int, seed: int, model_type: str) -> bytes:
    """Train a SentencePiece model in memory (single thread, seeded).

    ``hard_vocab_limit=False`` lets a small corpus give fewer pieces than asked instead
    of failing; ``character_coverage=1.0`` keeps every letter of these short texts.
    """
    import sentencepiece as spm

    spm.set_random_generator_seed(seed)
    model = io.BytesIO()
    lines = [t for t in texts if t.strip()]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=vocab_size,
        model_type=model_type,
        character_coverage=1.0,
        hard_vocab_limit=False,
        num_threads=1,
        # Marian ids come from vocab.json; the spm ids only need <unk>.
        unk_id=0,
        bos_id=-1,
        eos_id=1,
        pad_id=-1,
        unk_piece="<unk>",
        eos_piece="</s>",
        minloglevel=2,
    )
    return model.getvalue()


def _pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def train_sentencepiece(
    texts: Sequence[str],
    out_dir: str | Path,
    vocab_size: int,
    *,
    target_texts: Sequence[str] | None = None,
    pad_to: int | None = None,
    model_type: Literal["unigram", "bpe"] = "unigram",
    seed: int = 0,
) -> SpmPaths:
    """Train the Opus-MT tokenizer files: ``source.spm``, ``target.spm``, ``vocab.json``.

    Args:
        texts: source-language text (one sentence per item).
        out_dir: folder to write into (created).
        vocab_size: pieces asked of *each* SentencePiece model (a soft limit).
        target_texts: target-language text; if given, ``target.spm`` is trained on it
            (as in Opus-MT), else one model serves both sides.
        pad_to: fill ``vocab.json`` with ``<dummy-NNNNN>`` pieces up to this many ids
            (``<pad>`` included) to match a real model's vocabulary size.
        model_type: ``"unigram"`` as in Opus-MT; ``"bpe"`` for a handful of sentences,
            where unigram training collapses to single characters (6 sentences give
            ~50 pieces and 40-token sentences) while BPE reaches the asked size.
        seed: SentencePiece's random seed.

    Returns:
        The paths written and the number of ids in ``vocab.json``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    source = _train_one_spm(texts, vocab_size, seed, model_type)
    target = _train_one_spm(target_texts, vocab_size, seed, model_type) if target_texts is not None else source
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in _pieces(source) + _pieces(target):
        if piece not in vocab:
            vocab[piece] = len(vocab)
    if pad_to is not None:
        if pad_to < len(vocab) + 1:
            raise ValueError(f"pad_to={pad_to} is smaller than the trained vocabulary ({len(vocab) + 1} ids)")
        for n in range(len(vocab), pad_to - 1):
            vocab[f"<dummy-{n:05d}>"] = n
    vocab["<pad>"] = len(vocab)
    paths = SpmPaths(out / "source.spm", out / "target.spm", out / "vocab.json", len(vocab))
    paths.source_spm.write_bytes(source)
    paths.target_spm.write_bytes(target)
    paths.vocab.write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")
    return paths


def _marian_config(vocab_size: int, sizes: dict[str, int]):
    """A MarianConfig shaped like Opus-MT (swish, scaled tied embeddings, static positions)."""
    from transformers import MarianConfig

    pad = vocab_size - 1
    return MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        d_model=sizes["d_model"],
        encoder_layers=sizes["encoder_layers"],
        decoder_layers=sizes["decoder_layers"],
        encoder_attention_heads=sizes["encoder_attention_heads"],
        decoder_attention_heads=sizes["decoder_attention_heads"],
        encoder_ffn_dim=sizes["encoder_ffn_dim"],
        decoder_ffn_dim=sizes["decoder_ffn_dim"],
        max_position_embeddings=sizes["max_position_embeddings"],
        init_std=sizes.get("init_std", 0.02),
        activation_function="swish",
        scale_embedding=True,
        static_position_embeddings=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        dropout=0.1,
        attention_dropout=0.0,
        activation_dropout=0.0,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        bos_token_id=0,
        architectures=["MarianMTModel"],
    )


def _generation_config(vocab_size: int, num_beams: int, max_length: int):
    """Opus-MT's generation config: beam search that never emits ``<pad>``."""
    from transformers import GenerationConfig

    pad = vocab_size - 1
    return GenerationConfig(
        bad_words_ids=[[pad]],
        bos_token_id=0,
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        max_length=max_length,
        num_beams=num_beams,
        pad_token_id=pad,
        renormalize_logits=True,
    )


def _tokenizer(spm_paths: SpmPaths, **extra):
    """The Indonesian -> English ``MarianTokenizer`` over the files of :func:`train_sentencepiece`."""
    from transformers import MarianTokenizer

    return MarianTokenizer(
        source_spm=str(spm_paths.source_spm),
        target_spm=str(spm_paths.target_spm),
        vocab=str(spm_paths.vocab),
        source_lang="id",
        target_lang="en",
        **extra,
    )


def _save(model, spm_paths: SpmPaths, out: Path) -> Path:
    """Save weights, configs and tokenizer so ``from_pretrained(out)`` loads them."""
    model.save_pretrained(out)
    _tokenizer(spm_paths, model_max_length=model.config.max_position_embeddings).save_pretrained(out)
    return out


def _quiet_transformers() -> None:
    """Silence the 'pip install sacremoses' hint and info logs while building."""
    import warnings

    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")


def build_random_marian(
    out_dir: str | Path,
    *,
    preset: Preset = "tiny",
    corpus: Sequence[tuple[str, str]] | Sequence[str] | None = None,
    seed: int = 0,
) -> Path:
    """Write a randomly initialised Marian model with a real tokenizer to ``out_dir``.

    Args:
        out_dir: folder to write (created; existing files are overwritten).
        preset: ``"tiny"`` (fast, for tests) or ``"opus-mt-id-en"`` (the real
            architecture and vocabulary size, random weights).
        corpus: text to train SentencePiece on: (source, target) pairs or plain
            sentences used for both sides. Default: :data:`DEFAULT_PAIRS` for
            ``tiny``; :data:`DEFAULT_CORPUS` (if present, else the pairs) for the
            full preset.
        seed: seeds SentencePiece and the weight initialisation.

    Returns:
        ``out_dir`` as a Path.
    """
    import torch
    from transformers import MarianMTModel

    _quiet_transformers()
    out = Path(out_dir)
    if corpus is None:
        corpus = list(DEFAULT_PAIRS)
        if preset == "opus-mt-id-en" and DEFAULT_CORPUS.exists():
            corpus = read_corpus(DEFAULT_CORPUS)
    src_texts, tgt_texts = _split_corpus(corpus)
    if preset == "tiny":
        sizes, spm_size, pad_to, spm_type = TINY, 120, None, "bpe"
    elif preset == "opus-mt-id-en":
        # 32,000 pieces per side as in Opus-MT; a small corpus yields fewer (see module doc).
        sizes, spm_size, pad_to, spm_type = OPUS_MT_ID_EN, 32000, OPUS_MT_ID_EN["vocab_size"], "unigram"
    else:
        raise ValueError(f"unknown preset {preset!r}; choose 'tiny' or 'opus-mt-id-en'")
    spm_paths = train_sentencepiece(
        src_texts, out, spm_size, target_texts=tgt_texts, pad_to=pad_to, model_type=spm_type, seed=seed
    )
    config = _marian_config(spm_paths.vocab_size, sizes)
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    model.generation_config = _generation_config(spm_paths.vocab_size, sizes["num_beams"], sizes["max_length"])
    return _save(model, spm_paths, out)


def _split_corpus(corpus: Sequence[tuple[str, str]] | Sequence[str]) -> tuple[list[str], list[str] | None]:
    items = list(corpus)
    if items and isinstance(items[0], (tuple, list)):
        return [s for s, _ in items], [t for _, t in items]
    return [str(s) for s in items], None


def read_corpus(path: str | Path) -> list[tuple[str, str]] | list[str]:
    """Read a corpus file: a TSV with source and target columns (a header row whose
    first cell is ``sent_id`` is skipped, as in UD PUD's ``id-en.tsv``) or plain lines."""
    lines = [ln for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln.strip()]
    if lines and "\t" in lines[0]:
        rows = [ln.split("\t") for ln in lines]
        if rows[0][0] == "sent_id":
            rows = rows[1:]
        # id-en.tsv has sent_id, indonesian, english; a two-column file has source, target.
        return [(r[-2], r[-1]) for r in rows if len(r) >= 2]
    return lines


def _decodes_exactly(model, tokenizer, pairs: Sequence[tuple[str, str]], num_beams: int) -> bool:
    import torch

    sources = [s for s, _ in pairs]
    batch = tokenizer(sources, return_tensors="pt", padding=True)
    with torch.inference_mode():
        out = model.generate(**batch, num_beams=num_beams, do_sample=False)
    hyps = tokenizer.batch_decode(out, skip_special_tokens=True)
    return hyps == [t for _, t in pairs]


def train_tiny_marian(
    pairs: Sequence[tuple[str, str]] = DEFAULT_PAIRS,
    out_dir: str | Path = "tiny-marian",
    *,
    seed: int = 0,
    max_steps: int = 3000,
) -> Path:
    """Train a tiny Marian to reproduce ``pairs`` exactly, and save it to ``out_dir``.

    The model (d_model 64, 2+2 layers, ~120-piece SentencePiece per side) memorises
    the pairs with AdamW (lr 3e-3, no dropout, whole set per step). Every 25 steps it
    decodes all pairs in one padded batch, greedy and with 4 beams, and stops once both
    give exactly the targets; it then trains 25 more steps for a safety margin so tiny
    float differences (other CPUs, batch shapes) cannot flip a token.

    Raises:
        RuntimeError: if ``max_steps`` pass without an exact reproduction.
    """
    import torch
    from transformers import MarianMTModel

    _quiet_transformers()
    out = Path(out_dir)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # reproducible float sums; this model is too small to gain from more
    try:
        spm_paths = train_sentencepiece(
            [s for s, _ in pairs], out, 120, target_texts=[t for _, t in pairs], model_type="bpe", seed=seed
        )
        sizes = dict(TINY, d_model=64, encoder_ffn_dim=128, decoder_ffn_dim=128, max_length=32, init_std=0.02)
        config = _marian_config(spm_paths.vocab_size, sizes)
        config.dropout = 0.0
        torch.manual_seed(seed)
        model = MarianMTModel(config)
        model.generation_config = _generation_config(spm_paths.vocab_size, 4, sizes["max_length"])
        tokenizer = _tokenizer(spm_paths)
        batch = tokenizer(
            [s for s, _ in pairs], text_target=[t for _, t in pairs], return_tensors="pt", padding=True
        )
        # Padded label positions must not count in the loss (-100 is the ignore index).
        batch["labels"][batch["labels"] == config.pad_token_id] = -100
        optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
        extra = None
        for step in range(1, max_steps + 1):
            model.train()
            loss = model(**batch).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            with torch.no_grad():
                # Opus-MT conversions append <pad> as an all-zero embedding row
                # (convert_marian_to_pytorch.add_emb_entries); the tied output layer
                # would train it, so keep it zero like the real models.
                model.get_input_embeddings().weight[config.pad_token_id].zero_()
            if extra is not None:
                extra -= 1
                if extra == 0:
                    break
            elif step % 25 == 0:
                model.eval()
                if all(_decodes_exactly(model, tokenizer, pairs, beams) for beams in (1, 4)):
                    extra = 25
        else:
            raise RuntimeError(f"tiny Marian did not learn the pairs in {max_steps} steps")
        model.eval()
        if not all(_decodes_exactly(model, tokenizer, pairs, beams) for beams in (1, 4)):
            raise RuntimeError("tiny Marian lost the pairs during the margin steps")
        return _save(model, spm_paths, out)
    finally:
        torch.set_num_threads(threads)
