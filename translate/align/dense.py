"""Sentence embeddings as one more view of the bead score (meaning, not surface).

Embeddings of a multilingual encoder (``translate.embed``) put a sentence and its
translation close together, but every pair of one document also shares a large common
direction (e5 gives unrelated sentences cosines of 0.7-0.8). Subtracting each side's
mean row (per document) removes it, so a random pair is near 0 and a translation well
above. The centred rows are stored as CSR matrices because the scorer (``costs``) sums
and multiplies any view's rows the same way: a bead's vector is the sum of its
sentences' rows, like the n-gram and anchor views.
"""

from __future__ import annotations

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
