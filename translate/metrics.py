"""Translation metrics through sacrebleu: corpus scores, signatures, CIs, sentence scores.

Nothing here reimplements a metric: every number comes from sacrebleu's own metric
objects, and every corpus score carries sacrebleu's signature so it can be reproduced
with ``sacrebleu`` on the command line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from translate.errors import InputError

#: Bootstrap resamples for 95% confidence intervals; sacrebleu's CLI default for
#: ``--confidence`` (sacrebleu/sacrebleu.py, ``--confidence-n`` default 1000).
N_BOOTSTRAP = 1000

METRIC_KEYS: tuple[str, ...] = ("bleu", "chrf", "chrfpp", "ter")


@dataclass(frozen=True, slots=True)
class MetricScore:
    """One corpus-level score with its sacrebleu signature and 95% bootstrap CI."""

    name: str
    score: float
    signature: str
    ci: float | None = None
    mean: float | None = None
    text: str = ""


def _metrics(keys: Sequence[str] = METRIC_KEYS) -> dict:
    from sacrebleu.metrics import BLEU, CHRF, TER

    make = {"bleu": BLEU, "chrf": CHRF, "chrfpp": lambda: CHRF(word_order=2), "ter": TER}
    unknown = [k for k in keys if k not in make]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; choose from {METRIC_KEYS}")
    return {key: make[key]() for key in keys}


def _check_parallel(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> None:
    if not references:
        raise InputError("no reference given; pass at least one reference file")
    for number, ref in enumerate(references, start=1):
        if len(ref) != len(hypotheses):
            raise InputError(
                f"reference {number} has {len(ref)} lines but the hypothesis has {len(hypotheses)}; "
                "files must be line-parallel"
            )
    if not hypotheses:
        raise InputError("nothing to score: the hypothesis is empty")


def corpus_scores(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    n_bootstrap: int = N_BOOTSTRAP,
    keys: Sequence[str] = METRIC_KEYS,
) -> dict[str, MetricScore]:
    """BLEU, chrF, chrF++ and TER of line-parallel hypotheses against 1+ references.

    Args:
        hypotheses: one translation per segment.
        references: one list per reference set, each line-parallel to ``hypotheses``.
        n_bootstrap: resamples for the 95% CI (1 disables it).
        keys: the metrics to compute (default all four). TER is by far the slowest
            (sacrebleu's shift search: ~5 ms per sentence), so a view that does not show
            it leaves it out.

    Returns:
        ``{key: MetricScore}`` for each of ``keys`` (``"bleu"|"chrf"|"chrfpp"|"ter"``).

    Raises:
        InputError: when the inputs are not line-parallel or empty.
    """
    _check_parallel(hypotheses, references)
    results: dict[str, MetricScore] = {}
    for key, metric in _metrics(keys).items():
        score = metric.corpus_score(list(hypotheses), [list(r) for r in references], n_bootstrap=n_bootstrap)
        results[key] = MetricScore(
            name=score.name,
            score=float(score.score),
            signature=str(metric.get_signature()),
            # sacrebleu leaves _ci/_mean at -1 when bootstrap is off: report that as None.
            ci=float(score._ci) if n_bootstrap > 1 else None,
            mean=float(score._mean) if n_bootstrap > 1 else None,
            text=score.format(),
        )
    return results


def scores_as_json(scores: dict[str, MetricScore], n_sentences: int) -> dict:
    """The ``--json`` / ``metrics.json`` shape: numeric keys plus signatures and CIs."""
    payload: dict = {key: round(s.score, 4) for key, s in scores.items()}
    payload["signatures"] = {key: s.signature for key, s in scores.items()}
    payload["ci95"] = {key: (round(s.ci, 4) if s.ci is not None else None) for key, s in scores.items()}
    payload["n_sentences"] = n_sentences
    return payload


@lru_cache(maxsize=1)
def _sentence_metrics():
    from sacrebleu.metrics import BLEU, CHRF

    # effective_order: sentence BLEU without it is 0 for any sentence missing a 4-gram
    # match (sacrebleu's documented advice for sentence-level BLEU).
    return CHRF(), BLEU(effective_order=True)


def sentence_scores(hypothesis: str, reference: str) -> tuple[float, float] | None:
    """Sentence chrF and BLEU of one hypothesis, or ``None`` when either side is empty."""
    if not hypothesis.strip() or not reference.strip():
        return None
    chrf, bleu = _sentence_metrics()
    return (
        float(chrf.sentence_score(hypothesis, [reference]).score),
        float(bleu.sentence_score(hypothesis, [reference]).score),
    )
