#!/usr/bin/env python
"""How often the model's word alignment is sure, and right, for a bold word.

For each hand-aligned Indonesian word of the tiny test model's memorised sentences
(``build_marian.DEFAULT_PAIRS``), ask ``translate.formats.inline.aligned_range`` where
a span over that word goes in the translation: *sure* when it returns a range (the
formats then put the span there), *right* when that range is exactly the expected
English word(s). Unsure spans go around their whole sentence (the documented
fallback). Usage::

    python scripts/eval_word_alignment.py MODEL_DIR [--backend ctranslate2|transformers] [--beams N]

Without MODEL_DIR the tiny model is trained first (about 5 s).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "scripts"))

#: Hand-made word alignment of DEFAULT_PAIRS: Indonesian word -> the English it becomes.
GOLD: dict[str, dict[str, str]] = {
    "Saya suka kopi.": {"Saya": "I", "suka": "like", "kopi": "coffee"},
    "Dia membaca buku di perpustakaan.": {"Dia": "She", "membaca": "reads", "buku": "book", "perpustakaan": "library"},
    "Kami pergi ke pasar pada hari Minggu.": {"Kami": "We", "pergi": "go", "pasar": "market", "Minggu": "Sunday"},
    "Hujan turun sejak pagi, jadi jalanan sangat basah.": {
        "pagi": "morning", "jalanan": "streets", "sangat": "very", "basah": "wet",
    },
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", nargs="?", help="model folder (default: train the tiny model)")
    parser.add_argument("--backend", default="ctranslate2", choices=["ctranslate2", "transformers"])
    parser.add_argument("--beams", type=int, default=4)
    args = parser.parse_args(argv)

    from translate.backends import EngineOptions, load_backend
    from translate.formats.inline import aligned_range
    from translate.translator import translate_sentences

    model = args.model
    if model is None:
        import build_marian

        model = str(build_marian.train_tiny_marian(build_marian.DEFAULT_PAIRS, Path(tempfile.mkdtemp()) / "tiny", seed=0))
    backend = load_backend(EngineOptions(backend=args.backend, model=model, beams=args.beams))
    sentences = list(GOLD)
    translations = translate_sentences(backend, sentences, beams=args.beams, alignment=True)
    total = sure = right = 0
    for sentence, translation in zip(sentences, translations):
        for word, expected in GOLD[sentence].items():
            start = sentence.index(word)
            found = aligned_range(sentence, start, start + len(word), translation)
            total += 1
            got = translation.text[found[0] : found[1]] if found else None
            sure += found is not None
            right += got == expected
            print(f"{word:>14} -> {got!r:16} (expected {expected!r})")
    print(f"backend={args.backend} beams={args.beams} words={total} sure={sure} right={right} "
          f"sure_rate={sure / total:.2f} right_when_sure={(right / sure) if sure else float('nan'):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
