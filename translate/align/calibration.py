"""``Bead.score`` as a calibrated probability that the bead is right.

The search's relative gain, the absolute evidence of translation (``confidence``) and,
with sentence embeddings, the bead's centred embedding cosine are each informative but
none is a probability; nor do they see where a bead sits (``neighbour_features``). A
logistic map (Platt scaling) over these features, fitted on the beads of dev documents
only (``scripts/fit_calibration.dev_docs``: Text+Berg dev both ways, and UD PUD stress
documents of other seeds than the evaluated one for the maps without MT) against their
gold alignment (a bead is right when it is exactly a gold bead), turns them into one: of
the beads scored 0.8, about 80% are right. ``scripts/fit_calibration.py`` fits it and writes the coefficients to
``calibration_fit.py``; ``scripts/eval_align.py --calibration`` prints the reliability
table and the expected calibration error on the test set.

An unrelated reference must still score low, yet the dev documents have none; each
one's reference in reverse order stands in for one (same language and subject, order
broken: its beads are wrong). Their beads have far less evidence of translation than
the true ones, which sets the gate of ``calibrated``; below it a second map, fitted on
the true and the reversed beads together, gives the probabilities.

One map per mode (with or without an MT, with or without embeddings), since the
features mean different things in each. Unaligned sentences keep score 0 (they are not
claimed to be translations). A copy of the source (``confidence.copied``) is no
evidence of translation and still cancels the score.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from selaras.align.confidence import bead_cosines, row_cosines
from selaras.records import Bead

#: Feature names, in the order of the fitted coefficients (an intercept comes last).
#: The first four describe the bead alone; the last five its neighbourhood
#: (``neighbour_features``): on Text+Berg dev most wrong beads with strong evidence are
#: a gold 2-2 or 3-3 cut into 1-1 beads, or sit next to a sentence left unaligned, so a
#: bead that would look as good merged with its neighbour is less sure than one that would not.
FEATURES = (
    "gain", "evidence_logit", "dense_cos", "extra_members",
    "one_to_one", "next_to_null", "next_to_multi", "merge_gain", "split_gain",
)

#: How many of ``FEATURES`` ``bead_features`` takes from ``neighbour_features``.
NEIGHBOUR_FEATURES = 5

#: Clip of the evidence logit: beyond +-8 the evidence factor is 0 or 1 to 3 decimals.
EVIDENCE_CLIP = 8.0


def mode_key(*, with_mt: bool, with_embeddings: bool) -> str:
    """The calibration map's name for a mode: ``mt``/``cross``, ``+emb`` with embeddings."""
    return ("mt" if with_mt else "cross") + ("+emb" if with_embeddings else "")


def bead_features(
    gain: np.ndarray,
    evidence: np.ndarray,
    dense_cos: np.ndarray | None,
    sizes: Sequence[tuple[int, int]],
    neighbours: np.ndarray | None = None,
) -> np.ndarray:
    """``(beads, len(FEATURES))`` feature rows of linked beads.

    Args:
        gain: how far each bead beats leaving its sentences unaligned (``BandScorer``).
        evidence: the evidence factor in [0, 1] (``confidence.evidence``).
        dense_cos: centred embedding cosine of each bead, or ``None`` without embeddings.
        sizes: ``(source, target)`` sentence counts of each bead.
        neighbours: ``neighbour_features`` of the same beads (zeros when ``None``).
    """
    ev = np.clip(np.asarray(evidence, dtype=np.float64), 1e-6, 1 - 1e-6)
    ev_logit = np.clip(np.log(ev / (1 - ev)), -EVIDENCE_CLIP, EVIDENCE_CLIP)
    dense = np.zeros(len(ev)) if dense_cos is None else np.asarray(dense_cos, dtype=np.float64)
    extra = np.array([a + b - 2 for a, b in sizes], dtype=np.float64).reshape(-1)
    own = np.column_stack([np.asarray(gain, dtype=np.float64), ev_logit, dense, extra]).reshape(-1, 4)
    if neighbours is None:
        neighbours = np.zeros((len(own), NEIGHBOUR_FEATURES))
    return np.column_stack([own, np.asarray(neighbours, dtype=np.float64).reshape(-1, NEIGHBOUR_FEATURES)])


def neighbour_features(
    spans: Sequence[tuple[tuple[int, ...], tuple[int, ...]]],
    x: sparse.csr_matrix,
    y: sparse.csr_matrix,
    cosines: np.ndarray,
) -> np.ndarray:
    """``(linked beads, NEIGHBOUR_FEATURES)``: how each linked bead sits among its neighbours.

    Columns, in ``FEATURES`` order: 1 for a 1-1 bead; 1 when the previous or next bead is
    an unaligned sentence; 1 when it is a bead of more than two sentences;
    ``merge_gain``, how much higher the cosine (in the evidence view ``x``, ``y``, the one
    ``cosines`` were taken in) of the bead merged with its previous or next bead is than
    its own (the best of the two; a competing alignment the search turned down); and
    ``split_gain``, the same for the bead without one of its sentences (0 for a 1-1 bead).
    """
    n_src = np.array([len(a) for a, _ in spans], dtype=np.int64)
    n_tgt = np.array([len(b) for _, b in spans], dtype=np.int64)
    is_linked = (n_src > 0) & (n_tgt > 0)
    linked = np.flatnonzero(is_linked)
    rows = np.zeros((len(linked), NEIGHBOUR_FEATURES))
    if not len(linked):
        return rows
    rows[:, 0] = (n_src[linked] == 1) & (n_tgt[linked] == 1)
    multi = is_linked & (n_src + n_tgt > 2)
    has_prev, has_next = linked > 0, linked < len(spans) - 1
    prev, nxt = np.maximum(linked - 1, 0), np.minimum(linked + 1, len(spans) - 1)
    rows[:, 1] = (has_prev & ~is_linked[prev]) | (has_next & ~is_linked[nxt])
    rows[:, 2] = (has_prev & multi[prev]) | (has_next & multi[nxt])
    # Beads are contiguous and in order, so a bead merged with its neighbour is the sum
    # of both beads' rows: one cosine per pair of consecutive beads.
    src_sums = _member_rows(spans, 0, n_src, x.shape[0]) @ x
    tgt_sums = _member_rows(spans, 1, n_tgt, y.shape[0]) @ y
    own = np.asarray(cosines, dtype=np.float64)[linked]
    if len(spans) > 1:
        pair = row_cosines(src_sums[:-1] + src_sums[1:], tgt_sums[:-1] + tgt_sums[1:])
        left = np.where(has_prev, pair[np.minimum(prev, len(pair) - 1)], -np.inf)
        right = np.where(has_next, pair[np.minimum(linked, len(pair) - 1)], -np.inf)
        rows[:, 3] = np.maximum(left, right) - own
    # Dropping one member: only merged beads have any (a few per cent of them).
    split: list[Bead] = []
    split_of: list[int] = []
    for row in np.flatnonzero(n_src[linked] + n_tgt[linked] > 2):
        a, b = spans[linked[row]]
        for side, members in (("src", a), ("tgt", b)):
            if len(members) > 1:
                for drop in members:
                    rest = tuple(i for i in members if i != drop)
                    split.append(Bead(src=rest, tgt=b) if side == "src" else Bead(src=a, tgt=rest))
                    split_of.append(row)
    if split:
        best = np.full(len(linked), -np.inf)
        np.maximum.at(best, np.array(split_of), bead_cosines(split, x, y))
        rows[:, 4] = np.where(np.isfinite(best), best - own, 0.0)
    return rows


def _member_rows(spans, side: int, counts: np.ndarray, n: int) -> sparse.csr_matrix:
    """``(beads, n)`` 0/1 matrix of the sentences each bead holds on ``side`` (0 source, 1 target)."""
    cols = np.fromiter((i for span in spans for i in span[side]), dtype=np.int64, count=int(counts.sum()))
    rows = np.repeat(np.arange(len(spans)), counts)
    return sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(spans), n))


def fit_logistic(features: np.ndarray, labels: np.ndarray, *, l2: float = 1e-2, steps: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method (IRLS) with a small L2 penalty.

    Returns the coefficients of ``FEATURES`` followed by the intercept.
    """
    x = np.column_stack([features, np.ones(len(features))])
    w = np.zeros(x.shape[1])
    penalty = l2 * np.eye(x.shape[1])
    penalty[-1, -1] = 0.0  # the intercept is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - labels) + penalty @ w
        hess = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w


def document_evidence(features: np.ndarray) -> float:
    """Mean evidence factor of a document's linked beads (1.0 for none)."""
    if len(features) == 0:
        return 1.0
    return float(np.mean(1.0 / (1.0 + np.exp(-features[:, FEATURES.index("evidence_logit")]))))


def calibrated(features: np.ndarray, mode: str) -> np.ndarray | None:
    """Probabilities of the fitted map for ``mode``, or ``None`` when none was fitted.

    The map is fitted on documents that are translations. A document whose beads show
    less evidence of translation than ``GATES[mode]`` (midway between the weakest dev
    document with its true reference and the strongest with its reference reversed) is
    not like them, so there the map of ``GATED_COEFFICIENTS[mode]``, fitted on the true
    and the reversed dev beads together, applies: the search's relative gain and a
    bead's neighbourhood look as good for the best beads of any reference, so they
    cannot vouch alone.
    """
    from selaras.align.calibration_fit import COEFFICIENTS, GATED_COEFFICIENTS, GATES

    coef = COEFFICIENTS.get(mode)
    if coef is None or len(features) == 0:
        return None if coef is None else np.zeros(0)
    if document_evidence(features) < GATES.get(mode, 0.0):
        coef = GATED_COEFFICIENTS[mode]
    w = np.asarray(coef, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-np.clip(features @ w[:-1] + w[-1], -30, 30)))


def reliability(probabilities: np.ndarray, labels: np.ndarray, bins: int = 10) -> tuple[list[tuple[float, float, float, int]], float]:
    """Reliability table ``(bin low, mean score, share right, beads)`` and the expected
    calibration error (bin-size-weighted mean of ``|share right - mean score|``, Naeini
    et al. 2015, equal-width bins)."""
    probabilities, labels = np.asarray(probabilities, dtype=np.float64), np.asarray(labels, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probabilities, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for k in range(bins):
        pick = which == k
        if not pick.any():
            continue
        mean, right = float(probabilities[pick].mean()), float(labels[pick].mean())
        table.append((float(edges[k]), mean, right, int(pick.sum())))
        ece += pick.sum() / len(probabilities) * abs(right - mean)
    return table, float(ece)
