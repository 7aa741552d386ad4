"""The transformers backend: Opus-MT (MarianMT), NLLB-200 and M2M-100 with PyTorch.

It loads ``MarianMTModel`` and ``MarianTokenizer`` with ``from_pretrained`` from a folder
or a hub id (see :mod:`selaras.backends.loading`), runs in eval mode under
``torch.inference_mode()``, in fp16 on CUDA and fp32 on CPU, and decodes with the
model's own generation config (Opus-MT: 6 beams, ``max_length`` 512, never ``<pad>``)
unless beams or ``max_length`` are given. NLLB-200 and M2M-100 models
(:mod:`selaras.backends.family`) load the same way with their own tokenizer; the target
language token is forced first (``forced_bos_token_id``) and removed from the text, the
tokens, the scores and the word alignment. Sorting, splitting and checkpoints live in
:mod:`selaras.translator`; this class only translates one batch.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Sequence
from typing import Any

from selaras.backends.base import Backend, Decoding, Device, EngineInfo, Hypothesis, selaras_version
from selaras.backends.family import Languages
from selaras.backends.loading import ModelSource, model_errors, resolve_model_files
from selaras.backends.runtime import choose_device, max_input_tokens as input_limit, quiet_transformers, usable_cpus
from selaras.errors import BackendError

#: Files a local MarianMT folder needs besides weights (the Opus-MT tokenizer layout).
MARIAN_FILES: tuple[str, ...] = ("config.json", "source.spm", "target.spm", "vocab.json")
#: The dtypes :func:`load_marian` takes.
DTYPES: tuple[str, ...] = ("auto", "float32", "float16")


def pick_device(device: Device) -> str:
    """``auto`` means CUDA when PyTorch sees a GPU, else CPU.

    Raises:
        BackendError: ``cuda`` was asked for but PyTorch has no usable GPU.
    """
    import torch

    return choose_device(device, engine="PyTorch", gpu_visible=torch.cuda.is_available)


def _chosen_token_recorder(keep: int) -> Any:
    """A logits processor that keeps, per decoding step and row, the ``keep`` best tokens
    and their log-probabilities, renormalised over what the other processors allow.

    It runs after the model's own processors (transformers appends user processors),
    so ``<pad>`` and other banned tokens are already at ``-inf``, as in CTranslate2,
    which masks them before its softmax. Keeping the top tokens instead of
    ``output_scores`` (every step's full-vocabulary scores: ~21 MB a step for 16
    sentences, 6 beams and Opus-MT's 54,796 tokens) keeps memory flat. A token beam
    search keeps is among the best ``2 * beams`` of its row (transformers' ``beams_to_keep``),
    so ``keep`` covers it.
    """
    import torch
    from transformers import LogitsProcessor

    class ChosenTokenRecorder(LogitsProcessor):  # type: ignore[misc]
        def __init__(self) -> None:
            self.values: list[Any] = []
            self.ids: list[Any] = []

        def __call__(self, input_ids: Any, scores: Any) -> Any:
            logprobs = torch.log_softmax(scores.float(), dim=-1)
            values, ids = logprobs.topk(min(keep, logprobs.shape[-1]), dim=-1)
            self.values.append(values)
            self.ids.append(ids)
            return scores

    return ChosenTokenRecorder()


class MarianBackend(Backend):
    """A loaded MarianMT, NLLB-200 or M2M-100 model and tokenizer (the ``transformers`` backend).

    The class keeps its first name; ``languages`` says which family it holds.

    Attributes:
        name: ``"transformers"``.
        model_name_or_path: the hub id or folder it was loaded from.
        max_input_tokens: longest input in tokens, ``</s>`` included.
        device: ``"cpu"`` or ``"cuda"``.
        dtype: the weights' dtype (``"float32"`` or ``"float16"``).
        fingerprint: identifies weights, dtype and engine, for checkpoints.
    """

    name = "transformers"
    #: Sentences per batch (translator default): fits beam 6 on CPU and small GPUs.
    default_batch_size = 16

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        source: ModelSource,
        device: str,
        max_input_tokens: int,
        languages: Languages | None = None,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.languages = languages or Languages("marian")
        self.revision = source.commit
        # Multilingual models: the forced target token (one decoding step, never returned),
        # the source code token before the pieces, and the ids never to emit (<pad>, and
        # the ids past the tokenizer's, which no text maps to; CTranslate2 suppresses the same).
        tgt = self.languages.tgt_token
        self.prefix_ids: list[int] = [int(tokenizer.convert_tokens_to_ids(tgt))] if tgt else []
        self.source_prefix = 1 if self.languages.src_token else 0
        self.suppressed_ids: list[int] = []
        self.language_ids: set[int] = set()
        if tgt:
            from selaras.backends.family import language_ids, tokenizer_size

            self.language_ids = language_ids(tokenizer)  # once: get_vocab() of NLLB's 256k tokens is not free
            known = tokenizer_size(tokenizer)
            self.suppressed_ids = [int(model.config.pad_token_id), *range(known, int(model.config.vocab_size))]
        self.model_name_or_path = source.name
        self.device = device
        self.max_input_tokens = max_input_tokens
        self.dtype = str(model.dtype).removeprefix("torch.")
        languages_key = f"|{self.languages.src}>{self.languages.tgt}" if tgt else ""  # other pair, other output
        self.fingerprint = f"{self.name}|{source.fingerprint}|{self.dtype}{languages_key}"

    def __repr__(self) -> str:
        return f"MarianBackend({self.model_name_or_path!r}, device={self.device!r}, dtype={self.dtype!r})"

    def describe(self, beams: int | None = None) -> EngineInfo:
        """The engine as it runs; ``beams=None`` reports the model's own (its generation config)."""
        import torch
        import transformers

        default = self.model.generation_config.num_beams or 1
        return EngineInfo(
            backend=self.name,
            model=self.model_name_or_path,
            device=self.device,
            precision=self.dtype,
            beams=int(beams if beams is not None else default),
            versions={
                "selaras": selaras_version(),
                "torch": str(torch.__version__),
                "transformers": str(transformers.__version__),
            },
            family=self.languages.family,
            src_lang=self.languages.src,
            tgt_lang=self.languages.tgt,
            revision=self.revision,
        )

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source length of each text in model tokens, ``</s>`` included.

        Uses the tokenizer's full path (normalisation, SentencePiece, ``</s>``), so the
        count is exactly what :meth:`translate_batch` feeds the model.
        """
        if not texts:
            return []
        # verbose=False: no "longer than the maximum" warning; the caller splits those.
        encoded = self.tokenizer(list(texts), add_special_tokens=True, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def _translate(self, texts: Sequence[str], decoding: Decoding) -> list[Hypothesis]:
        """Translate one non-empty batch, in order (the inherited
        :meth:`~selaras.backends.base.Backend.translate_batch` front calls this);
        ``None`` in ``decoding`` keeps the model's generation config.

        Each :class:`~selaras.backends.base.Hypothesis` carries the model's
        log-probability of its tokens (see there; a ``</s>`` forced at ``max_length``
        is not counted), recorded during decoding by a logits processor.
        ``decoding.alignment`` adds the word alignment (:meth:`_alignments`).

        Raises:
            BackendError: an input is longer than ``max_input_tokens`` (split it first:
                the model's positions end there, and cutting would lose text), or the
                engine failed (e.g. out of GPU memory).
        """
        batch = self.tokenizer(list(texts), return_tensors="pt", padding=True, verbose=False)
        longest = int(batch["input_ids"].shape[1])
        if longest > self.max_input_tokens:
            raise BackendError(
                f"an input has {longest} tokens, more than the model's {self.max_input_tokens}; "
                "translate it with selaras.translator.translate_sentences, which splits long inputs"
            )
        config = self._generation_config(decoding)
        width = max(1, int(config.num_beams or 1))
        recorder = _chosen_token_recorder(4 * width + 1)
        batch = {k: v.to(self.device) for k, v in batch.items()}
        output = self._generate(batch, config, recorder)
        results = self._scored(output, config, recorder, width)
        if decoding.alignment:
            results = self._alignments(batch, output.sequences, results)
        return results

    def _generation_config(self, decoding: Decoding) -> Any:
        """A copy of the model's generation config with this call's beams and length, greedy
        or beam search only (no sampling), returning a dict so beam indices come back."""
        config = copy.deepcopy(self.model.generation_config)
        if decoding.beams is not None:
            config.num_beams = decoding.beams
        if decoding.max_length is not None:
            config.max_length = decoding.max_length
            config.max_new_tokens = None
        config.do_sample = False
        config.return_dict_in_generate = True
        if self.prefix_ids:
            config.forced_bos_token_id = self.prefix_ids[0]
            config.suppress_tokens = list(self.suppressed_ids)
        return config

    def _generate(self, batch: dict[str, Any], config: Any, recorder: Any) -> Any:
        """``generate`` with the token recorder last among the logits processors; GPU memory
        running out becomes one BackendError that says what to do."""
        import torch  # heavy: loaded by load_marian, never when this module is imported
        from transformers import LogitsProcessorList  # likewise

        try:
            with torch.inference_mode():
                return self.model.generate(
                    **batch,
                    generation_config=config,
                    logits_processor=LogitsProcessorList([recorder]),
                )
        except torch.cuda.OutOfMemoryError:
            rows = int(batch["input_ids"].shape[0])
            raise BackendError(
                f"out of GPU memory translating a batch of {rows}; use a smaller batch size or device cpu"
            ) from None

    def _scored(self, output: Any, config: Any, recorder: Any, width: int) -> list[Hypothesis]:
        """Each output sequence as a Hypothesis, its log-probability summed from what the
        recorder kept along the beam the sequence came from (``beam_indices``)."""
        import torch  # heavy: loaded by load_marian, never when this module is imported

        sequences = output.sequences
        skip = len(self.prefix_ids)  # the forced target-language token: one step, never returned
        texts_out = self._decode(sequences[:, 1 + skip :].cpu().tolist())
        beam_indices = getattr(output, "beam_indices", None) if width > 1 else None
        # Plain lists once per batch: the per-token lookups below then cost no torch calls.
        values = torch.stack(recorder.values).cpu().tolist()  # [steps][rows][keep]
        ids = torch.stack(recorder.ids).cpu().tolist()
        rows = beam_indices.cpu().tolist() if beam_indices is not None else None
        limit = (config.max_new_tokens + 1) if config.max_new_tokens is not None else int(config.max_length)
        # The step at which a </s> is forced (probability 1, not counted), or none.
        forced_step = limit - 2 if config.forced_eos_token_id is not None else None
        eos = config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos])
        results = []
        for b, (sequence, text) in enumerate(zip(sequences[:, 1:].cpu().tolist(), texts_out)):
            # Lazily, in step order: a row is looked up only while the hypothesis runs.
            steps = ((t, rows[b][t] if rows is not None else b) for t in range(skip, min(len(sequence), len(values))))
            pieces, logprob, length = _sum_logprobs(sequence, steps, values, ids, eos_ids, forced_step)
            tokens = tuple(self.tokenizer.convert_ids_to_tokens(pieces))
            results.append(Hypothesis(text=text, tokens=tokens, logprob=logprob, length=length))
        return results

    def _decode(self, rows: list[list[int]]) -> list[str]:
        """The text of generated ids (after the decoder start and any forced prefix).

        A multilingual model's language tokens are dropped explicitly: transformers 5's
        ``M2M100Tokenizer`` keeps ``__en__`` in ``skip_special_tokens`` output.
        """
        if not self.prefix_ids:
            return list(self.tokenizer.batch_decode(rows, skip_special_tokens=True))
        hidden = self.language_ids
        return [self.tokenizer.decode([i for i in row if i not in hidden], skip_special_tokens=True).strip() for row in rows]

    def _alignments(self, batch: dict[str, Any], sequences: Any, results: list[Hypothesis]) -> list[Hypothesis]:
        """The hypotheses with their word alignment: one forced-decoding pass over the
        chosen outputs with ``output_attentions`` (eager attention for that pass only,
        as sdpa returns no weights), taking the last layer's first head like
        CTranslate2 (see :mod:`selaras.backends.attention`)."""
        import dataclasses

        import torch

        from selaras.backends.attention import alignment_from_attention

        previous = getattr(self.model.config, "_attn_implementation", None) or "sdpa"
        self.model.set_attn_implementation("eager")
        try:
            with torch.inference_mode():
                out = self.model(
                    input_ids=batch["input_ids"],
                    attention_mask=batch["attention_mask"],
                    decoder_input_ids=sequences,
                    output_attentions=True,
                )
        finally:
            self.model.set_attn_implementation(previous)
        heads = out.cross_attentions[-1][:, 0].float().cpu().tolist()  # [batch][target][source]
        ids = batch["input_ids"].cpu().tolist()
        mask = batch["attention_mask"].cpu().tolist()
        # Row t predicts target piece t; a forced prefix shifts the pieces' rows by its
        # length. A source code token shifts the source columns by one.
        skip, first = len(self.prefix_ids), self.source_prefix
        aligned = []
        for b, hypothesis in enumerate(results):
            real = ids[b][first : max(first, sum(mask[b]) - 1)]  # right-padded; the last real id is </s>
            rows = [row[first:] for row in heads[b][skip:]]
            pairs, weights = alignment_from_attention(rows, len(real), len(hypothesis.tokens))
            aligned.append(
                dataclasses.replace(
                    hypothesis,
                    alignment=pairs,
                    alignment_weights=weights,
                    source_tokens=tuple(self.tokenizer.convert_ids_to_tokens(real)),
                )
            )
        return aligned


def _sum_logprobs(
    sequence: Sequence[int],
    steps: Iterable[tuple[int, int]],
    values: Sequence[Any],
    ids: Sequence[Any],
    eos_ids: set[int],
    forced_step: int | None,
) -> tuple[list[int], float, int]:
    """(pieces, log-probability, scored length) of one generated sequence.

    ``steps`` pairs each decoding step with the recorder row that produced the token
    (its beam at that step); a negative row means the hypothesis ended before. The
    ``</s>`` counts unless it was forced at ``forced_step``.
    """
    pieces: list[int] = []
    logprob = 0.0
    length = 0
    for t, row in steps:
        token = sequence[t]
        if row < 0:  # beam search: this hypothesis ended before step t
            break
        if token in eos_ids:
            if t != forced_step:  # a forced </s> has probability 1
                logprob += _logprob_of(token, values[t][row], ids[t][row])
                length += 1
            break
        logprob += _logprob_of(token, values[t][row], ids[t][row])
        length += 1
        pieces.append(token)
    return pieces, logprob, length


def _logprob_of(token: int, values: Sequence[float], ids: Sequence[int]) -> float:
    """The recorded log-probability of ``token`` in one row of one step.

    A kept token is always among the recorded ones unless it ties with the last of
    them; then its log-probability is that last value.
    """
    for value, candidate in zip(values, ids):
        if candidate == token:
            return value
    return values[-1]


def load_marian(
    model_name_or_path: str,
    device: Device = "auto",
    *,
    dtype: str = "auto",
    threads: int | None = None,
    max_input_tokens: int | None = None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
) -> MarianBackend:
    """Load an Opus-MT/MarianMT, NLLB-200 or M2M-100 model with transformers.

    The family is read from the model's files (:mod:`selaras.backends.family`).

    Args:
        model_name_or_path: a folder or a hub id (e.g. ``Helsinki-NLP/opus-mt-id-en``).
        device: ``auto`` (CUDA if available), ``cpu`` or ``cuda``.
        dtype: ``auto`` (fp16 on CUDA, fp32 on CPU), ``float32`` or ``float16``.
            fp16 halves GPU memory and time; fp16 on CPU is slow, so ``auto`` avoids it.
        threads: PyTorch CPU threads; default: the CPUs this process may use
            (:func:`~selaras.backends.runtime.usable_cpus`), unless ``OMP_NUM_THREADS``
            says otherwise.
        max_input_tokens: a lower input limit than the model's (tests use it to force
            splitting); default :func:`~selaras.backends.runtime.max_input_tokens`.
        src_lang, tgt_lang: a multilingual model's language codes; default Indonesian
            to English (:data:`~selaras.backends.family.DEFAULT_LANGUAGES`).

    Raises:
        ModelUnavailableError: the model cannot be found or loaded (one line with the fix).
        InputError: languages for a Marian model, or codes the model does not know.
        BackendError: bad device or dtype, or a model type Selaras does not translate with.
    """
    if dtype not in DTYPES:
        raise BackendError(f"unknown dtype {dtype!r}; choose one of: {', '.join(DTYPES)}")
    source, family = resolve_model_files(model_name_or_path)
    if family == "marian" and (src_lang is not None or tgt_lang is not None):
        from selaras.backends.family import choose_languages

        choose_languages("marian", src_lang, tgt_lang, ())  # refuses, before torch is imported

    import torch

    where = pick_device(device)
    if dtype == "auto":
        torch_dtype = torch.float16 if where == "cuda" else torch.float32
    else:
        torch_dtype = getattr(torch, dtype)
    if where == "cpu":
        if threads is not None:
            torch.set_num_threads(max(1, threads))
        elif not os.environ.get("OMP_NUM_THREADS"):
            torch.set_num_threads(min(torch.get_num_threads(), usable_cpus()))

    model_class, tokenizer_class = _classes(family)
    with quiet_transformers(), model_errors(source):
        tokenizer = tokenizer_class.from_pretrained(source.path_or_id, **source.pretrained_kwargs())
        model = model_class.from_pretrained(source.path_or_id, dtype=torch_dtype, **source.pretrained_kwargs())
    languages = None
    if family != "marian":
        from selaras.backends.family import choose_languages, language_ids

        known = {str(t) for t in tokenizer.convert_ids_to_tokens(sorted(language_ids(tokenizer)))}
        languages = choose_languages(family, src_lang, tgt_lang, known)  # type: ignore[arg-type]
        tokenizer.src_lang = languages.src
    model.eval()
    model.to(where)
    limit = input_limit(model.config.max_position_embeddings, tokenizer.model_max_length, max_input_tokens)
    return MarianBackend(model, tokenizer, source, where, limit, languages)


def _classes(family: str) -> tuple[Any, Any]:
    """(model class, tokenizer class) of a family: NLLB and M2M-100 share the model."""
    if family == "marian":
        from transformers import MarianMTModel, MarianTokenizer

        return MarianMTModel, MarianTokenizer
    from transformers import M2M100ForConditionalGeneration

    if family == "nllb":
        from transformers import NllbTokenizer

        return M2M100ForConditionalGeneration, NllbTokenizer
    from transformers import M2M100Tokenizer

    return M2M100ForConditionalGeneration, M2M100Tokenizer
