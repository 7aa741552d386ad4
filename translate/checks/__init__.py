"""QA flags for aligned rows: each check owns its parameters; a registry runs them.

Each check follows OpusFilter's filter classes (``opusfilter/filters.py``): a check is
built with its thresholds as constructor arguments, which it validates at once
(:class:`~translate.checks.base.ParameterError`, an ``InputError``); ``score()`` turns
a row into plain numbers (an empty side gives a defined value, never an exception)
and ``decide()`` applies the thresholds, returning a :class:`~translate.records.Flag`
with a human detail, or ``None``. Nothing here opens files or needs a model, so
``selaras check`` runs offline in milliseconds.

Commercial checkers (Xbench, Okapi CheckMate) run similar checks, but none knows
Indonesian number formats, which is why :func:`extract_numbers` exists.

Where things are, one module per check (or measure family), in ``FLAG_NAMES`` order:
:mod:`.empty`, :mod:`.wrong_language`, :mod:`.untranslated`, :mod:`.repetition`,
:mod:`.numbers`, :mod:`.entities`, :mod:`.length` (``length-ratio``),
:mod:`.confidence` (``low-confidence``), :mod:`.scores` (``low-alignment``,
``low-score``); :mod:`.base` holds the :class:`Check` base class and
:mod:`.registry` the list of checks and the functions that run them. Every public
name of those modules is importable from ``translate.checks``.

Custom parameters, by check and parameter name::

    check_rows(rows, params={"low-score": {"min_chrf": 25}, "low-confidence": {"threshold": -1.5}})
    checks = build_checks({"entity-missing": {"similarity": 0.8}}); find_flags(rows, checks=checks)
"""

from __future__ import annotations

from translate.checks.base import Check, ParameterError
from translate.checks.confidence import (
    CONFIDENCE_MIN_GAP,
    CONFIDENCE_MIN_ROWS,
    CONFIDENCE_Z,
    ConfidenceScore,
    LowConfidenceCheck,
)
from translate.checks.empty import EmptyCheck
from translate.checks.entities import (
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
from translate.checks.length import (
    LENGTH_MIN_FACTOR,
    LENGTH_MIN_ROWS,
    LENGTH_SMOOTHING,
    LENGTH_Z,
    MAD_TO_SIGMA,
    LengthRatioCheck,
    RobustStats,
    length_log_ratio,
)
from translate.checks.numbers import (
    NUMBER_MISMATCH_MAX,
    NumberCheck,
    NumberComparison,
    NumberMention,
    compare_numbers,
    extract_numbers,
    parse_number,
)
from translate.checks.registry import (
    CHECK_TYPES,
    CHECKS,
    FLAG_NAMES,
    CheckParams,
    apply_flags,
    build_checks,
    check_parameters,
    check_rows,
    count_flags,
    find_flags,
)
from translate.checks.repetition import (
    REPEAT_MAX_N,
    REPEAT_MIN_RUN,
    REPEAT_MIN_TRIGRAMS,
    REPEAT_TRIGRAM_SHARE,
    RepeatScore,
    RepetitionCheck,
    max_repeat_run,
    repeated_trigram_share,
)
from translate.checks.scores import LOW_ALIGN, LOW_CHRF, LowAlignmentCheck, LowScoreCheck
from translate.checks.untranslated import (
    UNTRANSLATED_COPY_RATIO,
    UNTRANSLATED_MIN_ID_WORDS,
    UNTRANSLATED_MIN_SHARED,
    UNTRANSLATED_SHARED_SHARE,
    UntranslatedCheck,
    UntranslatedScore,
    untranslated_score,
)
from translate.checks.wrong_language import WrongLanguageCheck
from translate.language import ID_FUNCTION_WORDS
from translate.records import Lang

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
    "length_log_ratio",
    "max_repeat_run",
    "missing_entities",
    "name_similarity",
    "parse_number",
    "repeated_trigram_share",
    "untranslated_score",
]
