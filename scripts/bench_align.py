#!/usr/bin/env python3
"""Time ``align_sentences`` on synthetic 100k- and 200k-sentence document pairs.

Usage: ``python scripts/bench_align.py [--sizes 100000 200000] [--mt]`` (the lexical
path), or ``python scripts/bench_align.py --semantic [N]`` (the semantic path).

The documents are deterministic (fixed seed): source sentences of random pseudo-words
with names and numbers; the target "translates" every word through a fixed random
cipher (so only names, numbers and punctuation are shared, like two real languages),
merges 8% of adjacent sentence pairs and drops 2% of sentences on each side. With
``--mt`` the source side's MT is the target-language text of each source sentence with
10% of its words corrupted. Prints seconds per size, the ratio of the two times (the
search is linear, so doubling the size should at most double it, +10%), and the strict
F1 against the generated gold.

``--semantic N`` times the semantic path on the first N UD PUD id-en sentence pairs
(news and Wikipedia sentences, ``../shared/data/ud-pud/id-en.tsv``): e5 embedding
sentences per second in input order and in length-sorted batches (what Selaras does),
a cached rerun, and the alignment itself with the embeddings, so the embedding's share
of the whole is visible.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from selaras.align import align_sentences

ROOT = Path(__file__).resolve().parents[1]

SEED = 7


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnoprstuvw") for _ in range(rng.randint(2, 10)))


def make_pair(n: int, seed: int = SEED) -> tuple[list[str], list[str], list[str], list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """Source, target, MT and gold beads of an ``n``-sentence synthetic document."""
    rng = random.Random(seed)
    vocab = [_word(rng) for _ in range(20000)]
    cipher = {w: _word(rng) + rng.choice(["", "e", "en", "a"]) for w in vocab}
    names = ["Jakarta", "Widodo", "Surabaya", "Bandung", "Sukarno", "Bali", "Java", "Sumatra"]
    src: list[str] = []
    tgt: list[str] = []
    mt: list[str] = []
    gold = []
    pending: list[int] = []
    pending_text: list[str] = []
    for _ in range(n):
        words = [rng.choice(vocab) for _ in range(rng.randint(3, 30))]
        extra = []
        if rng.random() < 0.3:
            extra.append(rng.choice(names))
        if rng.random() < 0.3:
            extra.append(str(rng.randint(1, 99999)))
        s_words = words + extra
        t_words = [cipher[w] for w in words] + extra
        end = rng.choice(".?!") if rng.random() < 0.2 else "."
        s_text = " ".join(s_words).capitalize() + end
        t_text = " ".join(t_words).capitalize() + end
        roll = rng.random()
        if roll < 0.02:
            gold.append(((len(src),), ()))
            src.append(s_text)
            mt.append(t_text)
            continue
        if roll < 0.04:
            gold.append(((), (len(tgt),)))
            tgt.append(t_text)
            continue
        pending.append(len(src))
        pending_text.append(t_text)
        src.append(s_text)
        mt.append(" ".join(w if rng.random() > 0.1 else _word(rng) for w in t_text.split()))
        if rng.random() < 0.08 and len(pending) < 2:
            continue
        gold.append((tuple(pending), (len(tgt),)))
        tgt.append(" ".join(pending_text))
        pending, pending_text = [], []
    if pending:
        gold.append((tuple(pending), (len(tgt),)))
        tgt.append(" ".join(pending_text))
    return src, tgt, mt, gold


def bench_semantic(n: int) -> None:
    """Embedding speed and the DP's share on ``n`` UD PUD sentence pairs (see module docstring)."""
    import tempfile

    import numpy as np

    from selaras.embed import CachedEmbedder, E5Embedder
    from selaras.embed.base import BATCH_SIZE
    from selaras.io import read_lines

    rows = [line.split("\t") for line in read_lines(ROOT.parent / "shared" / "data" / "ud-pud" / "id-en.tsv")[1:]]
    src = [r[1] for r in rows if len(r) >= 3][:n]
    tgt = [r[2] for r in rows if len(r) >= 3][:n]
    e5 = E5Embedder()
    model = e5._model
    texts = src + tgt
    t0 = time.perf_counter()
    for k in range(0, len(texts), BATCH_SIZE):
        model.encode(texts[k : k + BATCH_SIZE], is_query=True)
    unsorted = time.perf_counter() - t0
    t0 = time.perf_counter()
    e5.embed(texts)
    sorted_s = time.perf_counter() - t0
    chars = np.mean([len(t) for t in texts])
    from bench_translate import cpu_description

    print(cpu_description())
    print(f"{len(texts)} sentences (mean {chars:.0f} characters), e5 with {e5._threads} threads:")
    print(f"  input order, batches of {BATCH_SIZE}: {len(texts) / unsorted:6.1f} sentences/s")
    print(f"  length-sorted batches (Selaras):   {len(texts) / sorted_s:6.1f} sentences/s")
    with tempfile.TemporaryDirectory() as cache_dir:
        cached = CachedEmbedder(e5, cache_dir)
        cached.embed(src), cached.embed(tgt)
        t0 = time.perf_counter()
        emb = (cached.embed(src), cached.embed(tgt))
        hit = time.perf_counter() - t0
    print(f"  cached rerun: {hit:.3f} s")
    t0 = time.perf_counter()
    align_sentences(src, tgt, embeddings=emb)
    dp = time.perf_counter() - t0
    t0 = time.perf_counter()
    align_sentences(src, tgt)
    lexical = time.perf_counter() - t0
    print(f"  alignment with embeddings: {dp:.2f} s ({100 * dp / (dp + sorted_s):.0f}% of embed + align); "
          f"lexical only: {lexical:.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 200_000])
    parser.add_argument("--mt", action="store_true", help="align with a synthetic MT")
    parser.add_argument("--semantic", type=int, nargs="?", const=500, default=None, metavar="N",
                        help="time the semantic path on N UD PUD sentence pairs (default 500)")
    args = parser.parse_args()
    if args.semantic:
        bench_semantic(args.semantic)
        return 0
    from bench_translate import cpu_description  # scripts/ is sys.path[0] when run as a script

    from selaras.devtools.align_bench import score_multiple

    print(cpu_description())
    times = []
    for n in args.sizes:
        src, tgt, mt, gold = make_pair(n)
        t0 = time.perf_counter()
        beads = align_sentences(src, tgt, mt=mt if args.mt else None)
        seconds = time.perf_counter() - t0
        times.append(seconds)
        f1 = score_multiple([gold], [[(b.src, b.tgt) for b in beads]])["f1_strict"]
        print(f"{n:>8} source sentences ({len(tgt)} target): {seconds:6.1f} s, strict F1 {f1:.3f}")
    if len(times) == 2:
        print(f"time ratio {times[1] / times[0]:.2f} for size ratio {args.sizes[1] / args.sizes[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
