"""Sentence embeddings as one more view of the bead score (meaning, not surface).

Embeddings of a multilingual encoder (``selaras.embed``) put a sentence and its
translation close together, but every pair of one document also shares a large common
direction (e5 gives unrelated sentences cosines of 0.7-0.8). Subtracting each side's
mean row (per document) removes it, so a random pair is near 0 and a translation well
above. The centred rows are stored as CSR matrices because the scorer (``costs``) sums
and multiplies any view's rows the same way: a bead's vector is the sum of its
sentences' rows, like the n-gram and anchor views.

Overlap embeddings (Vecalign's overlaps, Bertalign's runs) are the other way to score a
merged side: embed the *text* of every run of 2..k consecutive sentences as one
sentence (``run_texts``) and compare the run vectors directly (``overlap_runs`` centres
and normalises them per run length; ``costs.BandScorer`` mixes their cosine with the
summed one by ``ScoreParams.overlap_mix``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse


def centre(vectors: np.ndarray) -> np.ndarray:
    """Rows minus their mean row (float64); empty input stays empty."""
    v = np.asarray(vectors, dtype=np.float64)
    if len(v) == 0:
        return v
    return v - v.mean(axis=0, keepdims=True)


def dense_view(src: np.ndarray, tgt: np.ndarray) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """The centred rows of both sides as CSR matrices, ready for ``costs.BandScorer``."""
    return sparse.csr_matrix(centre(src)), sparse.csr_matrix(centre(tgt))


def run_texts(sentences: list[str] | tuple[str, ...], length: int) -> list[str]:
    """The texts of every run of ``length`` consecutive sentences, joined by a space, in
    order of their last sentence (run ``e`` is sentences ``e .. e + length - 1``)."""
    return [" ".join(sentences[e : e + length]) for e in range(len(sentences) - length + 1)]


def overlap_runs(single: np.ndarray, runs: Sequence[np.ndarray]) -> list[np.ndarray | None]:
    """Per run length ``a`` (list index; 0 unused): centred, unit-length run vectors with
    one row per run *end* ``e = 0 .. n`` (row ``e`` = sentences ``e - a .. e - 1``; zero
    where ``e < a``), so ``costs.BandScorer`` can look a bead's side up by its end node.

    ``single`` are the sentence rows, ``runs[a - 2]`` the rows of ``run_texts(side, a)``.
    Each length is centred on its own mean row (runs share a common direction, as
    sentences do; see the module docstring).
    """
    out: list[np.ndarray | None] = [None]
    for a, rows in enumerate([single, *runs], start=1):
        n_runs = len(rows)
        table = np.zeros((n_runs + a, rows.shape[1] if rows.ndim == 2 else 0), dtype=np.float32)
        if n_runs:
            c = centre(rows)
            norms = np.linalg.norm(c, axis=1, keepdims=True)
            table[a:] = np.where(norms > 0, c / np.where(norms > 0, norms, 1.0), 0.0)
        out.append(table)
    return out
