"""Document formats: one module each, found by file extension or by name (``--format``).

``txt`` is plain UTF-8 text, read by ``selaras.jobs.inputs`` as before (one sentence per
output line). The others read a document into units and write it back with the
translations in place: ``docx`` (Word), ``html``, ``md`` (Markdown), ``srt``
(subtitles), and the bilingual files of translation tools: ``xliff`` (XLIFF 1.2 and
2.x) and ``po`` (gettext), whose empty targets are filled (translate-toolkit reads PO). Each module is imported only when its format is used (python-docx,
lxml and markdown-it-py load on demand).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from selaras.errors import InputError
from selaras.formats.base import DocumentFormat, Extracted, Span, TranslatedUnit, Unit

#: Format name -> ``"module:attribute"`` of its :class:`~selaras.formats.base.DocumentFormat`
#: (``None``: plain text, handled by the jobs themselves).
FORMATS: dict[str, str | None] = {
    "txt": None,
    "docx": "selaras.formats.docx:DOCX",
    "html": "selaras.formats.html:HTML",
    "md": "selaras.formats.markdown:MARKDOWN",
    "srt": "selaras.formats.srt:SRT",
    "xliff": "selaras.formats.xliff:XLIFF",
    "po": "selaras.formats.po:PO",
}

#: File extension (lower case, with the dot) -> format name.
EXTENSIONS: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".docx": "docx",
    ".docm": "docx",  # refused with its own message (macros), not as "unknown"
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "md",
    ".markdown": "md",
    ".srt": "srt",
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".po": "po",
    ".pot": "po",
}


def format_name(path: str | Path, override: str | None = None) -> str:
    """The format of a file: ``override`` if given, else by extension (unknown: ``txt``).

    Raises:
        InputError: ``override`` is not a known format.
    """
    if override is not None:
        name = override.lower().lstrip(".")
        name = {"htm": "html", "markdown": "md", "text": "txt", "xlf": "xliff", "pot": "po"}.get(name, name)
        if name not in FORMATS:
            raise InputError(f"unknown format {override!r}; choose one of: {', '.join(FORMATS)}")
        return name
    return EXTENSIONS.get(Path(str(path)).suffix.lower(), "txt")


def load_format(name: str) -> DocumentFormat | None:
    """The format object for ``name`` (``None`` for plain text)."""
    target = FORMATS[name]
    if target is None:
        return None
    module, attribute = target.split(":")
    return getattr(importlib.import_module(module), attribute)


__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "DocumentFormat",
    "Extracted",
    "Span",
    "TranslatedUnit",
    "Unit",
    "format_name",
    "load_format",
]
