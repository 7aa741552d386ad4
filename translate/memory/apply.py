"""Sentences answered by the translation memory before the engine sees them.

The agreed order of the translation path: an exact TM match (``match_key`` equal)
replaces the MT of that sentence, marked ``origin="tm"``, and is never sent to the
engine; the engine translates the rest. The TM's sentences are handed to
:func:`selaras.translator.translate_sentences` as empty texts, so sentence indexes,
checkpoints and resume stay those of the whole document (a sentence the TM answers
now but the engine translated in a killed run is simply not reused), and the
engine's batches and progress count only what it translates. Without a TM nothing
changes and nothing is opened.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from selaras.records import Translation

#: What a row's ``origin`` says of where its MT text came from.
ORIGIN_MT = "mt"
ORIGIN_TM = "tm"


def check_memory(tm_path: str | os.PathLike[str] | None) -> None:
    """Refuse a missing or foreign TM file before any work (no-op without a TM).

    Raises:
        InputError: no such file. FileError: not a Selaras translation memory.
    """
    if tm_path is not None:
        from selaras.memory.store import TranslationMemory

        TranslationMemory(tm_path, create=False).close()


def memory_answers(tm_path: str | os.PathLike[str] | None, texts: Sequence[str]) -> list[str | None]:
    """The TM's translation of each text, ``None`` where it has none (all ``None`` without a TM).

    Raises:
        InputError: ``tm_path`` is not an existing file. FileError: not a Selaras TM.
    """
    if tm_path is None:
        return [None] * len(texts)
    from selaras.memory.store import TranslationMemory

    with TranslationMemory(tm_path, create=False) as memory:
        return memory.exact(texts)


def translate_with_memory(backend: Any, texts: Sequence[str], tm_path: str | os.PathLike[str] | None, **settings: Any) -> list[Translation]:
    """:func:`~selaras.translator.translate_sentences` with the TM's exact matches first.

    Returns one translation per text, in order; a TM answer has ``origin="tm"``,
    ``pieces=0``, no score and no word alignment (the model never saw it).
    """
    from selaras.translator import translate_sentences

    if tm_path is None:
        return translate_sentences(backend, texts, **settings)
    answers = memory_answers(tm_path, texts)
    todo = ["" if answer is not None else text for text, answer in zip(texts, answers)]
    made = translate_sentences(backend, todo, **settings)
    return [
        Translation(source=text, text=answer, pieces=0, score=None, tokens=0, origin=ORIGIN_TM) if answer is not None else mt
        for text, answer, mt in zip(texts, answers, made)
    ]


def origin_counts(translations: Sequence[Translation]) -> dict[str, int]:
    """How many non-empty sentences each origin gave (``metrics.json``'s ``origin``)."""
    counts = {ORIGIN_MT: 0, ORIGIN_TM: 0}
    for t in translations:
        if t.source.strip():
            counts[t.origin] = counts.get(t.origin, 0) + 1
    return counts


__all__ = ["ORIGIN_MT", "ORIGIN_TM", "check_memory", "memory_answers", "origin_counts", "translate_with_memory"]
