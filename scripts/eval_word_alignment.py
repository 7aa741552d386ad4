#!/usr/bin/env python
"""How often the model's word alignment is sure, and right, for a bold word.

For each hand-aligned Indonesian word of a tiny model's training sentences, ask
``selaras.formats.inline.aligned_range`` where a span over that word goes in the
translation: *sure* when it returns a range (the formats then put the span there),
*right* when that range is exactly the expected English word(s). Unsure spans go
around their whole sentence (the documented fallback). Two tiny models:

* ``memorising``: the test model (``selaras.devtools.marian.DEFAULT_PAIRS``, six sentences): it
  learns the sentences by heart and its attention says little about words.
* ``aligning``: the same size, trained on :data:`ALIGNING_PAIRS` (short sentences
  that share words, and the words alone), so its attention has to find the words.

Usage::

    python scripts/eval_word_alignment.py [--model memorising|aligning] [--backend ctranslate2|transformers] [--beams N]

Each run trains its model first (5-10 s). The sentences and their hand-made word
alignments are :mod:`selaras.devtools.word_alignment`.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from selaras.devtools.marian import DEFAULT_PAIRS, train_tiny_marian
from selaras.devtools.word_alignment import ALIGNING_GOLD, ALIGNING_PAIRS, GOLD


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=["memorising", "aligning"], default="memorising")
    parser.add_argument("--backend", default="ctranslate2", choices=["ctranslate2", "transformers"])
    parser.add_argument("--beams", type=int, default=4)
    args = parser.parse_args(argv)

    from selaras.backends import EngineOptions, load_backend
    from selaras.formats.inline import aligned_range
    from selaras.translator import translate_sentences

    pairs, gold = (DEFAULT_PAIRS, GOLD) if args.model == "memorising" else (ALIGNING_PAIRS, ALIGNING_GOLD)
    model = str(train_tiny_marian(pairs, Path(tempfile.mkdtemp()) / "tiny", seed=0))
    backend = load_backend(EngineOptions(backend=args.backend, model=model, beams=args.beams))
    sentences = list(gold)
    translations = translate_sentences(backend, sentences, beams=args.beams, alignment=True)
    total = sure = right = 0
    for sentence, translation in zip(sentences, translations):
        for word, expected in gold[sentence].items():
            start = sentence.index(word)
            found = aligned_range(sentence, start, start + len(word), translation)
            total += 1
            got = translation.text[found[0] : found[1]] if found else None
            sure += found is not None
            right += got == expected
            print(f"{word:>14} -> {got!r:16} (expected {expected!r})")
    print(f"model={args.model} backend={args.backend} beams={args.beams} words={total} sure={sure} right={right} "
          f"sure_rate={sure / total:.2f} right_when_sure={(right / sure) if sure else float('nan'):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
