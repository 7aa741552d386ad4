"""Monotone dynamic programming over bead shapes, inside a band, then traceback.

The search runs over *nodes* ``(i, j)``: ``i`` source and ``j`` target sentences
consumed. A bead of shape ``(a, b)`` goes from node ``(i - a, j - b)`` to ``(i, j)`` and
covers source sentences ``i-a .. i-1`` and target sentences ``j-b .. j-1`` (so the
score of the bead *ending* at node ``(i, j)`` is stored at ``(i, j)``; the node/edge
off-by-one lives here and only here).

Like Vecalign, bead shapes are data (``bead_shapes``), costs are computed first (by a
callback, one block of rows at a time so memory stays linear), the DP returns scores and
backpointers, and traceback is a separate step. Each row only holds the nodes of a band
``[lo[i], hi[i])``; a full search is the band ``lo = 0, hi = M + 1``.

The DP is vectorised along each row with numpy: beads with ``a >= 1`` read rows above;
the 0-1 bead (target sentence with no source) reads the same row, solved in one pass as
a running maximum (``D[j] = cs[j] + cummax(C - cs)[j]`` with ``cs`` the cumulative 0-1
scores), so a row costs a fixed number of numpy calls whatever its width.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from selaras.errors import InputError

Shape = tuple[int, int]

#: Scores computed per callback call (rows x width x shapes): bounds the score buffer
#: to ~16 MB whatever the document size.
BLOCK_CELLS = 1 << 21


def bead_shapes(max_bead: int) -> list[Shape]:
    """All bead shapes with at most ``max_bead`` sentences, deletions first.

    ``(0, 1)`` and ``(1, 0)`` plus every ``(a, b)`` with ``a, b >= 1`` and
    ``a + b <= max_bead`` (Vecalign's ``make_alignment_types``): ``max_bead=4`` allows
    1-1, 1-2, 2-1, 1-3, 2-2 and 3-1.

    Raises:
        InputError: when ``max_bead`` < 2 (a caller's setting, so bad input).
    """
    if max_bead < 2:
        raise InputError(f"max_bead must be at least 2 (a 1-1 bead needs two sentences), got {max_bead}")
    shapes: list[Shape] = [(0, 1), (1, 0)]
    for total in range(2, max_bead + 1):
        for a in range(1, total):
            shapes.append((a, total - a))
    return shapes


@dataclass(frozen=True, slots=True)
class Band:
    """Nodes searched in each row ``i`` (0..N): ``lo[i] <= j < hi[i]``, monotone.

    ``width`` is the padded row length used for all rows.
    """

    lo: np.ndarray
    hi: np.ndarray
    n_src: int
    n_tgt: int

    @property
    def width(self) -> int:
        return int(np.max(self.hi - self.lo))

    @staticmethod
    def full(n_src: int, n_tgt: int) -> Band:
        """Every node: the exact (quadratic) search."""
        return Band(
            lo=np.zeros(n_src + 1, dtype=np.int64),
            hi=np.full(n_src + 1, n_tgt + 1, dtype=np.int64),
            n_src=n_src,
            n_tgt=n_tgt,
        )

    @property
    def cells(self) -> int:
        return int(np.sum(self.hi - self.lo))


#: ``score_rows(r0, r1) -> array (n_shapes, r1 - r0, width)``: the score of the bead of
#: each shape ending at node ``(i, lo[i] + k)`` for rows ``r0 <= i < r1``.
ScoreRows = Callable[[int, int], np.ndarray]


def search(band: Band, shapes: list[Shape], score_rows: ScoreRows) -> np.ndarray:
    """Fill the DP table; return backpointers (shape index per node, -1 = none).

    The best total score of a path to ``(N, M)`` is maximised. Nodes outside the band
    are unreachable (``-inf``).

    Raises:
        RuntimeError: when no path reaches ``(N, M)`` inside the band (a bug of the
            band, never of the input).
    """
    n_src, n_tgt = band.n_src, band.n_tgt
    width = band.width
    lo = band.lo
    hi = np.minimum(band.hi, n_tgt + 1)
    max_a = max(a for a, _ in shapes)
    max_b = max(b for _, b in shapes)
    pad = max_b
    # Ring buffer of the last max_a rows (only they are read); left pad for j - b < lo,
    # right pad of one width for large jumps of lo between rows.
    ring = max_a + 1
    table = np.full((ring, pad + 2 * width), -np.inf)
    back = np.full((n_src + 1, width), -1, dtype=np.int8)
    k = np.arange(width)
    rowwise = [s for s, (a, _) in enumerate(shapes) if a >= 1]
    s01 = shapes.index((0, 1)) if (0, 1) in shapes else None
    rowwise_a = [shapes[s][0] for s in rowwise]
    rowwise_b = [shapes[s][1] for s in rowwise]
    cand = np.empty((len(rowwise), width))
    rowwise_idx = np.array(rowwise, dtype=np.int8)
    rows_per_block = max(1, BLOCK_CELLS // (width * len(shapes)))
    scores = None
    block_start = 0
    for i in range(n_src + 1):
        if scores is None or i >= block_start + scores.shape[1]:
            block_start = i
            scores = score_rows(i, min(i + rows_per_block, n_src + 1))
        row_scores = scores[:, i - block_start, :]
        valid = k < (hi[i] - lo[i])
        if i == 0:
            best = np.full(width, -np.inf)
            arg = np.full(width, -1, dtype=np.int8)
            if lo[0] == 0:
                best[0] = 0.0
        else:
            cand.fill(-np.inf)
            for c in range(len(rowwise)):
                a = rowwise_a[c]
                if a > i:
                    continue
                start = pad + min(int(lo[i] - lo[i - a]) - rowwise_b[c], width)
                np.add(table[(i - a) % ring, start : start + width], row_scores[rowwise[c]], out=cand[c])
            pick = cand.argmax(axis=0)
            best = cand[pick, k]
            arg = rowwise_idx[pick]
        best = np.where(valid, best, -np.inf)
        if s01 is not None:
            step = np.where(valid, row_scores[s01], 0.0)
            step[0] = 0.0
            cs = np.cumsum(step)
            shifted = best - cs
            run = np.maximum.accumulate(shifted)
            from_left = run > shifted
            best = np.where(valid, cs + run, -np.inf)
            arg = np.where(from_left & valid, np.int8(s01), arg)
        arg = np.where(np.isfinite(best), arg, np.int8(-1))
        table[i % ring, pad : pad + width] = best
        back[i] = arg
    end = n_tgt - lo[n_src]
    if not (0 <= end < width and np.isfinite(table[n_src % ring, pad + end])):
        # Every band built here contains the end node, and 1-0/0-1 beads connect
        # neighbouring nodes, so a missing path is a bug (of the band), not bad input.
        raise RuntimeError("the alignment search found no path; this is a bug, please report it with the input files")
    return back


def traceback(band: Band, shapes: list[Shape], back: np.ndarray) -> list[tuple[int, int, int]]:
    """Follow backpointers from ``(N, M)`` to ``(0, 0)``.

    Returns:
        ``(i, j, shape_index)`` of every bead's end node, in document order.

    Raises:
        RuntimeError: when a backpointer is missing (a bug, never bad input).
    """
    i, j = band.n_src, band.n_tgt
    path: list[tuple[int, int, int]] = []
    lo = band.lo
    while i > 0 or j > 0:
        s = int(back[i, j - lo[i]])
        if s < 0:
            raise RuntimeError(
                "alignment traceback left the band; this is a bug, please report it with the input files"
            )
        path.append((i, j, s))
        a, b = shapes[s]
        i, j = i - a, j - b
    path.reverse()
    return path
