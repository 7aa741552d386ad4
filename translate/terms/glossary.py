"""A glossary: Indonesian terms and the English each must become, read from TSV, CSV or TBX.

A professional user's terminology list is data they keep in a spreadsheet or a
terminology tool, so two shapes are read:

* **TSV or CSV** (``source<TAB>target[<TAB>note]``; ``.csv`` is comma-separated with
  the usual quoting): one entry a line, blank lines and ``#`` comment lines skipped, a
  header row (``source``/``target``, ``id``/``en``, ``term``…) optional.
* **TBX** (ISO 30042, the *TBX-Basic* dialect terminology tools export): read with
  translate-toolkit's ``translate.storage.tbx`` (never by hand): each ``termEntry`` gives
  its Indonesian terms, each with the entry's English terms (the first is the one the
  MT gets; the others are accepted by the check); deprecated terms are left out.

A target equal to its source is a *do-not-translate* entry (a brand, an acronym kept
as it is). A bad file is one :class:`~selaras.errors.InputError` line naming the line
(or TBX entry): no entry, a line without a target, or one source given two different
targets. The same entry twice is harmless and kept once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from selaras.errors import InputError
from selaras.io import read_bytes, read_text

#: First-row cells that mark a header (compared lower-cased), so a header is optional.
HEADER_WORDS = frozenset({"source", "target", "id", "en", "term", "terms", "indonesian", "english", "src", "tgt", "note"})
#: The languages a TBX file's ``langSet`` elements are read for (``xml:lang``; a region
#: such as ``en-US`` counts as its language).
TBX_SOURCE_LANG = "id"
TBX_TARGET_LANG = "en"


@dataclass(frozen=True, slots=True)
class Term:
    """One glossary entry.

    Attributes:
        source: the Indonesian term as written (one or more words).
        targets: its English renderings, preferred first (the one enforcement puts in
            the MT); the check accepts any of them.
        note: the entry's note, if any.
        line: the file line it was read from (a TBX entry's ``termEntry`` line), for messages.
    """

    source: str
    targets: tuple[str, ...]
    note: str = ""
    line: int = 0

    @property
    def target(self) -> str:
        """The preferred English rendering."""
        return self.targets[0]

    @property
    def keep(self) -> bool:
        """A do-not-translate entry: the English is the source itself."""
        return self.target == self.source


@dataclass(frozen=True, slots=True)
class Glossary:
    """The terms of one glossary file, in file order (``name``: where they came from, for
    messages; ``path``: the file :func:`read_glossary` read, which no output may replace)."""

    terms: tuple[Term, ...]
    name: str = ""
    path: str = ""

    @property
    def files(self) -> tuple[str, ...]:
        """The file it was read from, as an input a job must not write over (none if built in code)."""
        return (self.path,) if self.path else ()

    def __len__(self) -> int:
        return len(self.terms)


def _key(source: str) -> str:
    return " ".join(source.split()).lower() if not source.isupper() else " ".join(source.split())


def make_glossary(entries: Sequence[Term], name: str = "glossary") -> Glossary:
    """A :class:`Glossary` of ``entries``, checked: at least one, none without a source or
    target, no source given two different targets (repeats are dropped).

    Raises:
        InputError: naming the file and the line of the problem.
    """
    seen: dict[str, Term] = {}
    for term in entries:
        if not term.source.strip() or not term.targets or not all(t.strip() for t in term.targets):
            raise InputError(f"{name}, line {term.line}: an entry needs an Indonesian term and its English")
        key = _key(term.source)
        if key in seen:
            earlier = seen[key]
            if earlier.targets != term.targets:
                raise InputError(
                    f"{name}, line {term.line}: {term.source!r} is given as {term.target!r} here but as "
                    f"{earlier.target!r} on line {earlier.line}; keep one entry per term"
                )
            continue
        seen[key] = term
    if not seen:
        raise InputError(f"{name} has no glossary entries; give one 'source<TAB>target' pair a line, or a TBX file")
    return Glossary(tuple(seen.values()), name)


def read_glossary(path: str | Path) -> Glossary:
    """Read a glossary file: TBX (``.tbx``, or XML whose root is ``martif``/``tbx``), CSV
    (``.csv``) or TSV (anything else).

    Raises:
        InputError: unreadable, empty, malformed, or conflicting entries (the line named).
    """
    from dataclasses import replace

    name = str(path)
    if name.lower().endswith(".tbx"):
        return replace(_read_tbx(read_bytes(name), name), path=name)
    text = read_text(name)
    head = text.lstrip()[:400].lower()
    if head.startswith("<?xml") or head.startswith("<martif") or head.startswith("<tbx"):
        return replace(_read_tbx(text.encode("utf-8"), name), path=name)
    return replace(parse_glossary_table(text, name, delimiter="," if name.lower().endswith(".csv") else "\t"), path=name)


def parse_glossary_table(text: str, name: str = "glossary", *, delimiter: str = "\t") -> Glossary:
    """Parse TSV (``delimiter="\\t"``) or CSV glossary text; see :func:`read_glossary`."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL)
    entries: list[Term] = []
    first = True
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(f"{name}, line {reader.line_num}: {exc}") from None
    for number, cells in enumerate(rows, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if first and {c.lower() for c in cells[:2]} <= HEADER_WORDS:
            first = False
            continue
        first = False
        if len(cells) < 2 or len(cells) > 3:
            sep = "tab" if delimiter == "\t" else "comma"
            raise InputError(
                f"{name}, line {number}: expected a term, its English and an optional note "
                f"(2 or 3 {sep}-separated columns), got {len(cells)}"
            )
        entries.append(Term(cells[0], (cells[1],), cells[2] if len(cells) == 3 else "", number))
    return make_glossary(entries, name)


def _lang(code: str | None) -> str:
    return (code or "").lower().replace("_", "-").split("-")[0]


def _read_tbx(data: bytes, name: str) -> Glossary:
    """TBX through translate-toolkit: each entry's Indonesian and English terms."""
    from selaras.toolkit import toolkit  # translate-toolkit, found past our own translate/ folder

    tbx = toolkit("translate.storage.tbx")

    try:
        store = tbx.tbxfile(io.BytesIO(data), sourcelanguage=TBX_SOURCE_LANG, targetlanguage=TBX_TARGET_LANG)
    except Exception as exc:  # lxml and the toolkit raise several types for a bad file
        raise InputError(f"{name} is not a readable TBX file: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    entries: list[Term] = []
    for number, unit in enumerate(store.units, start=1):
        languages = {_lang(node.get("{http://www.w3.org/XML/1998/namespace}lang")) for node in unit.getlanguageNodes()}
        if TBX_SOURCE_LANG not in languages:
            continue  # an entry without Indonesian says nothing about Indonesian text
        sources = [t.text.strip() for t in unit.get_source_terms() if not t.deprecated and t.text.strip()]
        targets = tuple(dict.fromkeys(t.text.strip() for t in unit.get_target_terms() if not t.deprecated and t.text.strip()))
        line = getattr(unit.xmlelement, "sourceline", None) or number  # the termEntry's line in the file
        if TBX_TARGET_LANG not in languages or not targets:
            raise InputError(f"{name}, line {line} ({', '.join(sources) or 'no term'}): the entry has no English term")
        notes = unit.get_common_notes(source=True)
        for source in sources:
            entries.append(Term(source, targets, notes[0].text if notes else "", line))
    return make_glossary(entries, name)


__all__ = ["Glossary", "HEADER_WORDS", "Term", "make_glossary", "parse_glossary_table", "read_glossary"]
