#!/usr/bin/env python
"""How often the QA flags fire on clean human translations, and how often they catch errors.

UD PUD's 1000 professional Indonesian→English translations stand in for a good MT:

* **false alarms** — the share of rows each flag fires on, uncorrupted (for
  ``entity-missing`` also the words it fired on, the table to grow);
* **catch rate** — for rows with no flag, corrupt the English the way MT fails
  (drop a name, change a digit, copy the source, leave half in Indonesian, loop the end,
  truncate), or give the source as the reference, in a random 30% of eligible rows and
  count how many the matching flag finds.

Usage: python scripts/eval_checks.py [PUD_TSV] [--seed N] [--json]
(default ``../shared/data/ud-pud/id-en.tsv`` beside the repository).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

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
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
        return
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
