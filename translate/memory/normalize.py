"""What counts as "the same sentence" for an exact TM match: :func:`match_key`.

Two sources match exactly when their keys are equal. The key differs from the text in
ways no translator would translate differently:

* Unicode NFC (a composed and a decomposed *é* are one letter);
* every run of whitespace (spaces, tabs, line breaks, no-break and other Unicode
  spaces) is one space, none at either end;
* typographic punctuation is the ASCII one: curly single and double quotes and the
  low-9 quotes become ``'`` and ``"``, en/em/figure dashes and the minus sign ``-``,
  the ellipsis character ``...``;
* no space before ``, . ; : ! ? ) ] }`` or ``%`` and none after ``( [ {`` (so
  ``kata , kata`` is ``kata, kata``, as tokenised text often is).

What stays: **case** (``Bank Dunia`` is not ``bank dunia``: a name's capitals are part
of its translation, and reusing a lower-case sentence's English for a capitalised one
would put wrong capitals into the document; CAT tools such as OmegaT and memoQ also
match case-sensitively for 100% matches), and which punctuation a sentence has
(``Dia datang.`` and ``Dia datang?`` mean different things). Fuzzy matching
(``selaras.memory.store``) scores the keys, so it shrugs at the same differences.
"""

from __future__ import annotations

import re
import unicodedata

#: Typographic characters and their plain forms (see the module docstring).
_PLAIN = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
        "\u2026": "...",
    }
)
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE = re.compile(r" (?=[,.;:!?)\]}%])")
_SPACE_AFTER = re.compile(r"(?<=[(\[{]) ")


def match_key(text: str) -> str:
    """The exact-match key of a source sentence (see the module docstring)."""
    key = unicodedata.normalize("NFC", text).translate(_PLAIN)
    key = _SPACE.sub(" ", key).strip()
    return _SPACE_AFTER.sub("", _SPACE_BEFORE.sub("", key))


__all__ = ["match_key"]
