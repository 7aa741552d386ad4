"""``Bead.score`` as a calibrated probability that the bead is right.

The search's relative gain, the absolute evidence of translation (``confidence``) and,
with sentence embeddings, the bead's centred embedding cosine are each informative but
none is a probability. A logistic map (Platt scaling) over these features, fitted on the
beads of the Text+Berg dev document against its gold alignment (a bead is right when it
is exactly a gold bead), turns them into one: of the beads scored 0.8, about 80% are
right. ``scripts/fit_calibration.py`` fits it and writes the coefficients to
``calibration_fit.py``; ``scripts/eval_align.py --calibration`` prints the reliability
table and the expected calibration error on the test set.

An unrelated reference must still score low, yet the dev document has none; its
reference in reverse order stands in for one (same language and subject, order broken:
its beads are wrong). Its beads have far less evidence of translation than the true
ones, which sets the gate of ``calibrated``.

One map per mode (with or without an MT, with or without embeddings), since the
features mean different things in each. Unaligned sentences keep score 0 (they are not
claimed to be translations). A copy of the source (``confidence.copied``) is no
evidence of translation and still cancels the score.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Feature names, in the order of the fitted coefficients (an intercept comes last).
FEATURES = ("gain", "evidence_logit", "dense_cos", "extra_members")

#: Clip of the evidence logit: beyond +-8 the evidence factor is 0 or 1 to 3 decimals.
EVIDENCE_CLIP = 8.0


def mode_key(*, with_mt: bool, with_embeddings: bool) -> str:
    """The calibration map's name for a mode: ``mt``/``cross``, ``+emb`` with embeddings."""
    return ("mt" if with_mt else "cross") + ("+emb" if with_embeddings else "")


def bead_features(
    gain: np.ndarray, evidence: np.ndarray, dense_cos: np.ndarray | None, sizes: Sequence[tuple[int, int]]
) -> np.ndarray:
    """``(beads, len(FEATURES))`` feature rows of linked beads.

    Args:
        gain: how far each bead beats leaving its sentences unaligned (``BandScorer``).
        evidence: the evidence factor in [0, 1] (``confidence.evidence``).
        dense_cos: centred embedding cosine of each bead, or ``None`` without embeddings.
        sizes: ``(source, target)`` sentence counts of each bead.
    """
    ev = np.clip(np.asarray(evidence, dtype=np.float64), 1e-6, 1 - 1e-6)
    ev_logit = np.clip(np.log(ev / (1 - ev)), -EVIDENCE_CLIP, EVIDENCE_CLIP)
    dense = np.zeros(len(ev)) if dense_cos is None else np.asarray(dense_cos, dtype=np.float64)
    extra = np.array([a + b - 2 for a, b in sizes], dtype=np.float64).reshape(-1)
    return np.column_stack([np.asarray(gain, dtype=np.float64), ev_logit, dense, extra]).reshape(-1, len(FEATURES))


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

    The map is fitted on a document that is a translation. A document whose beads show
    less evidence of translation than ``GATES[mode]`` (the midpoint between the dev
    document with its true and with its reversed reference) is not one, so there each
    probability is also multiplied by its bead's evidence factor: the search's relative
    gain is high for the best beads of any reference, so it cannot vouch alone.
    """
    from translate.align.calibration_fit import COEFFICIENTS, GATES

    coef = COEFFICIENTS.get(mode)
    if coef is None or len(features) == 0:
        return None if coef is None else np.zeros(0)
    w = np.asarray(coef, dtype=np.float64)
    p = 1.0 / (1.0 + np.exp(-np.clip(features @ w[:-1] + w[-1], -30, 30)))
    if document_evidence(features) < GATES.get(mode, 0.0):
        p = p / (1.0 + np.exp(-features[:, FEATURES.index("evidence_logit")]))
    return p


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
