"""Translation metrics through sacrebleu: corpus scores, signatures, CIs, sentence scores.

Nothing here reimplements a metric: every number comes from sacrebleu's own metric
objects, and every corpus score carries sacrebleu's signature so it can be reproduced
with ``sacrebleu`` on the command line.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from selaras.errors import InputError

#: Bootstrap resamples for 95% confidence intervals; sacrebleu's CLI default for
#: ``--confidence`` (sacrebleu/sacrebleu.py, ``--confidence-n`` default 1000).
N_BOOTSTRAP = 1000

#: Fewest bootstrap resamples accepted: the 95% CI is read off the sorted resamples at
#: ``n // 40`` from each end (sacrebleu ``Score.estimate_ci``), so below 40 it is the
#: minimum and maximum, and below ~100 it rests on one or two resamples per tail.
MIN_BOOTSTRAP = 100

#: Most bootstrap resamples accepted: sacrebleu draws all resample indices at once (a
#: resamples x segments matrix of int64: 10,000 x 10,000 segments is 800 MB).
MAX_BOOTSTRAP = 10_000

#: sacrebleu's bootstrap seed: ``$SACREBLEU_SEED``, default 12345 ("none" = unseeded),
#: read exactly as ``sacrebleu.significance._bootstrap_resample`` reads it.
SEED_ENV = "SACREBLEU_SEED"

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


def _check_parallel(
    hypotheses: Sequence[str], references: Sequence[Sequence[str]], names: Sequence[str] | None = None
) -> None:
    hyp_name, *ref_names = names or ["the hypothesis", *(f"reference {k}" for k in range(1, len(references) + 1))]
    if not references:
        raise InputError("no reference given; pass at least one reference file")
    for ref, ref_name in zip(references, ref_names):
        if len(ref) != len(hypotheses):
            raise InputError(
                f"{ref_name} has {len(ref)} lines but {hyp_name} has {len(hypotheses)}; "
                "files must be line-parallel"
            )
    if not hypotheses:
        raise InputError(f"nothing to score: {hyp_name} is empty")


def check_bootstrap(n_bootstrap: int) -> int:
    """Validate a number of bootstrap resamples: 0 (off) or ``MIN_BOOTSTRAP``..``MAX_BOOTSTRAP``.

    1 is accepted as off too (it meant off before 0 did, as in sacrebleu).

    Returns:
        The number of resamples, 0 when the CI is off.

    Raises:
        InputError: for any other number (negative, 2-99, above the maximum).
    """
    if n_bootstrap in (0, 1):
        return 0
    if MIN_BOOTSTRAP <= n_bootstrap <= MAX_BOOTSTRAP:
        return n_bootstrap
    raise InputError(
        f"bootstrap resamples must be 0 (no confidence interval) or {MIN_BOOTSTRAP}-{MAX_BOOTSTRAP:,} "
        f"(sacrebleu's default is {N_BOOTSTRAP}), got {n_bootstrap}"
    )


def _line_list(numbers: Sequence[int]) -> str:
    """``2, 5 and 9`` (at most 5 numbers, then how many more)."""
    shown = [str(k) for k in numbers[:5]]
    if len(numbers) > 5:
        return ", ".join(shown) + f" and {len(numbers) - 5} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def paragraph_segments(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    names: Sequence[str] | None = None,
) -> tuple[list[str], list[list[str]]]:
    """The segments of line-parallel files, without the blank lines that separate paragraphs.

    A blank line (empty or only spaces) is a paragraph break when it is blank in the
    hypothesis and in every reference; such lines are not segments and are dropped.
    A line blank on one side only means the files are not parallel there (a line-count
    match by chance, e.g. sentences on one side against paragraphs on the other).

    Args:
        hypotheses, references: the lines of the files.
        names: how messages call the hypothesis and each reference (e.g. file names);
            default "the hypothesis", "reference 1", ...

    Returns:
        The hypotheses and each reference without the shared blank lines.

    Raises:
        InputError: when the line counts differ, when blank lines do not coincide (the
            message gives the line numbers), or when nothing is left to score.
    """
    _check_parallel(hypotheses, references, names)
    hyp_name, *ref_names = names or ["the hypothesis", *(f"reference {k}" for k in range(1, len(references) + 1))]
    hyp_blank = [not h.strip() for h in hypotheses]
    for ref, ref_name in zip(references, ref_names):
        ref_blank = [not r.strip() for r in ref]
        only_ref = [k + 1 for k, (hb, rb) in enumerate(zip(hyp_blank, ref_blank)) if rb and not hb]
        only_hyp = [k + 1 for k, (hb, rb) in enumerate(zip(hyp_blank, ref_blank)) if hb and not rb]
        if only_ref or only_hyp:
            where = [
                f"line{'s' if len(ks) > 1 else ''} {_line_list(ks)} blank in {name} only"
                for ks, name in ((only_ref, ref_name), (only_hyp, hyp_name))
                if ks
            ]
            raise InputError(
                f"{hyp_name} and {ref_name} have blank lines in different places ({'; '.join(where)}), so they "
                "are not line-parallel; give one segment per line in both, with any paragraph breaks in the same places"
            )
    keep = [k for k, blank in enumerate(hyp_blank) if not blank]
    if not keep:
        raise InputError(f"nothing to score: {hyp_name} has only blank lines")
    return [hypotheses[k] for k in keep], [[ref[k] for k in keep] for ref in references]


def _bootstrap_scores(metric: Any, stats: list, n_bootstrap: int) -> list:
    """sacrebleu's ``_bootstrap_resample``, with every score computed from plain numbers.

    sacrebleu (2.4-2.6) sums the resampled statistics as a float32 numpy array and hands
    the numpy sums to the metric: a resample where chrF finds no match (or whose TER
    references are all empty) scores a Python ``0.0``, the others numpy float32, and
    ``Score.estimate_ci``'s ``statistics.mean`` of the mix raises "don't know how to
    coerce float and float32" (e.g. one sentence repeated against other sentences).
    The resampling (seed, index matrix) is sacrebleu's; each sum goes back to Python
    numbers (``tolist``) before it is scored, in float64, which is exact for counts.
    """
    import numpy as np

    seed = os.environ.get(SEED_ENV, "12345")
    rng = np.random.default_rng(None if seed.lower() == "none" else int(seed))
    idxs = rng.choice(len(stats), size=(n_bootstrap, len(stats)), replace=True)
    stats_np = np.array(stats, dtype=np.float64)
    metric.n_bootstrap = n_bootstrap
    metric.seed = seed.lower()
    return [metric._compute_score_from_stats(stats_np[row].sum(0).tolist()) for row in idxs]


def corpus_scores(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    n_bootstrap: int = N_BOOTSTRAP,
    keys: Sequence[str] = METRIC_KEYS,
) -> dict[str, MetricScore]:
    """BLEU, chrF, chrF++ and TER of line-parallel hypotheses against 1+ references.

    Every line is a segment (see ``paragraph_segments`` for files with paragraphs).
    The scores are sacrebleu's ``corpus_score``; the bootstrap is sacrebleu's too, run
    here so that no numpy number reaches sacrebleu (see ``_bootstrap_scores``).

    Args:
        hypotheses: one translation per segment.
        references: one list per reference set, each line-parallel to ``hypotheses``.
        n_bootstrap: resamples for the 95% CI (0 or 1 disables it; see
            ``check_bootstrap`` for the values a user may give).
        keys: the metrics to compute (default all four). TER is by far the slowest
            (sacrebleu's shift search: ~5 ms per sentence), so a view that does not show
            it leaves it out.

    Returns:
        ``{key: MetricScore}`` for each of ``keys`` (``"bleu"|"chrf"|"chrfpp"|"ter"``).

    Raises:
        InputError: when the inputs are not line-parallel or empty.
    """
    _check_parallel(hypotheses, references)
    hyps, refs = list(hypotheses), [list(r) for r in references]
    results: dict[str, MetricScore] = {}
    for key, metric in _metrics(keys).items():
        # sacrebleu's corpus_score, step by step (base.Metric.corpus_score), so that the
        # segment statistics are extracted once for the score and the bootstrap.
        metric._check_corpus_score_args(hyps, refs)
        stats = metric._extract_corpus_statistics(hyps, refs)
        score = metric._aggregate_and_compute(stats)
        bootstrap = n_bootstrap > 1
        if bootstrap:
            score.estimate_ci(_bootstrap_scores(metric, stats, n_bootstrap))
        results[key] = MetricScore(
            name=score.name,
            score=float(score.score),
            signature=str(metric.get_signature()),
            # sacrebleu leaves _ci/_mean at -1 when bootstrap is off: report that as None.
            ci=float(score._ci) if bootstrap else None,
            mean=float(score._mean) if bootstrap else None,
            text=score.format(),
        )
    return results


class CorpusTally:
    """Corpus scores kept up to date as segments come and go (the review workbench).

    Each segment's sacrebleu statistics are counts that the corpus score sums
    (sacrebleu ``_extract_corpus_statistics`` / ``_compute_score_from_stats``), so a
    changed segment is one subtraction and one addition, not a rescoring of the whole
    document; the result equals :func:`corpus_scores` on the same segments. TER is
    left out by default: its shift search costs ~5 ms a sentence.
    """

    def __init__(self, keys: Sequence[str] = ("bleu", "chrf", "chrfpp")) -> None:
        self._metrics = _metrics(keys)
        self._totals: dict[str, list[float]] = {}
        self.n_sentences = 0

    def segment_stats(self, hypothesis: str, reference: str) -> dict[str, list[float]]:
        """The statistics of one segment, per metric."""
        return {
            key: list(metric._extract_corpus_statistics([hypothesis], [[reference]])[0])
            for key, metric in self._metrics.items()
        }

    def add(self, stats: dict[str, list[float]], sign: int = 1) -> None:
        """Add (``sign=1``) or remove (``-1``) one segment's statistics."""
        for key, values in stats.items():
            total = self._totals.setdefault(key, [0] * len(values))
            for index, value in enumerate(values):
                total[index] += sign * value
        self.n_sentences += sign

    def scores(self) -> dict | None:
        """The ``metrics.json`` shape (no CIs) of the segments now counted; ``None`` if none."""
        if self.n_sentences <= 0:
            return None
        results = {}
        for key, metric in self._metrics.items():
            score = metric._compute_score_from_stats(list(self._totals[key]))
            results[key] = MetricScore(
                name=score.name, score=float(score.score), signature=str(metric.get_signature()), text=score.format()
            )
        return scores_as_json(results, self.n_sentences)


class ScorableRow(Protocol):
    """What ``score_rows`` reads of a row (``selaras.rows.AlignedRow`` has both)."""

    @property
    def mt(self) -> str: ...

    @property
    def reference(self) -> str: ...


def score_rows(
    rows: Sequence[ScorableRow], *, n_bootstrap: int = N_BOOTSTRAP, keys: Sequence[str] | None = None
) -> dict | None:
    """Corpus scores over aligned rows, in the ``metrics.json`` / ``--json`` shape.

    Only rows with both an MT and a reference (non-blank) are scored: a 1-0 or 0-1 bead
    has nothing to compare, and counting it as an empty segment would punish the
    aligner, not the MT.

    Args:
        rows: objects with ``.mt`` and ``.reference`` text (e.g. ``AlignedRow``).
        n_bootstrap: resamples for the 95% CIs (0 or 1: none).
        keys: the metrics to compute (``None``: all of ``METRIC_KEYS``).

    Returns:
        ``scores_as_json`` of the scored rows (``n_sentences`` = how many), or ``None``
        when no row is scorable.
    """
    pairs = [(row.mt, row.reference) for row in rows if row.mt.strip() and row.reference.strip()]
    if not pairs:
        return None
    hyps, refs = [mt for mt, _ in pairs], [ref for _, ref in pairs]
    scores = corpus_scores(hyps, [refs], n_bootstrap=n_bootstrap, keys=keys or METRIC_KEYS)
    return scores_as_json(scores, len(pairs))


def scores_as_json(scores: dict[str, MetricScore], n_sentences: int) -> dict:
    """The ``--json`` / ``metrics.json`` shape: numeric keys plus signatures and CIs."""
    payload: dict = {key: round(s.score, 4) for key, s in scores.items()}
    payload["signatures"] = {key: s.signature for key, s in scores.items()}
    payload["ci95"] = {key: (round(s.ci, 4) if s.ci is not None else None) for key, s in scores.items()}
    payload["n_sentences"] = n_sentences
    return payload


class ScoreAccumulator:
    """Corpus scores over a stream of (MT, reference) pairs, in memory bounded by one call.

    sacrebleu's corpus BLEU, chrF, chrF++ and TER are functions of the *sum* of the
    segments' statistics (each metric's ``_aggregate_and_compute`` sums them, then
    scores the sum), so the sums are kept instead of the segments: a corpus of a million
    beads is scored without holding it. Segments are added in order and summed the way
    sacrebleu sums them (``sum_of_lists``), so :meth:`result` equals
    :func:`score_rows` on the same rows, without the bootstrap CIs (those need every
    segment's statistics).
    """

    def __init__(self, keys: Sequence[str] = METRIC_KEYS) -> None:
        self._metrics = _metrics(keys)
        self._sums: dict[str, list | None] = {key: None for key in self._metrics}
        self.n_sentences = 0

    def add_rows(self, rows: Sequence[ScorableRow]) -> None:
        """Add the scorable rows (MT and reference both non-blank) of one document."""
        pairs = [(row.mt, row.reference) for row in rows if row.mt.strip() and row.reference.strip()]
        if not pairs:
            return
        hyps, refs = [mt for mt, _ in pairs], [[ref for _, ref in pairs]]
        for key, metric in self._metrics.items():
            for stats in metric._extract_corpus_statistics(hyps, refs):
                total = self._sums[key]
                if total is None:
                    total = self._sums[key] = [type(stats[0])(0.0)] * len(stats)
                for k, value in enumerate(stats):
                    total[k] += value
        self.n_sentences += len(pairs)

    def result(self) -> dict | None:
        """The ``score_rows`` shape (CIs ``None``), or ``None`` when nothing was scorable."""
        if not self.n_sentences:
            return None
        scores: dict[str, MetricScore] = {}
        for key, metric in self._metrics.items():
            score = metric._aggregate_and_compute([self._sums[key]])
            scores[key] = MetricScore(
                name=score.name, score=float(score.score), signature=str(metric.get_signature()), text=score.format()
            )
        return scores_as_json(scores, self.n_sentences)


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
