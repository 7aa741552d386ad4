"""A sentence's word links: the model's piece alignment, moved to whitespace words.

``Translation.alignment`` links SentencePiece pieces (from the cross-attention, see
``selaras.backends.attention``); the aligned TSV's ``word_alignment`` column links
the words a reader sees (``selaras.rows.words``: the text split on whitespace). Each
piece is found in its text (``selaras.formats.inline.piece_offsets``) and belongs to
the word its first character is in; a link counts only when the target piece gives
at least :data:`~selaras.formats.inline.MIN_LINK_WEIGHT` of its attention to its
source piece (the same bar the document formats use for "sure"), so a model whose
attention says nothing about words gives few links rather than wrong ones.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from selaras.formats.inline import MIN_LINK_WEIGHT, piece_offsets
from selaras.records import Translation
from selaras.rows import Links

_WORD = re.compile(r"\S+")


def _word_of_piece(text: str, pieces: Sequence[str]) -> list[int | None] | None:
    """The word index of each piece in ``text`` (``None`` for a bare word-start piece),
    or ``None`` when the pieces cannot be found in the text (normalised, ``<unk>``)."""
    offsets = piece_offsets(text, pieces)
    if offsets is None:
        return None
    starts = [m.start() for m in _WORD.finditer(text)]
    return [bisect.bisect_right(starts, start) - 1 if end > start else None for start, end in offsets]


def word_links(translation: Translation, min_weight: float = MIN_LINK_WEIGHT) -> Links | None:
    """``(source word, MT word)`` links of one translated sentence, sorted, without repeats.

    ``None`` when the translation has no alignment (not asked for) or its pieces do not
    fit its texts; ``()`` for an empty sentence or one with no sure link.
    """
    if translation.alignment is None:
        return None if translation.text.strip() else ()
    source = _word_of_piece(translation.source, translation.source_pieces)
    target = _word_of_piece(translation.text, translation.target_pieces)
    if source is None or target is None:
        return None
    links: set[tuple[int, int]] = set()
    for (s, t), weight in zip(translation.alignment, translation.alignment_weights):
        if weight < min_weight or not (0 <= s < len(source) and 0 <= t < len(target)):
            continue
        word_s, word_t = source[s], target[t]
        if word_s is not None and word_t is not None and word_s >= 0 and word_t >= 0:
            links.add((word_s, word_t))
    return tuple(sorted(links))


__all__ = ["word_links"]
