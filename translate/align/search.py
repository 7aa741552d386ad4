"""Coarse-to-fine alignment search, linear in the document length (after Vecalign).

A document pair small enough (``FULL_NODES``) is searched exactly. A bigger one is first
aligned at half resolution (pairs of consecutive sentences summed into one feature row,
recursively until small), and the coarse path, projected back and widened by
``BAND_RADIUS`` sentences, is the band searched at the next finer level. Each level costs
``O(n * band width)``, and the level sizes halve, so the whole search is linear in ``n``.

The length model is fitted on the coarsest level that is searched exactly: a first pass
with the prior parameters, a fit on its 1-1 beads (block lengths are sums of sentence
lengths, and the Gale-Church variance scales with length, so the fit carries over), and
the real pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from selaras.align.costs import BandScorer, ScoreParams
from selaras.align.dp import Band, Shape, search, traceback
from selaras.align.lengths import LengthModel, fit_length_model

#: Largest node count searched exactly (about 1000 x 1000 sentences).
FULL_NODES = 1_100_000

#: Band half-width, in sentences, around the projected coarse path. Vecalign's default
#: ``search_buffer_size`` is 5; 8 leaves room for the extra many-to-many beads here.
BAND_RADIUS = 8

#: Shapes at the coarse levels: blocks of sentences rarely need more than 2-1.
COARSE_SHAPES: list[Shape] = [(0, 1), (1, 0), (1, 1), (1, 2), (2, 1)]


#: One view of both sides: ``(source rows, target rows, weight)`` (see ``costs.BandScorer``).
View = tuple[sparse.csr_matrix, sparse.csr_matrix, float]


@dataclass(frozen=True, slots=True)
class SearchSettings:
    """How the coarse-to-fine search runs (module docstring); the defaults are the named constants.

    Attributes:
        full_nodes: the largest node count searched exactly (:data:`FULL_NODES`).
        radius: the band half-width around a projected coarse path (:data:`BAND_RADIUS`).
        coarse_views: when given, replace the views at the half-resolution levels (a
            cheaper, sparser view is enough to place the band) ...
        coarse_params: ... scored with these weights (default: the fine level's).
    """

    full_nodes: int = FULL_NODES
    radius: int = BAND_RADIUS
    coarse_views: Sequence[View] | None = None
    coarse_params: ScoreParams | None = None


@dataclass(frozen=True, slots=True)
class Path:
    """A traced alignment: bead end nodes and shapes, and the scorer that scored them."""

    nodes: list[tuple[int, int, int]]
    shapes: list[Shape]
    scorer: BandScorer
    length_model: LengthModel


def _run(views, src_len, tgt_len, band: Band, shapes: list[Shape], lm: LengthModel, params: ScoreParams, overlap=None) -> Path:
    scorer = BandScorer(views, src_len, tgt_len, band, shapes, lm, params, overlap=overlap)
    back = search(band, shapes, scorer.score_rows)
    return Path(traceback(band, shapes, back), shapes, scorer, lm)


def _fit(path: Path, src_len: np.ndarray, tgt_len: np.ndarray, prior: LengthModel) -> LengthModel:
    one_one = [(i, j) for i, j, s in path.nodes if path.shapes[s] == (1, 1)]
    if not one_one:
        return prior
    idx = np.array(one_one)
    return fit_length_model(src_len[idx[:, 0] - 1], tgt_len[idx[:, 1] - 1], prior)


def _halve(x: sparse.csr_matrix, lengths: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Sum consecutive pairs of rows (the coarse level's "sentences")."""
    n = x.shape[0]
    half = (n + 1) // 2
    agg = sparse.csr_matrix((np.ones(n), (np.arange(n) // 2, np.arange(n))), shape=(half, n))
    padded = np.concatenate([lengths, [0.0]]) if n % 2 else lengths
    return (agg @ x).tocsr(), padded.reshape(-1, 2).sum(axis=1)


def band_from_path(nodes: list[tuple[int, int, int]], shapes: list[Shape], n_src: int, n_tgt: int, radius: int) -> Band:
    """Project a half-resolution path to full resolution and widen it by ``radius``."""
    ends = np.array([(0, 0)] + [(i, j) for i, j, _ in nodes], dtype=np.int64)
    fine_i = np.minimum(2 * ends[:, 0], n_src)
    fine_j = np.minimum(2 * ends[:, 1], n_tgt)
    jmin = np.full(n_src + 1, n_tgt, dtype=np.int64)
    jmax = np.zeros(n_src + 1, dtype=np.int64)
    r0, r1 = fine_i[:-1], fine_i[1:]
    j0, j1 = fine_j[:-1], fine_j[1:]
    for t in range(int(np.max(r1 - r0)) + 1 if len(r0) else 1):
        rows = r0 + t
        inside = rows <= r1
        np.minimum.at(jmin, rows[inside], j0[inside])
        np.maximum.at(jmax, rows[inside], j1[inside])
    # Rows the path only passes through diagonally still get the neighbouring range.
    jmin = np.minimum.accumulate(jmin[::-1])[::-1]
    jmax = np.maximum.accumulate(jmax)
    lo = np.clip(jmin - radius, 0, n_tgt)
    hi = np.clip(jmax + radius + 1, 1, n_tgt + 1)
    lo[0] = 0
    hi[-1] = n_tgt + 1
    return Band(lo=lo, hi=hi, n_src=n_src, n_tgt=n_tgt)


def align_features(
    views: list[View],
    src_len: np.ndarray,
    tgt_len: np.ndarray,
    shapes: list[Shape],
    params: ScoreParams,
    prior: LengthModel,
    *,
    settings: SearchSettings = SearchSettings(),
    overlap=None,
) -> Path:
    """Best monotone path for two sides' feature rows (see the module docstring).

    ``views`` are ``(source rows, target rows, weight)``; see ``costs.BandScorer``.
    ``settings`` says when to search exactly and what the coarse levels use.
    ``overlap`` (run embeddings, see ``costs.BandScorer``) is used at full resolution only.
    """
    n, m = views[0][0].shape[0], views[0][1].shape[0]
    if (n + 1) * (m + 1) <= settings.full_nodes or n < 4 or m < 4:
        band = Band.full(n, m)
        first = _run(views, src_len, tgt_len, band, shapes, prior, params, overlap)
        lm = _fit(first, src_len, tgt_len, prior)
        return _run(views, src_len, tgt_len, band, shapes, lm, params, overlap)
    halved = []
    for x, y, weight in settings.coarse_views or views:
        x2, sl2 = _halve(x, src_len)
        y2, tl2 = _halve(y, tgt_len)
        halved.append((x2, y2, 1.0))
    coarse = align_features(
        halved, sl2, tl2, COARSE_SHAPES, settings.coarse_params or params, prior,
        settings=replace(settings, coarse_views=None, coarse_params=None),
    )
    band = band_from_path(coarse.nodes, coarse.shapes, n, m, settings.radius)
    return _run(views, src_len, tgt_len, band, shapes, coarse.length_model, params, overlap)
