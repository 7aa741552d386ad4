"""Markdown (``.md``): the structure from markdown-it-py, the translation put back in place.

markdown-it-py (CommonMark, plus GFM tables and strikethrough) finds the blocks; every
``inline`` token (a paragraph, heading, list item's text, table cell) is one unit, its
emphasis, strong, strikethrough and links are spans, and inline code, inline HTML,
images and autolinks are atomic spans (kept as written). The output is *not*
re-serialised from the tree: each unit's source text is located in the original lines
(the token's line map, then the content found line by line) and only that text is
replaced, so code blocks, HTML blocks, link reference definitions, front matter
(``---`` … ``---`` at the top), blank lines and line endings stay byte for byte, and a
file with nothing translated comes back identical. A translated paragraph that spanned
several source lines is written on one line (Markdown renders it the same; a hard line
break inside it becomes a space, the one piece of markup not kept). Reference links
(``[text][ref]``) are written back as inline links to the same target.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from selaras.errors import InputError
from selaras.formats.base import Span, TranslatedUnit, Unit, render_spans

#: Characters escaped in translated text so they stay text (CommonMark's ASCII punctuation that starts inline markup).
ESCAPED = re.compile(r"([\\`*_\[\]<>|])")
#: A translation that starts like a block marker (``#``, ``>``, ``-``, ``+``, ``1.``) gets its first character escaped.
BLOCK_START = re.compile(r"^(#|>|[-+=]|\d+[.)])")


def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _front_matter_lines(lines: Sequence[str]) -> int:
    """How many lines the YAML front matter takes (0 if none): ``---`` on the first line to the next ``---``/``...``."""
    if not lines or lines[0].rstrip("\r\n") != "---":
        return 0
    for k in range(1, len(lines)):
        if lines[k].rstrip("\r\n") in ("---", "..."):
            return k + 1
    return 0


def _inline_unit(children: Sequence[object]) -> Unit:
    """Plain text and spans of an inline token's children."""
    plain: list[str] = []
    spans: list[Span | None] = []
    opened: list[tuple[int, int, object]] = []  # (slot, start, tag)
    size = 0
    skip_until_close = False
    autolink: list[str] = []
    for child in children:
        kind = child.type  # type: ignore[attr-defined]
        if skip_until_close:
            if kind == "link_close":
                skip_until_close = False
                spans.append(Span(size, size, ("raw", "<" + "".join(autolink) + ">"), atomic=True))
            elif kind == "text":
                autolink.append(child.content)  # type: ignore[attr-defined]
            continue
        if kind == "text":
            plain.append(child.content)  # type: ignore[attr-defined]
            size += len(child.content)  # type: ignore[attr-defined]
        elif kind in ("softbreak", "hardbreak"):
            plain.append(" ")
            size += 1
        elif kind == "code_inline":
            content = child.content  # type: ignore[attr-defined]
            spans.append(Span(size, size + len(content), ("code", child.markup, content), atomic=True))  # type: ignore[attr-defined]
            plain.append(content)
            size += len(content)
        elif kind == "html_inline":
            spans.append(Span(size, size, ("raw", child.content), atomic=True))  # type: ignore[attr-defined]
        elif kind == "image":
            src = child.attrs.get("src", "")  # type: ignore[attr-defined]
            title = child.attrs.get("title")  # type: ignore[attr-defined]
            raw = f"![{child.content}]({_destination(str(src))}{_title(title)})"  # type: ignore[attr-defined]
            spans.append(Span(size, size, ("raw", raw), atomic=True))
        elif kind == "link_open" and child.markup == "autolink":  # type: ignore[attr-defined]
            autolink = []  # its text is the URL as written: kept whole
            skip_until_close = True
        elif kind.endswith("_open"):
            if kind == "link_open":
                tag: object = ("link", str(child.attrs.get("href", "")), child.attrs.get("title"))  # type: ignore[attr-defined]
            else:
                tag = ("wrap", child.markup)  # type: ignore[attr-defined]
            spans.append(None)
            opened.append((len(spans) - 1, size, tag))
        elif kind.endswith("_close") and opened:
            slot, start, tag = opened.pop()
            spans[slot] = Span(start, size, tag)
    return Unit(text="".join(plain), spans=tuple(s for s in spans if s is not None))


def _destination(href: str) -> str:
    return f"<{href}>" if re.search(r"[\s()<>]", href) else href


def _title(title: object) -> str:
    if not title:
        return ""
    return ' "' + str(title).replace('"', '\\"') + '"'


def _open(tag: object) -> str:
    kind = tag[0]  # type: ignore[index]
    return "[" if kind == "link" else tag[1]  # type: ignore[index]


def _close(tag: object) -> str:
    if tag[0] == "link":  # type: ignore[index]
        return f"]({_destination(tag[1])}{_title(tag[2])})"  # type: ignore[index]
    return tag[1]  # type: ignore[index]


def _atomic(tag: object) -> str:
    if tag[0] == "code":  # type: ignore[index]
        _, markup, content = tag  # type: ignore[misc]
        pad = " " if content.startswith("`") or content.endswith("`") or (content[:1] == " " == content[-1:] and content.strip()) else ""
        return f"{markup}{pad}{content}{pad}{markup}"
    return tag[1]  # type: ignore[index]


def _escape(text: str) -> str:
    return ESCAPED.sub(r"\\\1", text)


def render_markdown(unit: TranslatedUnit) -> str:
    """A translated unit as one line of Markdown (its text escaped, its spans as markup)."""
    out = render_spans(unit, text=_escape, open_tag=_open, close_tag=_close, atomic=_atomic)
    stripped = out.lstrip()
    if BLOCK_START.match(stripped):
        lead = len(out) - len(stripped)
        out = out[:lead] + "\\" + out[lead:] if not stripped[0].isdigit() else out[:lead] + re.sub(r"^(\d+)([.)])", r"\1\\\2", stripped)
    return out


@dataclass
class MarkdownDocument:
    """A parsed Markdown file: its units and where each one's text is in the source."""

    source: str
    units: list[Unit]
    places: list[tuple[int, int]] = field(default_factory=list)  # absolute (start, end) per unit
    bom: str = ""

    def rebuild(self, translated: Sequence[TranslatedUnit]) -> bytes:
        out = self.source
        for (start, end), unit in sorted(zip(self.places, translated), key=lambda p: p[0][0], reverse=True):
            if unit.changed:
                out = out[:start] + render_markdown(unit) + out[end:]
        return (self.bom + out).encode("utf-8")


class MarkdownFormat:
    """Markdown through markdown-it-py (see the module docstring)."""

    name = "md"
    extensions = (".md", ".markdown")
    placement = "alignment"

    def extract(self, data: bytes, name: str) -> MarkdownDocument:
        from selaras.io import decode_text

        text = decode_text(data, name)
        bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
        lines = text.splitlines(keepends=True)
        skipped = _front_matter_lines(lines)
        parsed = "\n" * skipped + "".join(lines[skipped:])
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line))
        cursor: dict[int, int] = {}
        units: list[Unit] = []
        places: list[tuple[int, int]] = []
        try:
            tokens = _parser().parse(parsed)
        except Exception as exc:  # markdown-it raises only on internal limits (nesting depth)
            raise InputError(f"{name}: cannot parse as Markdown ({exc})") from None
        for token in tokens:
            if token.type != "inline" or not token.map or not token.content.strip():
                continue
            place = _locate(token.content, token.map, lines, starts, cursor)
            if place is None:
                continue  # not found verbatim (unusual nesting): left as it is
            unit = _inline_unit(token.children or [])
            if not any(ch.isalpha() for ch in unit.text):
                continue
            units.append(Unit(text=unit.text, spans=unit.spans, key=place))
            places.append(place)
        return MarkdownDocument(source=text, units=units, places=places, bom=bom)


def _locate(
    content: str, span: Sequence[int], lines: Sequence[str], starts: Sequence[int], cursor: dict[int, int]
) -> tuple[int, int] | None:
    """Absolute (start, end) of an inline token's content in the source, line by line."""
    first = last = None
    line = span[0]
    for piece in content.split("\n"):
        found = None
        while line < min(span[1], len(lines)):
            body = lines[line].rstrip("\r\n")
            col = body.find(piece, cursor.get(line, 0))
            if col != -1:
                found = (line, col)
                break
            line += 1
        if found is None:
            return None
        line, col = found
        cursor[line] = col + len(piece)
        start, end = starts[line] + col, starts[line] + col + len(piece)
        first = start if first is None else first
        last = end
        line += 1
    return (first, last) if first is not None and last is not None else None


MARKDOWN = MarkdownFormat()

__all__ = ["MARKDOWN", "MarkdownDocument", "MarkdownFormat", "render_markdown"]
