"""SubRip subtitles (``.srt``): cue numbers and timings kept, text translated and re-wrapped.

A strict reader (the format is four lines of rules; a broken timestamp is reported with
its line): a cue is its number, ``HH:MM:SS,mmm --> HH:MM:SS,mmm`` (position settings
after it are kept), then its text lines, then a blank line (where that blank line is
missing, a number line followed by a timing line still starts the next cue). A cue's lines are joined
for translation. Consecutive cues whose text does not end a sentence form one unit, so
a sentence that runs over several cues is translated once; its translation is shared
out to those cues by the share of the sentence's length each had (snapped to word
boundaries). Each cue's English is then wrapped to at most 2 lines of at most 42
characters, the usual subtitle norm (e.g. the BBC and Netflix guidelines); a cue whose
English is longer than two such lines gets more lines, never cut. Markup around a
whole cue (``<i>…</i>``, ``{\an8}``) is kept around its English and not translated;
tags inside a cue's text go to the model as text. Only the text lines
are rewritten: numbers, timings, blank lines, line endings and a BOM are kept byte for
byte.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from selaras.errors import InputError
from selaras.formats.base import Span, TranslatedUnit, Unit

#: Characters per subtitle line and lines per cue (BBC subtitle guidelines: 37-42
#: characters a line, two lines; Netflix's timed-text style guide: 42).
MAX_LINE = 42
MAX_LINES = 2
TIMING = re.compile(r"^(\d{2,}):([0-5]\d):([0-5]\d)[,.](\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)[,.](\d{3})(?:\s.*)?$")
#: What ends a sentence at the end of a cue (then the next cue starts a new unit).
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


#: Markup around a whole cue, kept around its English: position codes such as
#: ``{\an8}`` and one ``<i>``/``<b>``/``<u>``/``<font …>`` pair around all of its text.
WRAPPED = re.compile(r"^((?:\{\\[^}]*\})*)(?:<(i|b|u|font)(\s[^>]*)?>(.*)</\2>|(.*))$", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue: its text lines' place in the file (``start``/``end`` characters), its text
    (lines joined, without the markup around it) and that markup (``before``, ``after``)."""

    number: int
    start: int
    end: int
    text: str
    before: str = ""
    after: str = ""


def _unwrap(text: str) -> tuple[str, str, str]:
    """``(before, inner, after)``: the markup around a whole cue and its text."""
    found = WRAPPED.match(text)
    if found is None:
        return "", text, ""
    codes, tag, attributes, inner, plain = found.groups()
    if tag is None:
        return codes, plain, ""
    if re.search(rf"</?{tag}\b", inner, re.IGNORECASE):  # the pair does not wrap the whole text
        return codes, text[len(codes):], ""
    return f"{codes}<{tag}{attributes or ''}>", inner, f"</{tag}>"


def _millis(parts: Sequence[str]) -> int:
    h, m, s, ms = (int(p) for p in parts)
    return ((h * 60 + m) * 60 + s) * 1000 + ms


def _starts_cue(lines: Sequence[str], k: int) -> bool:
    """Whether line ``k`` is a cue number followed by a timing line: a new cue even
    where the blank line before it is missing (a timing line is never subtitle text,
    so the boundary is certain; read as text, the cue would be lost)."""
    return lines[k].strip().isdigit() and k + 1 < len(lines) and TIMING.match(lines[k + 1].strip()) is not None


def parse_srt(text: str, name: str) -> list[Cue]:
    """The cues of an SRT text (``\\n`` or ``\\r\\n`` line ends).

    Raises:
        InputError: a cue number that is not a number, a broken or backwards timing
            line, naming the line.
    """
    cues: list[Cue] = []
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    k = 0
    while k < len(lines):
        if not lines[k].strip():
            k += 1
            continue
        number_line = lines[k].strip()
        if not number_line.isdigit():
            raise InputError(f"{name} line {k + 1}: expected a cue number, got {number_line[:40]!r}; this is not a valid SRT file")
        if k + 1 >= len(lines):
            raise InputError(f"{name} line {k + 1}: cue {number_line} has no timing line")
        timing = TIMING.match(lines[k + 1].strip())
        if timing is None:
            raise InputError(
                f"{name} line {k + 2}: broken timing {lines[k + 1].strip()[:60]!r}; "
                "expected HH:MM:SS,mmm --> HH:MM:SS,mmm"
            )
        if _millis(timing.groups()[4:]) < _millis(timing.groups()[:4]):
            raise InputError(f"{name} line {k + 2}: cue {number_line} ends before it starts")
        first = k + 2
        last = first
        while last < len(lines) and lines[last].strip() and not _starts_cue(lines, last):
            last += 1
        body_end = offsets[last]
        # The text lines' characters, without the final line end (kept as it is).
        if last > first:
            tail = lines[last - 1]
            body_end -= len(tail) - len(tail.rstrip("\r\n"))
        start = offsets[first]
        before, cue_text, after = _unwrap(" ".join(line.strip() for line in lines[first:last]))
        cues.append(Cue(int(number_line), start, max(start, body_end), cue_text.strip(), before, after))
        k = last
    return cues


def wrap_cue(text: str, width: int = MAX_LINE, lines: int = MAX_LINES) -> list[str]:
    """A cue's text as at most ``lines`` lines of at most ``width`` characters when it
    fits (two lines balanced: the break nearest the middle), else ``width``-wide lines."""
    text = " ".join(text.split())
    if len(text) <= width:
        return [text] if text else []
    if lines >= 2 and len(text) <= width * 2 + 1:
        spaces = [m.start() for m in re.finditer(" ", text)]
        fitting = [s for s in spaces if s <= width and len(text) - s - 1 <= width]
        if fitting:
            cut = min(fitting, key=lambda s: abs(len(text) / 2 - s))
            return [text[:cut], text[cut + 1 :]]
    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)


@dataclass
class SrtDocument:
    """A parsed SRT file: units of cues that share sentences, and where each cue's text is."""

    source: str
    cues: list[Cue]
    units: list[Unit]
    newline: str = "\n"
    bom: str = ""

    def rebuild(self, translated: Sequence[TranslatedUnit]) -> bytes:
        texts: dict[int, str] = {}
        for unit, done in zip(self.units, translated):
            if not done.changed:
                continue
            for span in done.spans:
                texts[span.tag] = done.text[span.start : span.end]  # type: ignore[index]
        out = self.source
        for k in sorted(texts, reverse=True):
            cue = self.cues[k]
            wrapped = self.newline.join(wrap_cue(texts[k]))
            out = out[: cue.start] + cue.before + wrapped + cue.after + out[cue.end :]
        return (self.bom + out).encode("utf-8")


class SrtFormat:
    """SubRip subtitles (see the module docstring)."""

    name = "srt"
    extensions = (".srt",)
    placement = "length"

    def extract(self, data: bytes, name: str) -> SrtDocument:
        from selaras.io import decode_text

        text = decode_text(data, name)
        bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
        cues = parse_srt(text, name)
        if not cues:
            raise InputError(f"{name} has no subtitle cues; give an SRT file")
        units: list[Unit] = []
        group: list[int] = []
        for k, cue in enumerate(cues):
            if cue.text:
                group.append(k)
            if group and (not cue.text or SENTENCE_END.search(cue.text) or k == len(cues) - 1):
                units.append(_unit(cues, group))
                group = []
        return SrtDocument(source=text, cues=cues, units=units, newline="\r\n" if "\r\n" in text else "\n", bom=bom)


def _unit(cues: Sequence[Cue], group: Sequence[int]) -> Unit:
    """One unit of consecutive cues: their texts joined by spaces, one span per cue."""
    parts: list[str] = []
    spans: list[Span] = []
    size = 0
    for k in group:
        if parts:
            parts.append(" ")
            size += 1
        spans.append(Span(size, size + len(cues[k].text), k))
        parts.append(cues[k].text)
        size += len(cues[k].text)
    return Unit(text="".join(parts), spans=tuple(spans), key=tuple(group))


SRT = SrtFormat()

__all__ = ["MAX_LINE", "MAX_LINES", "SRT", "Cue", "SrtDocument", "SrtFormat", "parse_srt", "wrap_cue"]
