"""The registry of QA checks, and running them over a document.

:data:`CHECK_TYPES` lists every check class in the order its flag is written
(:data:`FLAG_NAMES`); :func:`build_checks` makes them with parameters given by check
and parameter name, and :func:`find_flags` / :func:`check_rows` run them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from translate.checks.base import Check
from translate.checks.confidence import LowConfidenceCheck
from translate.checks.empty import EmptyCheck
from translate.checks.entities import EntityCheck
from translate.checks.length import LengthRatioCheck
from translate.checks.numbers import NumberCheck
from translate.checks.repetition import RepetitionCheck
from translate.checks.scores import LowAlignmentCheck, LowScoreCheck
from translate.checks.untranslated import UntranslatedCheck
from translate.checks.wrong_language import WrongLanguageCheck
from translate.errors import InputError
from translate.records import Flag
from translate.rows import AlignedRow

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
            :class:`~translate.checks.base.ParameterError` (an ``InputError``) for a
            value out of range, naming the check and the parameter.
    """
    params = dict(params or {})
    for name in params:
        _check_type(name)
    checks: list[Check] = []
    for check_type in CHECK_TYPES:
        given = dict(params.get(check_type.name, {}))
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
    """Return ``rows`` with their ``flags`` set from :func:`find_flags` results.

    Flags this package knows are replaced by ``flags``, in ``FLAG_NAMES`` order; other
    flags already on a row (set by another tool or by hand) are kept after them, so
    checking twice gives the same file.
    """
    known = set(FLAG_NAMES)
    out: list[AlignedRow] = []
    for row, found in zip(rows, flags, strict=True):
        kept = tuple(f for f in row.flags if f not in known)
        out.append(replace(row, flags=tuple(f.name for f in found) + kept))
    return out


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
