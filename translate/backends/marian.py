"""The transformers backend: Opus-MT (MarianMT) with PyTorch.

It loads ``MarianMTModel`` and ``MarianTokenizer`` with ``from_pretrained`` from a folder
or a hub id (see :mod:`translate.backends.loading`), runs in eval mode under
``torch.inference_mode()``, in fp16 on CUDA and fp32 on CPU, and decodes with the
model's own generation config (Opus-MT: 6 beams, ``max_length`` 512, never ``<pad>``)
unless beams or ``max_length`` are given. Sorting, splitting and checkpoints live in
:mod:`translate.translator`; this class only translates one batch.
"""

from __future__ import annotations

import contextlib
import copy
import os
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from translate.backends.base import Device
from translate.backends.loading import ModelSource, model_errors, resolve_model
from translate.errors import BackendError

#: Files a local MarianMT folder needs besides weights (the Opus-MT tokenizer layout).
MARIAN_FILES: tuple[str, ...] = ("config.json", "source.spm", "target.spm", "vocab.json")
#: ``tokenizer.model_max_length`` is a huge sentinel (``int(1e30)``) when a tokenizer sets
#: none; below this we trust it as a real limit.
_SANE_MAX_LENGTH = 1_000_000


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """Keep transformers' loading chatter off the terminal while loading.

    Hides the "Loading weights" bar, info logs and the "pip install sacremoses" hint
    (the tokenizer then skips Moses punctuation normalisation, as it says), and
    restores the library's settings afterwards so notebook users keep theirs.
    """
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    bar = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
            yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bar:
            hf_logging.enable_progress_bar()


def usable_cpus() -> int:
    """CPUs this process may use: the affinity mask, capped by a cgroup v2 CPU quota.

    ``torch`` defaults to the number of physical cores of the host, which oversubscribes
    a container limited by quota (``/sys/fs/cgroup/cpu.max``, e.g. ``200000 100000`` = 2).
    """
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        count = os.cpu_count() or 1
    with contextlib.suppress(OSError, ValueError):
        quota, period = open("/sys/fs/cgroup/cpu.max", encoding="ascii").read().split()[:2]
        if quota != "max":
            count = min(count, max(1, int(int(quota) // int(period))))
    return max(1, count)


def pick_device(device: Device) -> str:
    """``auto`` means CUDA when PyTorch sees a GPU, else CPU.

    Raises:
        BackendError: ``cuda`` was asked for but PyTorch has no usable GPU.
    """
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise BackendError(
            "--device cuda: PyTorch sees no CUDA GPU (CPU-only build or no driver); use --device cpu or auto"
        )
    if device not in ("cpu", "cuda"):
        raise BackendError(f"unknown device {device!r}; choose auto, cpu or cuda")
    return device


class MarianBackend:
    """A loaded MarianMT model and tokenizer (the ``transformers`` backend).

    Attributes:
        name: ``"transformers"``.
        model_name_or_path: the hub id or folder it was loaded from.
        max_input_tokens: longest input in tokens, ``</s>`` included.
        device: ``"cpu"`` or ``"cuda"``.
        fingerprint: identifies weights, dtype and engine, for checkpoints.
    """

    name = "transformers"
    #: Sentences per batch (translator default): fits beam 6 on CPU and small GPUs.
    default_batch_size = 16

    def __init__(self, model: Any, tokenizer: Any, source: ModelSource, device: str, max_input_tokens: int) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.model_name_or_path = source.name
        self.device = device
        self.max_input_tokens = max_input_tokens
        self.dtype = str(model.dtype).removeprefix("torch.")
        self.fingerprint = f"{self.name}|{source.fingerprint}|{self.dtype}"

    def __repr__(self) -> str:
        return f"MarianBackend({self.model_name_or_path!r}, device={self.device!r}, dtype={self.dtype!r})"

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

    def translate_batch(
        self,
        texts: Sequence[str],
        *,
        beams: int | None = None,
        max_length: int | None = None,
    ) -> list[str]:
        """Translate one batch, in order; ``None`` keeps the model's generation config.

        Raises:
            BackendError: an input is longer than ``max_input_tokens`` (split it first:
                the model's positions end there, and cutting would lose text), or the
                engine failed (e.g. out of GPU memory).
        """
        import torch

        if not texts:
            return []
        batch = self.tokenizer(list(texts), return_tensors="pt", padding=True, verbose=False)
        longest = int(batch["input_ids"].shape[1])
        if longest > self.max_input_tokens:
            raise BackendError(
                f"an input has {longest} tokens, more than the model's {self.max_input_tokens}; "
                "translate it with translate.translator.translate_sentences, which splits long inputs"
            )
        config = copy.deepcopy(self.model.generation_config)
        if beams is not None:
            config.num_beams = beams
        if max_length is not None:
            config.max_length = max_length
        config.do_sample = False
        batch = {k: v.to(self.device) for k, v in batch.items()}
        try:
            with torch.inference_mode():
                output = self.model.generate(**batch, generation_config=config)
        except torch.cuda.OutOfMemoryError:
            raise BackendError(
                f"out of GPU memory translating a batch of {len(texts)}; use a smaller --batch-size or --device cpu"
            ) from None
        return self.tokenizer.batch_decode(output, skip_special_tokens=True)


def load_marian(
    model_name_or_path: str,
    device: Device = "auto",
    *,
    dtype: str = "auto",
    threads: int | None = None,
    max_input_tokens: int | None = None,
    **options: object,
) -> MarianBackend:
    """Load an Opus-MT/MarianMT model with transformers.

    Args:
        model_name_or_path: a folder or a hub id (e.g. ``Helsinki-NLP/opus-mt-id-en``).
        device: ``auto`` (CUDA if available), ``cpu`` or ``cuda``.
        dtype: ``auto`` (fp16 on CUDA, fp32 on CPU), ``float32`` or ``float16``.
            fp16 halves GPU memory and time; fp16 on CPU is slow, so ``auto`` avoids it.
        threads: PyTorch CPU threads; default: the CPUs this process may use
            (:func:`usable_cpus`), unless ``OMP_NUM_THREADS`` says otherwise.
        max_input_tokens: a lower input limit than the model's (tests use it to force
            splitting); default ``min(max_position_embeddings, tokenizer.model_max_length)``.
        options: other backends' options (e.g. ``compute_type``) are refused.

    Raises:
        ModelUnavailableError: the model cannot be found or loaded (one line with the fix).
        BackendError: bad device/dtype or unknown options.
    """
    if options:
        raise BackendError(
            f"the transformers backend does not take {', '.join(sorted(options))}; "
            "those options belong to another backend (e.g. --backend ctranslate2)"
        )
    source = resolve_model(model_name_or_path, required_files=MARIAN_FILES)

    import torch
    from transformers import MarianMTModel, MarianTokenizer

    where = pick_device(device)
    if dtype == "auto":
        torch_dtype = torch.float16 if where == "cuda" else torch.float32
    elif dtype in ("float32", "float16"):
        torch_dtype = getattr(torch, dtype)
    else:
        raise BackendError(f"unknown dtype {dtype!r}; choose auto, float32 or float16")
    if where == "cpu":
        if threads is not None:
            torch.set_num_threads(max(1, threads))
        elif not os.environ.get("OMP_NUM_THREADS"):
            torch.set_num_threads(min(torch.get_num_threads(), usable_cpus()))

    with quiet_transformers(), model_errors(source):
        tokenizer = MarianTokenizer.from_pretrained(source.path_or_id, **source.pretrained_kwargs())
        model = MarianMTModel.from_pretrained(source.path_or_id, dtype=torch_dtype, **source.pretrained_kwargs())
    model.eval()
    model.to(where)
    limit = int(model.config.max_position_embeddings)
    if tokenizer.model_max_length and tokenizer.model_max_length < _SANE_MAX_LENGTH:
        limit = min(limit, int(tokenizer.model_max_length))
    if max_input_tokens is not None:
        limit = min(limit, int(max_input_tokens))
    if limit < 2:
        raise BackendError(f"max_input_tokens={limit} leaves no room for text (one token is </s>)")
    return MarianBackend(model, tokenizer, source, where, limit)
