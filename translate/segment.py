"""Sentence segmentation (PLACEHOLDER: naive regex; the real splitter replaces this).

Public API (keep it): ``split_sentences(text, lang="id") -> list[Sentence]``.
Paragraph breaks (blank lines) are hard boundaries and recorded in ``Sentence.paragraph``.
"""

from __future__ import annotations

import re
from typing import Literal

from translate.records import Sentence

Language = Literal["id", "en"]


def split_sentences(text: str, lang: Language = "id") -> list[Sentence]:
    """Split ``text`` into sentences; blank lines separate paragraphs."""
    sentences: list[Sentence] = []
    for paragraph, block in enumerate(p for p in re.split(r"\n\s*\n", text) if p.strip()):
        for piece in re.split(r"(?<=[.!?])\s+", block.strip()):
            if piece.strip():
                sentences.append(Sentence(text=" ".join(piece.split()), paragraph=paragraph))
    return sentences
