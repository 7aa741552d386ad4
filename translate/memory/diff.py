"""How a fuzzy TM match differs from the sentence being translated, word by word.

A reviewer looking at a 85% match needs to see *which* words differ, to know what to
change in the TM's translation. :func:`word_diff` compares the TM entry's source with
the sentence (Python's ``difflib.SequenceMatcher`` over words, spaces and punctuation
kept as their own tokens) and returns the TM source in pieces: ``equal`` (shared),
``delete`` (in the TM source, not in the sentence) and ``insert`` (in the sentence, not
in the TM source), which the workbench draws as plain, ``<del>`` and ``<ins>``.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any, Literal

from selaras.memory.store import FuzzyMatch

DiffKind = Literal["equal", "delete", "insert"]
_TOKENS = re.compile(r"\w+|[^\w\s]+|\s+")


def word_diff(tm_source: str, sentence: str) -> list[tuple[DiffKind, str]]:
    """``tm_source`` against ``sentence`` as ``(kind, text)`` pieces (module docstring);
    the ``equal`` and ``delete`` pieces joined give ``tm_source``, the ``equal`` and
    ``insert`` pieces ``sentence``."""
    a, b = _TOKENS.findall(tm_source), _TOKENS.findall(sentence)
    pieces: list[tuple[DiffKind, str]] = []

    def put(kind: DiffKind, text: str) -> None:
        if not text:
            return
        if pieces and pieces[-1][0] == kind:
            pieces[-1] = (kind, pieces[-1][1] + text)
        else:
            pieces.append((kind, text))

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            put("equal", "".join(a[i1:i2]))
        else:
            put("delete", "".join(a[i1:i2]))
            put("insert", "".join(b[j1:j2]))
    return pieces


def match_payload(match: FuzzyMatch, sentence: str) -> dict[str, Any]:
    """A fuzzy match as the workbench receives it: source, target, score, origin, and
    ``diff`` (:func:`word_diff` of its source against ``sentence``, as ``[kind, text]`` lists)."""
    return {
        "source": match.entry.source,
        "target": match.entry.target,
        "score": match.score,
        "origin": match.entry.origin,
        "diff": [list(piece) for piece in word_diff(match.entry.source, sentence)],
    }


__all__ = ["DiffKind", "match_payload", "word_diff"]
