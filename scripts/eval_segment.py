#!/usr/bin/env python
"""Score sentence splitters on seg-bench (UD Indonesian GSD, PUD, CSUI).

Usage::

    python scripts/eval_segment.py [DATA_DIR] [--json] [--no-baselines] [--errors N]

``DATA_DIR`` defaults to ``../shared/data/seg-bench`` relative to the repository root;
see its ``SOURCE.md``. The table gives adjusted precision, recall and F1 (boundaries
the data's author found inside one gold unit are don't-care), raw precision and F1,
and gold sentences per second of splitting; pysbd and sentencex are ``baseline`` rows
when installed. How chunks are read and boundaries counted is in the module docstring
of :mod:`selaras.devtools.seg_bench`, which this script is the command line of.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from selaras.devtools.seg_bench import TREEBANKS, Row, run

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "seg-bench"


def format_table(rows: Sequence[Row]) -> str:
    """A fixed-width table; adjusted P/R/F1 first (the headline), then raw P/F1."""
    header = (
        f"{'treebank':<8} {'splitter':<29} {'P':>6} {'R':>6} {'F1':>6} "
        f"{'P raw':>6} {'F1 raw':>6} {'TP':>5} {'FP':>4} {'FN':>4} {'sent/s':>10}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        name = row.splitter + (" [baseline]" if row.baseline else "")
        lines.append(
            f"{row.treebank:<8} {name:<29} {row.precision:6.2f} {row.recall:6.2f} {row.f1:6.2f} "
            f"{row.precision_raw:6.2f} {row.f1_raw:6.2f} {row.tp:5d} {row.fp:4d} {row.fn:4d} {row.sentences_per_s:10,.0f}"
        )
    lines.append(
        "P/R/F1: adjusted (predicted boundaries at unannotated_boundaries are don't-care); "
        "raw: they count as false positives. sent/s: gold sentences per second of splitting."
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA, help="seg-bench folder")
    parser.add_argument("--json", action="store_true", help="print rows as JSON")
    parser.add_argument("--no-baselines", action="store_true", help="skip pysbd/sentencex")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="print up to N error contexts per treebank (stderr)")
    args = parser.parse_args(argv)
    missing = [t for t in TREEBANKS if not (args.data_dir / f"id-{t}.jsonl").is_file()]
    if missing:
        print(f"Error: {args.data_dir} lacks id-{missing[0]}.jsonl; give the seg-bench folder", file=sys.stderr)
        return 2
    rows, problems = run(args.data_dir, with_baselines=not args.no_baselines, errors=args.errors)
    for line in problems:
        print(line, file=sys.stderr)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
    else:
        print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
