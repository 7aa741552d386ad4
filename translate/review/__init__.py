"""Review of an aligned TSV: what the terminal table and the HTML page share.

Rendering lives in ``terminal`` (a rich table) and ``html`` (one self-contained page);
this module holds the small pure steps both need: picking and ordering rows, corpus
metrics over the aligned beads, the chrF histogram, and which MT words the reference
also contains. Nothing here opens files or prints.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import PurePath
from typing import Any, Literal

from translate.errors import InputError
from translate.rows import AlignedRow

SortOrder = Literal["file", "score"]

#: Sentence chrF below which a row is shown as weak (red). A display heuristic chosen
#: for this view, not a published cut-off: chrF (Popović 2015, 0-100 scale) has no
#: agreed threshold, and ``selaras check`` flags remain the authoritative QA signal.
WEAK_CHRF = 30.0

#: chrF at or above which a sentence is shown green (between the two: yellow). A
#: display band like ``WEAK_CHRF``, not a published cut-off.
GOOD_CHRF = 60.0

#: Histogram bin width in chrF points: 20 bins over 0-100, fine enough to see a bimodal
#: document (misaligned vs. good beads) and coarse enough to read at a glance.
HISTOGRAM_BIN = 5.0

#: Metric keys of ``metrics.json`` (``translate.metrics.scores_as_json``) and how they
#: are labelled for people; chrF's default beta is 2 (sacrebleu ``CHRF.BETA``).
METRIC_LABELS: dict[str, str] = {"bleu": "BLEU", "chrf": "chrF2", "chrfpp": "chrF2++", "ter": "TER"}

_WORD = re.compile(r"\w+")


def is_aligned(row: AlignedRow) -> bool:
    """Whether a row has both an MT and a reference side, so it can be scored."""
    return bool(row.mt.strip()) and bool(row.reference.strip())


def is_weak(row: AlignedRow, weak_chrf: float = WEAK_CHRF) -> bool:
    """A row that deserves a second look: it carries a flag or its chrF is low."""
    return bool(row.flags) or (row.chrf is not None and row.chrf < weak_chrf)


def fill_sentence_scores(rows: Sequence[AlignedRow]) -> list[AlignedRow]:
    """Rows with sentence chrF/BLEU filled in where the TSV left them empty.

    ``selaras align`` writes these scores, but a hand-made or trimmed TSV may not; the
    review sorts and colours by chrF, so missing values for scorable rows are computed
    with sacrebleu (``translate.metrics.sentence_scores``). Unscorable rows keep ``None``.
    """
    from translate.metrics import sentence_scores

    filled: list[AlignedRow] = []
    for row in rows:
        if (row.chrf is None or row.bleu is None) and is_aligned(row):
            scores = sentence_scores(row.mt, row.reference)
            if scores is not None:
                chrf, bleu = scores
                row = replace(
                    row,
                    chrf=row.chrf if row.chrf is not None else chrf,
                    bleu=row.bleu if row.bleu is not None else bleu,
                )
        filled.append(row)
    return filled


def select_rows(
    rows: Sequence[AlignedRow],
    *,
    only_flagged: bool = False,
    sort: SortOrder = "file",
    limit: int | None = None,
) -> list[tuple[int, AlignedRow]]:
    """Pick and order rows for display, keeping each row's 1-based position in the file.

    Args:
        rows: rows in file order.
        only_flagged: keep rows with at least one flag.
        sort: ``file`` keeps file order; ``score`` puts the weakest chrF first (rows
            without a chrF, e.g. 1-0 beads, go last: there is nothing to compare).
        limit: keep at most this many rows after filtering and sorting.

    Returns:
        ``(position, row)`` pairs.
    """
    picked = [(number, row) for number, row in enumerate(rows, start=1) if row.flags or not only_flagged]
    if sort == "score":
        picked.sort(key=lambda item: (item[1].chrf is None, item[1].chrf or 0.0, item[0]))
    if limit is not None:
        picked = picked[: max(limit, 0)]
    return picked


def flag_counts(rows: Sequence[AlignedRow]) -> Counter[str]:
    """How many rows carry each flag name (flags are opaque names from ``selaras check``)."""
    return Counter(flag for row in rows for flag in row.flags)


def compute_metrics(
    rows: Sequence[AlignedRow], *, n_bootstrap: int = 1, keys: Sequence[str] | None = None
) -> dict[str, Any] | None:
    """Corpus BLEU/chrF/chrF++/TER over the aligned beads, in the ``metrics.json`` shape.

    Only rows with both an MT and a reference are scored: a 1-0 or 0-1 bead has nothing
    to compare, and counting it as an empty line would punish the aligner, not the MT.

    ``keys`` limits the metrics (default: all of :data:`translate.metrics.METRIC_KEYS`).

    Returns:
        ``translate.metrics.scores_as_json`` output, or ``None`` when no row is scorable.
    """
    from translate.metrics import METRIC_KEYS, corpus_scores, scores_as_json

    pairs = [(row.mt, row.reference) for row in rows if is_aligned(row)]
    if not pairs:
        return None
    hyps = [mt for mt, _ in pairs]
    refs = [ref for _, ref in pairs]
    scores = corpus_scores(hyps, [refs], n_bootstrap=n_bootstrap, keys=keys or METRIC_KEYS)
    return scores_as_json(scores, len(pairs))


def check_metrics(payload: Any, name: str) -> dict[str, Any] | None:
    """Validate a ``metrics.json`` payload (from ``selaras run`` or ``selaras score --json``).

    Returns:
        The scores, or ``None`` for a run made without MT (``"mt": null``), which has none.

    Raises:
        InputError: when it is not an object with numeric ``bleu`` and ``chrf``.
    """
    hint = "give the metrics.json written by selaras run (or the output of selaras score --json)"
    if not isinstance(payload, Mapping):
        raise InputError(f"{name} is not a metrics file (expected a JSON object); {hint}")
    if "mt" in payload and payload["mt"] is None and "bleu" not in payload:
        return None
    for key in ("bleu", "chrf"):
        value = payload.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"{name} has no numeric {key!r}; {hint}")
    for key in ("signatures", "ci95"):
        if key in payload and not isinstance(payload[key], Mapping):
            raise InputError(f"{name}: {key!r} must be an object; {hint}")
    return dict(payload)


def metrics_for_tsv(payload: Any, name: str, tsv_name: str) -> dict[str, Any] | None:
    """The scores in a ``metrics.json`` payload that belong to the aligned TSV ``tsv_name``.

    ``selaras run`` with several references writes one aligned TSV per reference and
    lists each under ``references`` (``aligned``: the TSV's file name, ``metrics``: its
    scores); the top-level scores are the first reference's only, so showing them
    beside ``aligned.ref2.tsv`` would be wrong. The entry is matched by file name, the
    only link between the TSV and ``metrics.json``. A payload without ``references``
    (``selaras score --json``, or a run without any) is taken as is.

    Returns:
        The scores, or ``None`` where the run has none for that TSV (no MT).

    Raises:
        InputError: no entry is for ``tsv_name`` (the message lists those that are),
            or the scores are malformed (see :func:`check_metrics`).
    """
    references = payload.get("references") if isinstance(payload, Mapping) else None
    if not isinstance(references, list) or not references:
        return check_metrics(payload, name)
    entries = [e for e in references if isinstance(e, Mapping) and isinstance(e.get("aligned"), str)]
    for entry in entries:
        if PurePath(entry["aligned"]).name == tsv_name:
            scores = entry.get("metrics")
            return None if scores is None else check_metrics(scores, f"{name} ({tsv_name})")
    held = ", ".join(f"{e['aligned']} (reference {e.get('reference', '?')})" for e in entries) or "none"
    raise InputError(
        f"{name} has no scores for {tsv_name}; it holds scores for: {held}. "
        "Review one of those TSVs, or leave out --metrics to score this file"
    )


def chrf_histogram(rows: Sequence[AlignedRow], bin_width: float = HISTOGRAM_BIN) -> list[int]:
    """Counts of sentence chrF per bin over 0-100 (a score of 100 falls in the last bin)."""
    n_bins = math.ceil(100.0 / bin_width)
    counts = [0] * n_bins
    for row in rows:
        if row.chrf is None or not math.isfinite(row.chrf):
            continue
        index = int(min(max(row.chrf, 0.0), 100.0) // bin_width)
        counts[min(index, n_bins - 1)] += 1
    return counts


def mt_match_segments(mt: str, reference: str) -> list[str]:
    """Split the MT into alternating plain and matched pieces for highlighting.

    A word (``\\w+``, Unicode-aware) is matched when the reference contains the same
    word, compared case-insensitively (``str.casefold``). Even indices are plain text,
    odd indices are matched words, so ``"".join(parts) == mt`` always holds and the
    renderer never has to trust markup inside the text.
    """
    ref_words = {word.casefold() for word in _WORD.findall(reference)}
    parts: list[str] = []
    plain_start = 0
    for match in _WORD.finditer(mt):
        if match.group().casefold() in ref_words:
            parts.append(mt[plain_start : match.start()])
            parts.append(match.group())
            plain_start = match.end()
    parts.append(mt[plain_start:])
    return parts


def format_ids(ids: Sequence[int]) -> str:
    """1-based sentence numbers as the TSV writes them (``3,4``); empty for no sentence."""
    return ",".join(str(i) for i in ids)


__all__ = [
    "GOOD_CHRF",
    "HISTOGRAM_BIN",
    "METRIC_LABELS",
    "WEAK_CHRF",
    "SortOrder",
    "check_metrics",
    "chrf_histogram",
    "compute_metrics",
    "fill_sentence_scores",
    "flag_counts",
    "format_ids",
    "is_aligned",
    "is_weak",
    "metrics_for_tsv",
    "mt_match_segments",
    "select_rows",
]
