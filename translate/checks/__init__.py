"""QA flags for aligned rows: each check owns its parameters; a registry runs them.

Each check follows OpusFilter's filter classes (``opusfilter/filters.py``): a check is
built with its thresholds as constructor arguments, which it validates at once
(:class:`~selaras.checks.base.ParameterError`, an ``InputError``); ``score()`` turns
a row into plain numbers (an empty side gives a defined value, never an exception)
and ``decide()`` applies the thresholds, returning a :class:`~selaras.records.Flag`
with a human detail, or ``None``. Nothing here opens files or needs a model, so
``selaras check`` runs offline in milliseconds.

Commercial checkers (Xbench, Okapi CheckMate) run similar checks, but none knows
Indonesian number formats, which is why :func:`extract_numbers` exists.

Where things are, one module per check (or measure family), in ``FLAG_NAMES`` order:
:mod:`.empty`, :mod:`.wrong_language`, :mod:`.untranslated`, :mod:`.repetition`,
:mod:`.numbers`, :mod:`.entities`, :mod:`.term_missing` (a glossary's terms), :mod:`.length` (``length-ratio``),
:mod:`.confidence` (``low-confidence``), :mod:`.scores` (``low-alignment``,
``low-score``); :mod:`.base` holds the :class:`Check` base class, :mod:`.lexicon` reads
the word lists in ``data/`` (Indonesian words, exonyms and acronyms, titles; each file's
source and licence in ``data/SOURCE.md``). Each flag's detail is its reason, which
:func:`apply_flags` writes to the row's ``flag_reasons`` column.

Tuned on real MT (issue #21): on gareng-dev's Google NMT output the flags fire on 0.34%
of rows (was 6.5%), measured with ``scripts/eval_checks.py``. This module is the
registry: :data:`CHECK_TYPES` lists the check classes in flag order, and
:func:`build_checks`, :func:`find_flags` and :func:`check_rows` run them. A new check
is one module plus one line in :data:`CHECK_TYPES`. Every public name of those
modules is importable from ``selaras.checks``.

Custom parameters, by check and parameter name::

    check_rows(rows, params={"low-score": {"min_chrf": 25}, "low-confidence": {"threshold": -1.5}})
    checks = build_checks({"entity-missing": {"similarity": 0.8}}); find_flags(rows, checks=checks)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from selaras.checks.base import Check, ParameterError
from selaras.checks.confidence import (
    CONFIDENCE_MIN_GAP,
    CONFIDENCE_MIN_ROWS,
    CONFIDENCE_Z,
    ConfidenceScore,
    LowConfidenceCheck,
)
from selaras.checks.empty import EmptyCheck
from selaras.checks.entities import (
    ENTITY_MISSING_MAX,
    ENTITY_PREFIX,
    ENTITY_SIMILARITY,
    ID_CAPITALISED_COMMON,
    ID_EXONYMS,
    ID_TITLE_MODIFIERS,
    ID_TITLE_WORDS,
    DocumentWords,
    EntityCheck,
    capitalised_tokens,
    entity_candidates,
    entity_scores,
    missing_entities,
    name_similarity,
)
from selaras.checks.length import (
    LENGTH_MIN_FACTOR,
    LENGTH_MIN_ROWS,
    LENGTH_SMOOTHING,
    LENGTH_Z,
    MAD_TO_SIGMA,
    LengthRatioCheck,
    RobustStats,
    length_log_ratio,
)
from selaras.checks.numbers import (
    NUMBER_MISMATCH_MAX,
    NumberCheck,
    NumberComparison,
    NumberMention,
    compare_numbers,
    extract_numbers,
    parse_number,
)
from selaras.checks.repetition import (
    REPEAT_MAX_N,
    REPEAT_MIN_RUN,
    REPEAT_MIN_TRIGRAMS,
    REPEAT_TRIGRAM_SHARE,
    RepeatScore,
    RepetitionCheck,
    max_repeat_run,
    repeated_trigram_share,
)
from selaras.checks.scores import LOW_ALIGN, LOW_CHRF, LowAlignmentCheck, LowScoreCheck
from selaras.checks.term_missing import TERM_MISSING_MAX, TermMissingCheck
from selaras.checks.untranslated import (
    UNTRANSLATED_COPY_RATIO,
    UNTRANSLATED_MIN_ID_WORDS,
    UNTRANSLATED_MIN_SHARED,
    UNTRANSLATED_SHARED_SHARE,
    UntranslatedCheck,
    UntranslatedScore,
    untranslated_score,
)
from selaras.checks.wrong_language import WrongLanguageCheck
from selaras.errors import InputError
from selaras.language import ID_FUNCTION_WORDS
from selaras.records import Flag, Lang
from selaras.rows import AlignedRow

__all__ = [
    "CHECKS",
    "CHECK_TYPES",
    "CONFIDENCE_MIN_GAP",
    "CONFIDENCE_MIN_ROWS",
    "CONFIDENCE_Z",
    "ENTITY_MISSING_MAX",
    "ENTITY_PREFIX",
    "ENTITY_SIMILARITY",
    "FLAG_NAMES",
    "ID_CAPITALISED_COMMON",
    "ID_EXONYMS",
    "ID_FUNCTION_WORDS",
    "ID_TITLE_MODIFIERS",
    "ID_TITLE_WORDS",
    "LENGTH_MIN_FACTOR",
    "LENGTH_MIN_ROWS",
    "LENGTH_SMOOTHING",
    "LENGTH_Z",
    "LOW_ALIGN",
    "LOW_CHRF",
    "MAD_TO_SIGMA",
    "NUMBER_MISMATCH_MAX",
    "REPEAT_MAX_N",
    "REPEAT_MIN_RUN",
    "REPEAT_MIN_TRIGRAMS",
    "REPEAT_TRIGRAM_SHARE",
    "TERM_MISSING_MAX",
    "UNTRANSLATED_COPY_RATIO",
    "UNTRANSLATED_MIN_ID_WORDS",
    "UNTRANSLATED_MIN_SHARED",
    "UNTRANSLATED_SHARED_SHARE",
    "Check",
    "CheckParams",
    "ConfidenceScore",
    "DocumentWords",
    "EmptyCheck",
    "EntityCheck",
    "Lang",
    "LengthRatioCheck",
    "LowAlignmentCheck",
    "LowConfidenceCheck",
    "LowScoreCheck",
    "NumberCheck",
    "NumberComparison",
    "NumberMention",
    "ParameterError",
    "RepeatScore",
    "RepetitionCheck",
    "RobustStats",
    "TermMissingCheck",
    "UntranslatedCheck",
    "UntranslatedScore",
    "WrongLanguageCheck",
    "apply_flags",
    "build_checks",
    "capitalised_tokens",
    "check_parameters",
    "check_rows",
    "compare_numbers",
    "count_flags",
    "entity_candidates",
    "entity_scores",
    "extract_numbers",
    "find_flags",
    "glossary_checks",
    "length_log_ratio",
    "max_repeat_run",
    "missing_entities",
    "name_similarity",
    "parse_number",
    "repeated_trigram_share",
    "untranslated_score",
    "with_flags",
]

#: Every check class, in the stable order its flag is written to the ``flags`` column:
#: data problems first, then MT quality (what the MT says, then the engine's own
#: confidence), then the scores the aligner and metrics gave.
CHECK_TYPES: tuple[type[Check], ...] = (
    EmptyCheck,
    WrongLanguageCheck,
    UntranslatedCheck,
    RepetitionCheck,
    NumberCheck,
    EntityCheck,
    TermMissingCheck,
    LengthRatioCheck,
    LowConfidenceCheck,
    LowAlignmentCheck,
    LowScoreCheck,
)

#: Every flag this package computes, in ``flags`` column order.
FLAG_NAMES: tuple[str, ...] = tuple(t.name for t in CHECK_TYPES)

#: Check parameters by check and parameter name, as :func:`build_checks` takes them:
#: ``{"low-score": {"min_chrf": 25}}``.
CheckParams = Mapping[str, Mapping[str, Any]]


def check_parameters(name: str) -> dict[str, Any]:
    """The parameters of the check called ``name`` and their defaults."""
    check_type = _check_type(name)
    return {f.name: f.default for f in dataclasses.fields(check_type)}


def _check_type(name: str) -> type[Check]:
    for check_type in CHECK_TYPES:
        if check_type.name == name:
            return check_type
    raise InputError(f"unknown check {name!r}; known checks: {', '.join(FLAG_NAMES)}")


def build_checks(params: CheckParams | None = None) -> tuple[Check, ...]:
    """Every check, in ``FLAG_NAMES`` order, with ``params`` overriding their defaults.

    Args:
        params: ``{check name: {parameter: value}}``, e.g. ``{"low-score": {"min_chrf": 25},
            "low-confidence": {"threshold": -1.5}}``; parameters not given keep their
            defaults (named constants in each check's module).

    Raises:
        InputError: an unknown check or parameter;
            :class:`~selaras.checks.base.ParameterError` (an ``InputError``) for a
            value out of range, naming the check and the parameter.
    """
    params = dict(params or {})
    for name in params:
        _check_type(name)
    checks: list[Check] = []
    for check_type in CHECK_TYPES:
        given = params.get(check_type.name, {})
        if not isinstance(given, Mapping):
            raise InputError(f"{check_type.name}: parameters must be a mapping of name to value, got {given!r}")
        given = dict(given)
        known = {f.name for f in dataclasses.fields(check_type)}
        unknown = sorted(set(given) - known)
        if unknown:
            raise InputError(
                f"{check_type.name}: unknown parameter {unknown[0]!r}; "
                f"it takes {', '.join(sorted(known)) or 'no parameters'}"
            )
        checks.append(check_type(**given))
    return tuple(checks)


#: The checks with their default parameters.
CHECKS: tuple[Check, ...] = build_checks()


def glossary_checks(glossary: Any) -> tuple[Check, ...] | None:
    """The default checks with ``term-missing`` given ``glossary`` (a
    ``selaras.terms.Glossary``); ``None`` without one (then a caller's default applies)."""
    return None if glossary is None else build_checks({"term-missing": {"glossary": glossary}})


def find_flags(
    rows: Sequence[AlignedRow],
    *,
    checks: Sequence[Check] | None = None,
    params: CheckParams | None = None,
) -> list[list[Flag]]:
    """Run every check on every row; one list of :class:`Flag` (with details) per row.

    Args:
        rows: the aligned rows of one document (length ratios, names and MT confidence
            are judged against the document as a whole).
        checks: the checks to run (default: :data:`CHECKS`, or ``build_checks(params)``).
        params: parameters by check name (see :func:`build_checks`); not with ``checks``.

    Returns:
        For each row, the flags that fire, in the order of ``checks``.

    Raises:
        InputError: bad ``params`` (see :func:`build_checks`).
    """
    if checks is not None and params is not None:
        raise TypeError("give checks or params, not both")
    if checks is None:
        checks = CHECKS if params is None else build_checks(params)
    # A TSV aligned without any MT (``selaras run --no-mt``) has nothing to check but the
    # alignment and the reference: flagging every row ``empty`` would bury those signals.
    if not any(row.mt.strip() for row in rows):
        checks = [c for c in checks if not c.needs_mt]
    stats = [check.document_stats(rows) for check in checks]
    return [
        [flag for check, s in zip(checks, stats) if (flag := check.flag(row, s)) is not None] for row in rows
    ]


def apply_flags(rows: Sequence[AlignedRow], flags: Sequence[Sequence[Flag]]) -> list[AlignedRow]:
    """Return ``rows`` with their ``flags`` and ``flag_reasons`` set from :func:`find_flags` results.

    Flags this package knows are replaced by ``flags``, in ``FLAG_NAMES`` order, each
    with its reason (the flag's detail); other flags already on a row (set by another
    tool or by hand) are kept after them with any reason they had, so checking twice
    gives the same file.
    """
    return [with_flags(row, found) for row, found in zip(rows, flags, strict=True)]


def with_flags(row: AlignedRow, found: Sequence[Flag]) -> AlignedRow:
    """``row`` with the flags this package found (``found``) and their reasons, other
    tools' flags kept after them (see :func:`apply_flags`)."""
    known = set(FLAG_NAMES)
    kept = tuple(f for f in row.flags if f not in known)
    kept_reasons = tuple((name, reason) for name, reason in row.flag_reasons if name in kept)
    return replace(
        row,
        flags=tuple(f.name for f in found) + kept,
        flag_reasons=tuple((f.name, f.detail) for f in found) + kept_reasons,
    )


def check_rows(
    rows: Sequence[AlignedRow],
    *,
    checks: Sequence[Check] | None = None,
    params: CheckParams | None = None,
) -> list[AlignedRow]:
    """Return the rows with their ``flags`` recomputed (see :func:`find_flags`, :func:`apply_flags`)."""
    return apply_flags(rows, find_flags(rows, checks=checks, params=params))


def count_flags(rows: Sequence[AlignedRow]) -> dict[str, int]:
    """Rows per flag, ``FLAG_NAMES`` first (zeros included), then any other flags."""
    counts = dict.fromkeys(FLAG_NAMES, 0)
    for row in rows:
        for name in row.flags:
            counts[name] = counts.get(name, 0) + 1
    return counts
