"""TMX 1.4b, what CAT tools (OmegaT, Trados, memoQ) import; and its reader.

Written with lxml, valid against the TMX 1.4b DTD (LISA, 2004; a test validates
against a copy). Per the DTD, ``<prop>`` may appear in ``<header>``, ``<tu>`` and
``<tuv>`` before their content and its ``type`` attribute is required; user-defined
types start with ``x-`` (TMX 1.4b spec, section 3.2). Bead, sentence ids, scores and
flags therefore go in ``<prop type="x-…">`` children of each ``<tu>``; a corpus job's
units also carry ``<prop type="x-doc">``, their document. Characters that XML 1.0
forbids (C0 controls other than tab/newline/CR, U+FFFE/FFFF, lone surrogates) are
stripped, because no XML parser can read them back; opustools, for comparison, writes
them through and produces TMX other tools reject. No ``creationdate`` is written, so
the same input always gives the same bytes.

A whole file is built as a tree and serialised at once; a corpus job's file is written
unit by unit with ``lxml.etree.xmlfile``, so it never holds the corpus in memory.
lxml is imported only when a TMX is written or read.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from selaras.errors import InputError
from selaras.export.base import SOURCE_LANG, TARGET_LANG, Exporter, ExportStream, PairSide, target_text
from selaras.io import atomic_write
from selaras.rows import AlignedRow, format_ids

# XML 1.0 section 2.2 (Char production): #x9 | #xA | #xD | [#x20-#xD7FF] |
# [#xE000-#xFFFD] | [#x10000-#x10FFFF]; everything else cannot appear in a document.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (see module docstring)."""
    return _XML_FORBIDDEN.sub("", text)


def _format_score(value: float | None, digits: int) -> str | None:
    return None if value is None else f"{value:.{digits}f}"


def tmx_header(pair: PairSide = "reference"):
    """The TMX ``<header>`` element (lxml) Selaras writes, with the pair as a prop."""
    from lxml import etree

    from selaras import __version__

    header = etree.Element(
        "header",
        {
            "creationtool": "Selaras",
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": "Selaras TSV",
            "adminlang": "en",
            "srclang": SOURCE_LANG,
            "datatype": "plaintext",
        },
    )
    etree.SubElement(header, "prop", type="x-pair").text = pair
    return header


def tmx_unit(row: AlignedRow, number: int, *, pair: PairSide = "reference", props: Sequence[tuple[str, str]] = ()):
    """One ``<tu>`` element (lxml) for ``row``: ``tuid`` ``number``, ``props`` first
    (e.g. a corpus job's ``("x-doc", id)``), then the row's bead, ids, scores and flags."""
    from lxml import etree

    tu = etree.Element("tu", tuid=str(number))
    own = [
        ("x-bead", row.bead),
        ("x-src-ids", format_ids(row.src_ids)),
        ("x-ref-ids", format_ids(row.ref_ids)),
        ("x-align-score", _format_score(row.align_score, 4)),
        ("x-chrf", _format_score(row.chrf, 2)),
        ("x-bleu", _format_score(row.bleu, 2)),
        ("x-flags", ",".join(row.flags)),
    ]
    for kind, value in (*props, *own):
        if value:  # an empty prop says nothing; leave it out
            etree.SubElement(tu, "prop", type=kind).text = xml_safe(value)
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for lang, text in ((SOURCE_LANG, row.source), (TARGET_LANG, target_text(row, pair))):
        tuv = etree.SubElement(tu, "tuv", {xml_lang: lang})
        etree.SubElement(tuv, "seg").text = xml_safe(text)
    return tu


def build_tmx(rows: Sequence[AlignedRow], *, pair: PairSide = "reference"):
    """The TMX 1.4b tree (an ``lxml.etree._ElementTree``) for ``rows``."""
    from lxml import etree

    root = etree.Element("tmx", version="1.4")
    root.append(tmx_header(pair))
    body = etree.SubElement(root, "body")
    for number, row in enumerate(rows, start=1):
        body.append(tmx_unit(row, number, pair=pair))
    return etree.ElementTree(root)


#: The DOCTYPE every Selaras TMX carries (the DTD is not fetched by readers).
TMX_DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


def write_tmx(path: str | os.PathLike[str], rows: Sequence[AlignedRow], *, pair: PairSide = "reference") -> None:
    """Write ``rows`` as TMX 1.4b (UTF-8, with a DOCTYPE naming ``tmx14.dtd``), atomically."""
    from lxml import etree

    data = etree.tostring(
        build_tmx(rows, pair=pair),
        xml_declaration=True,
        encoding="UTF-8",
        pretty_print=True,
        doctype=TMX_DOCTYPE,
    )
    with atomic_write(path, "wb") as handle:
        handle.write(data)


#: Language codes other tools still write for a language: Java's legacy ``in`` for
#: Indonesian (``java.util.Locale`` before Java 17, so older OmegaT and Okapi TMX).
_LEGACY_CODES = {"id": ("in",)}


def _lang_matches(value: str | None, lang: str) -> bool:
    """``id``, ``ID``, ``id-ID``, ``id_ID`` (and the legacy ``in``) all mean Indonesian."""
    return bool(value) and re.split(r"[-_]", value.lower())[0] in (lang, *_LEGACY_CODES.get(lang, ()))


#: TMX 1.4b inline elements that hold the *native code* of a format (``<b>``, ``{1}``):
#: markup, not words of the sentence (TMX 1.4b spec, section 3.7.3).
_NATIVE_CODE = frozenset({"bpt", "ept", "it", "ph", "ut"})


def seg_text(element) -> str:
    """The words of a ``<seg>`` (or ``<hi>``/``<sub>`` inside one): its text with the native
    code of ``<bpt>``, ``<ept>``, ``<it>``, ``<ph>`` and ``<ut>`` left out."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in _NATIVE_CODE and isinstance(child.tag, str):
            parts.append(seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_tmx(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """The (Indonesian, English) pairs of a TMX file, in order.

    Units without both an ``id`` and an ``en`` variant are skipped. Inline markup in
    ``<seg>`` is flattened to its words (:func:`seg_text`: a tag's native code is left out). The DOCTYPE's DTD is not fetched.

    Raises:
        InputError: on a file that is not well-formed XML or not TMX, naming the line.
    """
    from lxml import etree

    name = str(path)
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{name}: no such file")
    try:
        data = file.read_bytes()  # bytes: lxml honours the XML declaration (UTF-16 TMX exists)
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else "?"
        raise InputError(f"{name} line {line}: not well-formed XML ({exc.msg}); give a TMX file") from None
    if root.tag != "tmx":
        raise InputError(f"{name}: the root element is <{root.tag}>, not <tmx>; give a TMX file")
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    pairs: list[tuple[str, str]] = []
    for tu in root.iter("tu"):
        texts: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = tuv.get(xml_lang) or tuv.get("lang")
            seg = tuv.find("seg")
            if seg is None:
                continue
            for want in (SOURCE_LANG, TARGET_LANG):
                if _lang_matches(lang, want):
                    texts.setdefault(want, seg_text(seg))
        if SOURCE_LANG in texts and TARGET_LANG in texts:
            pairs.append((texts[SOURCE_LANG], texts[TARGET_LANG]))
    return pairs


class _TmxStream(ExportStream):
    """A corpus job's TMX: the header at once, one ``<tu>`` per row (numbered across
    documents, each with its ``x-doc`` prop), the closing tags at :meth:`close`."""

    def __init__(self, handle: IO[bytes], pair: PairSide) -> None:
        from lxml import etree

        self.handle = handle
        self.pair = pair
        self.units = 0
        self._open = contextlib.ExitStack()
        xf = self._open.enter_context(etree.xmlfile(handle, encoding="UTF-8"))
        xf.write_declaration()
        xf.write_doctype(TMX_DOCTYPE)
        self._open.enter_context(xf.element("tmx", version="1.4"))
        xf.write("\n")
        xf.write(tmx_header(pair), pretty_print=True)
        self._open.enter_context(xf.element("body"))
        xf.write("\n")
        self.xf = xf

    def add(self, doc_id: str, rows: Sequence[AlignedRow]) -> None:
        for row in rows:
            self.units += 1
            self.xf.write(tmx_unit(row, self.units, pair=self.pair, props=[("x-doc", doc_id)]), pretty_print=True)

    def close(self) -> None:
        if self.xf is not None:
            self.xf = None
            self._open.close()
            self.handle.write(b"\n")


class TmxExporter(Exporter):
    name = "tmx"
    extension = ".tmx"
    pairs_only = True

    def write(self, path: str | os.PathLike[str], rows: Sequence[AlignedRow], *, pair: PairSide = "reference") -> None:
        write_tmx(path, rows, pair=pair)

    def open_stream(self, handles: Sequence[IO[bytes]], *, pair: PairSide = "reference") -> ExportStream:
        (handle,) = handles
        return _TmxStream(handle, pair)


TMX = TmxExporter()

__all__ = [
    "TMX",
    "TMX_DOCTYPE",
    "build_tmx",
    "read_tmx",
    "tmx_header",
    "tmx_unit",
    "write_tmx",
    "xml_safe",
]
