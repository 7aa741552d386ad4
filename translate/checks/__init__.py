"""QA flags for aligned rows: pure measures over text, and thresholds that decide.

Each check follows OpusFilter's split (``opusfilter/filters.py``): ``score()`` turns a
row into plain numbers (an empty side gives a defined value, never an exception), and
``decide()`` compares those numbers with a threshold from :class:`Thresholds` and
returns a :class:`~translate.records.Flag` with a human detail, or ``None``. Nothing
here opens files or needs a model, so ``selaras check`` runs offline in milliseconds.

Commercial checkers (Xbench, Okapi CheckMate) run similar checks, but none knows
Indonesian number formats, which is why :func:`extract_numbers` exists.

Where things are: the measures live in small modules (:mod:`.numbers` for numbers,
:mod:`.entities` for names, :mod:`.measures` for untranslated text, repetition and
length ratios), the limits in :mod:`.thresholds`, and the checks that join them here.
Every public name of those modules is importable from ``translate.checks``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from translate.checks.entities import (
    ID_CAPITALISED_COMMON,
    ID_EXONYMS,
    DocumentWords,
    capitalised_tokens,
    entity_candidates,
    entity_scores,
    missing_entities,
    name_similarity,
)
from translate.checks.measures import (
    ID_FUNCTION_WORDS,
    LengthStats,
    UntranslatedScore,
    length_log_ratio,
    max_repeat_run,
    repeated_trigram_share,
    untranslated_score,
)
from translate.checks.numbers import (
    Lang,
    NumberComparison,
    NumberMention,
    compare_numbers,
    extract_numbers,
    parse_number,
)
from translate.checks.thresholds import (
    DEFAULT_THRESHOLDS,
    ENTITY_MISSING_MAX,
    ENTITY_PREFIX,
    ENTITY_SIMILARITY,
    LENGTH_MIN_FACTOR,
    LENGTH_MIN_ROWS,
    LENGTH_SMOOTHING,
    LENGTH_Z,
    LOW_ALIGN,
    LOW_CHRF,
    NUMBER_MISMATCH_MAX,
    REPEAT_MAX_N,
    REPEAT_MIN_RUN,
    REPEAT_MIN_TRIGRAMS,
    REPEAT_TRIGRAM_SHARE,
    UNTRANSLATED_COPY_RATIO,
    UNTRANSLATED_MIN_ID_WORDS,
    UNTRANSLATED_MIN_SHARED,
    UNTRANSLATED_SHARED_SHARE,
    Thresholds,
)
from translate.records import Flag
from translate.rows import AlignedRow

__all__ = [
    "CHECKS",
    "DEFAULT_THRESHOLDS",
    "ENTITY_MISSING_MAX",
    "ENTITY_PREFIX",
    "ENTITY_SIMILARITY",
    "FLAG_NAMES",
    "ID_CAPITALISED_COMMON",
    "ID_EXONYMS",
    "ID_FUNCTION_WORDS",
    "LENGTH_MIN_FACTOR",
    "LENGTH_MIN_ROWS",
    "LENGTH_SMOOTHING",
    "LENGTH_Z",
    "LOW_ALIGN",
    "LOW_CHRF",
    "NUMBER_MISMATCH_MAX",
    "REPEAT_MAX_N",
    "REPEAT_MIN_RUN",
    "REPEAT_MIN_TRIGRAMS",
    "REPEAT_TRIGRAM_SHARE",
    "UNTRANSLATED_COPY_RATIO",
    "UNTRANSLATED_MIN_ID_WORDS",
    "UNTRANSLATED_MIN_SHARED",
    "UNTRANSLATED_SHARED_SHARE",
    "Check",
    "Document",
    "DocumentWords",
    "EmptyCheck",
    "EntityCheck",
    "Lang",
    "LengthRatioCheck",
    "LengthStats",
    "LowAlignmentCheck",
    "LowScoreCheck",
    "NumberCheck",
    "NumberComparison",
    "NumberMention",
    "RepetitionCheck",
    "Thresholds",
    "UntranslatedCheck",
    "UntranslatedScore",
    "apply_flags",
    "capitalised_tokens",
    "check_rows",
    "compare_numbers",
    "count_flags",
    "entity_candidates",
    "entity_scores",
    "extract_numbers",
    "find_flags",
    "length_log_ratio",
    "max_repeat_run",
    "missing_entities",
    "name_similarity",
    "parse_number",
    "repeated_trigram_share",
    "untranslated_score",
]

#: Every flag this module computes, in the stable order written to the ``flags`` column.
FLAG_NAMES: tuple[str, ...] = (
    "empty",
    "untranslated",
    "repetition",
    "number-mismatch",
    "entity-missing",
    "length-ratio",
    "low-alignment",
    "low-score",
)


@dataclass(frozen=True, slots=True)
class Document:
    """What some checks need to know about the whole document."""

    length: LengthStats = field(default_factory=LengthStats)
    words: DocumentWords = field(default_factory=DocumentWords)

    @classmethod
    def of(cls, rows: Sequence[AlignedRow]) -> Document:
        return cls(LengthStats.of(rows), DocumentWords.of([r.source for r in rows]))


class Check(Protocol):
    """A QA check: ``score`` measures, ``decide`` applies a threshold."""

    name: str

    def score(self, row: AlignedRow, doc: Document): ...

    def decide(self, score, thresholds: Thresholds) -> Flag | None: ...


class EmptyCheck:
    """A side that should have text is empty (MT empty for a non-empty source, too)."""

    name = "empty"

    def score(self, row: AlignedRow, doc: Document) -> tuple[str, ...]:
        sides = []
        if row.src_ids and not row.source.strip():
            sides.append("source")
        if row.ref_ids and not row.reference.strip():
            sides.append("reference")
        if row.source.strip() and not row.mt.strip():
            sides.append("mt")
        return tuple(sides)

    def decide(self, score: tuple[str, ...], thresholds: Thresholds) -> Flag | None:
        return Flag(self.name, "empty " + ", ".join(score)) if score else None


class UntranslatedCheck:
    name = "untranslated"

    def score(self, row: AlignedRow, doc: Document) -> UntranslatedScore:
        return untranslated_score(row.source, row.mt)

    def decide(self, score: UntranslatedScore, thresholds: Thresholds) -> Flag | None:
        if score.copy_ratio >= thresholds.untranslated_copy_ratio:
            return Flag(self.name, f"MT copies the source (similarity {score.copy_ratio:.2f})")
        if score.id_words >= thresholds.untranslated_min_id_words:
            return Flag(self.name, f"{score.id_words} Indonesian function words in the MT")
        if (
            score.shared_words >= thresholds.untranslated_min_shared
            and score.shared_share >= thresholds.untranslated_shared_share
        ):
            return Flag(self.name, f"{score.shared_share:.0%} of the MT's words are source words")
        return None


class RepetitionCheck:
    name = "repetition"

    def score(self, row: AlignedRow, doc: Document) -> tuple[tuple[int, str], float, tuple[int, str], float]:
        return (
            max_repeat_run(row.mt),
            repeated_trigram_share(row.mt),
            max_repeat_run(row.source),
            repeated_trigram_share(row.source),
        )

    def decide(self, score, thresholds: Thresholds) -> Flag | None:
        (run, gram), share, (src_run, _), src_share = score
        # The source repeating itself ("sangat, sangat, sangat") licenses the MT to.
        if run >= thresholds.repeat_min_run and run > src_run:
            return Flag(self.name, f"{gram!r} repeated {run} times")
        if share >= thresholds.repeat_trigram_share and src_share < thresholds.repeat_trigram_share:
            return Flag(self.name, f"{share:.0%} of trigrams repeat")
        return None


class NumberCheck:
    name = "number-mismatch"

    def score(self, row: AlignedRow, doc: Document) -> NumberComparison:
        if not row.source.strip() or not row.mt.strip():
            return NumberComparison()
        return compare_numbers(row.source, row.mt)

    def decide(self, score: NumberComparison, thresholds: Thresholds) -> Flag | None:
        if score.count <= thresholds.number_mismatch_max:
            return None
        parts = []
        if score.missing_in_mt:
            parts.append("source " + ", ".join(score.missing_in_mt) + " not in MT")
        if score.extra_in_mt:
            parts.append("MT " + ", ".join(score.extra_in_mt) + " not in source")
        return Flag(self.name, "; ".join(parts))


class EntityCheck:
    name = "entity-missing"

    def score(self, row: AlignedRow, doc: Document) -> list[tuple[str, float]]:
        return entity_scores(row.source, row.mt, doc.words)

    def decide(self, score: list[tuple[str, float]], thresholds: Thresholds) -> Flag | None:
        missing = [word for word, best in score if best < thresholds.entity_similarity]
        if len(missing) <= thresholds.entity_missing_max:
            return None
        return Flag(self.name, "not in MT: " + ", ".join(missing))


class LengthRatioCheck:
    name = "length-ratio"

    def score(self, row: AlignedRow, doc: Document) -> tuple[float | None, LengthStats]:
        return length_log_ratio(row.source, row.mt), doc.length

    def decide(self, score, thresholds: Thresholds) -> Flag | None:
        ratio, stats = score
        if ratio is None or abs(ratio - stats.center) <= stats.band(thresholds):
            return None
        return Flag(
            self.name,
            f"MT/source length {math.exp(ratio):.2f} vs document median {math.exp(stats.center):.2f}",
        )


class LowAlignmentCheck:
    name = "low-alignment"

    def score(self, row: AlignedRow, doc: Document) -> float | None:
        return row.align_score

    def decide(self, score: float | None, thresholds: Thresholds) -> Flag | None:
        if score is None or score >= thresholds.low_align:
            return None
        return Flag(self.name, f"alignment score {score:.2f} < {thresholds.low_align:g}")


class LowScoreCheck:
    name = "low-score"

    def score(self, row: AlignedRow, doc: Document) -> float | None:
        return row.chrf

    def decide(self, score: float | None, thresholds: Thresholds) -> Flag | None:
        if score is None or score >= thresholds.low_chrf:
            return None
        return Flag(self.name, f"chrF {score:.1f} < {thresholds.low_chrf:g}")


#: The checks in ``FLAG_NAMES`` order.
CHECKS: tuple[Check, ...] = (
    EmptyCheck(),
    UntranslatedCheck(),
    RepetitionCheck(),
    NumberCheck(),
    EntityCheck(),
    LengthRatioCheck(),
    LowAlignmentCheck(),
    LowScoreCheck(),
)


def find_flags(rows: Sequence[AlignedRow], *, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[list[Flag]]:
    """Run every check on every row; one list of :class:`Flag` (with details) per row.

    Args:
        rows: the aligned rows of one document (length ratios and names are judged
            against the document as a whole).
        thresholds: the limits; defaults are the module constants.

    Returns:
        For each row, the flags that fire, in ``FLAG_NAMES`` order.
    """
    doc = Document.of(rows)
    # A TSV aligned without any MT (``selaras run --no-mt``) has nothing to check but the
    # alignment: flagging every row ``empty`` would bury the one signal it has.
    checks = CHECKS if any(row.mt.strip() for row in rows) else (LowAlignmentCheck(),)
    results: list[list[Flag]] = []
    for row in rows:
        flags = []
        for check in checks:
            flag = check.decide(check.score(row, doc), thresholds)
            if flag is not None:
                flags.append(flag)
        results.append(flags)
    return results


def apply_flags(rows: Sequence[AlignedRow], flags: Sequence[Sequence[Flag]]) -> list[AlignedRow]:
    """Return ``rows`` with their ``flags`` set from :func:`find_flags` results.

    Flags this module knows are replaced by ``flags``, in ``FLAG_NAMES`` order; other
    flags already on a row (set by another tool or by hand) are kept after them, so
    checking twice gives the same file.
    """
    known = set(FLAG_NAMES)
    out: list[AlignedRow] = []
    for row, found in zip(rows, flags, strict=True):
        kept = tuple(f for f in row.flags if f not in known)
        out.append(replace(row, flags=tuple(f.name for f in found) + kept))
    return out


def check_rows(rows: Sequence[AlignedRow], *, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[AlignedRow]:
    """Return the rows with their ``flags`` recomputed (see :func:`apply_flags`)."""
    return apply_flags(rows, find_flags(rows, thresholds=thresholds))


def count_flags(rows: Sequence[AlignedRow]) -> dict[str, int]:
    """Rows per flag, ``FLAG_NAMES`` first (zeros included), then any other flags."""
    counts = dict.fromkeys(FLAG_NAMES, 0)
    for row in rows:
        for name in row.flags:
            counts[name] = counts.get(name, 0) + 1
    return counts
