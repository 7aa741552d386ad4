"""Export formats by name, each imported only when used.

:data:`EXPORTERS` is the one list of formats: ``selaras export --format``, the corpus
job's ``--export`` (its choices, default and validation), the corpus output files and
the removal of a previous run's stale exports all read it. A new format is one module
defining an :class:`~selaras.export.base.Exporter` plus one line here, as a new check
is one module plus one line in ``selaras.checks.CHECK_TYPES``. The line, rather than
finding modules in the folder, fixes the order formats are offered and listed in, and
keeps the import visible (``tests/test_api.py`` reads ``"module:attribute"`` strings
as imports when it looks for cycles).

Naming formats imports nothing, so the CLI builds its choices from :data:`EXPORTERS`
without slowing ``selaras --help``; everything else reads :data:`EXPORTERS` when it
runs, so a format added to it (a test's toy one) is offered everywhere at once.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import cast

from selaras.errors import InputError
from selaras.export.base import Exporter

#: Format name -> ``"module:attribute"`` of its :class:`Exporter`, in the order the
#: formats are offered (and written by a corpus job by default).
EXPORTERS: dict[str, str] = {
    "tmx": "selaras.export.tmx:TMX",
    "moses": "selaras.export.moses:MOSES",
    "jsonl": "selaras.export.jsonl:JSONL",
    "tsv": "selaras.export.tsv:TSV",
}


def unknown_formats(names: Iterable[str]) -> list[str]:
    """The names in ``names`` that are not export formats, in order."""
    return [name for name in names if name not in EXPORTERS]


def load_exporter(name: str) -> Exporter:
    """The exporter of format ``name``, importing its module now.

    Raises:
        InputError: no format has that name.
    """
    target = EXPORTERS.get(name)
    if target is None:
        raise InputError(f"unknown export format {name!r}; choose one of {', '.join(EXPORTERS)}")
    module, attribute = target.split(":")
    return cast(Exporter, getattr(importlib.import_module(module), attribute))


__all__ = ["EXPORTERS", "load_exporter", "unknown_formats"]
