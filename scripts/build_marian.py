#!/usr/bin/env python
"""Build MarianMT models locally, without downloading weights: for tests and benchmarks.

A thin command line over :mod:`selaras.devtools.marian` (the builders, their presets
and :data:`~selaras.devtools.marian.DEFAULT_PAIRS` live there)::

    python scripts/build_marian.py random OUT [--preset tiny|opus-mt-id-en] [--corpus FILE]
    python scripts/build_marian.py tiny-trained OUT
    python scripts/build_marian.py random-nllb OUT [--preset tiny|real]      # also random-m2m100
    python scripts/build_marian.py tiny-trained-nllb OUT                     # also tiny-trained-m2m100

The NLLB-200 and M2M-100 builders live in :mod:`selaras.devtools.m2m`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from selaras.devtools.marian import DEFAULT_CORPUS, DEFAULT_PAIRS, build_random_marian, read_corpus, train_tiny_marian


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    random_cmd = sub.add_parser("random", help="randomly initialised Marian with a real tokenizer")
    random_cmd.add_argument("out", type=Path)
    random_cmd.add_argument("--preset", choices=["tiny", "opus-mt-id-en"], default="tiny")
    random_cmd.add_argument(
        "--corpus", type=Path, default=None, help=f"TSV (source, target) or text file; default {DEFAULT_CORPUS}"
    )
    random_cmd.add_argument("--seed", type=int, default=0)
    trained_cmd = sub.add_parser("tiny-trained", help="tiny Marian trained on DEFAULT_PAIRS")
    trained_cmd.add_argument("out", type=Path)
    trained_cmd.add_argument("--seed", type=int, default=0)
    for family in ("nllb", "m2m100"):
        cmd = sub.add_parser(f"random-{family}", help=f"randomly initialised {family} architecture with a real tokenizer")
        cmd.add_argument("out", type=Path)
        cmd.add_argument("--preset", choices=["tiny", "real"], default="tiny")
        cmd.add_argument("--seed", type=int, default=0)
        cmd = sub.add_parser(f"tiny-trained-{family}", help=f"tiny {family} model trained on DEFAULT_PAIRS")
        cmd.add_argument("out", type=Path)
        cmd.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.command.startswith(("random-", "tiny-trained-")):
        from selaras.devtools.m2m import build_random_m2m, train_tiny_m2m

        family = args.command.rsplit("-", 1)[1]
        if args.command.startswith("random-"):
            path = build_random_m2m(args.out, family, preset=args.preset, seed=args.seed)
        else:
            path = train_tiny_m2m(family, DEFAULT_PAIRS, args.out, seed=args.seed)
    elif args.command == "random":
        corpus = read_corpus(args.corpus) if args.corpus else None
        path = build_random_marian(args.out, preset=args.preset, corpus=corpus, seed=args.seed)
    else:
        path = train_tiny_marian(DEFAULT_PAIRS, args.out, seed=args.seed)
    print(f"wrote {path} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
