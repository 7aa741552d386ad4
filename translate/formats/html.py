"""HTML (``.html``, ``.htm``): text and human-readable attributes translated in the tree.

lxml.html parses the page (never fetching anything: ``no_network``). Every block
element's inline content (its text, inline children such as ``<b>``, ``<a>``,
``<span>``, and their tails, up to the next block child) is one unit; the inline
elements are spans, and ``<br>``, ``<img>``, inline ``<code>``/``<kbd>``/``<samp>``/
``<var>``, comments and anything marked ``translate="no"`` are atomic spans (kept as
they are, moved with the words they align to). ``script``, ``style``, ``pre``,
``textarea``, ``template``, ``svg`` and ``math`` are never entered. The attributes
``alt``, ``title``, ``placeholder`` and ``aria-label`` are units of their own. The root's
``lang`` becomes ``en``.

The declared charset (``<meta charset>`` or ``http-equiv`` Content-Type, else a BOM,
else UTF-8) is used to read the bytes strictly (a page that declares one charset and
is written in another is refused, naming the byte and line) and to write them back;
characters it cannot hold become character references. A page nested deeper than
:data:`MAX_DEPTH` elements (libxml2's limit) is refused rather than cut short. The output is lxml's
serialisation of the tree: a page lxml writes back as it read it comes back identical
when nothing is translated; others may differ in insignificant ways (attribute
quoting, implied tags).
"""

from __future__ import annotations

import codecs
import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from selaras.errors import InputError
from selaras.formats.base import Span, TranslatedUnit, Unit, nested

#: Elements whose content is never touched.
SKIPPED = frozenset({"script", "style", "pre", "textarea", "template", "svg", "math", "noscript"})
#: Inline elements kept whole (not translated) inside a sentence.
ATOMIC = frozenset({"code", "kbd", "samp", "var", "br", "img", "wbr", "input", "select", "button", "iframe", "object", "video", "audio", "canvas"}) | SKIPPED
#: Inline (phrasing) elements: spans inside a unit (HTML Living Standard, "phrasing content").
INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "em", "font", "i", "ins", "del", "label", "mark", "q", "s",
    "small", "span", "strong", "sub", "sup", "time", "u", "big", "tt", "strike",
}) | ATOMIC
#: Attributes people read (WAI-ARIA ``aria-label``; HTML ``alt``, ``title``, ``placeholder``).
ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
#: How far into the page the charset declaration is looked for (the HTML standard's prescan reads 1024 bytes).
PRESCAN_BYTES = 1024
#: A document type declaration, which lxml reports (an implied one) even where there is none.
DOCTYPE = re.compile(r"<!doctype", re.IGNORECASE)
#: How deep libxml2's HTML parser nests elements before it stops reading (without
#: XML_PARSE_HUGE, which lxml's HTMLParser does not expose): past it, the rest is lost.
MAX_DEPTH = 255
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def declared_charset(data: bytes) -> str:
    """The page's charset: a BOM, else its ``<meta>`` declaration, else UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    found = CHARSET.search(data[:PRESCAN_BYTES])
    if found:
        label = found.group(1).decode("ascii").lower()
        try:
            return codecs.lookup(label).name
        except LookupError:
            raise InputError(f"declares an unknown charset {label!r}; save it as UTF-8") from None
    return "utf-8"


def _no_translate(element: object) -> bool:
    return str(element.get("translate", "")).lower() == "no"  # type: ignore[attr-defined]


def _is_inline(element: object) -> bool:
    tag = element.tag  # type: ignore[attr-defined]
    return not isinstance(tag, str) or tag.lower() in INLINE


def _is_atomic(element: object) -> bool:
    tag = element.tag  # type: ignore[attr-defined]
    return not isinstance(tag, str) or tag.lower() in ATOMIC or _no_translate(element)


@dataclass
class _Run:
    """One unit's place: inline children ``parent[first:last]`` and the text before them
    (``parent.text`` when ``after`` is None, else the tail of ``parent[after]``)."""

    parent: object
    after: int | None
    first: int
    last: int


@dataclass
class HtmlDocument:
    """A parsed page: its units (runs of inline content, then attributes) and its tree."""

    root: object
    fragment: bool
    doctype: str
    charset: str
    units: list[Unit] = field(default_factory=list)

    def rebuild(self, translated: Sequence[TranslatedUnit]) -> bytes:
        import lxml.html

        runs: list[tuple[_Run, TranslatedUnit]] = []
        for unit, done in zip(self.units, translated):
            key = unit.key
            if isinstance(key, tuple) and key[0] == "attr":
                if done.changed:
                    key[1].set(key[2], done.text)
            else:
                runs.append((key, done))  # type: ignore[arg-type]
        # Later runs first, so the child indices of earlier ones stay valid.
        for run, done in sorted(runs, key=lambda p: (id(p[0].parent), p[0].first), reverse=True):
            if done.changed:
                _replace_run(run, done)
        changed = any(done.changed for done in translated)
        if changed and not self.fragment and isinstance(self.root.tag, str) and self.root.tag.lower() == "html":  # type: ignore[attr-defined]
            self.root.set("lang", "en")  # type: ignore[attr-defined]
        if self.fragment:
            body = (self.root.text or "") + "".join(  # type: ignore[attr-defined]
                lxml.html.tostring(child, encoding="unicode") for child in self.root  # type: ignore[attr-defined]
            )
        else:
            body = lxml.html.tostring(self.root, encoding="unicode", doctype=self.doctype or None)  # type: ignore[arg-type]
            if self.doctype:
                body = body if body.endswith("\n") else body + "\n"
        return body.encode(self.charset, errors="xmlcharrefreplace")


def _replace_run(run: _Run, done: TranslatedUnit) -> None:
    """Put a translated run back: the text before the inline children and the children
    themselves are replaced by new nodes built from the translation."""
    parent = run.parent
    originals = list(parent)[run.first : run.last]  # type: ignore[call-overload]
    tail_after = originals[-1].tail if originals else None  # belongs to the run: rewritten below
    for child in originals:
        parent.remove(child)  # type: ignore[attr-defined]
    nodes, lead = _build(done)
    if run.after is None:
        parent.text = lead  # type: ignore[attr-defined]
    else:
        parent[run.after].tail = lead  # type: ignore[index]
    for offset, node in enumerate(nodes):
        parent.insert(run.first + offset, node)  # type: ignore[attr-defined]
    del tail_after


def _build(done: TranslatedUnit) -> tuple[list[object], str]:
    """New lxml nodes for a translated run and the text before the first of them."""
    text = done.text

    def make(nodes: list, start: int, end: int) -> tuple[str, list[object]]:
        lead = None
        built: list[object] = []
        pos = start
        for span, children in nodes:
            piece = text[pos : span.start]
            if built:
                built[-1].tail = (built[-1].tail or "") + piece  # type: ignore[attr-defined]
            else:
                lead = (lead or "") + piece
            element = span.tag
            if span.atomic:
                node = copy.deepcopy(element)
                node.tail = None  # type: ignore[attr-defined]
            else:
                node = element.makeelement(element.tag, dict(element.attrib))  # type: ignore[attr-defined]
                inner_lead, inner = make(children, span.start, span.end)
                node.text = inner_lead or None  # type: ignore[attr-defined]
                for child in inner:
                    node.append(child)  # type: ignore[attr-defined]
            built.append(node)
            pos = max(pos, span.end)
        piece = text[pos:end]
        if built:
            built[-1].tail = (built[-1].tail or "") + piece or None  # type: ignore[attr-defined]
        else:
            lead = (lead or "") + piece
        return lead or "", built

    lead, built = make(nested(done.spans), 0, len(text))
    return built, lead


class HtmlFormat:
    """HTML through lxml (see the module docstring)."""

    name = "html"
    extensions = (".html", ".htm", ".xhtml")
    placement = "alignment"

    def extract(self, data: bytes, name: str) -> HtmlDocument:
        import lxml.etree
        import lxml.html

        try:
            charset = declared_charset(data)
        except InputError as exc:
            raise InputError(f"{name} {exc}") from None
        raw = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
        try:
            text = raw.decode(charset)
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(
                f"{name} declares the charset {charset} but is not written in it (line {line}, byte {exc.start}); "
                "fix the <meta charset> declaration or convert the file"
            ) from None
        if "\x00" in text:
            raise InputError(f"{name} looks like a binary file (it contains NUL bytes); give an HTML page")
        parser = lxml.html.HTMLParser(no_network=True, remove_comments=False, remove_pis=False)
        fragment = not re.search(r"<html[\s>]", text, re.IGNORECASE)
        try:
            if fragment:
                root = lxml.html.fragment_fromstring(text, create_parent="div", parser=parser)
                doctype = ""
            else:
                tree = lxml.html.document_fromstring(text, parser=parser).getroottree()
                root = tree.getroot()
                doctype = tree.docinfo.doctype
        except (lxml.etree.ParserError, ValueError) as exc:
            raise InputError(f"{name}: cannot parse as HTML ({exc})") from None
        _refuse_truncated(parser, name)
        if not DOCTYPE.search(text):
            doctype = ""  # lxml implies HTML 4.0 Transitional; the output keeps what the input had
        document = HtmlDocument(root=root, fragment=fragment, doctype=doctype, charset=charset)
        attributes: list[Unit] = []
        _walk(root, document.units, attributes)
        document.units.extend(attributes)
        return document


def _refuse_truncated(parser: object, name: str) -> None:
    """Refuse a page the parser stopped reading (a fatal error such as nesting deeper
    than :data:`MAX_DEPTH`): lxml recovers silently and the text after the point is
    gone, so translating it would give a shorter page with exit 0."""
    for entry in parser.error_log:  # type: ignore[attr-defined]
        if entry.level_name == "FATAL":
            if "depth" in entry.message.lower():
                raise InputError(
                    f"{name} nests elements more than {MAX_DEPTH} deep (line {entry.line}), deeper than the HTML parser "
                    "reads: the text inside would be lost; flatten the markup"
                )
            raise InputError(f"{name}: the HTML parser stopped at line {entry.line} ({entry.message}); fix the page")


def _walk(element: object, units: list[Unit], attributes: list[Unit]) -> None:
    """Units of ``element``'s subtree: runs of inline content of each block, in order."""
    tag = element.tag  # type: ignore[attr-defined]
    if not isinstance(tag, str) or tag.lower() in SKIPPED or _no_translate(element):
        return
    _attribute_units(element, attributes)
    children = list(element)  # type: ignore[call-overload]
    k = 0
    after: int | None = None  # the run starts at element.text
    while k <= len(children):
        first = k
        while k < len(children) and _is_inline(children[k]):
            k += 1
        run = _Run(element, after, first, k)
        unit = _run_unit(run, children)
        if unit is not None:
            units.append(unit)
        for inline in children[first:k]:
            _inline_attributes(inline, attributes)
        if k < len(children):
            _walk(children[k], units, attributes)  # a block child
            after = k
        k += 1


def _attribute_units(element: object, attributes: list[Unit]) -> None:
    for attribute in ATTRIBUTES:
        value = element.get(attribute)  # type: ignore[attr-defined]
        if value and any(ch.isalpha() for ch in value):
            attributes.append(Unit(text=value, key=("attr", element, attribute)))


def _inline_attributes(element: object, attributes: list[Unit]) -> None:
    """Attributes of inline elements (an ``<img alt>``, a link's ``title``), their descendants' too."""
    if not isinstance(element.tag, str) or _no_translate(element) or element.tag.lower() in SKIPPED:  # type: ignore[attr-defined]
        return
    _attribute_units(element, attributes)
    for child in element:  # type: ignore[attr-defined]
        _inline_attributes(child, attributes)


def _run_unit(run: _Run, children: Sequence[object]) -> Unit | None:
    """The unit of one run, or ``None`` when it holds no words."""
    parent = run.parent
    lead = (parent.text if run.after is None else children[run.after].tail) or ""  # type: ignore[attr-defined]
    plain: list[str] = [lead]
    size = len(lead)
    spans: list[Span] = []

    def add(element: object, with_tail: bool) -> None:
        nonlocal size
        start = size
        if _is_atomic(element):
            if not isinstance(element.tag, str) or element.tag.lower() in SKIPPED:
                visible = ""
            elif element.tag.lower() == "br":  # type: ignore[attr-defined]
                visible = "\n"  # a line break separates words (and often sentences)
            else:
                visible = element.text_content()  # type: ignore[attr-defined]
            visible = visible if isinstance(visible, str) else ""
            plain.append(visible)
            size += len(visible)
            spans.append(Span(start, size, element, atomic=True))
        else:
            slot = len(spans)
            spans.append(Span(start, start, element))
            inner = element.text or ""  # type: ignore[attr-defined]
            plain.append(inner)
            size += len(inner)
            for child in element:  # type: ignore[attr-defined]
                add(child, True)
            spans[slot] = Span(start, size, element)
        if with_tail:
            tail = element.tail or ""  # type: ignore[attr-defined]
            plain.append(tail)
            size += len(tail)

    for k in range(run.first, run.last):
        add(children[k], True)
    text = "".join(plain)
    if not any(ch.isalpha() for ch in text) or not text.strip():
        return None
    # Text outside the atomic spans must have letters, else there is nothing to translate.
    return Unit(text=text, spans=tuple(spans), key=run)


HTML = HtmlFormat()

__all__ = ["ATTRIBUTES", "HTML", "HtmlDocument", "HtmlFormat", "declared_charset"]
