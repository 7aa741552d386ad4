"""Word documents (``.docx``): every paragraph translated, everything else untouched.

python-docx opens the package; the parts that hold text people read are the main
document (paragraphs, headings, lists, tables, text boxes), the headers and footers
(python-docx models them) and the footnotes and endnotes (which it does not: their
XML is parsed with lxml, never resolving entities or touching the network, and written
back into the part). Every ``w:p`` is one unit. Its text runs are spans when their
formatting (``w:rPr``) differs from the paragraph's most common one, and a hyperlink
is a span around its runs; the rest of the paragraph (images, fields, footnote
references, tabs and breaks, bookmarks) stays in place, the non-text runs as atomic
spans that move with the words around them. Styles, numbering, section and page
layout, images and every other part are written back as they were.

Before python-docx sees the file it is checked as a zip: a file that is not a zip (an
encrypted document is an OLE container), macros (``.docm``, ``vbaProject.bin``),
encrypted entries, more than :data:`MAX_ENTRIES` entries, more than
:data:`MAX_UNCOMPRESSED` bytes uncompressed or parts expanding over :data:`MAX_RATIO`
times (a zip bomb: counted while decompressing, never from the sizes the zip declares),
and XML that declares a DTD or entities (in any of XML's encodings) are refused with
one line naming the part.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from selaras.errors import InputError
from selaras.formats.base import Span, TranslatedUnit, Unit, nested

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: Most zip entries a document may have (a long report with many images has a few hundred).
MAX_ENTRIES = 10_000
#: Most bytes all entries may hold uncompressed (a 500-page document with images is well under).
MAX_UNCOMPRESSED = 1024 * 1024 * 1024
#: An entry, or all entries together, that expand more than this many times (past
#: :data:`BOMB_FLOOR`) is a zip bomb (XML compresses about 5-20x; 100x is far beyond a
#: real document).
MAX_RATIO = 100
#: Below this many bytes read, no ratio counts (a tiny part may compress 200x).
BOMB_FLOOR = 1024 * 1024
#: Bytes decompressed at a time while the package is checked.
READ_CHUNK = 256 * 1024
#: The first bytes of an OLE compound file: what Word writes for an encrypted document (or an old .doc).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Content types whose parts hold translatable paragraphs.
TEXT_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
}
#: Children a run may have and still be plain text (its properties and text).
TEXT_RUN_CHILDREN = {f"{{{W}}}rPr", f"{{{W}}}t"}
#: Containers of runs inside a paragraph whose runs are read as the paragraph's own.
RUN_CONTAINERS = {f"{{{W}}}hyperlink", f"{{{W}}}ins", f"{{{W}}}smartTag"}


def check_package(data: bytes, name: str) -> bytes:
    """Refuse what must not be opened, before any XML is parsed (see the module
    docstring); return the package rebuilt from the bytes actually read.

    Every entry is decompressed in :data:`READ_CHUNK` pieces and counted as it comes,
    so a zip bomb is refused after at most a few chunks past a limit, never inflated
    whole; declared sizes are never trusted for the limits (a header may claim 60 kB
    for a gigabyte). python-docx then opens the rebuilt copy, whose sizes are the
    counted ones: it cannot inflate anything the check did not read.

    Raises:
        InputError: one line naming the problem (and the part, where one is at fault).
    """
    if data.startswith(OLE_MAGIC):
        raise InputError(
            f"{name} is encrypted (password-protected) or an old binary .doc, not a .docx; "
            "remove the password or save it as .docx in Word"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(f"{name} is not a .docx (a .docx is a zip archive); give a Word document saved as .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = _read_parts(archive, name)
    except zipfile.BadZipFile as exc:
        raise InputError(f"{name} is a damaged zip ({exc}); open and save it again in Word") from None
    except (EOFError, zlib.error) as exc:
        raise InputError(f"{name} is a damaged zip ({exc}); open and save it again in Word") from None
    if "[Content_Types].xml" not in parts or "word/document.xml" not in parts:
        raise InputError(f"{name} is a zip but not a Word document (no word/document.xml)")
    if b"macroEnabled" in parts["[Content_Types].xml"] or any(n.lower().endswith("vbaproject.bin") for n in parts):
        raise InputError(f"{name} contains macros (a .docm); macros are refused: save it as a plain .docx")
    for part, content in parts.items():
        if part.endswith((".xml", ".rels")):
            _refuse_dtd(content, part, name)
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_STORED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return rebuilt.getvalue()


def _read_parts(archive: zipfile.ZipFile, name: str) -> dict[str, bytes]:
    """Every entry's bytes, read in chunks against the limits (see :func:`check_package`)."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise InputError(f"{name} has {len(entries)} zip entries (more than {MAX_ENTRIES}); refused as a zip bomb")
    parts: dict[str, bytes] = {}
    total = packed = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise InputError(f"{name}: part {entry.filename} is encrypted; remove the password in Word first")
        if entry.is_dir():
            continue
        packed += max(1, entry.compress_size)
        chunks: list[bytes] = []
        size = 0
        with archive.open(entry) as stream:
            while chunk := stream.read(READ_CHUNK):
                size += len(chunk)
                total += len(chunk)
                chunks.append(chunk)
                if total > MAX_UNCOMPRESSED:
                    raise InputError(
                        f"{name} expands to more than {MAX_UNCOMPRESSED} bytes; refused as a zip bomb"
                    )
                if size > BOMB_FLOOR and size > MAX_RATIO * max(1, entry.compress_size):
                    raise InputError(
                        f"{name}: part {entry.filename} expands over {size // max(1, entry.compress_size)}x; "
                        "refused as a zip bomb"
                    )
                if total > BOMB_FLOOR and total > MAX_RATIO * packed:
                    raise InputError(
                        f"{name}: its parts expand over {total // packed}x together; refused as a zip bomb"
                    )
        parts[entry.filename] = b"".join(chunks)
    return parts


#: XML's byte-order marks and first bytes of ``<?`` without one (XML 1.0, Appendix F).
_XML_ENCODINGS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
#: Encodings a Word part may declare (Word writes UTF-8; UTF-16 is valid XML too).
_ALLOWED_DECLARED = {"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "utf-32", "us-ascii", "ascii"}


def _refuse_dtd(content: bytes, part: str, name: str) -> None:
    """Refuse a part that declares a DTD or entities, in whatever encoding it is
    written (a UTF-16 part hides ``<!DOCTYPE`` from a byte search), or that declares
    an encoding other than UTF-8/16/32 (where the search could not read it)."""
    encoding = next((enc for mark, enc in _XML_ENCODINGS if content.startswith(mark)), "utf-8")
    text = content.decode(encoding, errors="replace")
    declared = re.match(r"\ufeff?\s*<\?xml[^>]*encoding=[\"']([^\"']+)", text)
    if declared and declared.group(1).lower() not in _ALLOWED_DECLARED:
        raise InputError(f"{name}: part {part} declares the encoding {declared.group(1)} (Word writes UTF-8); refused")
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise InputError(f"{name}: part {part} declares a DTD or entities (never resolved); refused")


def _safe_parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _rpr_key(run: object) -> bytes:
    from lxml import etree

    rpr = run.find(f"{{{W}}}rPr")  # type: ignore[attr-defined]
    return etree.tostring(rpr) if rpr is not None else b""


@dataclass
class _Paragraph:
    """One ``w:p``: the runs (and run containers) it owns, in order, and its plain runs' formatting."""

    element: object
    items: list[object]  # direct children that are runs or run containers
    base: object | None  # a run whose rPr plain text gets


@dataclass
class DocxDocument:
    """A parsed document: python-docx's package, the units, and the raw parts it does not model."""

    document: object
    units: list[Unit] = field(default_factory=list)
    raw_parts: list[tuple[object, object]] = field(default_factory=list)  # (part, parsed root)

    def rebuild(self, translated: Sequence[TranslatedUnit]) -> bytes:
        from lxml import etree

        touched: set[int] = set()
        # Last first: a paragraph inside a text box comes after the paragraph whose run
        # holds the box, and that run is copied whole, so the box must be done by then.
        for unit, done in reversed(list(zip(self.units, translated))):
            if done.changed:
                _replace_paragraph(unit.key, done)  # type: ignore[arg-type]
                touched.add(id(unit.key.element.getroottree().getroot()))  # type: ignore[attr-defined]
        for part, root in self.raw_parts:
            if id(root) not in touched:
                continue  # kept byte for byte
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)  # type: ignore[attr-defined]
        out = io.BytesIO()
        self.document.save(out)  # type: ignore[attr-defined]
        return out.getvalue()


def _runs_of(paragraph: object) -> list[tuple[object, object | None]]:
    """(run, container or None) of a paragraph's own runs, in order."""
    found: list[tuple[object, object | None]] = []
    for child in paragraph:  # type: ignore[attr-defined]
        if child.tag == f"{{{W}}}r":
            found.append((child, None))
        elif child.tag in RUN_CONTAINERS:
            for run in child:
                if run.tag == f"{{{W}}}r":
                    found.append((run, child))
    return found


#: Children that may sit between a run's texts: tabs and breaks (kept, as a space for the model).
SPACING_CHILDREN = {f"{{{W}}}tab", f"{{{W}}}br", f"{{{W}}}cr"}
#: A rendering hint inside a run (kept, invisible).
HINT_CHILDREN = {f"{{{W}}}lastRenderedPageBreak"}


def _split_run(run: object) -> list[object]:
    """A run of texts with tabs or breaks between them, as one virtual run per child (each
    with the run's formatting), so its texts are translated and its tabs kept; other
    runs as they are."""
    children = [c for c in run if c.tag != f"{{{W}}}rPr"]  # type: ignore[attr-defined]
    allowed = TEXT_RUN_CHILDREN | SPACING_CHILDREN | HINT_CHILDREN
    if len(children) < 2 or not all(c.tag in allowed for c in children) or run.find(f"{{{W}}}t") is None:  # type: ignore[attr-defined]
        return [run]
    rpr = run.find(f"{{{W}}}rPr")  # type: ignore[attr-defined]
    parts = []
    for child in children:
        part = run.makeelement(run.tag, dict(run.attrib))  # type: ignore[attr-defined]
        if rpr is not None:
            part.append(copy.deepcopy(rpr))
        part.append(copy.deepcopy(child))
        parts.append(part)
    return parts


def _paragraph_unit(paragraph: object) -> Unit | None:
    """The unit of one ``w:p`` (``None`` when it holds no words)."""
    original = _runs_of(paragraph)
    if not original:
        return None
    runs = [(part, container) for run, container in original for part in _split_run(run)]
    in_field = 0
    kinds: list[str] = []  # "text" or "atomic" per run
    for run, _ in runs:
        chars = run.findall(f"{{{W}}}fldChar")  # type: ignore[attr-defined]
        for char in chars:
            kind = char.get(f"{{{W}}}fldCharType")
            in_field += 1 if kind == "begin" else -1 if kind == "end" else 0
        plain = all(c.tag in TEXT_RUN_CHILDREN for c in run) and run.find(f"{{{W}}}t") is not None  # type: ignore[attr-defined]
        kinds.append("text" if plain and in_field <= 0 and not chars else "atomic")
    weights: dict[bytes, int] = {}
    for (run, _), kind in zip(runs, kinds):
        if kind == "text":
            key = _rpr_key(run)
            weights[key] = weights.get(key, 0) + len("".join(t.text or "" for t in run.findall(f"{{{W}}}t")))
    if not weights or not any(
        ch.isalpha() for (run, _), kind in zip(runs, kinds) if kind == "text" for t in run.findall(f"{{{W}}}t") for ch in (t.text or "")
    ):
        return None
    base_key = max(weights, key=lambda k: (weights[k], k == b""))
    base = next(run for (run, _), kind in zip(runs, kinds) if kind == "text" and _rpr_key(run) == base_key)
    plain: list[str] = []
    spans: list[Span] = []
    size = 0
    open_container: tuple[object, int, int] | None = None  # (container, slot, start)
    for (run, container), kind in zip(runs, kinds):
        if open_container is not None and open_container[0] is not container:
            spans[open_container[1]] = Span(open_container[2], size, ("container", open_container[0]))
            open_container = None
        if container is not None and open_container is None and container.tag == f"{{{W}}}hyperlink":  # type: ignore[attr-defined]
            spans.append(Span(size, size, None))
            open_container = (container, len(spans) - 1, size)
        start = size
        if kind == "atomic":
            spacing = len(run) and run[-1].tag in SPACING_CHILDREN and len([c for c in run if c.tag != f"{{{W}}}rPr"]) == 1  # type: ignore[arg-type,index,attr-defined]
            if spacing:  # a tab or break between words: a space for the model
                plain.append(" ")
                size += 1
            spans.append(Span(start, size, ("atomic", run), atomic=True))
            continue
        text = "".join(t.text or "" for t in run.findall(f"{{{W}}}t"))  # type: ignore[attr-defined]
        plain.append(text)
        size += len(text)
        if _rpr_key(run) != base_key:
            spans.append(Span(start, size, ("run", run)))
    if open_container is not None:
        spans[open_container[1]] = Span(open_container[2], size, ("container", open_container[0]))
    items = []
    for run, container in original:
        item = container if container is not None else run
        if not any(item is seen for seen in items):
            items.append(item)
    return Unit(text="".join(plain), spans=tuple(spans), key=_Paragraph(paragraph, items, base))


def _text_run(template: object | None, text: str) -> object:
    """A new run with ``template``'s formatting and ``text``."""
    from lxml import etree

    run = etree.Element(f"{{{W}}}r")
    if template is not None:
        rpr = template.find(f"{{{W}}}rPr")  # type: ignore[attr-defined]
        if rpr is not None:
            run.append(copy.deepcopy(rpr))
    t = etree.SubElement(run, f"{{{W}}}t")
    t.text = text
    t.set(XML_SPACE, "preserve")
    return run


def _replace_paragraph(place: _Paragraph, done: TranslatedUnit) -> None:
    """Replace a paragraph's runs with runs built from its translation, where the first was."""
    paragraph = place.element
    if not place.items:
        return
    position = list(paragraph).index(place.items[0])  # type: ignore[call-overload]
    for item in place.items:
        paragraph.remove(item)  # type: ignore[attr-defined]
    text = done.text
    new: list[object] = []

    def emit(nodes: list, start: int, end: int, template: object | None, into: list[object]) -> None:
        pos = start
        for span, children in nodes:
            if span.start > pos:
                into.append(_text_run(template, text[pos : span.start]))
            kind, element = span.tag  # type: ignore[misc]
            if kind == "atomic":
                into.append(copy.deepcopy(element))
            elif kind == "run":
                emit(children, span.start, span.end, element, into)
            else:  # a hyperlink: a shallow copy around its runs
                wrapper = element.makeelement(element.tag, dict(element.attrib))  # type: ignore[attr-defined]
                inner: list[object] = []
                emit(children, span.start, span.end, template, inner)
                for node in inner:
                    wrapper.append(node)  # type: ignore[attr-defined]
                into.append(wrapper)
            pos = max(pos, span.end)
        if end > pos:
            into.append(_text_run(template, text[pos:end]))

    emit(nested(done.spans), 0, len(text), place.base, new)
    for offset, node in enumerate(new):
        paragraph.insert(position + offset, node)  # type: ignore[attr-defined]


class DocxFormat:
    """Word ``.docx`` through python-docx and lxml (see the module docstring)."""

    name = "docx"
    extensions = (".docx",)
    placement = "alignment"

    def extract(self, data: bytes, name: str) -> DocxDocument:
        import docx
        from docx.opc.part import XmlPart
        from lxml import etree

        package = check_package(data, name)
        try:
            document = docx.Document(io.BytesIO(package))
        except Exception as exc:  # python-docx raises many types for a broken package
            raise InputError(f"{name} cannot be read as a Word document ({type(exc).__name__}: {exc})") from None
        parsed = DocxDocument(document=document)
        for part in document.part.package.iter_parts():
            if part.content_type not in TEXT_PARTS:
                continue
            if isinstance(part, XmlPart):
                root = part.element
            else:
                try:
                    root = etree.fromstring(part.blob, _safe_parser())
                except etree.XMLSyntaxError as exc:
                    raise InputError(f"{name}: part {part.partname} is not well-formed XML ({exc})") from None
                parsed.raw_parts.append((part, root))
            for paragraph in root.iter(f"{{{W}}}p"):
                unit = _paragraph_unit(paragraph)
                if unit is not None:
                    parsed.units.append(unit)
        return parsed


DOCX = DocxFormat()

__all__ = ["BOMB_FLOOR", "DOCX", "MAX_ENTRIES", "MAX_RATIO", "MAX_UNCOMPRESSED", "DocxDocument", "DocxFormat", "check_package"]
