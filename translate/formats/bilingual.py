"""What the bilingual formats (XLIFF, PO) share: translate-toolkit, and the MT's notes.

``translate-toolkit`` imports as ``translate``, the name of this repository's package
folder: from the repository root (tests, a checkout) that folder would shadow the
toolkit, so :func:`toolkit` imports it with the repository's folder out of the way.

A bilingual file carries, for each unit Selaras filled, a note a translator reads in
their tool: the engine, the model's confidence (the mean log-probability per target
token, and its exponent, the mean per-token probability) and the QA flags that fired on
its sentences with their reasons (``selaras.checks``). :class:`Annotation` is that
note, made by :func:`annotations` once the sentences are translated.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from selaras.records import Sentence, Translation
from selaras.toolkit import toolkit  # re-exported: the formats and their tests import it from here

#: Who the notes are from (XLIFF ``<note from>``; a PO translator comment starts with it).
NOTE_FROM = "selaras"


@dataclass(frozen=True, slots=True)
class Annotation:
    """What Selaras says about one unit's MT: the engine, the confidence, the QA flags."""

    engine: str
    logprob: float | None
    flags: tuple[tuple[str, str], ...] = ()
    tokens: int = 0
    from_tm: int = 0
    sentences: int = 0

    @staticmethod
    def combined(found: Sequence[Annotation]) -> Annotation | None:
        """One note for several units of one entry (an XLIFF unit's segments, a PO
        entry's singular and plural): token-weighted confidence, every flag once."""
        if not found:
            return None
        scored = [(a.logprob, max(a.tokens, 1)) for a in found if a.logprob is not None]
        logprob = sum(lp * n for lp, n in scored) / sum(n for _, n in scored) if scored else None
        flags = tuple(dict.fromkeys(flag for a in found for flag in a.flags))
        return Annotation(
            found[0].engine, logprob, flags, sum(a.tokens for a in found), sum(a.from_tm for a in found),
            sum(a.sentences for a in found),
        )

    @property
    def confidence(self) -> float | None:
        """The mean per-token probability (``exp(logprob)``, 0-1; ``None`` when unknown)."""
        return None if self.logprob is None else math.exp(self.logprob)

    def text(self) -> str:
        """The note: one line a translator reads."""
        if self.sentences and self.from_tm == self.sentences:  # never seen by the engine
            parts = ["From the translation memory (exact match)"]
        elif self.from_tm:
            parts = [f"Machine translation by {self.engine}, {self.from_tm} of {self.sentences} sentences "
                     "from the translation memory"]
        else:
            parts = [f"Machine translation by {self.engine}"]
        if self.logprob is not None:
            parts.append(f"confidence {self.confidence:.2f} (mean log-probability {self.logprob:.3f} per token)")
        if self.flags:
            parts.append("QA: " + "; ".join(f"{name}: {reason}" if reason else name for name, reason in self.flags))
        else:
            parts.append("QA: no flags")
        return "; ".join(parts) + ". Review before use."


class Annotated:
    """A document that takes Selaras' notes before it is rebuilt (XLIFF, PO): the
    ``annotate`` that ``formats.documents.rebuild_document`` looks for."""

    notes: dict[int, Annotation]

    def annotate(self, notes: Mapping[int, Annotation]) -> None:
        """The notes to write on the units (by unit index)."""
        self.notes = dict(notes)


def engine_name(engine: Mapping[str, Any]) -> str:
    """``selaras <version> (<model>, <backend>)`` from ``EngineInfo.as_json()``."""
    version = engine.get("selaras")
    model = str(engine.get("model") or "")
    if model and Path(model).is_absolute():
        model = Path(model).name  # a local folder: its name, not where it lies on this machine
    what = ", ".join(x for x in (model, str(engine.get("backend") or "")) if x)
    return f"selaras{' ' + str(version) if version else ''}" + (f" ({what})" if what else "")


def annotations(
    sentences: Sequence[Sentence],
    translations: Sequence[Translation],
    engine: Mapping[str, Any],
    placed: Mapping[int, tuple[str, str]] | None = None,
    *,
    checks: Sequence[Any] | None = None,
) -> dict[int, Annotation]:
    """Each unit's note (by unit index, ``Sentence.paragraph``): the token-weighted mean
    log-probability of its sentences and the QA flags that fired on the unit.

    ``placed`` gives each unit's source and English as the reader sees them, with its
    kept-whole spans in place (a protected ``Selaras API`` is in the target though the
    model never wrote it): the checks read those, else the unit's sentences joined.
    ``checks``: the QA checks (``selaras.checks.build_checks``; default: every check
    with its defaults), e.g. with a glossary's ``term-missing``.
    """
    from selaras.checks import find_flags
    from selaras.rows import AlignedRow

    by_unit: dict[int, list[tuple[Sentence, Translation]]] = {}
    for sentence, translation in zip(sentences, translations):
        by_unit.setdefault(sentence.paragraph, []).append((sentence, translation))
    units = list(by_unit)
    rows = []
    for k, unit in enumerate(units):
        pairs = by_unit[unit]
        source, english = (placed or {}).get(unit) or (" ".join(s.text for s, _ in pairs), " ".join(t.text for _, t in pairs))
        scored = [(t.score, max(t.tokens, 1)) for _, t in pairs if t.score is not None]
        logprob = sum(s * n for s, n in scored) / sum(n for _, n in scored) if scored else None
        rows.append(AlignedRow((k + 1,), (), source.strip(), english.strip(), "", mt_logprob=logprob))
    name = engine_name(engine)
    notes: dict[int, Annotation] = {}
    for unit, row, found in zip(units, rows, find_flags(rows, checks=checks)):
        pairs = by_unit[unit]
        # ``empty`` fires on the missing reference of every row here; an empty MT is said apart.
        flags = tuple(dict.fromkeys(
            [("empty", "the MT is empty") for _, t in pairs if not t.text.strip()][:1]
            + [(f.name, f.detail) for f in found if f.name != "empty"]
        ))
        from_tm = sum(1 for _, t in pairs if t.origin == "tm")
        notes[unit] = Annotation(name, row.mt_logprob, flags, sum(max(t.tokens, 1) for _, t in pairs), from_tm, len(pairs))
    return notes


#: The bilingual formats and the module that reads their pairs (``bilingual_pairs``).
BILINGUAL = {"xliff": "selaras.formats.xliff", "po": "selaras.formats.po"}


def read_bilingual_rows(path: str | Path, format: str) -> list[Any]:
    """A bilingual XLIFF or PO file (``format``: ``xliff`` or ``po``, see
    ``selaras.formats.format_name``) as aligned rows (``selaras export``): each translated
    unit or segment is a row, the target as the ``reference`` (a human's), or as the
    ``mt`` where the file marks it as machine translation (Selaras' own output: export
    it with ``--pair mt``); ``status`` is ``accepted`` for reviewed/final targets (PO:
    not fuzzy); the note says the unit's id.

    Raises:
        InputError: not a bilingual format, a bad file, or no translated unit in it.
    """
    from selaras.errors import InputError
    from selaras.io import read_bytes
    from selaras.rows import AlignedRow

    name = format
    if name not in BILINGUAL:
        raise InputError(f"{path} is not an XLIFF or PO file")
    pairs = importlib.import_module(BILINGUAL[name]).bilingual_pairs(read_bytes(str(path)), str(path))
    if not pairs:
        raise InputError(f"{path} has no translated units (every target is empty): nothing to read as aligned rows")
    return [
        AlignedRow(
            (k,), (k,), source, target if is_mt else "", "" if is_mt else target,
            status=status, note=f"{name} unit {ident}",  # type: ignore[arg-type]
        )
        for k, (source, target, status, is_mt, ident) in enumerate(pairs, start=1)
    ]


def read_side(path: str | Path, format: str, lang: str) -> list[Sentence]:
    """One side of a bilingual XLIFF or PO file as sentences, for ``selaras align`` and
    ``run`` (give the file as both the source and the reference): ``id`` is every unit's
    source (translated or not), ``en`` every target there is. ``Sentence.paragraph`` is
    the unit's number, so the units are hard boundaries as paragraphs are in text.

    Raises:
        InputError: a bad file, or no sentence on that side.
    """
    from selaras.errors import InputError
    from selaras.io import read_bytes
    from selaras.segment import split_sentences

    pairs = importlib.import_module(BILINGUAL[format]).bilingual_pairs(read_bytes(str(path)), str(path), untranslated=True)
    found: list[Sentence] = []
    for number, (source, target, *_) in enumerate(pairs):
        text = target if lang == "en" else source
        for sentence in split_sentences(text, lang):  # type: ignore[arg-type]
            if sentence.text.strip():
                found.append(Sentence(sentence.text, number, sentence.start, sentence.end))
    if not found:
        side = "targets (no unit is translated)" if lang == "en" else "sources"
        raise InputError(f"{path} has no sentences in its {side}")
    return found


__all__ = ["Annotated", "BILINGUAL", "read_bilingual_rows", "read_side", "NOTE_FROM", "Annotation", "annotations", "engine_name", "toolkit"]
