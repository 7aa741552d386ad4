"""What every document format offers: translatable units out, the document back in.

A format reads a document's bytes into :class:`Unit` objects (the text of one block: a
paragraph, a heading, a table cell, a subtitle stream) with the inline markup inside
it as :class:`Span` ranges over that text (a bold run, a link, an inline code), and
puts translated units back (:meth:`Extracted.rebuild`), leaving everything that is
not a unit byte for byte as it was where the format allows it. Formats never load a
model: ``selaras.formats.inline`` places the spans on the translation and
``selaras.jobs`` wires the two together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

#: How a format's spans are put on the translation: by the model's word alignment
#: (inline markup), or by the share of the sentence's length each span had (SRT cues).
Placement = Literal["alignment", "length"]


@dataclass(frozen=True, slots=True)
class Span:
    """One piece of inline markup over ``text[start:end]`` of its unit.

    Spans of a unit nest or are disjoint, never cross; among spans with the same
    range the earlier one is the outer one. ``tag`` is the format's own handle (an
    element, a run index). An ``atomic`` span (inline code, an image) is never
    translated: its source text is kept as is in the translation.
    """

    start: int
    end: int
    tag: object
    atomic: bool = False


@dataclass(frozen=True, slots=True)
class Unit:
    """One block of translatable text and its inline spans (``key``: the format's locator)."""

    text: str
    spans: tuple[Span, ...] = ()
    key: object = None


@dataclass(frozen=True, slots=True)
class TranslatedUnit:
    """A unit's translation: the English text and the same spans (same tags, each once)
    placed on it. ``changed`` is false when the text and spans are the source's own,
    so a format can keep the original bytes."""

    text: str
    spans: tuple[Span, ...]
    changed: bool = True


class Extracted(Protocol):
    """A parsed document: its units, and how to write it back with their translations."""

    units: list[Unit]

    def rebuild(self, translated: Sequence[TranslatedUnit]) -> bytes:
        """The document with each unit replaced by its translation (same order as ``units``)."""
        ...


class DocumentFormat(Protocol):
    """A document format: a name, its file extensions, how spans are placed, a reader."""

    name: str
    extensions: tuple[str, ...]
    placement: Placement

    def extract(self, data: bytes, name: str) -> Extracted:
        """Parse a document's bytes (``name`` for messages); raises ``InputError`` when it is bad."""
        ...


def unchanged(unit: Unit) -> TranslatedUnit:
    """A unit as its own translation (translation switched off: identity round trips)."""
    return TranslatedUnit(text=unit.text, spans=unit.spans, changed=False)


def nested(spans: Sequence[Span]) -> list[tuple[Span, list]]:
    """The spans as a forest: ``[(span, children), ...]`` in order, for renderers that
    write nested markup (HTML, Markdown). Spans must nest (see :class:`Span`)."""
    # At one position an empty span comes first (it cannot hold the others).
    ordered = sorted(enumerate(spans), key=lambda p: (p[1].start, p[1].end > p[1].start, -p[1].end, p[0]))
    roots: list[tuple[Span, list]] = []
    stack: list[tuple[Span, list]] = []
    for _, span in ordered:
        node: tuple[Span, list] = (span, [])
        while stack and not _inside(span, stack[-1][0]):
            stack.pop()
        (stack[-1][1] if stack else roots).append(node)
        if not span.atomic:
            stack.append(node)
    return roots


def _inside(span: Span, outer: Span) -> bool:
    """Whether ``span`` nests in ``outer``; an empty span on ``outer``'s edge is outside it."""
    if span.start == span.end:
        return outer.start < span.start < outer.end
    return outer.start <= span.start and span.end <= outer.end


def ancestors(spans: Sequence[Span]) -> list[set[int]]:
    """For each span (by index), the indices of the spans it nests in (see :func:`nested`)."""
    index = {id(s): k for k, s in enumerate(spans)}
    found: list[set[int]] = [set() for _ in spans]

    def visit(nodes: list, above: set[int]) -> None:
        for span, children in nodes:
            found[index[id(span)]] = set(above)
            visit(children, above | {index[id(span)]})

    visit(nested(spans), set())
    return found


def render_spans(
    unit: TranslatedUnit,
    *,
    text: Callable[[str], str],
    open_tag: Callable[[object], str],
    close_tag: Callable[[object], str],
    atomic: Callable[[object], str],
) -> str:
    """Write a translated unit as markup: ``text`` escapes plain text, ``open_tag`` and
    ``close_tag`` wrap a span's content, ``atomic`` writes an atomic span whole (its
    text in the unit is not written)."""
    body = unit.text

    def emit(nodes: list, start: int, end: int) -> str:
        out: list[str] = []
        pos = start
        for span, children in nodes:
            out.append(text(body[pos : span.start]))
            if span.atomic:
                out.append(atomic(span.tag))
            else:
                out.append(open_tag(span.tag) + emit(children, span.start, span.end) + close_tag(span.tag))
            pos = max(pos, span.end)
        out.append(text(body[pos:end]))
        return "".join(out)

    return emit(nested(unit.spans), 0, len(body))


__all__ = ["DocumentFormat", "Extracted", "Placement", "Span", "TranslatedUnit", "Unit", "ancestors", "nested", "render_spans", "unchanged"]
