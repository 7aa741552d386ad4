"""What both engines need from the machine and the model folder, written once.

CPU threads (:func:`usable_cpus`), the device (:func:`choose_device`), transformers'
quiet loading (:func:`quiet_transformers`) and the input limit
(:func:`max_input_tokens`). Nothing here imports torch, transformers or ctranslate2 at
module level.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Iterator

from selaras.errors import BackendError

#: ``tokenizer.model_max_length`` is a huge sentinel (``int(1e30)``) when a tokenizer sets
#: none; below this we trust it as a real limit.
SANE_MAX_LENGTH = 1_000_000
#: Marian's ``max_position_embeddings`` when a config names none (``MarianConfig`` default).
MARIAN_MAX_POSITIONS = 512
#: The cgroup v2 CPU quota: ``"<quota> <period>"`` or ``"max <period>"``.
CGROUP_CPU_MAX = "/sys/fs/cgroup/cpu.max"


def usable_cpus(cpu_max: str = CGROUP_CPU_MAX) -> int:
    """CPUs this process may use: the affinity mask, capped by a cgroup v2 CPU quota.

    ``torch`` defaults to the number of physical cores of the host, which oversubscribes
    a container limited by quota (``/sys/fs/cgroup/cpu.max``, e.g. ``200000 100000`` = 2).
    """
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        count = os.cpu_count() or 1
    with contextlib.suppress(OSError, ValueError):
        with open(cpu_max, encoding="ascii") as handle:
            quota, period = handle.read().split()[:2]
        if quota != "max":
            count = min(count, max(1, int(quota) // int(period)))
    return max(1, count)


def choose_device(device: str, *, engine: str, gpu_visible: Callable[[], bool]) -> str:
    """``auto`` means CUDA when the engine sees a GPU, else CPU.

    Args:
        device: ``auto``, ``cpu`` or ``cuda``.
        engine: who looks for the GPU, for the message (``PyTorch``, ``CTranslate2``).
        gpu_visible: asks the engine, called only when the answer matters.

    Raises:
        BackendError: ``cuda`` was asked for but the engine sees no GPU, or the device
            is unknown.
    """
    if device == "auto":
        return "cuda" if gpu_visible() else "cpu"
    if device not in ("cpu", "cuda"):
        raise BackendError(f"unknown device {device!r}; choose auto, cpu or cuda")
    if device == "cuda" and not gpu_visible():
        raise BackendError(
            f"device cuda: {engine} sees no CUDA GPU (CPU-only build or no driver); use device cpu or auto"
        )
    return device


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


def max_input_tokens(max_positions: object, tokenizer_limit: object, lower: int | None = None) -> int:
    """The longest input a model takes, in tokens with ``</s>``.

    The rule both engines use: the model's position table
    (``max_position_embeddings``, :data:`MARIAN_MAX_POSITIONS` if unset), or the
    tokenizer's ``model_max_length`` if that is a real, smaller limit, or ``lower``
    (a caller's own cap) if smaller still.

    Raises:
        BackendError: the limit leaves no room for text (one token is ``</s>``).
    """
    limit = int(max_positions) if isinstance(max_positions, int) and max_positions > 0 else MARIAN_MAX_POSITIONS
    if isinstance(tokenizer_limit, int) and 0 < tokenizer_limit < SANE_MAX_LENGTH:
        limit = min(limit, tokenizer_limit)
    if lower is not None:
        limit = min(limit, int(lower))
    if limit < 2:
        raise BackendError(f"max_input_tokens={limit} leaves no room for text (one token is </s>)")
    return limit


__all__ = ["CGROUP_CPU_MAX", "SANE_MAX_LENGTH", "choose_device", "max_input_tokens", "quiet_transformers", "usable_cpus"]
