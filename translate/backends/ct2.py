"""The CTranslate2 backend: the same Opus-MT model, converted once, run much faster on CPU.

Why: a MarianMT model under transformers decodes step by step through PyTorch in fp32;
CTranslate2 runs the same network in C++ with int8 weights, batched beam search and
parallel batches (``scripts/bench_translate.py`` measures the difference). The outputs
are the same model's: with ``compute_type="float32"`` and greedy search the text and
scores are identical to the transformers backend (``tests/test_ct2.py``).

How it works:

1. The model is resolved exactly as the transformers backend does it
   (:func:`selaras.backends.loading.resolve_model`: a local folder, or a hub id through
   the Hugging Face cache; :func:`resolve_local_model` then fetches the files).
2. It is converted once with ``ctranslate2.converters.TransformersConverter`` into a cache
   folder (:func:`ct2_cache_dir`), one entry per (model fingerprint, CTranslate2 version,
   compute type). The weights are saved already quantized to the compute type asked
   for, so a later load reads a small file and does no work: the int8 opus-mt-id-en
   model is ~75 MB against ~290 MB in float32, which keeps loading near 0.2 s and peak
   memory under 300 MB. The price is one conversion (5-10 s, needs torch) per compute type.
3. The conversion is atomic: it is written into a temporary folder beside the cache
   entry, checked, given a manifest (``selaras-ct2.json``: size and SHA-256 of every
   file, written last) and renamed into place. An entry without a manifest, with a file
   of the wrong size or checksum, or one CTranslate2 cannot load is discarded and
   rebuilt, never used. Two processes converting at once both finish; the first rename wins.

The conversion and its cache (steps 2 and 3), with the check for the ``<pad>`` trap
of CTranslate2's Marian converter, live in :mod:`selaras.backends.ct2_cache`; its
the names callers need are re-exported here.

Tokenization mirrors ``MarianTokenizer`` with sentencepiece directly
(:class:`MarianSentencePiece`): importing transformers costs ~1 s on every load, and
the pieces and ids are the same (tested against ``MarianTokenizer``).

NLLB-200 and M2M-100 models (:mod:`selaras.backends.family`) are converted with the
same cache and checks, tokenized by :class:`MultilingualTokenizer`, and decoded with
their target-language token as ``target_prefix``, which :meth:`CTranslate2Backend._hypothesis`
removes from the pieces, the length and the attention.

Threads: :func:`default_threads`. Batching: :meth:`CTranslate2Backend._token_budget`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selaras.backends.attention import alignment_from_attention
from selaras.backends.base import Backend, Decoding, EngineInfo, Hypothesis, selaras_version
from selaras.backends.ct2_cache import (
    CACHE_FORMAT,
    MANIFEST,
    cache_key,
    ct2_cache_dir,
    discard,
    ensure_converted,
    failure_record,
    raise_known_failure,
    read_ct2_vocabulary,
    verify_cache_entry,
    zero_start_is_exact,
)
from selaras.backends.options import (
    COMPUTE_TYPES,
    GPU_COMPUTE_TYPES,
    ComputeType,
    UnsupportedComputeType,
    gpu_only_message,
)
from selaras.backends.runtime import choose_device, max_input_tokens as input_limit, usable_cpus
from selaras.errors import USE_CPU_OR_TRANSFORMERS, USE_TRANSFORMERS, BackendError

logger = logging.getLogger(__name__)

#: int8 weights with fp32 activations on CPU (the fastest on x86 and ARM); int8 weights
#: with fp16 activations on CUDA (CTranslate2 docs, "Quantization": the fastest on GPU
#: with a negligible quality change).
DEFAULT_COMPUTE_TYPE: dict[str, ComputeType] = {"cpu": "int8", "cuda": "int8_float16"}
#: Upper bound for one CTranslate2 sub-batch (what one worker decodes at a time), in
#: source tokens. Memory grows with the sentences in flight (beam 4, 30-token inputs of
#: the opus-mt-id-en architecture: ~9 MB each, mostly float32 attention caches); speed
#: grows with sub-batch size but saturates. Measured on 2 cores with 64-sentence calls
#: (scripts/bench_translate.py model): 320 tokens 28.4-29.4 sent/s, 350-358 MB peak RSS;
#: 384 tokens 27.9-28.7 sent/s, 385-391 MB; 480 tokens 29.5 sent/s, 433 MB; one
#: 32-sentence sub-batch per worker 29.5 sent/s, 672 MB. 320 keeps the CPU path well
#: under 400 MB at nearly full speed.
MAX_BATCH_TOKENS = 320


# --------------------------------------------------------------------------- tokenizer


class MarianSentencePiece:
    """``MarianTokenizer``'s pieces and ids, with sentencepiece alone (no transformers import).

    Mirrors transformers' ``MarianTokenizer``: literal special tokens in the text are
    kept whole, a leading ``>>xx<<`` language code is one token, the rest is cut by
    ``source.spm``; pieces missing from ``vocab.json`` become ``<unk>``; ``</s>`` ends
    every input. Decoding drops the special tokens and joins the pieces like
    ``batch_decode(..., skip_special_tokens=True)``.
    """

    def __init__(self, model_dir: Path) -> None:
        import sentencepiece

        config = _read_json(model_dir / "tokenizer_config.json")
        if config.get("separate_vocabs"):
            raise BackendError(f"separate source and target vocabularies are not supported; {USE_TRANSFORMERS}")
        self.eos_token = str(config.get("eos_token") or "</s>")
        self.unk_token = str(config.get("unk_token") or "<unk>")
        self.pad_token = str(config.get("pad_token") or "<pad>")
        self.vocab: dict[str, int] = _read_json(model_dir / "vocab.json")
        self.source = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
        self.target = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "target.spm"))
        self.specials = {self.eos_token, self.unk_token, self.pad_token}
        self._split = re.compile("(" + "|".join(re.escape(t) for t in sorted(self.specials, key=len, reverse=True)) + ")")

    def tokenize(self, text: str) -> list[str]:
        """Source pieces of ``text``, ``</s>`` included (unknown pieces as ``<unk>``)."""
        pieces: list[str] = []
        for part in self._split.split(text):
            if not part:
                continue
            if part in self.specials:
                pieces.append(part)
                continue
            if part.startswith(">>") and (end := part.find("<<")) != -1:
                pieces.append(part[: end + 2])
                part = part[end + 2 :]
            pieces.extend(self.source.encode(part, out_type=str))
        pieces.append(self.eos_token)
        return [p if p in self.vocab else self.unk_token for p in pieces]

    def detokenize(self, pieces: Sequence[str]) -> str:
        """Text of target pieces (special tokens dropped)."""
        kept = [p for p in pieces if p not in self.specials]
        return self.target.decode_pieces(kept).replace("\u2581", " ").strip()


class MultilingualTokenizer:
    """An NLLB-200 or M2M-100 tokenizer with :class:`MarianSentencePiece`'s interface.

    It wraps transformers' own tokenizer (``NllbTokenizer``, ``M2M100Tokenizer``; the
    import costs about a second, which these models' load time dwarfs), so the pieces,
    ids and text are exactly the transformers backend's. A source is
    ``[source code] pieces </s>``; :attr:`target_prefix` is the target code token
    that decoding is forced to start with and that :meth:`detokenize` drops, with every
    other language token (transformers 5's ``M2M100Tokenizer`` keeps them in its
    ``skip_special_tokens`` output).
    """

    def __init__(self, model_dir: Path, family: str, src_lang: str | None = None, tgt_lang: str | None = None) -> None:
        """Raises: InputError: a language code the model does not know (see
        :func:`~selaras.backends.family.choose_languages`)."""
        from selaras.backends.family import choose_languages, language_ids, vocabulary_tokens
        from selaras.backends.marian import _classes
        from selaras.backends.runtime import quiet_transformers

        with quiet_transformers():
            self.hf = _classes(family)[1].from_pretrained(str(model_dir))
        tokens = vocabulary_tokens(self.hf)
        self._hidden = {tokens[i] for i in language_ids(self.hf)}
        self.languages = choose_languages(family, src_lang, tgt_lang, self._hidden)  # type: ignore[arg-type]
        self.hf.src_lang = self.languages.src
        self.vocab: dict[str, int] = {t: i for i, t in enumerate(tokens)}
        self.eos_token = str(self.hf.eos_token)
        self.target_prefix: list[str] = [str(self.languages.tgt_token)]

    def tokenize(self, text: str) -> list[str]:
        """Source pieces of ``text``: the source code, the pieces, ``</s>``."""
        return list(self.hf.convert_ids_to_tokens(self.hf(text, verbose=False)["input_ids"]))

    def detokenize(self, pieces: Sequence[str]) -> str:
        """Text of target pieces (special and language tokens dropped)."""
        ids = [self.vocab[p] for p in pieces if p in self.vocab and p not in self._hidden]
        return str(self.hf.decode(ids, skip_special_tokens=True)).strip()


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise BackendError(f"cannot read {path} ({exc}); re-download the model") from exc


# --------------------------------------------------------------------------- backend


@dataclass(frozen=True, slots=True)
class DecodingDefaults:
    """The model's generation settings in CTranslate2's terms (from generation_config.json).

    ``max_decoding_length`` counts generated tokens. Transformers' ``max_length``
    also counts the decoder start token, and with ``forced_eos_token_id`` the last slot
    is always ``</s>``, so the text gets ``max_length - 2`` tokens in both engines
    (:meth:`from_max_length`); ``min_length`` likewise counts the start token.
    """

    beam_size: int = 1
    max_decoding_length: int = 256
    min_decoding_length: int = 0
    length_penalty: float = 1.0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    suppress_sequences: tuple[tuple[str, ...], ...] = field(default_factory=tuple)
    forced_eos: bool = False

    def from_max_length(self, max_length: int) -> int:
        """CTranslate2's ``max_decoding_length`` for transformers' ``max_length``."""
        return max(1, max_length - (2 if self.forced_eos else 1))


def read_generation_defaults(model_dir: Path, vocab: dict[str, int], kept: set[str]) -> DecodingDefaults:
    """Translate the model's ``generation_config.json`` (or ``config.json``) into CTranslate2 options.

    ``bad_words_ids`` whose tokens are all in the converted vocabulary become
    ``suppress_sequences``. On the zero-start path ``<pad>`` no longer exists after
    conversion (it cannot be generated, so ``[[pad]]`` is dropped); where it was kept,
    it is always suppressed.
    """
    generation = _read_json(model_dir / "generation_config.json") or _read_json(model_dir / "config.json")
    id_to_token = {i: t for t, i in vocab.items()}
    max_length = int(generation.get("max_length") or 20)  # 20: transformers' GenerationConfig default
    forced_eos = generation.get("forced_eos_token_id") is not None
    min_length = int(generation.get("min_length") or 0)
    bad = []
    for ids in generation.get("bad_words_ids") or []:
        tokens = tuple(id_to_token.get(i, "") for i in ids)
        if all(t in kept for t in tokens):
            bad.append(tokens)
    pad_id = generation.get("pad_token_id", _read_json(model_dir / "config.json").get("pad_token_id"))
    pad = id_to_token.get(pad_id, "<pad>")
    if pad in kept and (pad,) not in bad:  # never emit <pad>, whatever the config says
        bad.append((pad,))
    return DecodingDefaults(
        beam_size=int(generation.get("num_beams") or 1),
        max_decoding_length=max(1, max_length - (2 if forced_eos else 1)),
        min_decoding_length=max(0, min_length - 1),
        length_penalty=float(generation.get("length_penalty", 1.0)),
        repetition_penalty=float(generation.get("repetition_penalty") or 1.0),
        no_repeat_ngram_size=int(generation.get("no_repeat_ngram_size") or 0),
        suppress_sequences=tuple(bad),
        forced_eos=forced_eos,
    )


def default_threads(cpu_count: int | None = None) -> tuple[int, int]:
    """(inter_threads, intra_threads) for CPU decoding.

    Parallel batches beat threads inside one batch for sentence-sized inputs: on 2
    cores, int8 beam 4 gave 19.8 sentences/s with ``inter_threads=2, intra_threads=1``
    against 11.0 with one 2-thread translator (Selaras benchmark notes). So use up to
    4 parallel translators (the model is shared between them, memory barely grows)
    and split the remaining cores among them.
    """
    cores = max(1, cpu_count or os.cpu_count() or 1)
    inter = min(cores, 4)
    return inter, max(1, cores // inter)


@dataclass(frozen=True, slots=True)
class _Pending:
    """A batch handed to CTranslate2: its tokenized sources, the call's settings and the results
    (``AsyncTranslationResult`` futures when it was only queued)."""

    sources: list[list[str]]
    budget: int
    options: dict[str, Any]
    alignment: bool
    results: list[Any]


class CTranslate2Backend(Backend):
    """A converted Marian, NLLB-200 or M2M-100 model behind the :class:`~selaras.backends.base.Backend` protocol."""

    name = "ctranslate2"
    #: Sentences per batch (translator default). Larger batches feed both parallel
    #: workers better: on 2 cores, beam 4, the benchmark model went from 25.5 (16) to
    #: 28.3 (32) and 30.7 (64) sentences/s, and fell back to 27.5 at 200.
    default_batch_size = 64

    def __init__(
        self,
        translator: Any,
        tokenizer: MarianSentencePiece | MultilingualTokenizer,
        defaults: DecodingDefaults,
        placement: Placement,
        *,
        model_name_or_path: str,
        model_path: Path,
        max_input_tokens: int,
        max_batch_tokens: int = MAX_BATCH_TOKENS,
        fingerprint: str = "",
        shortlist: tuple[Any, Path] | None = None,
        revision: str | None = None,
    ) -> None:
        self.translator = translator
        self.tokenizer = tokenizer
        #: The forced target-language token of a multilingual model (``[]`` for Marian).
        self.target_prefix: list[str] = list(getattr(tokenizer, "target_prefix", []))
        self.languages = getattr(tokenizer, "languages", None)
        self.revision = revision
        self.defaults = defaults
        self.model_name_or_path = model_name_or_path
        self.device = placement.device
        self.compute_type = placement.compute_type
        self.max_input_tokens = max_input_tokens
        self.inter_threads = placement.inter_threads
        self.intra_threads = placement.intra_threads
        self.model_path = model_path
        #: The folder the translator loaded (``model_path``, or its copy with a shortlist's vmap).
        self.translator_path = model_path
        #: The calibration this backend runs with (selaras.backends.tuning), if any.
        self.tuning: Any = None
        self.max_batch_tokens = max_batch_tokens
        #: The vocabulary shortlist decoding is restricted to (selaras.backends.shortlist), or None,
        #: and the file it came from (``shortlist`` is ``resolve_shortlist``'s answer).
        self.shortlist = shortlist[0] if shortlist else None
        self.shortlist_path = shortlist[1] if shortlist else None
        # Another map gives other translations: checkpoints must not mix them.
        suffix = f"|shortlist:{self.shortlist.checksum}" if self.shortlist is not None else ""
        self.fingerprint = fingerprint + suffix

    def __repr__(self) -> str:
        return (
            f"CTranslate2Backend({self.model_name_or_path!r}, device={self.device!r}, "
            f"compute_type={self.compute_type!r})"
        )

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source length of each text in model tokens (incl. ``</s>``)."""
        return [len(self.tokenizer.tokenize(t)) for t in texts]

    def _translate(self, texts: Sequence[str], decoding: Decoding) -> list[Hypothesis]:
        """Translate ``texts`` in order, each with the model's log-probability.

        The :meth:`~selaras.backends.base.Backend.translate_batch` front (inherited)
        calls this with a non-empty batch. The batch is handed to CTranslate2 whole
        with a token budget (``batch_type="tokens"``, :meth:`_token_budget`), so the
        workers never idle between sub-batches while memory stays bounded.

        ``decoding.beams`` ``None`` means the model's ``num_beams``; ``max_length`` is
        transformers' (generated tokens + 1 for the decoder start, as the transformers
        backend takes it), ``None`` the model's own; ``alignment`` also returns the word
        alignment (CTranslate2's ``return_attention``; see :mod:`selaras.backends.attention`).

        Raises:
            BackendError: an input is longer than ``max_input_tokens`` (the translator
                splits long inputs first; cutting one silently would lose text).
        """
        return self._collect(self._submit(texts, decoding))

    def translate_batches(
        self, batches: Iterable[Sequence[str]], *, beams: int | None = None, max_length: int | None = None
    ) -> Iterator[list[Hypothesis]]:
        """Translate batch after batch, yielding each batch's hypotheses in order, with no idle
        workers between batches.

        :meth:`translate_batch` waits for a batch's last sub-batch before the next batch
        starts, so at the end of every batch all but one of the ``inter_threads`` workers
        idle (with 64-sentence batches of ~30 tokens on 2 workers, about a tenth of the
        time). Here the next batch is queued (CTranslate2's ``asynchronous=True``)
        before the current one is collected, so the workers go straight on. The
        sub-batches are the ones :meth:`translate_batch` would cut, so the output is the
        same. Word alignments are not offered here (they take a second pass per batch).
        """
        decoding = Decoding(beams=beams, max_length=max_length)
        pending: _Pending | None = None
        for texts in batches:
            queued = self._submit(texts, decoding, asynchronous=True) if texts else _Pending([], 0, {}, False, [])
            if pending is not None:
                yield self._collect(pending)
            pending = queued
        if pending is not None:
            yield self._collect(pending)

    def _submit(self, texts: Sequence[str], decoding: Decoding, *, asynchronous: bool = False) -> _Pending:
        """Tokenize and hand the batch to CTranslate2 (queued only, when ``asynchronous``)."""
        sources = [self.tokenizer.tokenize(t) for t in texts]
        lengths = [len(s) for s in sources]
        if max(lengths) > self.max_input_tokens:
            raise BackendError(
                f"an input has {max(lengths)} tokens, more than the model's {self.max_input_tokens}; "
                "split it first (selaras.translator does)"
            )
        budget = self._token_budget(lengths)
        options = self.decoding_options(beams=decoding.beams, max_length=decoding.max_length)
        if self.target_prefix:
            options["target_prefix"] = [list(self.target_prefix) for _ in sources]
        results = self._run_translator(sources, budget, options, decoding.alignment, asynchronous=asynchronous)
        return _Pending(sources, budget, options, decoding.alignment, results)

    def _collect(self, pending: _Pending) -> list[Hypothesis]:
        """The hypotheses of a submitted batch (waiting for it if it was queued)."""
        sources, budget, options = pending.sources, pending.budget, pending.options
        if not sources:
            return []
        results = pending.results
        if results and hasattr(results[0], "result"):  # AsyncTranslationResult: wait for each
            try:
                results = [r.result() for r in results]
            except RuntimeError as exc:
                raise self._failure(len(sources), exc) from exc
        attention = [r.attention[0] for r in results] if pending.alignment else None
        if attention is not None and options["beam_size"] > 1:
            for rows, first in zip(attention, self._first_step_attention(sources, budget)):
                if len(rows) >= len(first):
                    rows[: len(first)] = first
        penalty = options["length_penalty"]
        return [
            self._hypothesis(source, result, penalty, attention[k] if attention is not None else None)
            for k, (source, result) in enumerate(zip(sources, results))
        ]

    def _token_budget(self, lengths: Sequence[int]) -> int:
        """The sub-batch size in source tokens for one call (CTranslate2's ``max_batch_size``).

        CTranslate2 sorts the batch by length, cuts sub-batches of at most this many
        source tokens, queues them for its ``inter_threads`` workers and returns results
        in input order. The budget is the batch split evenly across the workers, at
        least the longest input and at most ``max_batch_tokens``: a small batch still
        keeps every core busy, and a large one becomes a queue of small sub-batches.
        """
        per_worker = -(-sum(lengths) // self.inter_threads)
        return max(max(lengths), min(per_worker, self.max_batch_tokens))

    def _run_translator(
        self, sources: list[list[str]], budget: int, options: dict[str, Any], alignment: bool,
        *, asynchronous: bool = False,
    ) -> list[Any]:
        """CTranslate2's results for the tokenized batch (futures when ``asynchronous``),
        its late failures as one BackendError."""
        try:
            return self.translator.translate_batch(
                sources,
                max_batch_size=budget,
                batch_type="tokens",
                return_scores=True,
                return_end_token=True,
                return_attention=alignment,
                asynchronous=asynchronous,
                **options,
            )
        except RuntimeError as exc:  # CUDA out of memory, a GPU library that fails late
            raise self._failure(len(sources), exc) from exc

    def _failure(self, count: int, exc: Exception) -> BackendError:
        return BackendError(
            f"CTranslate2 failed on {self.device} translating a batch of {count} ({exc}); "
            "use a smaller batch size, device cpu or backend transformers"
        )

    def _hypothesis(self, source: list[str], result: Any, penalty: float, attention: Any) -> Hypothesis:
        """One CTranslate2 result as a :class:`Hypothesis` (with its alignment when ``attention`` is given).

        Scores: CTranslate2 returns the sum of the tokens' log-probabilities (masked
        tokens removed before its softmax) divided by ``length ** length_penalty``, the
        length counting the ``</s>`` it chose (``finalize_hypothesis_score`` in
        ``decoding.cc``; with ``return_end_token`` that ``</s>`` shows in the result).
        The sum is recovered from it, so :attr:`Hypothesis.score` is the mean per token
        for any length penalty; at the length limit there is no ``</s>`` to count.

        A forced target prefix (a multilingual model's language token) comes back as
        the hypothesis' first token, with log-probability 0 but counted in CTranslate2's
        length: it is removed from the pieces, the length and the attention rows, and
        the source code token from the attention columns, so nothing of it is returned.
        """
        eos = self.tokenizer.eos_token
        pieces = list(result.hypotheses[0])
        length = len(pieces)
        if pieces and pieces[-1] == eos:
            pieces.pop()
        logprob = float(result.scores[0]) * (length**penalty if length else 1.0)
        skip = len(self.target_prefix) if pieces[: len(self.target_prefix)] == self.target_prefix else 0
        pieces, length = pieces[skip:], length - skip
        links: dict[str, Any] = {}
        if attention is not None:
            first = 1 if self.target_prefix else 0  # the source code token
            real = source[first:-1] if source and source[-1] == eos else source[first:]
            rows = [row[first:] for row in attention[skip:]]
            pairs, weights = alignment_from_attention(rows, len(real), len(pieces))
            links = {"alignment": pairs, "alignment_weights": weights, "source_tokens": tuple(real)}
        return Hypothesis(
            text=self.tokenizer.detokenize(pieces), tokens=tuple(pieces), logprob=logprob, length=length, **links
        )

    def _first_step_attention(self, sources: Sequence[list[str]], budget: int) -> list[list[Any]]:
        """Each source's cross-attention rows up to its first free decoding step, from greedy steps.

        With beam search, CTranslate2 4.8 returns the first step's attention of another
        sentence of the batch (that step runs before the beams are expanded; found by
        comparing with transformers, whose attention agrees with this one). The first
        step depends on the source alone, so one greedy step gives it; the later rows of
        the beam search are right. With a forced target prefix the steps through the first
        free one depend on the source and the prefix alone, so they are taken the same way.
        """
        steps = len(self.target_prefix) + 1
        first = self.translator.translate_batch(
            list(sources),
            max_batch_size=budget,
            batch_type="tokens",
            beam_size=1,
            return_attention=True,
            max_decoding_length=steps,
            max_input_length=0,
            target_prefix=[list(self.target_prefix) for _ in sources] if self.target_prefix else None,
        )
        return [list(r.attention[0][:steps]) if r.attention and r.attention[0] else [] for r in first]

    def describe(self, beams: int | None = None) -> EngineInfo:
        """The engine as it runs; ``beams=None`` reports the model's own (its generation config)."""
        import ctranslate2

        return EngineInfo(
            backend=self.name,
            model=self.model_name_or_path,
            device=self.device,
            precision=self.compute_type,
            beams=int(beams if beams is not None else self.defaults.beam_size),
            versions={"selaras": selaras_version(), "ctranslate2": str(ctranslate2.__version__)},
            shortlist=(
                f"{self.shortlist_path} (sha256 {self.shortlist.checksum[:12]})" if self.shortlist is not None else None
            ),
            **(self.languages.as_json() if self.languages is not None else {}),
            revision=self.revision,
        )

    def decoding_options(self, *, beams: int | None = None, max_length: int | None = None) -> dict[str, Any]:
        """CTranslate2 ``translate_batch`` keyword arguments for one call."""
        d = self.defaults
        options: dict[str, Any] = {
            "beam_size": beams or d.beam_size,
            "max_decoding_length": d.from_max_length(max_length) if max_length else d.max_decoding_length,
            "min_decoding_length": d.min_decoding_length,
            "length_penalty": d.length_penalty,
            "repetition_penalty": d.repetition_penalty,
            "no_repeat_ngram_size": d.no_repeat_ngram_size,
            # Inputs are checked against max_input_tokens above; never truncate silently.
            "max_input_length": 0,
        }
        if d.suppress_sequences:
            options["suppress_sequences"] = [list(s) for s in d.suppress_sequences]
        if self.shortlist is not None:
            options["use_vmap"] = True
        return options


def _probe_gpu(translator: Any, tokenizer: Any, path: Path) -> None:
    """Translate one short word on the GPU so a missing CUDA library fails at load time.

    CTranslate2's wheels link cuBLAS 12 (and cuDNN 9) at run time: a machine whose
    PyTorch brings another CUDA major version has a GPU that ``get_cuda_device_count``
    sees, loads the model, and only fails at the first matrix product, after the user's
    run has started. Failing here lets ``auto`` fall back to transformers instead.
    """
    try:
        prefix = getattr(tokenizer, "target_prefix", None)
        translator.translate_batch(
            [tokenizer.tokenize("Terima kasih.")], beam_size=1, max_decoding_length=2,
            target_prefix=[prefix] if prefix else None,
        )
    except RuntimeError as exc:
        raise BackendError(
            f"CTranslate2 cannot run {path.name} on the GPU ({exc}); "
            f"install the CUDA 12 libraries CTranslate2 needs, or {USE_CPU_OR_TRANSFORMERS}"
        ) from exc


def _resolve_device(device: str) -> str:
    import ctranslate2

    return choose_device(device, engine="CTranslate2", gpu_visible=lambda: ctranslate2.get_cuda_device_count() > 0)


def _supported_compute_types(device: str) -> set[str] | None:
    """What CTranslate2 can run on ``device`` here, or ``None`` if it cannot say."""
    import ctranslate2

    try:
        return set(ctranslate2.get_supported_compute_types(device))
    except (RuntimeError, ValueError):
        return None


def choose_compute_type(compute_type: str | None, device: str, supported: set[str] | None) -> str:
    """The compute type to convert to and run, checked before anything is converted.

    ``None`` takes :data:`DEFAULT_COMPUTE_TYPE` for the device, or the nearest type the
    device supports (float16 on a GPU without int8, float32 on a CPU without int8).
    A type asked for that the device cannot run is refused in one line: CTranslate2
    itself would only refuse it after the conversion, when loading.

    Raises:
        BackendError: an unknown compute type.
        UnsupportedComputeType: a known one this device cannot run.
    """
    if compute_type is None:
        preferred = [DEFAULT_COMPUTE_TYPE[device], "float16" if device == "cuda" else "float32", "float32"]
        return next((t for t in preferred if supported is None or t in supported), "float32")
    if compute_type not in COMPUTE_TYPES:
        raise BackendError(f"unknown compute type {compute_type!r}; choose one of: {', '.join(COMPUTE_TYPES)}")
    if device == "cpu" and compute_type in GPU_COMPUTE_TYPES:
        raise UnsupportedComputeType(gpu_only_message(compute_type))
    if supported is not None and compute_type not in supported:
        raise UnsupportedComputeType(
            f"compute type {compute_type} does not run on this {device.upper()} with CTranslate2; "
            f"it supports: {', '.join(t for t in COMPUTE_TYPES if t in supported)}"
        )
    return compute_type


#: Files the backend reads at every load (the conversion also needs the weights).
_TOKENIZER_FILES = ("config.json", "source.spm", "target.spm", "vocab.json")  # Marian; others: family.TOKENIZER_FILES
_OPTIONAL_FILES = ("generation_config.json", "tokenizer_config.json")


def resolve_local_model(model_name_or_path: str, *, with_weights: bool) -> tuple[Path, str]:
    """The local folder holding the model's files, and the fingerprint of its weights.

    Resolution is :func:`selaras.backends.loading.resolve_model`, shared with the
    transformers backend (same errors, same offline rules). A hub id is then fetched
    file by file through the Hugging Face cache into its snapshot folder: the tokenizer
    and configs always, the weights only when a conversion needs them (a converted model
    in the cache makes the ~300 MB weights unnecessary).

    Raises:
        ModelUnavailableError: the model or one of its files cannot be had.
    """
    from selaras.backends.family import TOKENIZER_FILES
    from selaras.backends.loading import model_errors, resolve_model_files

    source, family = resolve_model_files(model_name_or_path)
    files = TOKENIZER_FILES[family]  # type: ignore[index]
    if source.is_local:
        return Path(source.path_or_id), source.fingerprint
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import EntryNotFoundError, LocalEntryNotFoundError

    kwargs = source.pretrained_kwargs()
    with model_errors(source):
        folder = Path(hf_hub_download(source.path_or_id, "config.json", **kwargs)).parent
        for name in files[1:]:
            hf_hub_download(source.path_or_id, name, **kwargs)
        for name in _OPTIONAL_FILES:
            with contextlib.suppress(EntryNotFoundError, LocalEntryNotFoundError):
                hf_hub_download(source.path_or_id, name, **kwargs)
        if with_weights:
            try:
                hf_hub_download(source.path_or_id, "model.safetensors", **kwargs)
            except (EntryNotFoundError, LocalEntryNotFoundError):
                hf_hub_download(source.path_or_id, "pytorch_model.bin", **kwargs)
    return folder, source.fingerprint


def _cpu_threads(threads: int | None) -> int:
    return max(1, int(threads)) if threads else usable_cpus()


@dataclass(frozen=True, slots=True)
class CT2Options:
    """What :func:`load_ct2` takes besides the model, device and compute type.

    Attributes:
        threads: CPU threads in all (default: the CPUs this process may use), split
            into parallel translators by :func:`default_threads`.
        inter_threads, intra_threads: set CTranslate2's threading directly.
        max_input_tokens: a lower input limit than the model's (as the transformers backend).
        cache_dir: where converted models live (default :func:`ct2_cache_dir`).
        max_batch_tokens: the largest sub-batch, in source tokens.
        num_beams, max_decoding_length, min_decoding_length, length_penalty:
            override the model's generation config (lengths count generated tokens).
        retry_failed: whether to retry a conversion that failed before for this
            model, CTranslate2 version and compute type. ``auto`` passes ``False`` so it
            falls back at once instead of paying for a torch import and a doomed
            conversion on every run (see :func:`ensure_converted`).
        shortlist: a vocabulary shortlist file to decode with (``selaras.backends.shortlist``),
            ``"cached"`` (the default) for the one ``selaras shortlist build`` saved for
            this model (none if it was never built), or ``None``/``"off"`` for the full
            vocabulary. Marian models only.
        src_lang, tgt_lang: a multilingual model's language codes (default Indonesian
            to English, :mod:`selaras.backends.family`); refused for a Marian model.
        tune: on a CPU without explicit threads, run with the setting
            :mod:`selaras.backends.tuning` chose for this machine and model (measured
            once, a few seconds, on first use; ``SELARAS_TUNE=off`` also skips it).
    """

    threads: int | None = None
    inter_threads: int | None = None
    intra_threads: int | None = None
    max_input_tokens: int | None = None
    cache_dir: str | Path | None = None
    max_batch_tokens: int = MAX_BATCH_TOKENS
    num_beams: int | None = None
    max_decoding_length: int | None = None
    min_decoding_length: int | None = None
    length_penalty: float | None = None
    retry_failed: bool = True
    shortlist: str | Path | None = "cached"
    src_lang: str | None = None
    tgt_lang: str | None = None
    tune: bool = True

    def wants_tuning(self, device: str) -> bool:
        """Whether to use (or measure, the first time) the machine's tuned threads and budget:
        on a CPU, when no threads were given and ``SELARAS_TUNE`` does not turn it off."""
        from selaras.backends.tuning import tuning_disabled

        explicit = (self.threads, self.inter_threads, self.intra_threads) != (None, None, None)
        return device == "cpu" and self.tune and not explicit and not tuning_disabled()

    def thread_split(self, device: str) -> tuple[int, int]:
        """(inter_threads, intra_threads): one worker on a GPU, :func:`default_threads` on a CPU;
        ``inter_threads``/``intra_threads`` given override either."""
        if device == "cuda":
            return self.inter_threads or 1, self.intra_threads or 0
        inter, intra = default_threads(_cpu_threads(self.threads))
        return self.inter_threads or inter, self.intra_threads or intra

    def decoding(self, model_defaults: DecodingDefaults) -> DecodingDefaults:
        """The model's generation settings with the overrides given here."""
        overrides = {
            "beam_size": self.num_beams,
            "max_decoding_length": self.max_decoding_length,
            "min_decoding_length": self.min_decoding_length,
            "length_penalty": self.length_penalty,
        }
        return DecodingDefaults(
            **{**_asdict(model_defaults), **{k: v for k, v in overrides.items() if v is not None}}
        )

    def cache_root(self) -> Path:
        """The folder of converted models."""
        return Path(self.cache_dir) if self.cache_dir is not None else ct2_cache_dir()


@dataclass(frozen=True, slots=True)
class Placement:
    """Where and how CTranslate2 runs the model, settled before anything is converted."""

    device: str
    compute_type: str
    inter_threads: int
    intra_threads: int


def load_ct2(
    model_name_or_path: str,
    device: str = "auto",
    compute_type: ComputeType | None = None,
    **options: Any,
) -> CTranslate2Backend:
    """Load a MarianMT, NLLB-200 or M2M-100 model with CTranslate2, converting it on first use.

    The family is read from the model's files (:mod:`selaras.backends.family`); a
    multilingual one decodes with its target-language token as ``target_prefix``.

    Args:
        model_name_or_path: a folder or a hub id (through the Hugging Face cache).
        device: ``"auto"`` (CUDA if CTranslate2 sees a GPU), ``"cpu"`` or ``"cuda"``.
        compute_type: weight/activation type; default ``int8`` on CPU,
            ``int8_float16`` on CUDA (:data:`DEFAULT_COMPUTE_TYPE`). Checked against the
            device before any conversion (:func:`choose_compute_type`).
        options: the keyword fields of :class:`CT2Options` (threads, cache, decoding
            overrides, retry, shortlist); an unknown one is a ``TypeError``.

    Raises:
        ModelUnavailableError: the model cannot be found or downloaded.
        UnsupportedComputeType: the compute type cannot run on this device.
        BackendError: ctranslate2 is missing, the conversion failed or is not faithful.
    """
    opts = CT2Options(**options)
    try:
        import ctranslate2  # noqa: F401  (the engine itself: checked first, for one clear line)
    except ImportError as exc:
        raise BackendError(f"ctranslate2 is not installed ({exc}); run: pip install ctranslate2") from exc
    device = _resolve_device(device)
    compute_type = choose_compute_type(compute_type, device, _supported_compute_types(device))
    placement = Placement(device, compute_type, *opts.thread_split(device))

    local = resolve_local_model(model_name_or_path, with_weights=False)
    from selaras.backends.family import choose_languages, read_family

    family = read_family(local[0])
    entry = opts.cache_root() / cache_key(local[0], compute_type, local[1], family)
    # The one checksum pass of a warm load (~0.05 s for 75 MB); ensure_converted would
    # repeat it, so it runs only when this entry is not usable.
    problem = verify_cache_entry(entry)
    tokenizer: MarianSentencePiece | MultilingualTokenizer
    if family == "marian":
        choose_languages("marian", opts.src_lang, opts.tgt_lang, ())  # refuses languages for Marian
        tokenizer = MarianSentencePiece(local[0])
    else:
        tokenizer = MultilingualTokenizer(local[0], family, opts.src_lang, opts.tgt_lang)
        if opts.shortlist not in (None, "cached", "off"):
            from selaras.backends.family import refuse_shortlist

            raise refuse_shortlist(family)
    chosen = None
    if opts.shortlist is not None and family == "marian":  # checked against this vocabulary before anything loads
        from selaras.backends.shortlist import resolve_shortlist  # only when decoding with a shortlist

        chosen = resolve_shortlist(opts.shortlist, tokenizer.vocab, local[1])
    translator, path, (model_dir, fingerprint) = _open_translator(
        model_name_or_path, local, entry, problem, placement, opts, chosen, family
    )
    if device == "cuda":
        _probe_gpu(translator, tokenizer, path)
    converted = read_ct2_vocabulary(path)
    defaults = opts.decoding(read_generation_defaults(model_dir, tokenizer.vocab, set(converted)))
    if family != "marian":
        # Never emit the ids no text maps to (NLLB's and M2M-100's made-up words), as the
        # transformers backend suppresses them: the two engines decode over the same tokens.
        extra = tuple((t,) for t in converted if t not in tokenizer.vocab)
        defaults = dataclasses.replace(defaults, suppress_sequences=defaults.suppress_sequences + extra)
    languages_key = f"|{tokenizer.languages.src}>{tokenizer.languages.tgt}" if family != "marian" else ""  # type: ignore[union-attr]
    backend = CTranslate2Backend(
        translator,
        tokenizer,
        defaults,
        placement,
        model_name_or_path=model_name_or_path,
        model_path=path,
        max_input_tokens=_model_input_limit(model_dir, opts.max_input_tokens),
        max_batch_tokens=opts.max_batch_tokens,
        fingerprint=f"ctranslate2|{fingerprint}|{compute_type}{languages_key}",
        shortlist=chosen,
        revision=_hub_commit(model_dir),
    )
    backend.translator_path = _with_vmap(path, chosen)
    if opts.wants_tuning(device):
        from selaras.backends.tuning import auto_tune

        backend = auto_tune(backend)
        if opts.max_batch_tokens != MAX_BATCH_TOKENS:  # a budget given explicitly wins over the tuned one
            backend.max_batch_tokens = opts.max_batch_tokens
    return backend


def _hub_commit(model_dir: Path) -> str | None:
    """The hub commit of a model in the Hugging Face cache (``snapshots/<commit>``), else ``None``."""
    return model_dir.name if model_dir.parent.name == "snapshots" else None


def _open_translator(
    model_name_or_path: str,
    local: tuple[Path, str],
    entry: Path,
    problem: str | None,
    placement: Placement,
    opts: CT2Options,
    chosen: Any,
    family: str = "marian",
) -> tuple[Any, Path, tuple[Path, str]]:
    """A ``ctranslate2.Translator`` on the converted model, converting or rebuilding it as needed.

    A usable cache entry (``problem`` is ``None``) is loaded as it is. Otherwise the
    weights are fetched (``local`` becomes the folder with them) and the model is
    converted; an entry that passed its checksums but that CTranslate2 cannot load is
    discarded and converted once more. ``retry_failed=False`` refuses a conversion that
    failed before, before any weights are fetched.

    Returns:
        The translator, the folder it loaded, and the (model folder, fingerprint) used.
    """
    import ctranslate2  # the engine: only once a model is to be loaded

    path = entry
    with_weights = False
    for attempt in range(2):
        if problem is not None:
            if not with_weights:
                if not opts.retry_failed:  # before fetching weights that a doomed conversion would need
                    raise_known_failure(failure_record(entry.parent, entry.name))
                local = resolve_local_model(model_name_or_path, with_weights=True)
                with_weights = True
            path, _ = ensure_converted(
                local[0], placement.compute_type, fingerprint=local[1], cache_dir=entry.parent,
                retry_failed=opts.retry_failed, family=family,
            )
        try:
            translator = ctranslate2.Translator(
                str(_with_vmap(path, chosen)),
                device=placement.device,
                compute_type=placement.compute_type,
                inter_threads=placement.inter_threads,
                intra_threads=placement.intra_threads,
            )
            return translator, path, local
        except (RuntimeError, ValueError) as exc:  # e.g. an unreadable model.bin that passed the checksum
            if attempt:
                raise BackendError(f"CTranslate2 cannot load {path} ({exc}); delete it and retry") from exc
            logger.info("discarding unreadable CTranslate2 model %s: %s", path, exc)
            discard(path)
            problem = "unreadable"
    raise AssertionError("unreachable: the second attempt returns or raises")


def tune_ct2(
    options: Any, *, full: bool = False, rounds: int = 1, on_progress: Any = None
) -> Any:
    """Load ``options``' model with CTranslate2 on the CPU and measure the settings now
    (:func:`selaras.backends.tuning.tune_backend`), replacing a cached choice; the ``Tuning``.

    What ``selaras tune`` runs. ``options`` is an :class:`~selaras.backends.options.EngineOptions`;
    its beam size (the model's own when unset) and compute type are part of the key.

    Raises:
        ModelUnavailableError, BackendError: as :func:`selaras.backends.ct2.load_ct2`.
    """
    from selaras.backends.tuning import tune_backend

    engine = options.for_engine("ctranslate2")
    engine.update(device="cpu", tune=False)
    engine.pop("threads", None)
    backend = load_ct2(options.model, **engine)
    return tune_backend(backend, beams=options.beams, full=full, rounds=rounds, force=True, on_progress=on_progress)


def _model_input_limit(model_dir: Path, asked: int | None) -> int:
    """The longest input in tokens: the model's positions and tokenizer limit, or ``asked`` if lower."""
    config = _read_json(model_dir / "config.json")
    tokenizer_config = _read_json(model_dir / "tokenizer_config.json")
    return input_limit(config.get("max_position_embeddings"), tokenizer_config.get("model_max_length"), asked)


def _with_vmap(path: Path, chosen: Any) -> Path:
    """The folder to load: the converted model, or a copy of it with the shortlist's ``vmap.txt``."""
    if chosen is None:
        return path
    from selaras.backends.shortlist import model_dir_with_vmap

    return model_dir_with_vmap(path, chosen[0])


def _asdict(defaults: DecodingDefaults) -> dict[str, Any]:
    return {name: getattr(defaults, name) for name in DecodingDefaults.__dataclass_fields__}


__all__ = [
    "CACHE_FORMAT",
    "COMPUTE_TYPES",
    "DEFAULT_COMPUTE_TYPE",
    "MANIFEST",
    "MAX_BATCH_TOKENS",
    "CT2Options",
    "CTranslate2Backend",
    "ComputeType",
    "DecodingDefaults",
    "MarianSentencePiece",
    "MultilingualTokenizer",
    "Placement",
    "cache_key",
    "choose_compute_type",
    "ct2_cache_dir",
    "default_threads",
    "ensure_converted",
    "load_ct2",
    "read_ct2_vocabulary",
    "read_generation_defaults",
    "resolve_local_model",
    "tune_ct2",
    "verify_cache_entry",
    "zero_start_is_exact",
]
