"""``selaras score`` as a job: read line-parallel files, warn about their languages, score.

The warnings matter most here: an Indonesian file given as the reference (or the
source given as the MT) still gets a number, and a number looks like an answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selaras.metrics import N_BOOTSTRAP

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoreResult:
    """Corpus scores (``metrics.MetricScore`` by key), how many segments were scored,
    and one-line warnings about the inputs."""

    scores: dict[str, Any]
    n_segments: int
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` shape: ``metrics.scores_as_json`` plus ``warnings``."""
        from selaras.metrics import scores_as_json

        return {**scores_as_json(self.scores, self.n_segments), "warnings": list(self.warnings)}


def score_files(
    hypothesis: str | Path, references: Sequence[str | Path], *, n_bootstrap: int = N_BOOTSTRAP
) -> ScoreResult:
    """Score a line-parallel MT against one or more references (BLEU, chrF, chrF++, TER).

    Blank lines blank in every file are paragraph breaks (``metrics.paragraph_segments``).
    A file that does not look English (``language.language_warning``) is warned about:
    logged, and in ``warnings``.

    Raises:
        InputError: unreadable files, files of different lengths, a bad ``n_bootstrap``.
    """
    from selaras.io import read_lines
    from selaras.language import language_warning
    from selaras.metrics import check_bootstrap, corpus_scores, paragraph_segments

    n_bootstrap = check_bootstrap(n_bootstrap)
    hyps, refs = paragraph_segments(
        read_lines(hypothesis), [read_lines(r) for r in references], names=[str(hypothesis), *map(str, references)]
    )
    found = [language_warning(hyps, "en", str(hypothesis))]
    found += [language_warning(ref, "en", str(path)) for path, ref in zip(references, refs)]
    warnings = [w for w in found if w]
    for warning in warnings:
        logger.warning("%s", warning)
    return ScoreResult(corpus_scores(hyps, refs, n_bootstrap=n_bootstrap), len(hyps), warnings)
