"""``selaras check`` and ``selaras review`` as calls: :func:`check_file` recomputes an
aligned TSV's QA flags, :func:`review_file` reads one for review with its scores."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selaras.checks import apply_flags, find_flags
from selaras.io import check_outputs
from selaras.jobs.inputs import warned
from selaras.metrics import check_bootstrap, score_rows
from selaras.review import document_warnings, fill_sentence_scores
from selaras.rows import AlignedRow, is_scored, read_aligned_tsv, write_aligned_tsv
from selaras.rundir import metrics_for_rows, read_metrics, run_warnings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check_file` found: the rows with their flags, and each flag's detail."""

    rows: list[AlignedRow]
    details: list[list[Any]]


def check_file(
    aligned: str | Path, output: str | Path | None = None, *, checks: Any = None, in_place: bool = False
) -> CheckResult:
    """Recompute the QA flags of an aligned TSV; write it to ``output`` or, with
    ``in_place``, over ``aligned`` itself (atomically); ``output=None`` writes nothing.

    ``checks`` is a list from ``selaras.checks.build_checks`` (default: every check
    with its default parameters).

    Raises:
        InputError: unreadable TSV, or an ``output`` that is ``aligned`` (only
            ``in_place`` may rewrite it). FileError: the output cannot be written.
    """
    target = aligned if in_place else output
    if output is not None and not in_place:
        check_outputs([output], [aligned])
    rows = read_aligned_tsv(aligned)
    details = find_flags(rows, checks=checks)
    checked = apply_flags(rows, details)
    if target is not None:
        write_aligned_tsv(target, checked)
    return CheckResult(rows=checked, details=details)


@dataclass(frozen=True)
class ReviewData:
    """An aligned TSV ready to show: rows (sentence scores filled in), corpus scores
    (``None`` when no row is scorable), where those came from, and warnings."""

    rows: list[AlignedRow]
    corpus: dict[str, Any] | None
    origin: str
    warnings: list[str] = field(default_factory=list)


#: Above this many scorable beads, recomputing TER (sacrebleu's shift search: 59 s for
#: 10,000 random-word beads on one core, sacrebleu 2.6) gets a note first.
SLOW_SCORING_BEADS = 2000


def review_file(
    aligned: str | Path,
    *,
    metrics: str | Path | None = None,
    keys: Sequence[str] | None = None,
    n_bootstrap: int = 0,
) -> ReviewData:
    """Read an aligned TSV for review, with its corpus scores and warnings.

    The scores come from a run's ``metrics.json`` when ``metrics`` is given (and must
    have been computed on this TSV's content, ``selaras.rundir.metrics_for_rows``),
    else they are computed over the TSV's scorable beads (``keys``: which metrics;
    TER is the slow one). Warnings about the document (``review.document_warnings``)
    and those its run recorded (``rundir.run_warnings``: from ``metrics``, or the
    run folder's ``metrics.json`` beside the TSV) are logged and returned.

    Raises:
        InputError: unreadable TSV or metrics file, or scores of another TSV.
    """
    n_bootstrap = check_bootstrap(n_bootstrap)
    rows = fill_sentence_scores(read_aligned_tsv(aligned))
    warnings = warned([f"{aligned}: {w}" for w in document_warnings(rows)] + run_warnings(aligned, metrics))
    if metrics is not None:
        corpus = metrics_for_rows(read_metrics(metrics), str(metrics), rows, Path(aligned).name)
        return ReviewData(rows, corpus, f"from {Path(metrics).name}", warnings)
    n_scored = sum(1 for row in rows if is_scored(row))
    if (keys is None or "ter" in keys) and n_scored > SLOW_SCORING_BEADS:
        logger.info("scoring %d beads (TER takes a while on long documents; a run's metrics.json skips this)", n_scored)
    return ReviewData(rows, score_rows(rows, n_bootstrap=n_bootstrap, keys=keys), "computed from this file", warnings)


__all__ = ["SLOW_SCORING_BEADS", "CheckResult", "ReviewData", "check_file", "review_file"]
