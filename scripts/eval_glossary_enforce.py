"""Compare two ways of making the MT use a glossary's English, on the tiny test models.

Usage::

    python scripts/eval_glossary_enforce.py [--backend ctranslate2|transformers] [--beams 4]

The test set: every hand-aligned content word of the test models' sentences
(``selaras.devtools.word_alignment``: ``GOLD`` for the *memorising* model,
``ALIGNING_GOLD`` for the *aligning* one), each made a one-term glossary whose English
is a word the model never saw (*kopi* → *espresso*), so the glossary's English can only
come from enforcement. For each item:

* **placed**: the glossary's English is in the output;
* **right**: the output is the model's own translation with the word's hand-aligned
  English replaced by the glossary's (placed on the right words, nothing else changed);
* **intact**: apart from the term's words, the output is the model's own translation
  (an unsure case left as it was counts as intact; a broken sentence does not).
  For placeholders, also how often the masked sentence's translation was the model's
  own with the token in the term's place (the token copied and nothing else changed).

Methods: ``alignment`` (``selaras.terms.enforce``: the glossary English on the words
the cross-attention links to the term) and ``placeholder`` (the term replaced in the
source by a token the model should copy, then the token replaced by the glossary
English; tried with several token shapes, the best reported).
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

#: The glossary English for each test word: words the test models never saw.
NEW_ENGLISH = {
    "suka": "enjoy", "kopi": "espresso", "teh": "chai", "minum": "sip", "membaca": "peruse", "buku": "volume",
    "perpustakaan": "athenaeum", "pergi": "travel", "pasar": "bazaar", "Minggu": "Sabbath", "pagi": "dawn",
    "jalanan": "roads", "sangat": "extremely", "basah": "soaked",
}
PLACEHOLDERS = ("XYZ", "Xqz", "7319", "<unk>")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="ctranslate2", choices=["ctranslate2", "transformers"])
    parser.add_argument("--beams", type=int, default=4)
    args = parser.parse_args(argv)

    from selaras.backends import EngineOptions, load_backend
    from selaras.devtools.marian import DEFAULT_PAIRS, train_tiny_marian
    from selaras.devtools.word_alignment import ALIGNING_GOLD, ALIGNING_PAIRS, GOLD
    from selaras.terms import TermMatcher, make_glossary
    from selaras.terms.enforce import enforce_sentence
    from selaras.terms.glossary import Term
    from selaras.translator import translate_sentences

    for name, pairs, gold in (("memorising", DEFAULT_PAIRS, GOLD), ("aligning", ALIGNING_PAIRS, ALIGNING_GOLD)):
        model = str(train_tiny_marian(pairs, Path(tempfile.mkdtemp()) / "tiny", seed=0))
        backend = load_backend(EngineOptions(backend=args.backend, model=model, beams=args.beams))
        sentences = list(gold)
        own = dict(zip(sentences, translate_sentences(backend, sentences, beams=args.beams, alignment=True)))
        items = [(s, w, e) for s in sentences for w, e in gold[s].items() if w in NEW_ENGLISH]

        def judge(output: str, sentence: str, word: str, english: str) -> tuple[bool, bool, bool]:
            mt = own[sentence].text
            target = NEW_ENGLISH[word]
            placed = re.search(rf"\b{re.escape(target)}\b", output, re.IGNORECASE) is not None
            expected = re.sub(rf"\b{re.escape(english)}\b", target, mt, count=1)
            right = placed and output == expected
            intact = output == mt or right or (placed and re.sub(rf"\b{re.escape(target)}\b", english, output) == mt)
            return placed, right, intact

        totals: dict[str, list[int]] = {}
        for sentence, word, english in items:
            glossary = make_glossary([Term(word, (NEW_ENGLISH[word],), line=1)])
            out = enforce_sentence(own[sentence], TermMatcher(glossary)).translation.text
            totals.setdefault("alignment", []).append(judge(out, sentence, word, english))
            for token in PLACEHOLDERS:
                masked = re.sub(rf"\b{re.escape(word)}\b", token, sentence, count=1)
                (hyp,) = translate_sentences(backend, [masked], beams=args.beams)
                copied = token in hyp.text
                out = hyp.text.replace(token, NEW_ENGLISH[word], 1) if copied else own[sentence].text
                kept = hyp.text == re.sub(rf"\b{re.escape(english)}\b", token, own[sentence].text, count=1)
                totals.setdefault(f"placeholder {token}", []).append((*judge(out, sentence, word, english), kept))
        print(f"model={name} backend={args.backend} beams={args.beams} terms={len(items)}")
        for method, results in totals.items():
            placed, right, intact = (sum(r[k] for r in results) for k in range(3))
            n = len(results)
            kept = f"  masked output = MT with the token {sum(r[3] for r in results):2d}/{n}" if len(results[0]) > 3 else ""
            print(f"  {method:22s} placed {placed:2d}/{n}  right {right:2d}/{n}  intact {intact:2d}/{n}{kept}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
