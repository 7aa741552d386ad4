#!/usr/bin/env python
"""Write ``translate/checks/data/id-words.txt``: Indonesian words that are not English words.

The ``untranslated`` check counts these words in an English MT (``selaras.checks.untranslated``):
a word that is frequent in Indonesian text and rare in English text, so a name, a number
or an English word the MT rightly keeps ("apps", "tweeted", "single") is never one.

From wordfreq 3.1.1's "small" word lists (Robyn Speer; code Apache-2.0, data CC BY-SA 4.0):
a word is kept when its Indonesian Zipf frequency is at least ``MIN_ZIPF`` and exceeds its
English Zipf frequency by at least ``MIN_MARGIN`` (absent = 0). Needs wordfreq, which
Selaras itself does not depend on::

    pip install --target /tmp/wf wordfreq==3.1.1
    PYTHONPATH=/tmp/wf python scripts/build_id_words.py
"""

from __future__ import annotations

import math
from pathlib import Path

from wordfreq import get_frequency_dict  # type: ignore[import-not-found]

MIN_ZIPF = 3.0
MIN_MARGIN = 1.5
#: Shorter words are mostly acronyms and romanised names; the short Indonesian function
#: words are in selaras.language.ID_LANGUAGE_WORDS, which the check adds.
MIN_LENGTH = 4
OUT = Path(__file__).resolve().parents[1] / "translate" / "checks" / "data" / "id-words.txt"


def zipf(freq: float) -> float:
    return math.log10(freq * 1e9) if freq > 0 else 0.0


def main() -> None:
    indonesian = get_frequency_dict("id", wordlist="small")
    english = get_frequency_dict("en", wordlist="small")
    words = sorted(
        w
        for w, f in indonesian.items()
        if w.isalpha() and w.isascii() and len(w) >= MIN_LENGTH
        and zipf(f) >= MIN_ZIPF and zipf(f) - zipf(english.get(w, 0.0)) >= MIN_MARGIN
    )
    header = (
        "# Indonesian words that are not English words (see translate/checks/data/SOURCE.md).\n"
        f"# wordfreq 3.1.1 small lists: Indonesian Zipf >= {MIN_ZIPF} and >= {MIN_MARGIN} above English; {MIN_LENGTH}+ letters.\n"
        "# Data licence: CC BY-SA 4.0. Made by scripts/build_id_words.py; one word a line.\n"
    )
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")


if __name__ == "__main__":
    main()
