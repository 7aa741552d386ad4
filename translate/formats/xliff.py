"""XLIFF 1.2 and 2.x (``.xlf``, ``.xliff``): empty targets filled with the MT, every inline tag kept.

The file is read with lxml (no DTD, no entities, no network); its version decides the
rest (1.2: namespace ``urn:oasis:names:tc:xliff:document:1.2``; 2.0, 2.1 and 2.2 share
``...:2.0``; anything else is refused in one line).

**1.2.** Every ``<trans-unit>`` whose target is missing or empty is a unit (its
``<source>``; with a ``<seg-source>``, each ``<mrk mtype="seg">`` segment is a unit of its
own, translated per segment, and the target gets the same segments). **2.x.** Every
``<segment>`` whose target is missing or empty is a unit. Left alone in both: units
(or groups, files) marked ``translate="no"``, units locked by their tool (an attribute
``locked`` set to ``true``/``yes``/``locked`` in any namespace, as memoQ writes it), and
units that already have a translation unless ``overwrite`` (``selaras translate
--overwrite``), which retranslates those but never the ``translate="no"`` or locked ones.

Inline tags are spans of the unit: ``<g>``, ``<pc>`` and ``<mrk>`` wrap words (placed on
the aligned English words, or around the sentence when the alignment is unsure);
``<x/>``, ``<bx/>``, ``<ex/>``, ``<ph>``, ``<it>``, ``<cp/>`` and a protected ``<mrk>``
(1.2 ``mtype="protected"``, 2.x ``translate="no"``: its words kept as they are) are kept
whole; a ``<bpt>``/``<ept>``, ``<bx/>``/``<ex/>``, ``<sc/>``/``<ec/>`` or ``<sm/>``/``<em/>``
pair (1.2: matched by ``rid``, else ``id``; 2.x: ``startRef``) wraps the words between
them when it nests with the other tags, and otherwise its two codes are kept in their
source order. Every tag is in the target exactly once, with its attributes.

A filled 1.2 target gets ``state="needs-review-translation"`` and
``state-qualifier="mt-suggestion"``, its unit a ``<note from="selaras"
annotates="target">``, and the ``<file>`` ``target-language="en"`` where it had none; a
filled 2.x segment gets ``state="translated"`` with ``subState="selaras:mt-needs-review"``,
its unit a ``<note category="selaras" appliesTo="target">`` (in ``<notes>``), and the root
``trgLang="en"`` where it had none. The note gives the engine, the model's confidence and
the QA flags with their reasons (``selaras.formats.bilingual``). A file with nothing
translated comes back byte for byte; otherwise the root element is written by lxml and
the bytes around it (declaration, comments before it) are the input's.

:func:`bilingual_pairs` reads a translated file back as (source, target) pairs for
``selaras export``, ``align`` and ``run``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from selaras.errors import InputError
from selaras.formats.base import Span, TranslatedUnit, Unit, nested
from selaras.formats.bilingual import NOTE_FROM, Annotated, Annotation

NS = "urn:oasis:names:tc:xliff:document:1.2"
NS2 = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
#: The XLIFF namespaces Selaras knows, with their version (another is refused by name).
KNOWN = {"urn:oasis:names:tc:xliff:document:1.2": "1.2", "urn:oasis:names:tc:xliff:document:2.0": "2.0"}
#: Inline elements written as they are (native code, placeholders; 1.2 and 2.x names).
KEPT = frozenset({"x", "bx", "ex", "ph", "it", "bpt", "ept", "sc", "ec", "cp", "sm", "em"})
#: Inline elements around words (1.2 ``g``, 2.x ``pc``, both ``mrk``).
WRAPPING = frozenset({"g", "pc", "mrk"})
#: Opening and closing codes of a pair (1.2: ``rid``, else ``id``; 2.x: the closing's ``startRef`` is the opening's ``id``).
PAIRS = (("bpt", "ept"), ("bx", "ex"), ("sc", "ec"), ("sm", "em"))
#: Values of a ``locked`` attribute that lock a unit.
LOCKED = frozenset({"true", "yes", "locked", "1"})
#: The state a filled target gets (XLIFF 1.2 ``state`` and ``state-qualifier`` values).
STATE = "needs-review-translation"
STATE_QUALIFIER = "mt-suggestion"
#: XLIFF 1.2 ``state-qualifier`` of a target taken whole from the translation memory.
TM_STATE_QUALIFIER = "leveraged-tm"
#: XLIFF 2.x: a segment with a target is ``translated``; the sub-state says it is MT awaiting review.
STATE2 = "translated"
SUBSTATE2 = f"{NOTE_FROM}:mt-needs-review"


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _local(element: object) -> str:
    """The element's name in an XLIFF namespace (1.2 or 2.x), else ``""``."""
    tag = element.tag  # type: ignore[attr-defined]
    if isinstance(tag, str) and (tag.startswith(f"{{{NS}}}") or tag.startswith(f"{{{NS2}}}")):
        return tag.split("}", 1)[1]
    return ""


@dataclass(frozen=True, slots=True)
class _Key:
    """Where a unit goes: its ``<trans-unit>`` and, for a segment, its ``mid``."""

    trans_unit: object
    mid: str | None = None


@dataclass
class XliffDocument(Annotated):
    """A parsed XLIFF 1.2 file: its units and its tree."""

    data: bytes
    tree: object
    version: str = "1.2"
    units: list[Unit] = field(default_factory=list)
    notes: dict[int, Annotation] = field(default_factory=dict)

    def rebuild(self, translated: Sequence[TranslatedUnit]) -> bytes:
        if not any(done.changed for done in translated):
            return self.data
        import lxml.etree

        by_unit: dict[int, list[tuple[int, Unit, TranslatedUnit]]] = {}
        order: list[object] = []
        for number, (unit, done) in enumerate(zip(self.units, translated)):
            if not done.changed:
                continue
            tu = unit.key.trans_unit  # type: ignore[attr-defined]
            if id(tu) not in by_unit:
                order.append(tu)
            by_unit.setdefault(id(tu), []).append((number, unit, done))
        if self.version == "1.2":
            for tu in order:
                _fill(tu, by_unit[id(tu)], self.notes)
            for file in self.tree.getroot().iter(_q("file")):  # type: ignore[attr-defined]
                if not file.get("target-language"):
                    file.set("target-language", "en")
        else:
            _fill2(order, by_unit, self.notes)
            root = self.tree.getroot()  # type: ignore[attr-defined]
            if not root.get("trgLang"):
                root.set("trgLang", "en")
        encoding = self.tree.docinfo.encoding or "UTF-8"  # type: ignore[attr-defined]
        root = lxml.etree.tostring(self.tree.getroot(), encoding=encoding, xml_declaration=False)  # type: ignore[attr-defined]
        around = _around_root(self.data)
        if around is None or encoding.lower().replace("-", "") not in ("utf8", "ascii", "usascii", "iso88591", "latin1"):
            declaration = self.data.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"<?xml")
            return lxml.etree.tostring(self.tree, encoding=encoding, xml_declaration=declaration)
        # The bytes before and after the root element (declaration, comments, line ends) as they were.
        return self.data[: around[0]] + root + self.data[around[1] :]


#: What may come before the root element, and the root's start and end tags.
_PROLOG = re.compile(rb"<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>]*>|<(?:[\w.-]+:)?xliff[\s/>]", re.DOTALL)
_ROOT_END = re.compile(rb"</(?:[\w.-]+:)?xliff\s*>")


def _around_root(data: bytes) -> tuple[int, int] | None:
    """Where the root element starts and ends in the file's bytes (``None``: not found)."""
    start = next((m.start() for m in _PROLOG.finditer(data) if not m.group().startswith((b"<!", b"<?"))), None)
    ends = list(_ROOT_END.finditer(data))
    if start is None or not ends:
        return None
    return start, ends[-1].end()


def _fill(tu: object, parts: Sequence[tuple[int, Unit, TranslatedUnit]], notes: dict[int, Annotation]) -> None:
    """Write a trans-unit's target from its translated units (the whole source, or segments)."""
    source = tu.find(_q("source"))  # type: ignore[attr-defined]
    segmented = tu.find(_q("seg-source"))  # type: ignore[attr-defined]
    target = tu.find(_q("target"))  # type: ignore[attr-defined]
    if target is None:
        target = tu.makeelement(_q("target"), {})  # type: ignore[attr-defined]
        after = segmented if segmented is not None else source
        tail = after.tail
        after.addnext(target)
        target.tail = tail
        after.tail = _indent(tu, tail)
    else:
        for child in list(target):
            target.remove(child)
    if segmented is not None and parts[0][1].key.mid is not None:  # type: ignore[attr-defined]
        done_by_mid = {unit.key.mid: done for _, unit, done in parts}  # type: ignore[attr-defined]
        target.text = segmented.text
        for child in segmented:
            clone = copy.deepcopy(child)
            target.append(clone)
        for mark in list(target.iter(_q("mrk"))):
            if mark.get("mtype") == "seg" and mark.get("mid") in done_by_mid:
                _write(mark, done_by_mid[mark.get("mid")])
    else:
        _write(target, parts[0][2])
    note = Annotation.combined([notes[number] for number, _, _ in parts if number in notes])
    target.set("state", STATE)
    # A unit answered wholly by the translation memory is a human's translation, not the engine's.
    from_tm = note is not None and note.sentences > 0 and note.from_tm == note.sentences
    target.set("state-qualifier", TM_STATE_QUALIFIER if from_tm else STATE_QUALIFIER)
    if tu.get("approved") == "yes":  # type: ignore[attr-defined]
        del tu.attrib["approved"]  # type: ignore[attr-defined]  # an overwritten approval: the MT is not approved
    if note is not None:
        for old in tu.findall(_q("note")):  # type: ignore[attr-defined]
            if old.get("from") == NOTE_FROM:
                tu.remove(old)  # type: ignore[attr-defined]
        element = tu.makeelement(_q("note"), {"from": NOTE_FROM, "annotates": "target"})  # type: ignore[attr-defined]
        element.text = note.text()
        tail = target.tail
        target.addnext(element)
        element.tail = tail
        target.tail = _indent(tu, tail)


def _q2(tag: str) -> str:
    return f"{{{NS2}}}{tag}"


def _fill2(segments: Sequence[object], by_segment: dict, notes: dict[int, Annotation]) -> None:
    """Write XLIFF 2.x targets (one per segment) and one note per unit."""
    texts_of_unit: dict[int, tuple[object, list[Annotation]]] = {}
    for segment in segments:
        parts = by_segment[id(segment)]
        source = segment.find(_q2("source"))  # type: ignore[attr-defined]
        target = segment.find(_q2("target"))  # type: ignore[attr-defined]
        if target is None:
            target = segment.makeelement(_q2("target"), {})  # type: ignore[attr-defined]
            tail = source.tail
            source.addnext(target)
            target.tail = tail
            source.tail = _indent(segment, tail)
        _write(target, parts[0][2])
        segment.set("state", STATE2)  # type: ignore[attr-defined]
        segment.set("subState", SUBSTATE2)  # type: ignore[attr-defined]
        unit = segment.getparent()  # type: ignore[attr-defined]
        entry = texts_of_unit.setdefault(id(unit), (unit, []))
        entry[1].extend(notes[number] for number, _, _ in parts if number in notes)
    for unit, found in texts_of_unit.values():
        combined = Annotation.combined(found)
        if combined is None:
            continue
        indent = unit.text if unit.text and not unit.text.strip() else None  # type: ignore[attr-defined]
        holder = unit.find(_q2("notes"))  # type: ignore[attr-defined]
        if holder is None:
            holder = unit.makeelement(_q2("notes"), {})  # type: ignore[attr-defined]
            first = next(c for c in unit if _local(c) in ("originalData", "segment", "ignorable"))  # type: ignore[attr-defined]
            first.addprevious(holder)
            holder.tail = indent
            holder.text = indent + "  " if indent else None
        for old in holder.findall(_q2("note")):
            if old.get("category") == NOTE_FROM:
                holder.remove(old)
        note = holder.makeelement(_q2("note"), {"category": NOTE_FROM, "appliesTo": "target"})
        note.text = combined.text()
        if len(holder):
            last = holder[-1]
            note.tail = last.tail
            last.tail = holder.text
            last.addnext(note)
        else:
            holder.append(note)
            note.tail = indent


def _indent(tu: object, tail: str | None) -> str | None:
    """The whitespace before a trans-unit's children (its ``text``), for a new child's line."""
    lead = tu.text  # type: ignore[attr-defined]
    return lead if lead is not None and not lead.strip() else tail


def _write(element: object, done: TranslatedUnit) -> None:
    """Replace ``element``'s content with a translated unit, its tags rebuilt from the spans."""
    for child in list(element):  # type: ignore[call-overload]
        element.remove(child)  # type: ignore[attr-defined]
    text = done.text

    def make(nodes: list, start: int, end: int, into: object) -> None:
        last = None
        pos = start

        def put(piece: str) -> None:
            if not piece:
                return
            if last is None:
                into.text = (into.text or "") + piece  # type: ignore[attr-defined]
            else:
                last.tail = (last.tail or "") + piece  # type: ignore[attr-defined]

        into.text = None  # type: ignore[attr-defined]
        for span, children in nodes:
            put(text[pos : span.start])
            kind, *elements = span.tag
            if kind == "kept":
                node = copy.deepcopy(elements[0])
                node.tail = None
                into.append(node)  # type: ignore[attr-defined]
                last = node
            elif kind == "wrap":
                original = elements[0]
                node = original.makeelement(original.tag, dict(original.attrib))
                into.append(node)  # type: ignore[attr-defined]
                make(children, span.start, span.end, node)
                last = node
            else:  # a bpt/ept or bx/ex pair around the words
                opening, closing = (copy.deepcopy(e) for e in elements)
                opening.tail = closing.tail = None
                into.append(opening)  # type: ignore[attr-defined]
                last = opening
                inner = opening.makeelement("scratch", {})
                make(children, span.start, span.end, inner)
                put(inner.text or "")
                for child in list(inner):
                    into.append(child)  # type: ignore[attr-defined]
                    last = child
                into.append(closing)  # type: ignore[attr-defined]
                last = closing
            pos = max(pos, span.end)
        put(text[pos:end])

    make(nested(_in_source_order(done.spans)), 0, len(text), element)


def _in_source_order(spans: Sequence[Span]) -> list[Span]:
    """The spans, with the kept tags of a pair that could not wrap words (``bpt``/``ept``,
    ``bx``/``ex`` crossing other tags) moved so that an opening never follows its closing:
    their places, sorted, given back in the source's order."""
    paired = [k for k, s in enumerate(spans) if s.atomic and s.tag[0] == "kept" and len(s.tag) > 2]  # type: ignore[index]
    if not paired:
        return list(spans)
    places = sorted((spans[k].start, spans[k].end) for k in paired)
    out = list(spans)
    for k, (start, end) in zip(paired, places):
        out[k] = Span(start, end, spans[k].tag, True)
    return out


class _Reader:
    """Builds a unit's text and spans from an XLIFF 1.2 source (or segment) element."""

    def __init__(self, name: str, *, placeholders: bool = False) -> None:
        self.name = name
        self.placeholders = placeholders  # a 1.2 <ph>'s content as text (bilingual rows, not translation)
        self.parts: list[str] = []
        self.size = 0
        self.spans: list[Span] = []

    def add_text(self, piece: str | None) -> None:
        if piece:
            self.parts.append(piece)
            self.size += len(piece)

    def content(self, element: object) -> None:
        self.add_text(element.text)  # type: ignore[attr-defined]
        for child in element:  # type: ignore[attr-defined]
            self.child(child)
            self.add_text(child.tail)

    def child(self, child: object) -> None:
        local = _local(child)
        if not local:  # a comment, a processing instruction, another namespace's element
            self.spans.append(Span(self.size, self.size, ("kept", child), atomic=True))
        elif local in KEPT or (local == "mrk" and _protected(child)):
            shown = local == "mrk" or (self.placeholders and local == "ph")
            visible = "".join(child.itertext()) if shown else ""  # type: ignore[attr-defined]
            start = self.size
            self.add_text(visible)
            self.spans.append(Span(start, self.size, ("kept", child), atomic=True))
        elif local in WRAPPING:
            slot = len(self.spans)
            start = self.size
            self.spans.append(Span(start, start, ("wrap", child)))
            self.content(child)
            self.spans[slot] = Span(start, self.size, ("wrap", child))
        else:
            raise InputError(f"{self.name} line {child.sourceline}: <{local}> cannot be inside a source")  # type: ignore[attr-defined]

    def unit(self, key: _Key) -> Unit | None:
        text = "".join(self.parts)
        if not any(ch.isalpha() for ch in text):
            return None
        return Unit(text=text, spans=tuple(_pairs(self.spans, self.name)), key=key)


def _protected(mark: object) -> bool:
    """A ``<mrk>`` whose words are not translated (1.2 ``mtype="protected"``, 2.x ``translate="no"``)."""
    return mark.get("mtype") == "protected" or mark.get("translate") == "no"  # type: ignore[attr-defined]


def _pair_id(element: object) -> str | None:
    """What pairs an opening code with its closing one (``None``: an isolated code)."""
    local = _local(element)
    if local in ("ec", "em"):
        return element.get("startRef")  # type: ignore[attr-defined]
    if local in ("sc", "sm"):
        return None if element.get("isolated") == "yes" else element.get("id")  # type: ignore[attr-defined]
    return element.get("rid") or element.get("id")  # type: ignore[attr-defined]


def _pairs(spans: list[Span], name: str) -> list[Span]:
    """``bpt``/``ept`` and ``bx``/``ex`` pairs as one span around the words between them
    where that nests with the other spans; the others stay kept tags, marked as paired
    (their order is kept on the way out). A closing tag before its opening is refused."""
    spans = list(spans)
    for opening_name, closing_name in PAIRS:
        open_at: dict[str, int] = {}
        for k, span in enumerate(spans):
            if not span.atomic or span.tag[0] != "kept":  # type: ignore[index]
                continue
            element = span.tag[1]  # type: ignore[index]
            local = _local(element)
            if local == opening_name and _pair_id(element) is not None:
                open_at[_pair_id(element)] = k  # type: ignore[index]
            elif local == closing_name and _pair_id(element) is not None:
                if _pair_id(element) not in open_at:
                    if opening_name == "bpt":
                        raise InputError(
                            f"{name} line {element.sourceline}: <ept> {_pair_id(element)!r} has no <bpt> before it in its unit"
                        )
                    continue  # an <ex/> or <ec/> whose opening is in another segment
                k_open = open_at.pop(_pair_id(element))  # type: ignore[arg-type]
                opening = spans[k_open]
                wrapped = Span(opening.start, span.start, ("pair", opening.tag[1], element))  # type: ignore[index]
                others = [s for j, s in enumerate(spans) if j not in (k, k_open) and s.tag[0] != "removed"]  # type: ignore[index]
                if all(_nests(wrapped, s) for s in others if not s.atomic):
                    spans[k_open] = wrapped
                    spans[k] = Span(span.start, span.end, ("removed",), True)
                else:
                    spans[k_open] = Span(opening.start, opening.end, (*opening.tag, "paired"), True)  # type: ignore[misc]
                    spans[k] = Span(span.start, span.end, (*span.tag, "paired"), True)  # type: ignore[misc]
        if opening_name == "bpt" and open_at:
            element = spans[next(iter(open_at.values()))].tag[1]  # type: ignore[index]
            raise InputError(f"{name} line {element.sourceline}: <bpt> {_pair_id(element)!r} has no <ept> in its unit")
    return [s for s in spans if s.tag[0] != "removed"]  # type: ignore[index]


def _nests(a: Span, b: Span) -> bool:
    return a.end <= b.start or b.end <= a.start or (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end)


def _has_content(element: object | None) -> bool:
    if element is None:
        return False
    return bool("".join(element.itertext()).strip()) or len(element) > 0  # type: ignore[attr-defined]


def _locked(element: object) -> bool:
    return any(
        re.sub(r"^\{[^}]*\}", "", attribute) == "locked" and str(value).lower() in LOCKED
        for attribute, value in element.attrib.items()  # type: ignore[attr-defined]
    )


class XliffFormat:
    """XLIFF 1.2 through lxml (see the module docstring)."""

    name = "xliff"
    extensions = (".xlf", ".xliff")
    placement = "alignment"
    supports_overwrite = True

    def extract(self, data: bytes, name: str, *, overwrite: bool = False) -> XliffDocument:
        tree, version = parse_xliff(data, name)
        document = XliffDocument(data=data, tree=tree, version=version)
        if version != "1.2":
            self._walk2(tree.getroot(), document.units, name, overwrite, skip=False)  # type: ignore[attr-defined]
            return document
        for file in tree.getroot().iter(_q("file")):  # type: ignore[attr-defined]
            body = file.find(_q("body"))
            if body is not None:
                self._walk(body, document.units, name, overwrite, skip=file.get("translate") == "no")
        return document

    def _walk(self, element: object, units: list[Unit], name: str, overwrite: bool, skip: bool) -> None:
        for child in element:  # type: ignore[attr-defined]
            local = _local(child)
            if local == "group":
                self._walk(child, units, name, overwrite, skip or child.get("translate") == "no" or _locked(child))
            elif local == "trans-unit":
                if skip or child.get("translate") == "no" or _locked(child):
                    continue
                target = child.find(_q("target"))
                if _has_content(target) and not overwrite:
                    continue
                units.extend(_units_of(child, name))

    def _walk2(self, element: object, units: list[Unit], name: str, overwrite: bool, skip: bool) -> None:
        """XLIFF 2.x: each ``<segment>`` of each unit is a unit (``translate`` inherited from files and groups)."""
        for child in element:  # type: ignore[attr-defined]
            local = _local(child)
            if local in ("file", "group"):
                self._walk2(child, units, name, overwrite, skip or child.get("translate") == "no")
            elif local == "unit":
                if skip or child.get("translate") == "no" or _locked(child):
                    continue
                for segment in child.findall(_q2("segment")):
                    if _has_content(segment.find(_q2("target"))) and not overwrite:
                        continue
                    source = segment.find(_q2("source"))
                    if source is None:
                        raise InputError(f"{name} line {segment.sourceline}: a <segment> of unit {child.get('id')!r} has no <source>")
                    reader = _Reader(name)
                    reader.content(source)
                    unit = reader.unit(_Key(segment))
                    if unit is not None:
                        units.append(unit)


def _units_of(tu: object, name: str) -> list[Unit]:
    """A trans-unit's units: its source, or each segment of its ``<seg-source>``."""
    source = tu.find(_q("source"))  # type: ignore[attr-defined]
    if source is None:
        raise InputError(f"{name} line {tu.sourceline}: <trans-unit> {tu.get('id')!r} has no <source>")  # type: ignore[attr-defined]
    segmented = tu.find(_q("seg-source"))  # type: ignore[attr-defined]
    found: list[Unit] = []
    if segmented is not None:
        marks = [m for m in segmented.iter(_q("mrk")) if m.get("mtype") == "seg"]
        if marks:
            for mark in marks:
                reader = _Reader(name)
                reader.content(mark)
                unit = reader.unit(_Key(tu, mark.get("mid")))
                if unit is not None:
                    found.append(unit)
            return found
    reader = _Reader(name)
    reader.content(source)
    unit = reader.unit(_Key(tu))
    return [unit] if unit is not None else []


def parse_xliff(data: bytes, name: str) -> tuple[object, str]:
    """The XML tree of an XLIFF 1.2 or 2.x file, and its version (``"1.2"``, ``"2.0"``, ``"2.1"``).

    Raises:
        InputError: not XML, not XLIFF, or another XLIFF version (one line).
    """
    import lxml.etree

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise InputError(f"{name} is not well-formed XML ({exc}); give an XLIFF file") from None
    tree = root.getroottree()
    namespace = root.tag.split("}", 1)[0].lstrip("{") if root.tag.startswith("{") else ""
    if root.tag.rsplit("}", 1)[-1] != "xliff":
        raise InputError(f"{name} is XML but not XLIFF (its root is <{root.tag.rsplit('}', 1)[-1]}>)")
    version = root.get("version") or KNOWN.get(namespace, "")
    if (namespace, version) not in ((NS, "1.2"), (NS2, "2.0"), (NS2, "2.1"), (NS2, "2.2")):
        raise InputError(
            f"{name} is XLIFF version {version or 'unknown'} ({namespace or 'no namespace'}); Selaras translates XLIFF 1.2 "
            f"(namespace {NS}) and 2.x ({NS2})"
        )
    return tree, version


def _not_translatable(unit: object) -> bool:
    """Whether a unit, or a group or file around it, is marked ``translate="no"``."""
    return any(e.get("translate") == "no" for e in (unit, *unit.iterancestors()))  # type: ignore[attr-defined]


def _plain(element: object, name: str) -> str:
    """An element's words without its inline codes (protected text and a 1.2 ``<ph>``'s
    placeholder, such as ``{name}``, kept), spaces collapsed."""
    reader = _Reader(name, placeholders=True)
    reader.content(element)
    return " ".join("".join(reader.parts).split())


def bilingual_pairs(data: bytes, name: str, *, untranslated: bool = False) -> list[tuple[str, str, str, bool, str]]:
    """Every translated unit (or segment) of an XLIFF file as ``(source, target, status,
    is_mt, id)``: ``status`` is ``accepted`` for a reviewed or final target (1.2
    ``final``/``signed-off`` or ``approved="yes"``; 2.x ``reviewed``/``final``), else
    ``""``; ``is_mt`` for a machine translation (1.2 ``state-qualifier`` ``mt-suggestion``
    or ``leveraged-mt``, 2.x a Selaras MT sub-state). Untranslated units are left out
    unless ``untranslated`` (then with an empty target).

    Raises:
        InputError: a bad file (see :func:`parse_xliff`).
    """
    tree, version = parse_xliff(data, name)
    found: list[tuple[str, str, str, bool, str]] = []
    root = tree.getroot()  # type: ignore[attr-defined]
    if version == "1.2":
        for tu in root.iter(_q("trans-unit")):
            source, target = tu.find(_q("source")), tu.find(_q("target"))
            if source is None or (not untranslated and not _has_content(target)):
                continue
            if not _has_content(target):
                if not _not_translatable(tu):
                    found.append((_plain(source, name), "", "", False, str(tu.get("id"))))
                continue
            state = target.get("state", "")
            status = "accepted" if state in ("final", "signed-off") or tu.get("approved") == "yes" else ""
            is_mt = target.get("state-qualifier") in ("mt-suggestion", "leveraged-mt")
            segmented = tu.find(_q("seg-source"))
            marks = {m.get("mid"): m for m in target.iter(_q("mrk")) if m.get("mtype") == "seg"}
            if segmented is not None and marks:
                for mark in segmented.iter(_q("mrk")):
                    if mark.get("mtype") == "seg" and mark.get("mid") in marks:
                        found.append((_plain(mark, name), _plain(marks[mark.get("mid")], name), status, is_mt, f"{tu.get('id')}:{mark.get('mid')}"))
            else:
                found.append((_plain(source, name), _plain(target, name), status, is_mt, str(tu.get("id"))))
        return found
    for unit in root.iter(_q2("unit")):
        for number, segment in enumerate(unit.findall(_q2("segment")), start=1):
            source, target = segment.find(_q2("source")), segment.find(_q2("target"))
            if source is None or (not untranslated and not _has_content(target)):
                continue
            if not _has_content(target):
                if not _not_translatable(unit):
                    found.append((_plain(source, name), "", "", False, f"{unit.get('id')}:{number}"))
                continue
            status = "accepted" if segment.get("state") in ("reviewed", "final") else ""
            is_mt = str(segment.get("subState", "")).startswith(f"{NOTE_FROM}:mt")
            found.append((_plain(source, name), _plain(target, name), status, is_mt, f"{unit.get('id')}:{number}"))
    return found


XLIFF = XliffFormat()

__all__ = ["NS", "NS2", "bilingual_pairs", "STATE", "STATE2", "SUBSTATE2", "STATE_QUALIFIER", "TM_STATE_QUALIFIER", "XLIFF", "XliffDocument", "XliffFormat", "parse_xliff"]
