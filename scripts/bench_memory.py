"""Translation-memory lookups at 100,000 entries: exact and fuzzy, time and recall.

Builds a TM of N entries from real Indonesian sentences (GARENG's 5,000 source
sentences and UD PUD's 1,000, with their English) and, to reach N, variants of them with
1 to 3 words swapped for words of other sentences (so the TM is full of near-duplicates:
the hard case for a trigram prefilter). Then times

* exact lookups of sentences that are in the TM and of sentences that are not;
* fuzzy lookups of queries made by editing a TM entry (a word swapped or dropped), and
  checks the best score found against a full scan of every key with RapidFuzz
  (``process.extractOne``: the true best), giving the prefilter's recall.

With ``--translate-model MODEL`` it measures instead what ``--tm`` adds to
``selaras translate`` (each configuration a separate process, the same beam, alternated
``--repeats`` times, median wall time): no TM; a TM of ``--entries`` entries that
answers none of the document's sentences (the lookup cost alone); the same TM answering
half of them. ``--baseline-pythonpath P`` also times the code before the TM existed
(``P`` on ``PYTHONPATH``, empty for none: e.g. the main checkout), to check that a run
without a TM is not slower.

Usage:
    python scripts/bench_memory.py [--entries 100000] [--queries 300] [--data ../shared/data]
    python scripts/bench_memory.py --translate-model /tmp/tiny [--sentences 1000] [--beams 4] [--repeats 3]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def real_pairs(data: Path) -> list[tuple[str, str]]:
    src = (data / "gareng-dev" / "source.id.txt").read_text(encoding="utf-8").splitlines()
    ref = (data / "gareng-dev" / "reference.en.txt").read_text(encoding="utf-8").splitlines()
    pairs = [(s, r) for s, r in zip(src, ref) if s.strip() and r.strip()]
    for line in (data / "ud-pud" / "id-en.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) == 3:
            pairs.append((parts[1], parts[2]))
    return pairs


def variant(text: str, vocabulary: list[str], rng: random.Random, edits: int) -> str:
    words = text.split()
    for _ in range(edits):
        k = rng.randrange(len(words))
        if rng.random() < 0.3 and len(words) > 4:
            del words[k]
        else:
            words[k] = rng.choice(vocabulary)
    return " ".join(words)


def build_tm(path: Path, entries: list[tuple[str, str]]) -> None:
    from selaras.memory import MemoryEntry, TranslationMemory

    with TranslationMemory(path) as tm:
        tm.add(MemoryEntry(s, t, "bench") for s, t in entries)


def bench_translate(args: argparse.Namespace, pairs: list[tuple[str, str]], rng: random.Random) -> None:
    import os
    import subprocess
    import sys

    vocabulary = [w for s, _ in pairs for w in s.split()]
    doc_pairs = pairs[: args.sentences]
    others = pairs[args.sentences :]
    filler = list(others)
    while len(filler) < args.entries:
        s, t = rng.choice(others)
        filler.append((variant(s, vocabulary, rng, rng.randint(1, 3)), t))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        doc = root / "doc.id.txt"
        doc.write_text("".join(s + "\n" for s, _ in doc_pairs), encoding="utf-8")
        miss, half = root / "miss.tm", root / "half.tm"
        build_tm(miss, filler[: args.entries])
        build_tm(half, filler[: args.entries - len(doc_pairs) // 2] + doc_pairs[::2])
        from selaras.memory.apply import memory_answers

        texts = [s for s, _ in doc_pairs]
        start = time.perf_counter()
        memory_answers(miss, texts)
        lookup = time.perf_counter() - start
        command = [sys.executable, "-c", "from selaras.cli import main; main()", "translate", str(doc), "--lines",
                   "--model", args.translate_model, "--beams", str(args.beams), "--backend", "ctranslate2", "--device", "cpu"]
        configs: list[tuple[str, list[str], dict[str, str]]] = [
            ("no TM", [], {}),
            (f"TM, {args.entries} entries, 0% answered", ["--tm", str(miss)], {}),
            (f"TM, {args.entries} entries, 50% answered", ["--tm", str(half)], {}),
        ]
        if args.baseline_pythonpath is not None:
            configs.insert(0, ("before the TM (baseline code)", [], {"PYTHONPATH": args.baseline_pythonpath}))
        times: dict[str, list[float]] = {name: [] for name, _, _ in configs}
        subprocess.run([*command, "-o", str(root / "warm.txt")], check=True, capture_output=True)  # CT2 conversion, caches
        for repeat in range(args.repeats):
            for name, extra, env_over in configs:
                env = {**os.environ, **env_over}
                if env_over.get("PYTHONPATH") == "":
                    env.pop("PYTHONPATH")
                out = root / f"out-{repeat}.txt"
                start = time.perf_counter()
                subprocess.run([*command, *extra, "-o", str(out)], check=True, capture_output=True, env=env)
                times[name].append(time.perf_counter() - start)
                out.unlink()
        base = statistics.median(times["no TM"])
        print(f"in-process: opening the {args.entries}-entry TM and looking up all {len(texts)} sentences: {lookup * 1000:.0f} ms")
        print(f"selaras translate, {len(doc_pairs)} GARENG sentences, --lines, beam {args.beams}, CTranslate2 int8 CPU, "
              f"model {args.translate_model}; median of {args.repeats} separate processes each")
        for name, _, _ in configs:
            median = statistics.median(times[name])
            print(
                f"  {name}: median {median:.2f} s, fastest {min(times[name]):.2f} s (ratio of medians to no TM "
                f"{median / base:.3f}; runs {', '.join(f'{t:.2f}' for t in times[name])})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "data")
    parser.add_argument("--translate-model", help="measure --tm on selaras translate with this model instead")
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline-pythonpath", default=None)
    args = parser.parse_args()
    if args.translate_model:
        print(f"CPU: {cpu_model()}")
        bench_translate(args, real_pairs(args.data), random.Random(23))
        return

    from rapidfuzz import fuzz, process

    from selaras.memory import MemoryEntry, TranslationMemory, match_key

    rng = random.Random(23)
    pairs = real_pairs(args.data)
    vocabulary = [w for s, _ in pairs for w in s.split()]
    entries = list(pairs)
    while len(entries) < args.entries:
        s, t = rng.choice(pairs)
        entries.append((variant(s, vocabulary, rng, rng.randint(1, 3)), t))
    entries = entries[: args.entries]
    print(f"CPU: {cpu_model()}; {len(pairs)} real pairs, {len(entries)} entries")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tm.sqlite"
        with TranslationMemory(path) as tm:
            start = time.perf_counter()
            tm.add(MemoryEntry(s, t, "bench") for s, t in entries)
            build = time.perf_counter() - start
            print(f"build: {build:.1f} s for {len(tm)} entries, {path.stat().st_size / 1e6:.0f} MB")

            present = [rng.choice(entries)[0] for _ in range(args.queries)]
            absent = [variant(rng.choice(pairs)[0], vocabulary, rng, 2) + " itu" for _ in range(args.queries)]
            for name, queries in (("exact, in the TM", present), ("exact, not in the TM", absent)):
                start = time.perf_counter()
                found = tm.exact(queries)
                took = (time.perf_counter() - start) / len(queries)
                hits = sum(f is not None for f in found)
                print(f"{name}: {took * 1e6:.0f} µs per lookup ({hits}/{len(queries)} found)")

            keys = [match_key(s) for s, _ in entries]
            fuzzy_queries = [variant(rng.choice(entries)[0], vocabulary, rng, 1) for _ in range(args.queries)]
            start = time.perf_counter()
            tm.fuzzy(fuzzy_queries[0])
            print(f"first fuzzy lookup (loads the length-sorted keys): {(time.perf_counter() - start) * 1000:.0f} ms")
            times, scan_times, agree, missed, offered = [], [], 0, 0, 0
            for query in fuzzy_queries:
                start = time.perf_counter()
                matches = tm.fuzzy(query, limit=1)
                times.append(time.perf_counter() - start)
                start = time.perf_counter()
                best = process.extractOne(match_key(query), keys, scorer=fuzz.ratio, score_cutoff=75)
                scan_times.append(time.perf_counter() - start)
                got = matches[0].score if matches else None
                if best is None:
                    continue
                offered += 1
                if got is None:
                    missed += 1
                elif abs(got - round(best[1], 1)) < 0.05:
                    agree += 1
            ms = [t * 1000 for t in times]
            print(
                f"fuzzy: median {statistics.median(ms):.1f} ms, p95 {sorted(ms)[int(0.95 * len(ms)) - 1]:.1f} ms per lookup; "
                f"full scan (RapidFuzz over every key) median {statistics.median(scan_times) * 1000:.1f} ms"
            )
            print(
                f"fuzzy recall vs full scan: {offered} queries have a match >= 75; the index found the best score "
                f"for {agree} ({100 * agree / max(1, offered):.1f}%), a lower one for {offered - agree - missed}, none for {missed}"
            )


if __name__ == "__main__":
    main()
