#!/usr/bin/env python3
"""Evaluate ``selaras align`` on the shared sentence-alignment benchmarks.

Usage: ``python scripts/eval_align.py [DATA_DIR] [--embedder none|e5|auto|MODEL] [--dev] [--json]
[--oracle-nulls] [--confidence] [--calibration]`` where DATA_DIR
defaults to ``../shared/data/align-bench`` (relative to the repository root); the UD
PUD stress test reads ``DATA_DIR/../ud-pud/id-en.tsv``.

Scores are Vecalign's strict and lax precision, recall and F1, pooled over documents
(see :mod:`selaras.devtools.align_bench`, which this script is the command line of).

Rows: Text+Berg de->fr test with ``de2fr.google`` MT, with ``de2fr.europarllight`` MT,
without MT; ParIce en-is without MT; and a UD PUD id-en stress test built here with a
fixed seed (documents of 20-200 sentences, merged adjacent English sentences, deleted
sentences on both sides). ``--dev`` scores the Text+Berg dev document instead (used for
tuning; the test set is only reported).

``--confidence`` checks the aligner's confidence instead of its beads: each document is
aligned with its own reference and with the next document's (an unrelated reference in
the right language), and the table gives the share of linked beads below the
``low-alignment`` threshold and the document confidence (min/median/max), the numbers
behind ``selaras.align.confidence.DOCUMENT_CONFIDENCE_MIN``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from selaras.align import DOCUMENT_CONFIDENCE_MIN
from selaras.devtools.align_bench import (
    calibration_report,
    confidence_report,
    evaluate,
    parice_docs,
    pud_stress_docs,
    textberg_docs,
)

ROOT = Path(__file__).resolve().parents[1]

#: Published / re-run strict and lax F1 on Text+Berg test (data SOURCE.md) and the
#: ParIce numbers of SentAlign's paper are not comparable per row, so only the rows
#: that have a reference system show one.
FIELD = {
    "textberg-google": "Bertalign 0.936/0.989 (0.940 max_align 8 + margin); SentAlign 0.932; Bleualign 0.809/0.950",
    "textberg-europarllight": "Bleualign 0.660/0.832",
    "textberg-nomt": "Bertalign 0.936; Vecalign+LASER 0.902; hunalign 0.751/0.868; Gale-Church 0.681/0.799",
    "parice": "-",
    "pud-stress": "-",
}

#: Strict-F1 targets of issue #11 (the semantic aligner, ``--embedder e5``).
TARGETS = {
    "textberg-google": 0.94,
    "textberg-europarllight": 0.93,
    "textberg-nomt": 0.92,
    "parice": 0.90,
    "pud-stress": 0.995,
}

def _print_calibration(results: dict) -> None:
    for label, r in results.values():
        print(f"{label}: {r['beads']} linked beads, {r['right']:.3f} right, ECE {r['ece']:.3f}")
        print("| align_score bin | mean score | share right | beads |")
        print("|---|---:|---:|---:|")
        for low, mean, right, count in r["table"]:
            print(f"| {low:.1f}-{low + 0.1:.1f} | {mean:.3f} | {right:.3f} | {count} |")
        print()


def _print_confidence(results: dict) -> None:
    head = f"| {'benchmark':<48} | reference | beads < 0.5 | doc confidence min / median / max | {'warned':<8} |"
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for label, report in results.values():
        for name, r in report.items():
            spread = f"{r['min']:.2f} / {r['median']:.2f} / {r['max']:.2f}"
            print(
                f"| {label:<48} | {name:<9} | {r['low_share']:11.2f} | {spread:>33} | "
                f"{r['warned']:>2} of {r['documents']:<2} |"
            )
    print(f"(warned: document confidence < DOCUMENT_CONFIDENCE_MIN = {DOCUMENT_CONFIDENCE_MIN})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", nargs="?", default=str(ROOT.parent / "shared" / "data" / "align-bench"))
    parser.add_argument("--dev", action="store_true", help="score Text+Berg dev instead of test")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--oracle-nulls", action="store_true",
        help="diagnostic: remove the gold's unaligned sentences before aligning (an upper bound for null detection)",
    )
    parser.add_argument(
        "--embedder", default="none",
        help="sentence embeddings for the aligner, as selaras align --embedder: none (default), e5, auto, or a model",
    )
    parser.add_argument(
        "--overlap", type=int, default=0, metavar="K",
        help="also embed runs of 2..K consecutive sentences as one text (overlap embeddings; needs --embedder)",
    )
    parser.add_argument(
        "--calibration", action="store_true",
        help="print the reliability table and expected calibration error of align_score per benchmark",
    )
    parser.add_argument(
        "--confidence", action="store_true",
        help="report the aligner's confidence with the true and with an unrelated reference instead of F1",
    )
    args = parser.parse_args(argv)
    from selaras.embed import load_embedder

    choice = load_embedder(args.embedder)
    if choice.note:
        print(f"note: {choice.note}", file=sys.stderr)
    embedder = choice.embedder
    root = Path(args.data_dir)
    if not root.is_dir():
        print(f"Error: {root} is not a folder; give the align-bench data folder", file=sys.stderr)
        return 2
    split = "dev" if args.dev else "test"
    suites = [
        ("textberg-google", f"Text+Berg de->fr {split}, MT de2fr.google", textberg_docs(root, split, "google")),
        ("textberg-europarllight", f"Text+Berg de->fr {split}, MT de2fr.europarllight", textberg_docs(root, split, "europarllight")),
        ("textberg-nomt", f"Text+Berg de->fr {split}, no MT", textberg_docs(root, split, None)),
        ("parice", "ParIce en-is, no MT", parice_docs(root)),
    ]
    pud = root.parent / "ud-pud" / "id-en.tsv"
    if pud.exists():
        suites.append(("pud-stress", "UD PUD id-en stress (merges+deletions), no MT", pud_stress_docs(pud)))
    if args.calibration:
        _print_calibration({key: (label, calibration_report(docs, embedder)) for key, label, docs in suites})
        return 0
    if args.confidence:
        report = {key: (label, confidence_report(docs, embedder)) for key, label, docs in suites}
        if args.json:
            print(json.dumps({k: {"label": lab, **r} for k, (lab, r) in report.items()}, indent=2, sort_keys=True))
        else:
            _print_confidence(report)
        return 0
    results = {}
    for key, label, docs in suites:
        t0 = time.perf_counter()
        res = evaluate(docs, oracle_nulls=args.oracle_nulls, embedder=embedder, overlap=args.overlap)
        res["seconds"] = time.perf_counter() - t0
        res["documents"] = len(docs)
        results[key] = (label, res)
    if args.json:
        print(json.dumps({k: {"label": lab, **r} for k, (lab, r) in results.items()}, indent=2, sort_keys=True))
        return 0
    print(f"embedder: {embedder.name if embedder is not None else 'none'}")
    head = f"| {'benchmark':<48} | strict P | strict R | strict F1 | lax F1 | nulls merged | target F1 | field (strict/lax F1) |"
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for key, (label, r) in results.items():
        target = f"{TARGETS[key]:.2f}" if key in TARGETS and split == "test" else "-"
        print(
            f"| {label:<48} | {r['precision_strict']:8.3f} | {r['recall_strict']:8.3f} | "
            f"{r['f1_strict']:9.3f} | {r['f1_lax']:6.3f} | {r['nulls_merged']:>4} of {r['nulls']:<5} | {target:>9} | {FIELD[key] if split == 'test' else '-'} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
