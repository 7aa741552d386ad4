"""TMX in and out of a translation memory: what CAT tools (OmegaT, Trados, memoQ) exchange.

Reading is :func:`selaras.export.tmx.read_tmx` (lxml, no DTD or network fetched), which
takes each ``<tu>``'s Indonesian and English variants (``id``, ``id-ID``, ``in``, …);
writing builds the same TMX 1.4b as ``selaras export --format tmx`` (its header, its
DOCTYPE, its XML-safe text), one ``<tu>`` per entry with the entry's origin and note as
``x-origin``/``x-note`` props, oldest entry first, so the same TM always gives the same bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

from selaras.io import atomic_write
from selaras.memory.store import MemoryEntry, TranslationMemory


def import_tmx(memory: TranslationMemory, path: str | os.PathLike[str], *, origin: str | None = None) -> tuple[int, int]:
    """Add the (Indonesian, English) units of a TMX file; ``(added, already there)``.

    Each entry's origin is ``origin`` (default: ``tmx:`` and the file's name).

    Raises:
        InputError: not a readable, well-formed TMX file.
    """
    from selaras.export.tmx import read_tmx

    pairs = read_tmx(path)
    label = origin if origin is not None else f"tmx:{Path(path).name}"
    return memory.add(MemoryEntry(source, target, label) for source, target in pairs)


def export_tmx(memory: TranslationMemory, path: str | os.PathLike[str]) -> int:
    """Write every entry as TMX 1.4b (valid against the DTD), atomically; returns the unit count."""
    from lxml import etree

    from selaras.export.base import SOURCE_LANG, TARGET_LANG
    from selaras.export.tmx import TMX_DOCTYPE, tmx_header, xml_safe

    root = etree.Element("tmx", version="1.4")
    header = tmx_header("reference")
    header.set("o-tmf", "Selaras TM")
    root.append(header)
    body = etree.SubElement(root, "body")
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    count = 0
    for count, entry in enumerate(memory.entries(), start=1):
        tu = etree.SubElement(body, "tu", tuid=str(count))
        for kind, value in (("x-origin", entry.origin), ("x-note", entry.note)):
            if value:
                etree.SubElement(tu, "prop", type=kind).text = xml_safe(value)
        for lang, text in ((SOURCE_LANG, entry.source), (TARGET_LANG, entry.target)):
            tuv = etree.SubElement(tu, "tuv", {xml_lang: lang})
            etree.SubElement(tuv, "seg").text = xml_safe(text)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True, doctype=TMX_DOCTYPE)
    with atomic_write(path, "wb") as handle:
        handle.write(data)
    return count


__all__ = ["export_tmx", "import_tmx"]
