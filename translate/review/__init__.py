"""Review of an aligned TSV: what the terminal table and the HTML page share.

Rendering lives in ``terminal`` (a rich table) and ``html`` (one self-contained page);
the editing workbench in ``session`` (the model), ``server`` and ``workbench`` (its page).
This module holds the small pure steps both need: picking and ordering rows, the chrF
histogram, and which MT words the reference also contains. Corpus scores come from
``selaras.metrics.score_rows``, flag counts from ``selaras.checks.count_flags``,
the row's columns from ``selaras.rows``. Nothing here opens files or prints.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from selaras.checks import LOW_CHRF
from selaras.rows import AlignedRow, is_scored

SortOrder = Literal["file", "score"]

#: chrF at or above which a sentence is shown green (between ``LOW_CHRF``, the
#: ``low-score`` flag's threshold, and this: yellow). A display band, not a published
#: cut-off: chrF (Popović 2015, 0-100 scale) has no agreed threshold.
GOOD_CHRF = 60.0

#: Histogram bin width in chrF points: 20 bins over 0-100, fine enough to see a bimodal
#: document (misaligned vs. good beads) and coarse enough to read at a glance.
HISTOGRAM_BIN = 5.0

#: Metric keys of ``metrics.json`` (``selaras.metrics.scores_as_json``) and how they
#: are labelled for people; chrF's default beta is 2 (sacrebleu ``CHRF.BETA``).
METRIC_LABELS: dict[str, str] = {"bleu": "BLEU", "chrf": "chrF2", "chrfpp": "chrF2++", "ter": "TER"}

_WORD = re.compile(r"\w+")


def is_weak(row: AlignedRow, weak_chrf: float = LOW_CHRF) -> bool:
    """A row that deserves a second look: it carries a flag or its chrF is low."""
    return bool(row.flags) or (row.chrf is not None and row.chrf < weak_chrf)


def fill_sentence_scores(rows: Sequence[AlignedRow]) -> list[AlignedRow]:
    """Rows with sentence chrF/BLEU filled in where the TSV left them empty.

    ``selaras align`` writes these scores, but a hand-made or trimmed TSV may not; the
    review sorts and colours by chrF, so missing values for scorable rows are computed
    with sacrebleu (``selaras.metrics.sentence_scores``). Unscorable rows keep ``None``.
    """
    from selaras.metrics import sentence_scores

    filled: list[AlignedRow] = []
    for row in rows:
        if (row.chrf is None or row.bleu is None) and is_scored(row):
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


def rows_for_review(
    rows: Sequence[AlignedRow],
    *,
    only_flagged: bool = False,
    sort: SortOrder = "file",
    limit: int | None = None,
    statuses: Sequence[str] | None = None,
) -> list[tuple[int, AlignedRow]]:
    """Pick and order rows for display, keeping each row's 1-based position in the file.

    Args:
        rows: rows in file order.
        only_flagged: keep rows with at least one flag.
        sort: ``file`` keeps file order; ``score`` puts the weakest chrF first (rows
            without a chrF, e.g. 1-0 beads, go last: there is nothing to compare).
        limit: keep at most this many rows after filtering and sorting.
        statuses: keep rows with one of these review statuses (see :func:`parse_statuses`).

    Returns:
        ``(position, row)`` pairs.
    """
    picked = [
        (number, row)
        for number, row in enumerate(rows, start=1)
        if (row.flags or not only_flagged) and (statuses is None or row.status in statuses)
    ]
    if sort == "score":
        picked.sort(key=lambda item: (item[1].chrf is None, item[1].chrf or 0.0, item[0]))
    if limit is not None:
        picked = picked[: max(limit, 0)]
    return picked


#: Review statuses as a user names them; ``pending`` is the empty ``status`` cell.
STATUS_NAMES: dict[str, str] = {"accepted": "accepted", "rejected": "rejected", "pending": ""}


def parse_statuses(text: str) -> tuple[str, ...]:
    """``accepted,pending`` -> the ``status`` cell values to keep (``pending`` is empty).

    Raises:
        InputError: an unknown status name, or none given.
    """
    from selaras.errors import InputError

    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in STATUS_NAMES]
    if unknown or not names:
        raise InputError(
            f"unknown review status {', '.join(unknown) or repr(text)}; use {', '.join(STATUS_NAMES)} (comma-separated)"
        )
    return tuple(STATUS_NAMES[name] for name in names)


def rows_with_status(rows: Sequence[AlignedRow], statuses: Sequence[str]) -> list[AlignedRow]:
    """The rows whose review status is one of ``statuses`` (``status`` cell values)."""
    return [row for row in rows if row.status in statuses]


def document_warnings(rows: Sequence[AlignedRow]) -> list[str]:
    """What looks wrong with the document as a whole, from the TSV alone.

    The same two checks ``selaras align`` and ``run`` make, so a reviewer who only has
    the TSV is told too: the reference side is not English
    (``selaras.language.language_warning``), or the alignment confidence (the
    sentence-weighted mean ``align_score``, ``selaras.align.alignment_confidence``)
    is so low that the reference does not look like a translation of the source.
    Corpus scores above such a TSV mean little. The wording is those functions' own.
    """
    from selaras.align import alignment_confidence
    from selaras.language import language_warning
    from selaras.records import Bead

    warnings = [language_warning([row.reference for row in rows if row.reference.strip()], "en", "the reference")]
    scored = [row for row in rows if row.align_score is not None]
    if scored:
        beads = [Bead(tuple(i - 1 for i in r.src_ids), tuple(j - 1 for j in r.ref_ids), float(r.align_score or 0.0)) for r in scored]
        warnings.append(alignment_confidence(beads).warning())
    return [w for w in warnings if w]


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


__all__ = [
    "GOOD_CHRF",
    "HISTOGRAM_BIN",
    "METRIC_LABELS",
    "STATUS_NAMES",
    "SortOrder",
    "chrf_histogram",
    "document_warnings",
    "fill_sentence_scores",
    "is_weak",
    "LOW_CHRF",
    "mt_match_segments",
    "parse_statuses",
    "rows_for_review",
    "rows_with_status",
]
