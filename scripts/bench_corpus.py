#!/usr/bin/env python
"""Corpus throughput: ``selaras run`` per document in a loop vs ``selaras corpus`` (local, Ray).

What it measures. A corpus built from UD PUD (``../shared/data/ud-pud/id-en.tsv``):
``--docs`` documents of ``--sentences`` consecutive Indonesian sentences with their
English side as the reference, and ``--repeats`` boilerplate sentences repeated in
every document (as a newspaper's bylines are), so the sentence cache has something to
find. It is translated with a random-weight model of the exact opus-mt-id-en
architecture (``selaras.devtools.marian.build_random_marian(preset="opus-mt-id-en")``) whose
``generation_config.json`` forces every output to ``--length`` tokens, so random
weights cannot make one variant decode longer than another; beam 4 everywhere;
CTranslate2 int8 (the ``auto`` default) converted once beforehand.

Variants, each in its own fresh process (this script with ``--child``), run in turn:

1. ``run-loop``: ``selaras.jobs.run.run`` once per document, loading the model each
   time, as a shell loop over ``selaras run`` does (without its per-process start-up of
   ~1 s, so this is the loop's best case);
2. ``corpus-local``: ``run_corpus(engine="local")``, the model loaded once, repeated
   sentences translated once, chunks that mix documents;
3. ``corpus-ray``: ``run_corpus(engine="ray")`` on a local Ray started for the job with
   this machine's CPUs (one actor per CPU, one thread each).

Every corpus variant starts with an empty sentence cache (``--warm``: with the one its
last run left, to time a job that translates nothing). Reported: sentences per
second over the whole job (translation, alignment, scoring and writing included), the
translation phase alone, the fixed start-up before the first chunk (model load; for
Ray also ``ray.init`` and the actors), and the peak RSS of the variant's whole process
tree (Ray's raylet, GCS and workers included), sampled every 0.2 s from ``/proc``.

Usage::

    python scripts/bench_corpus.py                      # 50 documents of 20 sentences
    python scripts/bench_corpus.py --docs 10 --json     # quick run, JSON on stdout

A measurement script, not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "data" / "ud-pud" / "id-en.tsv"
VARIANTS = ("run-loop", "corpus-local", "corpus-ray")


def build_corpus(corpus: Path, folder: Path, *, docs: int, sentences: int, repeats: int) -> tuple[Path, int]:
    """Write the documents and a TSV manifest; returns the manifest and the sentence count."""
    from selaras.devtools.marian import read_corpus

    pairs = read_corpus(corpus)
    boiler = pairs[:repeats]
    body = pairs[repeats:]
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["id\tsource\treference"]
    total = 0
    own = sentences - repeats
    for d in range(docs):
        chunk = [body[(d * own + k) % len(body)] for k in range(own)]
        doc = [*chunk[: own // 2], *boiler, *chunk[own // 2 :]]
        (folder / f"d{d:03d}.id.txt").write_text("\n".join(s for s, _ in doc) + "\n", encoding="utf-8")
        (folder / f"d{d:03d}.en.txt").write_text("\n".join(t for _, t in doc) + "\n", encoding="utf-8")
        lines.append(f"d{d:03d}\td{d:03d}.id.txt\td{d:03d}.en.txt")
        total += len(doc)
    manifest = folder / "manifest.tsv"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest, total


def build_model(work: Path, length: int) -> Path:
    """The random real-architecture model, its outputs forced to ``length`` tokens."""
    from selaras.devtools.marian import build_random_marian

    model = work / "model"
    if not (model / "config.json").exists():
        build_random_marian(model, preset="opus-mt-id-en", seed=0)
    config_path = model / "generation_config.json"
    config = json.loads(config_path.read_text())
    # transformers' min_length counts the decoder start token, max_length also the forced
    # </s> (selaras.backends.ct2.DecodingDefaults): both give CTranslate2 ``length``.
    config.update(min_length=length + 1, max_length=length + 2)
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    return model


# --------------------------------------------------------------------------- children


def child(args: argparse.Namespace) -> int:
    """Run one variant and print one JSON line of timings."""
    import logging
    import warnings

    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore")
    from selaras.backends import EngineOptions
    from selaras.corpus import RunSettings, read_manifest, run_corpus
    from selaras.jobs.run import run

    options = EngineOptions(backend="ctranslate2", model=args.model_dir, device="cpu", beams=4)
    out = Path(args.out)
    marks: dict[str, float] = {"start": time.perf_counter()}

    def on_translate(done: int, total: int) -> None:
        marks.setdefault("first_chunk", time.perf_counter())
        if done >= total:
            marks["translated"] = time.perf_counter()

    translated = 0
    if args.child == "run-loop":
        documents = read_manifest(args.manifest)
        for document in documents:
            result = run(document.source, list(document.references), out / document.id, options=options,
                         lines=True, n_bootstrap=0)
            translated += len(result.sentences)
    else:
        result = run_corpus(
            args.manifest, out, settings=RunSettings(engine=options, lines=True, n_bootstrap=0),
            engine="ray" if args.child == "corpus-ray" else "local", memory_path=out / "bench-memory.sqlite",
            on_translate=on_translate,
        )
        translated = result.stats.translated
    end = time.perf_counter()
    report = {"variant": args.child, "total_s": round(end - marks["start"], 2), "translated": translated}
    if "first_chunk" in marks:
        report["startup_s"] = round(marks["first_chunk"] - marks["start"], 2)
        report["translate_s"] = round(marks.get("translated", end) - marks["first_chunk"], 2)
    print(json.dumps(report))
    return 0


# --------------------------------------------------------------------------- parent


def _tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, from ``/proc``."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


def run_variant(variant: str, manifest: Path, model: Path, work: Path, *, warm: bool = False) -> dict:
    out = work / f"out-{variant}"
    if not warm:
        shutil.rmtree(out, ignore_errors=True)  # an empty sentence cache and folder for every run
    command = [sys.executable, str(Path(__file__).resolve()), "--child", variant, "--manifest", str(manifest),
               "--model-dir", str(model), "--out", str(out)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate(timeout=3600)
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{variant} failed:\n{stderr[-3000:]}")
    report = json.loads(stdout.strip().splitlines()[-1])
    report["peak_rss_mb"] = round(peak[0] / 1024)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--manifest", help=argparse.SUPPRESS)
    parser.add_argument("--model-dir", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="UD PUD id-en.tsv (default: ../shared/data)")
    parser.add_argument("--docs", type=int, default=50)
    parser.add_argument("--sentences", type=int, default=20, help="sentences per document")
    parser.add_argument("--repeats", type=int, default=2, help="boilerplate sentences repeated in every document")
    parser.add_argument("--length", type=int, default=35, help="forced output length in tokens")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--work", type=Path, default=None, help="folder for the model and corpus (default: temporary)")
    parser.add_argument("--warm", action="store_true", help="keep each variant's folder and sentence cache from the last run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.child:
        return child(args)

    work = args.work or Path(tempfile.mkdtemp(prefix="selaras-bench-corpus-"))
    os.environ.setdefault("SELARAS_CACHE", str(work / "cache"))
    model = build_model(work, args.length)
    subprocess.run([sys.executable, "-c", f"from selaras.backends.ct2 import load_ct2; load_ct2({str(model)!r}, device='cpu')"],
                   check=True, capture_output=True)  # convert once, outside every variant
    manifest, total = build_corpus(args.corpus, work / "corpus", docs=args.docs, sentences=args.sentences, repeats=args.repeats)
    rows = []
    for variant in args.variants.split(","):
        report = run_variant(variant, manifest, model, work, warm=args.warm)
        report["sentences_per_s"] = round(total / report["total_s"], 2)
        if report.get("translate_s"):
            report["translate_sentences_per_s"] = round(report["translated"] / report["translate_s"], 2)
        rows.append(report)
        print(json.dumps(report), file=sys.stderr)
    meta = {"documents": args.docs, "sentences": total, "repeats": args.repeats, "length": args.length, "cpus": os.cpu_count()}
    if args.json:
        print(json.dumps({"meta": meta, "rows": rows}, indent=2))
        return 0
    print(f"{meta['documents']} documents, {meta['sentences']} sentences, output forced to {args.length} tokens, beam 4")
    print(f"{'variant':<14} {'total s':>8} {'sent/s':>7} {'startup s':>10} {'translated':>11} {'transl. sent/s':>15} {'peak RSS MB':>12}")
    for r in rows:
        print(f"{r['variant']:<14} {r['total_s']:>8} {r['sentences_per_s']:>7} {r.get('startup_s', '-'):>10} "
              f"{r['translated']:>11} {r.get('translate_sentences_per_s', '-'):>15} {r['peak_rss_mb']:>12}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
