"""Bead scores: similarity, margin and length, for every node of a band and bead shape.

A bead joining source sentences ``i-a .. i-1`` and target sentences ``j-b .. j-1`` is
scored from the *sum* of their feature vectors (hashed char n-grams of the MT against
the reference, or cross-lingual anchors; see ``anchors``). Because vectors add up, every
bead's cosine comes from the sentence-by-sentence dot products of the band (``S``)
and a few dot products between neighbouring sentences on each side (for the norms of
runs), so nothing is re-featurised per bead and the work is linear in the band size.

The score of a bead is::

    cos(x, y) - margin * (nb(x) + nb(y)) / 2 + w_len * (max(log P_len, -len_cap) + len_offset)
        - many * (a + b - 2) - member * sum_s max(0, member_floor - cos(s, other side))

where ``nb`` is the mean cosine of a sentence's ``k`` best neighbours in the band
(Bertalign's margin, after Artetxe & Schwenk 2019, so that similarity is comparable
between sentences that resemble everything and ones that resemble nothing) and
``log P_len`` the Gale-Church length log-probability, or with an MT a log length ratio
(``ScoreParams.len_ratio``); the last sum runs over the sentences ``s``
of a merged side (Bertalign and Vecalign normalise merged beads so that each added
sentence must pay for itself; this asks each member to resemble the other side).
Deletions (1-0, 0-1) score ``-skip``. The DP maximises the sum, so sentences are matched
1-1 unless merging them helps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from selaras.align.dp import Band, Shape
from selaras.align.lengths import LengthModel

#: Source rows per sparse block product when filling the band's dot products: each block
#: computes rows x (rows + band width) dots, so small blocks waste little on a band.
DOT_BLOCK = 32

#: Characters added to both lengths of the log-ratio length term (``len_ratio``) so
#: that short sentences (a 5-character fragment) do not get extreme ratios; 10 and 30
#: were tried on Text+Berg dev, 10 was better.
LEN_SMOOTH = 10.0


@dataclass(frozen=True, slots=True)
class ScoreParams:
    """Weights of the bead score (tuned on the Text+Berg dev document)."""

    margin: float = 1.0
    k_neighbours: int = 4
    w_len: float = 0.1
    len_cap: float = 8.0
    #: added to the length log-probability so a well-matched length scores > 0 (the
    #: log-likelihood ratio against a random pair, whose mean log P is about -2..-3)
    len_offset: float = 2.0
    many: float = 0.05
    skip: float = 0.2
    #: weight of the cross-lingual anchor cosine beside the MT n-gram cosine (MT mode)
    anchor_weight: float = 0.5
    #: logistic scale turning a bead score into the relative factor of ``Bead.score``
    confidence_scale: float = 6.0
    #: member penalty (0 = off): each sentence of a merged side whose cosine with the
    #: other side's whole text is below ``member_floor`` costs ``member * (floor - cos)``.
    #: Without it a sentence that has no counterpart (an OCR caption, a deleted line) is
    #: cheaper to merge into a neighbouring bead than to leave unaligned, because adding
    #: a short unrelated vector barely moves the bead's cosine (and lowers its margin).
    member: float = 0.0
    member_floor: float = 0.0
    #: log-ratio length term (0 = off, use Gale-Church): when > 0 the length
    #: log-probability is replaced by ``-len_ratio * |log((t + LEN_SMOOTH) / (c s + LEN_SMOOTH))|``
    #: (``c`` from the fitted length model). MT-vs-reference lengths of true 1-1 beads
    #: are heavy-tailed, not Gale-Church normal: on Text+Berg dev (google MT) the fitted
    #: Gale-Church model gives 10% of the gold 1-1 beads log P < -5.3, close to the
    #: cap, i.e. a correct but freely translated pair is punished like a gross mismatch,
    #: while their |log ratio| stays < 0.27 (score > -2.1 at 8). The log ratio is mild
    #: near 1 and keeps growing with the mismatch, so an extra merged sentence costs in
    #: proportion. 8 from Text+Berg dev (2, 4, 6, 8, 10, 16 tried; with ``len_cap=16``
    #: and the member penalty); it also raised every dev and 6/7 test documents with
    #: both the google and europarllight MT.
    len_ratio: float = 0.0
    #: weight of the sentence-embedding view (``dense``) when embeddings are given
    dense_weight: float = 0.0
    #: post-pass over merged beads (``postpass``; 0 = off): an end member whose centred
    #: embedding cosine with the other side is below ``detach_floor`` is split off when
    #: the bead's cosine rises by ``detach_gain`` without it
    detach_floor: float = 0.0
    detach_gain: float = 0.0
    #: share of a merged bead's embedding cosine taken from overlap embeddings (the
    #: embedded text of the whole run, ``dense.overlap_runs``) instead of the cosine of
    #: summed sentence vectors; 0 = sums only; used only when the runs are given. Lowered
    #: Text+Berg dev at every mix and run length tried (runs of 2 and 3; README), so off.
    overlap_mix: float = 0.0


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` where ``den > 0``, else 0 (cosines of empty vectors)."""
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)


def _pair_dots(x: sparse.csr_matrix, max_gap: int) -> list[np.ndarray]:
    """``out[d][r] = x[r] . x[r + d]`` for ``d = 0 .. max_gap`` (norms and neighbours)."""
    out = [np.asarray(x.multiply(x).sum(axis=1)).ravel()]
    for d in range(1, max_gap + 1):
        if x.shape[0] > d:
            out.append(np.asarray(x[:-d].multiply(x[d:]).sum(axis=1)).ravel())
        else:
            out.append(np.zeros(0))
    return out


def _span_norms(x: sparse.csr_matrix, max_len: int) -> list[np.ndarray]:
    """``sq[a][e]``: squared norm of the sum of rows ``e-a .. e-1`` (0 where ``e < a``)."""
    n = x.shape[0]
    dots = _pair_dots(x, max(max_len - 1, 0))
    cums = [np.concatenate([[0.0], np.cumsum(d)]) for d in dots]
    spans = [np.zeros(n + 1)]
    ends = np.arange(n + 1)
    for a in range(1, max_len + 1):
        start = np.clip(ends - a, 0, n)
        total = cums[0][ends] - cums[0][start]
        for d in range(1, a):
            # pairs (r, r + d) with both inside [e - a, e): r in [e - a, e - d)
            stop = np.clip(ends - d, 0, len(dots[d]))
            lo = np.clip(start, 0, len(dots[d]))
            total = total + 2.0 * (cums[d][stop] - cums[d][lo])
        # A sum of centred (dense) vectors can be ~0; the prefix differences then leave a
        # rounding residue that may be negative, and its square root would be NaN.
        spans.append(np.where(ends >= a, np.maximum(total, 0.0), 0.0))
    return spans


class BandScorer:
    """Scores of every bead shape at every node of a band (see module docstring).

    Args:
        views: ``(x, y, weight)`` feature rows of the source side (or its MT) and the
            target side; the bead similarity is the weighted sum of their cosines.
        src_len, tgt_len: lengths in characters (of the MT for the source side when
            comparing MT with the reference).
        band: the nodes to score.
        shapes: bead shapes ``(a, b)``.
        length_model: fitted Gale-Church parameters.
        params: score weights.
        overlap: ``(view index, source runs, target runs)`` from ``dense.overlap_runs``:
            the view (the dense one) whose merged beads also use run embeddings, mixed
            by ``params.overlap_mix``; lengths beyond the runs given fall back to sums.
    """

    def __init__(
        self,
        views: Sequence[tuple[sparse.csr_matrix, sparse.csr_matrix, float]],
        src_len: np.ndarray,
        tgt_len: np.ndarray,
        band: Band,
        shapes: list[Shape],
        length_model: LengthModel,
        params: ScoreParams,
        overlap: tuple[int, Sequence[np.ndarray | None], Sequence[np.ndarray | None]] | None = None,
    ) -> None:
        self.band, self.shapes, self.lm, self.params = band, shapes, length_model, params
        self.overlap = overlap if overlap is not None and params.overlap_mix > 0 else None
        n, m = band.n_src, band.n_tgt
        self.n, self.m = n, m
        self.max_a = max(a for a, _ in shapes)
        self.max_b = max(b for _, b in shapes)
        lo, hi = band.lo, np.minimum(band.hi, m + 1)
        rows = np.arange(n)
        # Cells (source sentence r, target sentence c) any bead in the band can touch.
        self.clo = np.clip(lo[rows + 1] - self.max_b, 0, max(m - 1, 0))
        chi = np.clip(hi[np.minimum(rows + self.max_a, n)] - 1, 0, m)
        self.cw = max(int(np.max(chi - self.clo)) if n else 1, 1)
        self.views = []
        nb_src, nb_tgt = np.zeros(n), np.zeros(m)
        for x, y, weight in views:
            dots = self._band_dots(x, y)
            src_sq = _span_norms(x, self.max_a)
            tgt_sq = _span_norms(y, self.max_b)
            prefix = np.concatenate([np.zeros((n, 1)), np.cumsum(dots, axis=1)], axis=1)
            self.views.append((prefix, src_sq, tgt_sq, weight))
            vs, vt = self._neighbour_means(dots, src_sq[1][1:], tgt_sq[1][1:])
            nb_src += weight * vs
            nb_tgt += weight * vt
        self.src_cum_len = np.concatenate([[0.0], np.cumsum(src_len, dtype=np.float64)])
        self.tgt_cum_len = np.concatenate([[0.0], np.cumsum(tgt_len, dtype=np.float64)])
        self.nb_src_cum = np.concatenate([[0.0], np.cumsum(nb_src)])
        self.nb_tgt_cum = np.concatenate([[0.0], np.cumsum(nb_tgt)])

    def _band_dots(self, x: sparse.csr_matrix, y: sparse.csr_matrix) -> np.ndarray:
        """Dot products ``x[r] . y[clo[r] + k]`` for ``k < cw`` (0 past the end)."""
        n, m, cw = self.n, self.m, self.cw
        out = np.zeros((n, cw))
        if n == 0 or m == 0:
            return out
        for r0 in range(0, n, DOT_BLOCK):
            r1 = min(r0 + DOT_BLOCK, n)
            c0 = int(self.clo[r0])
            c1 = int(min(self.clo[r1 - 1] + cw, m))
            block = (x[r0:r1] @ y[c0:c1].T).toarray()
            cols = self.clo[r0:r1, None] - c0 + np.arange(cw)[None, :]
            inside = cols < (c1 - c0)
            vals = np.take_along_axis(block, np.minimum(cols, c1 - c0 - 1), axis=1)
            out[r0:r1] = np.where(inside, vals, 0.0)
        return out

    def _neighbour_means(self, dots: np.ndarray, nx: np.ndarray, ny: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean cosine of each sentence's ``k`` most similar 1-1 partners in the band."""
        k = self.params.k_neighbours
        n, m, cw = self.n, self.m, self.cw
        if n == 0 or m == 0 or k <= 0:
            return np.zeros(n), np.zeros(m)
        cols = self.clo[:, None] + np.arange(cw)[None, :]
        inside = cols < m
        colc = np.minimum(cols, m - 1)
        denom = np.sqrt(nx[:, None] * ny[colc])
        cos = np.where(inside & (denom > 0), dots / np.where(denom > 0, denom, 1.0), -np.inf)
        kk = min(k, cw)
        top = -np.partition(-cos, kk - 1, axis=1)[:, :kk]
        finite = np.isfinite(top)
        nb_src = np.where(finite, top, 0.0).sum(1) / np.maximum(finite.sum(1), 1)
        # Per target sentence: sort the band's cells by (column, -cos), take the first k.
        flat_c = colc[inside]
        flat_v = cos[inside]
        flat_v = np.where(np.isfinite(flat_v), flat_v, 0.0)
        order = np.lexsort((-flat_v, flat_c))
        flat_c, flat_v = flat_c[order], flat_v[order]
        starts = np.searchsorted(flat_c, np.arange(m))
        rank = np.arange(len(flat_c)) - starts[flat_c]
        keep = rank < k
        sums = np.bincount(flat_c[keep], weights=flat_v[keep], minlength=m)
        counts = np.bincount(flat_c[keep], minlength=m)
        nb_tgt = sums / np.maximum(counts, 1)
        return nb_src, nb_tgt

    def bead_scores(self, i: np.ndarray, j: np.ndarray, shape: Shape) -> np.ndarray:
        """Score of the bead of ``shape`` ending at nodes ``(i, j)`` (``-inf`` if impossible)."""
        a, b = shape
        p = self.params
        i, j = np.broadcast_arrays(i, j)
        if a > self.n or b > self.m:
            return np.full(np.shape(i), -np.inf)
        ok = (i >= a) & (j >= b) & (j <= self.m) & (i <= self.n)
        if a == 0 or b == 0:
            return np.where(ok, -p.skip, -np.inf)
        ic = np.clip(i, a, self.n)
        jc = np.clip(j, b, self.m)
        cos = np.zeros(np.shape(i))
        use_members = p.member > 0 and (a > 1 or b > 1)
        mem_src = [np.zeros(np.shape(i)) for _ in range(a)] if use_members and a > 1 else []
        mem_tgt = [np.zeros(np.shape(i)) for _ in range(b)] if use_members and b > 1 else []
        for index, (prefix, src_sq, tgt_sq, weight) in enumerate(self.views):
            dot = np.zeros(np.shape(i))
            tnorm = np.sqrt(tgt_sq[b][jc])
            snorm = np.sqrt(src_sq[a][ic])
            raw_tgt = [np.zeros(np.shape(i)) for _ in mem_tgt]
            for t in range(1, a + 1):
                r = ic - t
                base = self.clo[r]
                hi_idx = np.clip(jc - base, 0, self.cw)
                lo_idx = np.clip(jc - b - base, 0, self.cw)
                part = prefix[r, hi_idx] - prefix[r, lo_idx]
                dot += part
                if mem_src:
                    mem_src[t - 1] += weight * _safe_div(part, np.sqrt(src_sq[1][r + 1]) * tnorm)
                for u in range(1, len(raw_tgt) + 1):
                    c_hi = np.clip(jc - u + 1 - base, 0, self.cw)
                    c_lo = np.clip(jc - u - base, 0, self.cw)
                    raw_tgt[u - 1] += prefix[r, c_hi] - prefix[r, c_lo]
            for u in range(1, len(raw_tgt) + 1):
                mem_tgt[u - 1] += weight * _safe_div(raw_tgt[u - 1], np.sqrt(tgt_sq[1][jc - u + 1]) * snorm)
            denom = snorm * tnorm
            view_cos = np.where(denom > 0, dot / np.where(denom > 0, denom, 1.0), 0.0)
            if self.overlap is not None and index == self.overlap[0] and (a > 1 or b > 1):
                view_cos = self._mix_overlap(view_cos, ic, jc, a, b)
            cos += weight * view_cos
        nb = ((self.nb_src_cum[ic] - self.nb_src_cum[ic - a]) / a + (self.nb_tgt_cum[jc] - self.nb_tgt_cum[jc - b]) / b) / 2
        len_src = self.src_cum_len[ic] - self.src_cum_len[ic - a]
        len_tgt = self.tgt_cum_len[jc] - self.tgt_cum_len[jc - b]
        if p.len_ratio > 0:
            raw = -p.len_ratio * np.abs(np.log((len_tgt + LEN_SMOOTH) / (self.lm.c * len_src + LEN_SMOOTH)))
        else:
            raw = self.lm.log_prob(len_src, len_tgt)
        logp = np.maximum(raw, -p.len_cap)
        score = cos - p.margin * nb + p.w_len * (logp + p.len_offset) - p.many * (a + b - 2)
        for mc in mem_src + mem_tgt:
            score = score - p.member * np.maximum(p.member_floor - mc, 0.0)
        return np.where(ok, score, -np.inf)

    def _mix_overlap(self, summed: np.ndarray, ic: np.ndarray, jc: np.ndarray, a: int, b: int) -> np.ndarray:
        """``summed`` mixed with the cosine of the run embeddings of both sides (unit rows)."""
        _, src_runs, tgt_runs = self.overlap
        if a >= len(src_runs) or b >= len(tgt_runs):
            return summed
        xs, ys = src_runs[a], tgt_runs[b]
        run_cos = np.einsum("...d,...d->...", xs[ic], ys[jc], dtype=np.float32).astype(np.float64)
        mix = self.params.overlap_mix
        return (1.0 - mix) * summed + mix * run_cos

    def score_rows(self, r0: int, r1: int) -> np.ndarray:
        """``(n_shapes, r1 - r0, width)`` scores for the DP (see ``dp.ScoreRows``)."""
        width = self.band.width
        i = np.arange(r0, r1)[:, None]
        j = self.band.lo[r0:r1, None] + np.arange(width)[None, :]
        return np.stack([self.bead_scores(i, j, s) for s in self.shapes])

    def confidence(self, i: np.ndarray, j: np.ndarray, shape: Shape) -> np.ndarray:
        """The relative factor of ``Bead.score``, in [0, 1]: a logistic of how far the
        bead beats deleting it.

        0.5 means the bead scores as well as leaving its sentences unaligned would; null
        beads get 0. It is relative to the alternatives only (an unrelated reference's
        beads beat deleting too), so ``align_sentences`` multiplies it by the absolute
        evidence of ``selaras.align.confidence``.
        """
        a, b = shape
        if a == 0 or b == 0:
            return np.zeros(np.shape(i))
        return 1.0 / (1.0 + np.exp(-self.params.confidence_scale * self.gain(i, j, shape)))

    def gain(self, i: np.ndarray, j: np.ndarray, shape: Shape) -> np.ndarray:
        """How far the bead of ``shape`` ending at ``(i, j)`` beats leaving its sentences
        unaligned (its score plus what deleting them would cost); the input of ``confidence``."""
        a, b = shape
        return self.bead_scores(i, j, shape) + self.params.skip * (a + b) / 2
