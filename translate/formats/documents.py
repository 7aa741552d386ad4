"""Documents with formatting (DOCX, HTML, Markdown, SRT): units to sentences and back.

The pure steps between a format (``selaras.formats``) and the engine: split every
unit into sentences (``Sentence.paragraph`` is the unit's index, so a document's blocks
are hard sentence boundaries, as blank lines are in plain text), and, once the
sentences are translated, place each unit's spans on its English
(``selaras.formats.inline``) and rebuild the document. ``selaras.jobs`` reads
the file, runs the engine and writes the output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from selaras.formats.base import Extracted, Placement, TranslatedUnit
from selaras.records import Lang, Sentence, Translation


def unit_sentences(extracted: Extracted, lang: Lang = "id") -> list[Sentence]:
    """Every unit's sentences in document order (``paragraph`` = the unit's index;
    ``start``/``end`` are offsets into the unit's text)."""
    from selaras.segment import split_sentences

    found: list[Sentence] = []
    for number, unit in enumerate(extracted.units):
        for sentence in split_sentences(unit.text, lang):
            if sentence.text.strip():
                found.append(Sentence(sentence.text, number, sentence.start, sentence.end))
    return found


def rebuild_document(
    extracted: Extracted,
    sentences: Sequence[Sentence],
    translations: Sequence[Translation],
    placement: Placement,
    engine: Mapping[str, Any] | None = None,
    checks: Sequence[Any] | None = None,
) -> bytes:
    """The document with every unit's translation in place (a unit with no sentence is kept).

    A format that takes notes (XLIFF, PO: ``annotate``) gets each unit's engine,
    confidence and QA flags when ``engine`` (``EngineInfo.as_json()``) is given; the
    checks read the units as placed, kept-whole spans included (``checks``: which, from
    ``selaras.checks.build_checks``; default: every check with its defaults).
    """
    from selaras.formats.base import unchanged
    from selaras.formats.inline import place_spans

    by_unit: dict[int, list[tuple[Sentence, Translation]]] = {}
    for sentence, translation in zip(sentences, translations):
        by_unit.setdefault(sentence.paragraph, []).append((sentence, translation))
    done: list[TranslatedUnit] = []
    for number, unit in enumerate(extracted.units):
        pairs = by_unit.get(number)
        if not pairs:
            done.append(unchanged(unit))
            continue
        done.append(place_spans(unit, [s for s, _ in pairs], [t for _, t in pairs], placement))
    if engine is not None and hasattr(extracted, "annotate"):
        from selaras.formats.bilingual import annotations

        placed = {n: (unit.text, done[n].text) for n, unit in enumerate(extracted.units) if n in by_unit}
        extracted.annotate(annotations(sentences, translations, engine, placed, checks=checks))
    return extracted.rebuild(done)


__all__ = ["rebuild_document", "unit_sentences"]
