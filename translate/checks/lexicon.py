"""The word lists the checks read: data files in ``translate/checks/data`` (see its SOURCE.md).

Lists are data, not code: one entry a line, ``#`` starts a comment line. A word list
(:func:`word_list`) holds one lower-case word a line; a table (:func:`word_table`) holds a
word, a tab and its English forms separated by spaces. Each file is read once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@cache
def word_list(name: str) -> frozenset[str]:
    """The words of ``data/NAME``, lower-cased; whitespace separates several on a line."""
    return frozenset(w.lower() for line in _lines(name) for w in line.split())


@cache
def word_table(name: str) -> dict[str, tuple[str, ...]]:
    """``data/NAME`` as ``{word: (english, ...)}``; a word given twice keeps every form."""
    table: dict[str, tuple[str, ...]] = {}
    for line in _lines(name):
        key, _, forms = line.partition("\t")
        key = key.strip().lower()
        table[key] = tuple(dict.fromkeys((*table.get(key, ()), *forms.lower().split())))
    return table
