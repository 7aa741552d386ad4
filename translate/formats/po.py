"""gettext PO (``.po``, ``.pot``): empty ``msgstr`` filled with the MT, marked ``fuzzy``.

Read and written by translate-toolkit (``translate.storage.po``), which keeps the
header, ``msgctxt``, every comment (translator, extracted, references, flags), obsolete
entries and the file's wrapping. Each entry with an empty translation is a unit (its
``msgid``; a plural entry's ``msgid_plural`` is a second unit); the header, obsolete
entries and entries already translated are left alone, those unless ``overwrite``
(``selaras translate --overwrite``). A filled entry gets the ``fuzzy`` flag (gettext's
"needs review": ``msgfmt`` leaves it out until a translator clears it) and a translator
comment (``# selaras: ...``) with the engine, the model's confidence and the QA flags.
Plural entries get ``msgstr[0]`` from the singular and every other form from the
plural (English has two forms; the header's ``nplurals`` is followed where it has one).
printf and brace placeholders (``%s``, ``%(name)d``, ``{0}``) go to the model as
text; a translation that lost or added one says so in its comment. A file with
nothing to translate comes back byte for byte. A template's header (``.pot``) is filled
for English (``Language: en``, UTF-8, two plural forms), as ``msginit`` does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from selaras.errors import InputError
from selaras.formats.base import TranslatedUnit, Unit
from selaras.formats.bilingual import NOTE_FROM, Annotated, Annotation, toolkit

#: Placeholders a translation must keep: printf (``%s``, ``%1$d``, ``%(name)s``) and braces (``{0}``, ``{name}``).
PLACEHOLDER = re.compile(
    r"%(?:\d+\$|\([^)\s]+\))?[-+ #0]*(?:\d+|\*)?(?:\.\d+)?[hlLqjzt]*[diouxXeEfFgGcrsaS%]|\{[A-Za-z0-9_.\[\]]*\}"
)


@dataclass(frozen=True, slots=True)
class _Key:
    """A unit's entry and which of its sources it is (0: ``msgid``, 1: ``msgid_plural``)."""

    entry: object
    form: int


@dataclass
class PoDocument(Annotated):
    """A parsed PO file: its units and translate-toolkit's store."""

    data: bytes
    store: object
    nplurals: int
    units: list[Unit] = field(default_factory=list)
    notes: dict[int, Annotation] = field(default_factory=dict)

    def rebuild(self, translated: Sequence[TranslatedUnit]) -> bytes:
        if not any(done.changed for done in translated):
            return self.data
        multistring = toolkit("translate.misc.multistring").multistring
        by_entry: dict[int, dict[int, tuple[int, Unit, TranslatedUnit]]] = {}
        entries: list[object] = []
        for number, (unit, done) in enumerate(zip(self.units, translated)):
            if not done.changed:
                continue
            entry = unit.key.entry  # type: ignore[attr-defined]
            if id(entry) not in by_entry:
                entries.append(entry)
            by_entry.setdefault(id(entry), {})[unit.key.form] = (number, unit, done)  # type: ignore[attr-defined]
        for entry in entries:
            forms = by_entry[id(entry)]
            sources = _sources(entry)
            texts = [forms[k][2].text if k in forms else sources[k] for k in range(len(sources))]
            if entry.hasplural():  # type: ignore[attr-defined]
                entry.target = multistring([texts[0]] + [texts[-1]] * max(1, self.nplurals - 1))  # type: ignore[attr-defined]
            else:
                entry.target = texts[0]  # type: ignore[attr-defined]
            entry.markfuzzy(True)  # type: ignore[attr-defined]
            combined = Annotation.combined([self.notes[n] for n, _, _ in forms.values() if n in self.notes])
            notes = [combined.text()] if combined is not None else []
            lost = [_placeholder_note(sources[k], texts[k]) for k in range(len(sources))]
            # Always one: with ``fuzzy``, it is what marks the entry as Selaras' MT (read back by :func:`bilingual_pairs`).
            note = " ".join(dict.fromkeys([*(notes or ["Machine translation. Review before use."]), *(x for x in lost if x)]))
            if note:
                if hasattr(entry, "othercomments"):  # an earlier run's comment (overwritten) goes
                    entry.othercomments = [c for c in entry.othercomments if not c.startswith(f"# {NOTE_FROM}:")]
                entry.addnote(f"{NOTE_FROM}: {note}", origin="translator")  # type: ignore[attr-defined]
        _english_header(self.store)
        return bytes(self.store)  # type: ignore[call-overload]


def _english_header(store: object) -> None:
    """Fill a template's header (``.pot``: ``charset=CHARSET``, ``nplurals=INTEGER``, no
    ``Language``) for English, as ``msginit`` would; a real header is left as it is."""
    header = store.parseheader()  # type: ignore[attr-defined]
    if not header:
        return
    changes: dict[str, str] = {}
    if not str(header.get("Language", "")).strip():
        changes["Language"] = "en"
    if "CHARSET" in str(header.get("Content-Type", "")):
        changes["Content_Type"] = "text/plain; charset=UTF-8"
    if changes:
        store.updateheader(add=False, **changes)  # type: ignore[attr-defined]
    if "INTEGER" in str(header.get("Plural-Forms", "")):
        store.updateheaderplural("2", "(n != 1)")  # type: ignore[attr-defined]


def _sources(entry: object) -> list[str]:
    source = entry.source  # type: ignore[attr-defined]
    strings = getattr(source, "strings", None)
    return [str(s) for s in strings] if strings else [str(source)]


def _placeholder_note(source: str, translation: str) -> str:
    """A note when the translation's placeholders are not the source's (else empty)."""
    want, got = Counter(PLACEHOLDER.findall(source)), Counter(PLACEHOLDER.findall(translation))
    if want == got:
        return ""
    missing = ", ".join(sorted((want - got).elements()))
    extra = ", ".join(sorted((got - want).elements()))
    said = [f"missing {missing}" if missing else "", f"added {extra}" if extra else ""]
    return "Placeholders differ from the source: " + "; ".join(s for s in said if s) + "."


class PoFormat:
    """gettext PO through translate-toolkit (see the module docstring)."""

    name = "po"
    extensions = (".po", ".pot")
    placement = "alignment"
    supports_overwrite = True

    def extract(self, data: bytes, name: str, *, overwrite: bool = False) -> PoDocument:
        store = parse_po(data, name)
        plural = store.getheaderplural()[0]  # type: ignore[attr-defined]
        # A template (.pot) says nplurals=INTEGER: English's two forms then.
        nplurals = int(plural) if plural and str(plural).strip().isdigit() else 2
        document = PoDocument(data=data, store=store, nplurals=max(nplurals, 1))
        for entry in store.units:  # type: ignore[attr-defined]
            if entry.isheader() or entry.isobsolete() or not str(entry.source).strip():
                continue
            if not overwrite and any(str(t).strip() for t in _targets(entry)):
                continue
            for form, text in enumerate(_sources(entry)):
                if any(ch.isalpha() for ch in text):
                    document.units.append(Unit(text=text, key=_Key(entry, form)))
        return document


def _targets(entry: object) -> list[str]:
    target = entry.target  # type: ignore[attr-defined]
    strings = getattr(target, "strings", None)
    return [str(s) for s in strings] if strings else [str(target or "")]


def parse_po(data: bytes, name: str) -> object:
    """translate-toolkit's store of a PO file.

    Raises:
        InputError: not a PO file (one line).
    """
    po = toolkit("translate.storage.po")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name} looks like a binary file (it contains NUL bytes); give a PO file")
    try:
        store = po.pofile.parsestring(data)
    except (ValueError, LookupError) as exc:  # the toolkit's PoParseError and UnicodeDecodeError are ValueErrors; an unknown charset a LookupError
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(f"{name} is not a valid PO file ({message})") from None
    if not any(not u.isheader() for u in store.units) and not data.strip().startswith((b"msgid", b"#")):
        raise InputError(f"{name} is not a PO file (no msgid entries)")
    return store


def bilingual_pairs(data: bytes, name: str, *, untranslated: bool = False) -> list[tuple[str, str, str, bool, str]]:
    """Every translated entry of a PO file as ``(source, target, status, is_mt, id)``
    (plural entries: one pair per form, the singular and the plural): ``accepted``
    when it is not fuzzy; ``is_mt`` when fuzzy with a Selaras comment. The header,
    obsolete and (unless ``untranslated``: then with an empty target) untranslated entries are left out.

    Raises:
        InputError: not a PO file (see :func:`parse_po`).
    """
    store = parse_po(data, name)
    found: list[tuple[str, str, str, bool, str]] = []
    for number, entry in enumerate(store.units):  # type: ignore[attr-defined]
        if entry.isheader() or entry.isobsolete():
            continue
        sources, targets = _sources(entry), _targets(entry)
        if not any(t.strip() for t in targets):
            if untranslated and sources[0].strip():
                found.append((" ".join(sources[0].split()), "", "", False, sources[0]))
            continue
        fuzzy = entry.isfuzzy()
        is_mt = fuzzy and f"{NOTE_FROM}:" in (entry.getnotes("translator") or "")
        context = entry.getcontext()
        ident = f"{context}\x04{sources[0]}" if context else sources[0]
        pairs = [(sources[0], targets[0])]
        if len(sources) > 1 and len(targets) > 1:
            pairs.append((sources[1], targets[1]))
        for source, target in pairs:
            if source.strip() and target.strip():
                found.append((" ".join(source.split()), " ".join(target.split()), "" if fuzzy else "accepted", is_mt, ident))
    return found


PO = PoFormat()

__all__ = ["PLACEHOLDER", "bilingual_pairs", "PO", "PoDocument", "PoFormat", "parse_po"]
