"""Measure glossary matching and the ``term-missing`` check on real sentences (gareng-dev).

Usage::

    python scripts/eval_glossary.py [--data ../shared/data/gareng-dev] [--glossary scripts/data/glossary-news.id-en.tsv] [--sample 20]

1. **Matching.** Every term occurrence in the 5,000 Indonesian sentences, by how it
   matched: the word itself, with an enclitic (*-nya*, *-lah*, ...), and (only with
   ``affixes="derivations"``) through a derivational affix. For each kind, the share
   of occurrences whose human reference holds the glossary's English: a match of the
   right word is followed by the glossary's English far more often than a match of a
   different word (*perkotaan* "urban" for *kota* "city").
2. **The check.** ``term-missing`` flag rates on the two real MT outputs (Google NMT,
   GARENG) and on the reference, with a random sample of flagged rows to read.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _kind(matched: str, term_source: str) -> str:
    m, t = matched.lower(), term_source.lower()
    if m == t or (t.isupper() and matched == term_source):
        return "word"
    if "-" in m and m.split("-")[0] == t:
        return "reduplication"
    from selaras.terms.match import ENCLITICS

    if any(m == t + c for c in ENCLITICS):
        return "enclitic"
    return "derivation"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "gareng-dev")
    parser.add_argument("--glossary", type=Path, default=REPO / "scripts" / "data" / "glossary-news.id-en.tsv")
    parser.add_argument("--sample", type=int, default=20)
    args = parser.parse_args(argv)

    from selaras.checks import TermMissingCheck
    from selaras.rows import AlignedRow
    from selaras.terms import TermMatcher, has_english, read_glossary

    def lines(name: str) -> list[str]:
        return (args.data / name).read_text(encoding="utf-8").splitlines()

    source, reference = lines("source.id.txt"), lines("reference.en.txt")
    glossary = read_glossary(args.glossary)
    print(f"glossary: {args.glossary.name}, {len(glossary)} terms; {len(source)} sentences")

    print("\n1. matching (occurrences; share whose reference holds the glossary English)")
    for affixes in ("clitics", "derivations"):
        matcher = TermMatcher(glossary, affixes=affixes)
        counts: Counter[str] = Counter()
        agree: Counter[str] = Counter()
        examples: dict[str, list[str]] = {}
        for src, ref in zip(source, reference):
            for match in matcher.find(src):
                kind = _kind(src[match.start : match.end], match.term.source)
                counts[kind] += 1
                agree[kind] += has_english(ref, match.term)
                examples.setdefault(kind, []).append(f"{src[match.start:match.end]}→{match.term.target}")
        for kind in ("word", "enclitic", "reduplication", "derivation"):
            if counts[kind]:
                shown = ", ".join(sorted(set(examples[kind]))[:12])
                print(f"  {affixes:11s} {kind:13s} {counts[kind]:5d}  reference agrees {agree[kind] / counts[kind]:6.1%}  e.g. {shown}")

    print("\n2. term-missing flag rate (affixes=clitics)")
    check = TermMissingCheck(glossary=glossary)
    for name in ("mt.gnmt.en.txt", "mt.gareng.en.txt"):
        mt = lines(name)
        rows = [AlignedRow((k,), (k,), s, m, r) for k, (s, m, r) in enumerate(zip(source, mt, reference), start=1)]
        stats = check.document_stats(rows)
        scores = [check.score(row, stats) for row in rows]
        with_term = sum(1 for row in rows if stats.find(row.source))
        on_mt = [k for k, s in enumerate(scores) if any("MT" in sides for _, _, sides in s)]
        on_ref = [k for k, s in enumerate(scores) if any("reference" in sides for _, _, sides in s)]
        print(
            f"  {name}: rows with a term {with_term} ({with_term / len(rows):.1%}); flagged on MT {len(on_mt)} "
            f"({len(on_mt) / len(rows):.2%} of rows, {len(on_mt) / max(with_term, 1):.1%} of rows with a term); "
            f"on reference {len(on_ref)} ({len(on_ref) / len(rows):.2%})"
        )
        if args.sample and name == "mt.gnmt.en.txt":
            rng = random.Random(23)
            for k in sorted(rng.sample(on_mt, min(args.sample, len(on_mt)))):
                flag = check.decide(scores[k])
                print(f"    [{k + 1}] {flag.detail if flag else ''}\n        MT:  {rows[k].mt}\n        REF: {rows[k].reference}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
