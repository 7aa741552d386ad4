#!/usr/bin/env python
"""How often the QA flags fire on real MT and on clean human translations, how often they
catch errors, and how often a flag on real MT is right.

**Real MT** (gareng-dev, ``../shared/data/gareng-dev``: 5,000 Indonesian sentences with a
human reference and Google NMT's and GARENG's English): the share of rows each flag fires
on, per system, the whole file checked as one document (as ``selaras check`` does); and
**precision** per check on the labelled flags in ``scripts/data/checks-labels.tsv`` (a
bilingual reviewer's verdict on each flag: would a reviewer want to see this row?). A
label whose flag no longer fires is reported as stale, not counted.

UD PUD's 1000 professional Indonesian→English translations stand in for a good MT:

* **false alarms** — the share of rows each flag fires on, uncorrupted (for
  ``entity-missing`` also the words it fired on, the table to grow);
* **catch rate** — for rows with no flag, corrupt the English the way MT fails
  (drop a name, change a digit, copy the source, leave half in Indonesian, loop the end,
  truncate), or give the source as the reference, in a random 30% of eligible rows and
  count how many the matching flag finds.

Usage: python scripts/eval_checks.py [PUD_TSV] [--gareng DIR] [--labels TSV] [--seed N] [--json]
(defaults ``../shared/data/ud-pud/id-en.tsv`` and ``../shared/data/gareng-dev`` beside the
repository, ``scripts/data/checks-labels.tsv``). ``--flagged SYSTEM`` prints that system's
flagged gareng-dev rows (line, flag, reason, source, MT, reference) as TSV, to label.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from selaras.checks import DocumentWords, entity_candidates, find_flags
from selaras.rows import AlignedRow

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ud-pud" / "id-en.tsv"
DEFAULT_GARENG = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "gareng-dev"
DEFAULT_LABELS = Path(__file__).resolve().parent / "data" / "checks-labels.tsv"
#: gareng-dev's MT outputs, by the name reports use.
SYSTEMS = {"gnmt": "mt.gnmt.en.txt", "gareng": "mt.gareng.en.txt"}
#: Share of eligible rows corrupted per kind: enough to count, few enough that the
#: document's own length distribution (``length-ratio``) stays mostly clean.
CORRUPT_SHARE = 0.3


def corrupt(kind: str, row: AlignedRow, words: DocumentWords) -> str | None:
    """The English of ``row`` damaged as ``kind``, or None when the row cannot show it."""
    mt = row.mt
    if kind == "entity-missing":
        for name in entity_candidates(row.source, words):
            pattern = r"\b%s\b" % re.escape(name)
            if re.search(pattern, mt):
                return re.sub(pattern, "", mt)
        return None
    if kind == "number-mismatch":
        digit = re.search(r"\d", mt)
        if not digit or not re.search(r"\d", row.source):
            return None
        return mt[: digit.start()] + str((int(digit.group(0)) + 1) % 10) + mt[digit.end() :]
    if kind == "untranslated (copy)":
        return row.source
    if kind == "untranslated (half)":
        en, id_ = mt.split(), row.source.split()
        return " ".join(en[: len(en) // 2] + id_[len(id_) // 2 :]) if len(en) >= 8 else None
    if kind == "repetition":
        en = mt.rstrip(".").split()
        return " ".join(en) + (" " + " ".join(en[-4:])) * 3 if len(en) >= 6 else None
    if kind == "length-ratio":
        en = mt.split()
        return " ".join(en[: len(en) * 3 // 10]) if len(en) >= 10 else None
    if kind == "wrong-language (source as ref)":
        return row.source
    raise ValueError(kind)


KINDS = (
    "entity-missing",
    "number-mismatch",
    "untranslated (copy)",
    "untranslated (half)",
    "repetition",
    "length-ratio",
    "wrong-language (source as ref)",
)
#: Corruptions of the reference rather than the MT.
REFERENCE_KINDS = {"wrong-language (source as ref)"}


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def gareng_rows(folder: Path, system: str) -> list[AlignedRow]:
    """gareng-dev as aligned 1-1 rows of one system's MT, with sentence chrF/BLEU."""
    from selaras.metrics import sentence_scores

    source, reference = _lines(folder / "source.id.txt"), _lines(folder / "reference.en.txt")
    mt = _lines(folder / SYSTEMS[system])
    n = min(len(source), len(reference), len(mt))
    rows = []
    for i in range(n):
        if not source[i].strip() and not mt[i].strip():
            continue
        scores = sentence_scores(mt[i], reference[i])
        chrf, bleu = scores if scores else (None, None)
        rows.append(AlignedRow((i + 1,), (i + 1,), source[i], mt[i], reference[i], chrf=chrf, bleu=bleu))
    return rows


def real_mt(folder: Path, labels_path: Path) -> tuple[dict, dict, dict]:
    """Flag rates per system and check, the flagged rows, and precision on the labels."""
    rates: dict[str, dict] = {}
    flagged: dict[str, dict[tuple[int, str], tuple[str, AlignedRow]]] = {}
    for system in SYSTEMS:
        rows = gareng_rows(folder, system)
        found = find_flags(rows)
        counts = Counter(f.name for row_flags in found for f in row_flags)
        rates[system] = {
            "rows": len(rows),
            "any": round(sum(1 for r in found if r) / len(rows), 4),
            **{name: round(n / len(rows), 4) for name, n in sorted(counts.items())},
        }
        flagged[system] = {
            (row.src_ids[0], f.name): (f.detail, row) for row, row_flags in zip(rows, found) for f in row_flags
        }
    precision: dict[str, dict] = {}
    if labels_path.exists():
        with labels_path.open(encoding="utf-8", newline="") as handle:
            labels = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        for label in labels:
            key = (int(label["line"]), label["flag"])
            entry = precision.setdefault(label["flag"], {"labelled": 0, "right": 0, "stale": 0})
            if key not in flagged.get(label["system"], {}):
                entry["stale"] += 1
                continue
            entry["labelled"] += 1
            entry["right"] += label["label"] == "right"
        for entry in precision.values():
            entry["precision"] = round(entry["right"] / entry["labelled"], 3) if entry["labelled"] else None
    return rates, flagged, precision


def print_flagged(flagged: dict[tuple[int, str], tuple[str, AlignedRow]]) -> None:
    """The flagged rows as TSV (line, flag, reason, source, MT, reference), to label."""
    print("line\tflag\treason\tsource\tmt\treference")
    for (line, name), (detail, row) in sorted(flagged.items()):
        print("\t".join((str(line), name, detail, row.source, row.mt, row.reference)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--gareng", type=Path, default=DEFAULT_GARENG, help="gareng-dev folder")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="labelled gareng-dev flags (TSV)")
    parser.add_argument("--flagged", choices=sorted(SYSTEMS), help="print this system's flagged rows and stop")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    real = real_mt(args.gareng, args.labels) if (args.gareng / "source.id.txt").exists() else None
    if args.flagged:
        if real is None:
            parser.error(f"{args.gareng} has no gareng-dev data")
        print_flagged(real[1][args.flagged])
        return

    with args.data.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    base = [AlignedRow((i,), (i,), src, en, en) for i, (_, src, en) in enumerate(table, 1)]
    flags = find_flags(base)
    false_alarms = Counter(f.name for row_flags in flags for f in row_flags)
    entity_words = Counter(
        word
        for row_flags in flags
        for f in row_flags
        if f.name == "entity-missing"
        for word in f.detail.removeprefix("not in MT: ").split(", ")
    )
    clean = {i for i, row_flags in enumerate(flags) if not row_flags}
    words = DocumentWords.of([r.source for r in base])
    rnd = random.Random(args.seed)

    catch: dict[str, dict] = {}
    for kind in KINDS:
        doc, hit_rows = list(base), []
        for i in sorted(clean):
            damaged = corrupt(kind, base[i], words)
            side = "reference" if kind in REFERENCE_KINDS else "mt"
            if damaged is not None and damaged != getattr(base[i], side) and rnd.random() < CORRUPT_SHARE:
                doc[i] = replace(base[i], **{side: damaged})
                hit_rows.append(i)
        found = find_flags(doc)
        name = kind.split(" ")[0]
        caught = sum(1 for i in hit_rows if any(f.name == name for f in found[i]))
        catch[kind] = {"corrupted": len(hit_rows), "caught": caught, "rate": round(caught / max(len(hit_rows), 1), 3)}

    entity_rows = false_alarms.get("entity-missing", 0)
    result = {
        "rows": len(base),
        "false_alarm_rate": {k: round(v / len(base), 4) for k, v in sorted(false_alarms.items())},
        "entity_missing_false_alarms": {
            "rows": entity_rows,
            "rate": round(entity_rows / len(base), 4),
            "words": dict(entity_words.most_common()),
        },
        "catch": catch,
    }
    if real is not None:
        result["real_mt"] = {"flag_rate": real[0], "precision": real[2]}
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
        return
    if real is not None:
        rates, _, precision = real
        names = sorted({k for r in rates.values() for k in r} - {"rows", "any"})
        sizes = ", ".join(f"{system} {r['rows']} rows" for system, r in rates.items())
        print(f"gareng-dev real MT ({sizes}): flag rate per system")
        print(f"{'check':16s} " + " ".join(f"{s:>7s}" for s in rates) + "  precision (right/labelled, stale)")
        for name in [*names, "any"]:
            p = precision.get(name)
            shown = f"{p['precision']} ({p['right']}/{p['labelled']}, {p['stale']})" if p else "-"
            print(f"{name:16s} " + " ".join(f"{r.get(name, 0):7.2%}" for r in rates.values()) + f"  {shown}")
    print(f"UD PUD id→en, {len(base)} human translations as MT")
    print("false alarms: " + (", ".join(f"{k} {v:.1%}" for k, v in result["false_alarm_rate"].items()) or "none"))
    print(
        f"entity-missing false alarms: {entity_rows}/{len(base)} rows ({entity_rows / len(base):.1%}); "
        "words: " + (", ".join(f"{w} {n}" for w, n in entity_words.most_common()) or "none")
    )
    width = max(len(k) for k in catch)
    print(f"{'corruption':{width}s} {'rows':>5s} {'caught':>6s} {'rate':>5s}")
    for kind, c in catch.items():
        print(f"{kind:{width}s} {c['corrupted']:5d} {c['caught']:6d} {c['rate']:5.2f}")


if __name__ == "__main__":
    main()
