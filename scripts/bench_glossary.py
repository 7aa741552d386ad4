"""What ``--glossary`` costs in translation speed: the same sentences, with and without.

Usage::

    python scripts/bench_glossary.py [--n 200] [--beams 4] [--repeats 3] [--model DIR]

The model is a randomly initialised MarianMT with Opus-MT id-en's exact architecture and
vocabulary (``build_random_marian(preset="opus-mt-id-en")``, as ``bench_translate.py``
uses; ``--model`` takes another folder), run by CTranslate2 (int8, the default engine)
with the output length forced to 35 tokens so that both variants do the same decoder
steps. The sentences are the first ``--n`` gareng-dev sentences holding a term of
``scripts/data/glossary-news.id-en.tsv`` (70 terms): every sentence has work for the
glossary, the worst case. Variants, each in its own fresh process, in turn (ABAB…),
``--repeats`` times, medians of wall and process CPU time reported (CPU time, all
threads, is the steadier number on a shared machine):

* ``plain``: ``translate_sentences`` as ``selaras translate`` runs it;
* ``glossary``: the same with the cross-attention returned (``alignment=True``) and
  ``selaras.terms.enforce.enforce_terms`` applied: what ``--glossary`` adds.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GLOSSARY = REPO / "scripts" / "data" / "glossary-news.id-en.tsv"
SOURCE = REPO.parent / "shared" / "data" / "gareng-dev" / "source.id.txt"
LENGTH = 35


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def sentences(n: int) -> list[str]:
    from selaras.terms import TermMatcher, read_glossary

    matcher = TermMatcher(read_glossary(GLOSSARY))
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    return [s for s in lines if matcher.find(s)][:n]


def child(variant: str, model: str, n: int, beams: int) -> None:
    from selaras.backends.ct2 import load_ct2
    from selaras.translator import translate_sentences

    texts = sentences(n)
    backend = load_ct2(model, device="cpu", min_decoding_length=LENGTH, max_decoding_length=LENGTH)
    backend.translate_batch(texts[:1], beams=beams)  # warm-up, untimed
    start, cpu_start = time.perf_counter(), time.process_time()
    if variant == "plain":
        translations = translate_sentences(backend, texts, beams=beams)
        placed = None
    else:
        from selaras.terms import read_glossary
        from selaras.terms.enforce import enforce_terms, enforcement_counts

        translations = translate_sentences(backend, texts, beams=beams, alignment=True)
        placed = enforcement_counts(enforce_terms(translations, read_glossary(GLOSSARY)))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(json.dumps({"variant": variant, "seconds": seconds, "cpu": cpu, "sentences": len(translations), "terms": placed}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--child", choices=["plain", "glossary"])
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, str(args.model), args.n, args.beams)
        return 0
    model = args.model
    if model is None:
        from selaras.devtools.marian import build_random_marian

        model = build_random_marian(Path(tempfile.mkdtemp()) / "opus-random", preset="opus-mt-id-en", seed=0)
    from selaras.backends.ct2 import load_ct2

    load_ct2(str(model), device="cpu")  # the one-time conversion, outside the timed runs
    print(f"CPU: {cpu_model()}; beams {args.beams}; {args.n} sentences, output forced to {LENGTH} tokens; CTranslate2 int8")
    times: dict[str, list[float]] = {"plain": [], "glossary": []}
    cpus: dict[str, list[float]] = {"plain": [], "glossary": []}
    for _ in range(args.repeats):
        for variant in times:
            cmd = [sys.executable, __file__, "--child", variant, "--model", str(model), "--n", str(args.n), "--beams", str(args.beams)]
            out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
            times[variant].append(out["seconds"])
            cpus[variant].append(out["cpu"])
            print(f"  {variant:8s} {out['seconds']:.2f} s wall, {out['cpu']:.2f} s CPU  ({out['sentences']} sentences; terms {out['terms']})")
    plain, gloss = (statistics.median(times[v]) for v in ("plain", "glossary"))
    plain_cpu, gloss_cpu = (statistics.median(cpus[v]) for v in ("plain", "glossary"))
    print(f"median wall: plain {plain:.2f} s, glossary {gloss:.2f} s, ratio {gloss / plain:.3f}")
    print(f"median CPU:  plain {plain_cpu:.2f} s, glossary {gloss_cpu:.2f} s, ratio {gloss_cpu / plain_cpu:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
