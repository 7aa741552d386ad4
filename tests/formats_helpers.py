"""Helpers for the format tests: a stand-in translation with a sure word alignment."""

from __future__ import annotations

import re
from collections.abc import Callable

from selaras.formats.documents import rebuild_document, unit_sentences
from selaras.records import Translation


def _pieces(text: str) -> list[str]:
    """SentencePiece-like pieces: words and punctuation, ``▁`` where a space came before."""
    return [("\u2581" if m.start() == 0 or text[m.start() - 1].isspace() else "") + m.group() for m in re.finditer(r"\w+|[^\w\s]", text)]


def word_for_word(text: str, change: Callable[[str], str] = str.upper) -> Translation:
    """``text`` with every word changed by ``change``, aligned piece to piece with full weight."""
    source = _pieces(text)
    target = [change(p) for p in source]
    return Translation(
        source=text,
        text="".join(target).replace("\u2581", " ").strip(),
        alignment=tuple((k, k) for k in range(len(source))),
        alignment_weights=(1.0,) * len(source),
        source_pieces=tuple(source),
        target_pieces=tuple(target),
    )


def translate_word_for_word(extracted, change: Callable[[str], str] = str.upper, placement: str = "alignment") -> bytes:
    """The document rebuilt with every sentence translated by :func:`word_for_word`."""
    sentences = unit_sentences(extracted)
    return rebuild_document(extracted, sentences, [word_for_word(s.text, change) for s in sentences], placement)  # type: ignore[arg-type]
