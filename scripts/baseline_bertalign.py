#!/usr/bin/env python3
"""Bertalign's scoring recipe with the bundled e5 encoder: how much of the gap is the encoder?

Usage: ``python scripts/baseline_bertalign.py [DATA_DIR] [--split dev|test] [--max-align 5]
[--skip -0.1] [--embedder e5]`` (DATA_DIR defaults to ``../shared/data/align-bench``).

Bertalign (Liu & Zhu 2022, bfsujason/bertalign, read at its published version; no code
taken) reports 0.936 strict F1 on Text+Berg test without MT, with LaBSE. Selaras cannot
load LaBSE here (no hub access), and its e5 aligner gets less. This script re-implements
Bertalign's second-pass scoring from its paper and code description, with e5 in place
of LaBSE, so the two can be told apart:

* every run of 1..``max_align - 1`` consecutive sentences is embedded *as one text*
  (overlap embeddings);
* a bead scores the cosine of its two sides' run vectors, minus the mean cosine of
  each side with the single sentences just outside the other side (its margin), times
  ``log2(1 + shorter / longer)`` of the sides' character lengths (target lengths
  scaled by the document's length ratio);
* 1-0 and 0-1 beads score ``skip``; a monotone DP maximises the sum.

Differences, said plainly: the DP here is exact over the whole document (Bertalign
searches a window around a first pass of top-k 1-1 anchors, which can only remove
paths), and the encoder is e5-small in 4 bits with the ``query:`` prefix.
Prints strict and lax F1 (Vecalign scoring, as ``eval_align.py``) and the gold-unaligned
sentences merged into beads. Measured results are in README.md (Sentence alignment).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from selaras.align.dense import run_texts
from selaras.devtools.align_bench import score_multiple, textberg_docs

ROOT = Path(__file__).resolve().parents[1]


def run_tables(embedder, sentences: list[str], longest: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per run length ``a`` (index ``a - 1``): unit vectors and character lengths of the
    run ending at node ``e`` (sentences ``e - a .. e - 1``), rows ``0 .. n`` (zero where ``e < a``)."""
    n = len(sentences)
    vectors, lengths = [], []
    for a in range(1, longest + 1):
        texts = run_texts(sentences, a)
        rows = embedder.embed(texts) if texts else np.zeros((0, vectors[0].shape[1]), dtype=np.float32)
        table = np.zeros((n + 1, rows.shape[1]), dtype=np.float32)
        table[a:] = rows
        chars = np.zeros(n + 1)
        chars[a:] = [len(t) for t in texts]
        vectors.append(table)
        lengths.append(chars)
    return vectors, lengths


def align(embedder, src: list[str], tgt: list[str], *, max_align: int, skip: float):
    """Bertalign-style beads of one document, as ``(source ids, target ids)`` spans."""
    longest = max_align - 1
    sv, sl = run_tables(embedder, src, longest)
    tv, tl = run_tables(embedder, tgt, longest)
    n, m = len(src), len(tgt)
    ratio = sl[0].sum() / max(tl[0].sum(), 1.0)
    shapes = [(0, 1), (1, 0)] + [
        (a, total - a) for total in range(2, max_align + 1) for a in range(1, total) if a <= longest and total - a <= longest
    ]
    score = np.full((n + 1, m + 1), -np.inf)
    back = np.full((n + 1, m + 1), -1, dtype=np.int64)
    score[0, 0] = 0.0
    cols = np.arange(m + 1)
    for i in range(n + 1):
        for s, (a, b) in enumerate(shapes):
            if a == 0 or a > i:
                continue
            cand = np.full(m + 1, -np.inf)
            if b == 0:
                cand = score[i - a] + skip
            else:
                j = cols[b:]
                src_vec, tgt_vecs = sv[a - 1][i], tv[b - 1][j]
                sim = tgt_vecs @ src_vec
                # Margin: each side against the single sentences just outside the other.
                right = np.where(j + 1 <= m, tv[0][np.minimum(j + 1, m)] @ src_vec, 0.0)
                left = np.where(j - b > 0, tv[0][np.maximum(j - b, 0)] @ src_vec, 0.0)
                tgt_nb = np.where((right != 0) & (left != 0), (right + left) / 2, right + left)
                s_right = tgt_vecs @ sv[0][i + 1] if i + 1 <= n else np.zeros(len(j))
                s_left = tgt_vecs @ sv[0][i - a] if i - a > 0 else np.zeros(len(j))
                src_nb = np.where((s_right != 0) & (s_left != 0), (s_right + s_left) / 2, s_right + s_left)
                sim = sim - (tgt_nb + src_nb) / 2
                len_s, len_t = sl[a - 1][i], tl[b - 1][j] * ratio
                sim = sim * np.log2(1 + np.minimum(len_s, len_t) / np.maximum(np.maximum(len_s, len_t), 1e-9))
                cand[b:] = score[i - a, :-b] + sim
            better = cand > score[i]
            score[i] = np.where(better, cand, score[i])
            back[i] = np.where(better, s, back[i])
        # 0-1 beads within the row: best[j] = max_k (score[k] + skip * (j - k)).
        shifted = score[i] - skip * cols
        run = np.maximum.accumulate(shifted)
        from_left = run > shifted
        score[i] = run + skip * cols
        back[i] = np.where(from_left, 0, back[i])
    spans = []
    i, j = n, m
    while i > 0 or j > 0:
        a, b = shapes[int(back[i, j])]
        spans.append((tuple(range(i - a, i)), tuple(range(j - b, j))))
        i, j = i - a, j - b
    return spans[::-1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", nargs="?", default=str(ROOT.parent / "shared" / "data" / "align-bench"))
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--max-align", type=int, default=5, help="largest bead, both sides together (Bertalign's default 5)")
    parser.add_argument("--skip", type=float, default=-0.1, help="score of a 1-0 or 0-1 bead (Bertalign's default -0.1)")
    parser.add_argument("--embedder", default="e5", help="as selaras align --embedder (e5 or a sentence-transformers model)")
    args = parser.parse_args(argv)
    from selaras.embed import load_embedder

    root = Path(args.data_dir)
    if not root.is_dir():
        print(f"Error: {root} is not a folder; give the align-bench data folder", file=sys.stderr)
        return 2
    embedder = load_embedder(args.embedder).embedder
    if embedder is None:
        print("Error: this baseline needs a sentence encoder; pass --embedder e5 or a model", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    golds, tests = [], []
    for src, tgt, _, gold in textberg_docs(root, args.split, None):
        tests.append(align(embedder, src, tgt, max_align=args.max_align, skip=args.skip))
        golds.append(gold)
    r = score_multiple(golds, tests)
    print(
        f"Bertalign's recipe with {embedder.name}, Text+Berg de->fr {args.split}, no MT "
        f"(max_align {args.max_align}, skip {args.skip}): strict F1 {r['f1_strict']:.3f}, lax F1 {r['f1_lax']:.3f}, "
        f"{r['nulls_merged']} of {r['nulls']} gold-unaligned sentences merged ({time.perf_counter() - t0:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
