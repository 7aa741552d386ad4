"""What every QA check shares: the :class:`Check` base class and parameter validation.

A check follows OpusFilter's filter classes (``opusfilter/filters.py``): its thresholds
are constructor arguments, checked when it is built; :meth:`Check.score` turns a row
into plain numbers (an empty side gives a defined value, never an exception) and
:meth:`Check.decide` applies the thresholds, returning a :class:`~selaras.records.Flag`
with a human detail, or ``None``. A check that judges a row against the whole document
(length ratios, names, MT confidence) computes what it needs once in
:meth:`Check.document_stats`, which :meth:`score` then receives.

A new check is one module with a ``Check`` subclass (a frozen dataclass whose fields
are its parameters) and one line in :data:`selaras.checks.CHECK_TYPES`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

from selaras.errors import InputError
from selaras.records import Flag
from selaras.rows import AlignedRow


class ParameterError(InputError):
    """A check parameter out of range. ``check``, ``param`` and ``reason`` say which and why.

    The message names the check and the parameter, never a CLI flag
    (``low-score: min_chrf must be between 0 and 100, got 150``); the CLI maps
    ``(check, param)`` back to its option when it reports it.
    """

    def __init__(self, check: str, param: str, reason: str) -> None:
        super().__init__(f"{check}: {param} {reason}")
        self.check = check
        self.param = param
        self.reason = reason


class Check:
    """A QA check: ``score`` measures a row, ``decide`` applies the check's thresholds.

    Subclasses are frozen dataclasses whose fields are their parameters; they set
    ``name`` (the flag), and call the ``_require_*`` helpers in ``__post_init__``.
    ``needs_mt``: whether the check means anything on a document aligned without MT.
    """

    __slots__ = ()

    name: ClassVar[str] = ""
    needs_mt: ClassVar[bool] = True

    def document_stats(self, rows: Sequence[AlignedRow]) -> Any:
        """What this check needs to know about the whole document (default: nothing)."""
        return None

    def score(self, row: AlignedRow, stats: Any = None) -> Any:
        """Plain numbers for one row; ``stats`` is :meth:`document_stats` of its document."""
        raise NotImplementedError

    def decide(self, score: Any) -> Flag | None:
        """The flag the numbers earn under this check's thresholds, or ``None``."""
        raise NotImplementedError

    def flag(self, row: AlignedRow, stats: Any = None) -> Flag | None:
        """``decide(score(row, stats))``."""
        return self.decide(self.score(row, stats))

    # -- parameter validation (one line, naming the check and the parameter) --

    def _require_range(self, param: str, low: float, high: float) -> None:
        value = getattr(self, param)
        if not _is_number(value) or not low <= value <= high:
            raise ParameterError(self.name, param, f"must be between {low:g} and {high:g}, got {_show(value)}")

    def _require_above(self, param: str, low: float) -> None:
        value = getattr(self, param)
        if not _is_number(value) or not value > low or math.isinf(value):
            raise ParameterError(self.name, param, f"must be a number above {low:g}, got {_show(value)}")

    def _require_count(self, param: str, low: int) -> None:
        value = getattr(self, param)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ParameterError(self.name, param, f"must be a whole number of at least {low}, got {_show(value)}")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)


def _show(value: object) -> str:
    return f"{value:g}" if _is_number(value) else repr(value)
