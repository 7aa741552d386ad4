"""Export aligned rows as a parallel corpus: TMX 1.4b, Moses, JSONL or TSV, and read them back.

The aligned TSV is the working format; these are the formats other tools read. TMX is
what CAT tools (OmegaT, Trados, memoQ) import; Moses plain text (two line-parallel
files) is what MT training scripts take; JSONL keeps every field for scripts.

Rows are selected first (:func:`select_rows`: empty sides, ``min_chrf``, flags,
duplicates, each counted), then written atomically: everything goes to temporary
files in the target folder that are renamed into place only when complete, so a
failed export leaves no partial file behind (``selaras.io.atomic_write_many``;
OpusFilter cleans up *after* a failed write instead; we never leave one to clean).

Where things are: :mod:`.base` (the :class:`~selaras.export.base.Exporter` class every
format subclasses), :mod:`.registry` (the formats by name, imported on use),
:mod:`.select` (row selection and its counts), and one module per format:
:mod:`.tmx`, :mod:`.moses`, :mod:`.jsonl`, :mod:`.tsv`. A corpus job streams into the
same exporters (``selaras.corpus.outputs``). A new format is one module plus one line
in :data:`~selaras.export.registry.EXPORTERS`; ``selaras export --format``, the corpus
``--export`` list and the corpus files all follow.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from selaras.errors import NothingSelectedError
from selaras.export.base import SOURCE_LANG, TARGET_LANG, Exporter, ExportStream, PairSide, target_text
from selaras.export.registry import EXPORTERS, load_exporter, unknown_formats

if TYPE_CHECKING:
    from selaras.export.moses import MOSES_SUFFIXES, one_line, read_moses, write_moses
    from selaras.export.select import ExportSummary, check_pair, select_rows
    from selaras.export.tmx import TMX_DOCTYPE, build_tmx, read_tmx, tmx_header, tmx_unit, write_tmx, xml_safe
    from selaras.rows import AlignedRow

#: Names defined in the format and selection modules -> that module, imported on first
#: access (PEP 562): the CLI imports this package for the format names at start-up,
#: and ``selaras --help`` should not pay for the writers.
_LAZY: dict[str, str] = {
    **dict.fromkeys(("ExportSummary", "check_pair", "select_rows"), "selaras.export.select"),
    **dict.fromkeys(("MOSES_SUFFIXES", "one_line", "read_moses", "write_moses"), "selaras.export.moses"),
    **dict.fromkeys(
        ("TMX_DOCTYPE", "build_tmx", "read_tmx", "tmx_header", "tmx_unit", "write_tmx", "xml_safe"),
        "selaras.export.tmx",
    ),
}

#: An export format's name: a key of :data:`~selaras.export.registry.EXPORTERS`
#: (checked when used, so a format added there needs no change here).
ExportFormat = str

#: The format names, in the order they are offered (kept for importers; code that
#: runs later reads ``EXPORTERS`` itself).
FORMATS: tuple[str, ...] = tuple(EXPORTERS)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'selaras.export' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)


def export_rows(
    rows: Sequence[AlignedRow],
    path: str | os.PathLike[str],
    *,
    fmt: ExportFormat,
    pair: PairSide = "reference",
    min_chrf: float | None = None,
    exclude_flags: Iterable[str] = (),
    dedupe: bool = False,
    name: str = "the aligned TSV",
) -> ExportSummary:
    """Select rows (see :func:`select_rows`) and write them in ``fmt`` to ``path``.

    ``moses`` writes ``PATH.id`` and ``PATH.en``; the others write ``PATH`` (``-`` is
    stdout). Nothing is written when selection fails. ``name`` names the input in errors.

    Raises:
        InputError: for an unknown format or ``pair``, Moses to stdout, or
            ``pair="mt"`` on rows without any MT (see :func:`check_pair`).
        NothingSelectedError: the filters left no row (nothing is written, so an
            earlier export at ``path`` stays as it was).
    """
    from selaras.export.select import check_pair, select_rows

    exporter = load_exporter(fmt)
    check_pair(rows, pair, name)
    kept, summary = select_rows(
        rows, fmt=fmt, pair=pair, min_chrf=min_chrf, exclude_flags=exclude_flags, dedupe=dedupe
    )
    if rows and not kept:  # an empty TSV exports as empty; filters that drop everything say so
        reasons = ", ".join(
            f"{n} {why}" for n, why in (
                (summary.skipped_empty, "with an empty side"), (summary.skipped_low_chrf, "below the chrF floor"),
                (summary.skipped_flagged, "flagged"), (summary.skipped_duplicate, "duplicates"),
            ) if n
        )
        raise NothingSelectedError(
            f"nothing to export: all {len(rows)} rows of {name} were left out ({reasons or 'no rows'}); "
            "nothing was written: loosen the filters"
        )
    exporter.write(path, kept, pair=pair)
    return summary


def export_paths(path: str | os.PathLike[str], fmt: ExportFormat) -> list[str]:
    """The file(s) an export to ``path`` in ``fmt`` creates."""
    return load_exporter(fmt).paths(path)


__all__ = [
    "EXPORTERS",
    "FORMATS",
    "MOSES_SUFFIXES",
    "SOURCE_LANG",
    "TARGET_LANG",
    "TMX_DOCTYPE",
    "ExportFormat",
    "ExportStream",
    "ExportSummary",
    "Exporter",
    "PairSide",
    "build_tmx",
    "check_pair",
    "export_paths",
    "export_rows",
    "load_exporter",
    "one_line",
    "read_moses",
    "read_tmx",
    "select_rows",
    "target_text",
    "tmx_header",
    "tmx_unit",
    "unknown_formats",
    "write_moses",
    "write_tmx",
    "xml_safe",
]
