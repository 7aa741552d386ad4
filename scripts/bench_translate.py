#!/usr/bin/env python
"""Translation speed and memory: the naive transformers loop against Selaras' two backends.

What it measures. A randomly initialised MarianMT with the exact Helsinki-NLP/opus-mt-id-en
architecture (``build_marian.build_random_marian(preset="opus-mt-id-en")``: vocab 54,796,
d_model 512, 6+6 layers, 8 heads, FFN 2048, swish, tied embeddings, pad/decoder start
54795, eos 0) with a real SentencePiece tokenizer translates the same N Indonesian
sentences of about 30 source tokens (the UD PUD sentences whose length is closest to
30). The output length is forced to ``--length`` tokens (min and max decoding length
both 35 by default), so random weights cannot make one engine stop early or run to 512
tokens: every variant does the same number of decoder steps. Beam size is the same (4)
for all three, so the comparison is fair:

1. ``naive``: what a user writes first: ``MarianMTModel`` fp32, ``generate`` with 4 beams,
   one sentence at a time, with as many PyTorch threads as CPUs this process may use
   (PyTorch's own default on a plain machine; see ``_run_naive`` for containers).
2. ``selaras-transformers``: ``translate_sentences`` with the transformers backend
   (length-sorted batches of 16, its defaults) and 4 beams.
3. ``selaras-ctranslate2``: ``translate_sentences`` with the CTranslate2 backend
   (int8, its default threads) and 4 beams.

How. Each variant runs in its own fresh Python process (this script with ``--child``),
so its peak RSS (``VmHWM``, the process's high-water mark, imports included; see
:func:`peak_rss_kb`) is isolated from the others and from the model build. The CTranslate2
conversion happens once beforehand in another process (its time is reported as
``conversion_s``), so variant 3's load time is the cached load a user sees from the
second run on. Load time is the wall time of the load call, importing the engine
included; throughput is sentences (and forced target tokens) per second of translation.

Usage::

    python scripts/bench_translate.py                 # 200 sentences, prints a table
    python scripts/bench_translate.py --n 20 --json   # quick smoke run, JSON on stdout
    python scripts/bench_translate.py --out bench.txt --work /tmp/bench-model

The last line of the table is ``speedup_vs_naive=<x>``: variant 3 over variant 1 in
sentences per second. This is a measurement script, not a test: timings depend on the
machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "scripts"))
#: Indonesian side of UD PUD (CC BY-SA 3.0), beside the repository.
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "data" / "ud-pud" / "id-en.tsv"
VARIANTS = ("naive", "selaras-transformers", "selaras-ctranslate2")
TARGET_SOURCE_TOKENS = 30


def pick_sentences(model_dir: Path, corpus: Path, n: int) -> list[str]:
    """The ``n`` corpus sentences whose source length (pieces + ``</s>``) is closest to 30."""
    import sentencepiece

    import build_marian

    rows = build_marian.read_corpus(corpus)
    texts = [r[0] if isinstance(r, tuple) else r for r in rows]
    spm = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
    ranked = sorted(texts, key=lambda t: (abs(len(spm.encode(t)) + 1 - TARGET_SOURCE_TOKENS), t))
    if len(ranked) < n:
        ranked = (ranked * (n // max(1, len(ranked)) + 1))[:n]
    picked = ranked[:n]
    # Keep corpus order among the picked ones (deterministic, not sorted by length).
    order = {t: i for i, t in enumerate(texts)}
    return sorted(picked, key=lambda t: order.get(t, 0))


# --------------------------------------------------------------------------- children


def _run_naive(model_dir: str, sentences: list[str], beams: int, length: int) -> tuple[float, float, int]:
    start = time.perf_counter()
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    from translate.backends.runtime import usable_cpus

    # PyTorch's default is the host's core count; in a CPU-quota container (CI, this
    # benchmark's machine) that oversubscribes and makes the naive loop ~10x slower
    # than on a laptop. Use the CPUs we may use, as PyTorch does on a plain machine.
    torch.set_num_threads(usable_cpus())
    tokenizer = MarianTokenizer.from_pretrained(model_dir)
    model = MarianMTModel.from_pretrained(model_dir).eval()
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    outputs = []
    with torch.inference_mode():
        for sentence in sentences:
            batch = tokenizer([sentence], return_tensors="pt")
            ids = model.generate(**batch, num_beams=beams, min_new_tokens=length, max_new_tokens=length)
            outputs.append(tokenizer.decode(ids[0], skip_special_tokens=True))
    return load_s, time.perf_counter() - start, len(outputs)


def _run_selaras(backend_name: str, model_dir: str, sentences: list[str], beams: int, length: int) -> tuple[float, float, int]:
    from translate.backends import EngineOptions, load_backend
    from translate.translator import translate_sentences

    start = time.perf_counter()
    if backend_name == "ctranslate2":
        from translate.backends.ct2 import load_ct2

        # Forced lengths are CTranslate2's own loader options, not engine options.
        backend = load_ct2(model_dir, device="cpu", min_decoding_length=length, max_decoding_length=length)
    else:
        backend = load_backend(EngineOptions(backend="transformers", model=model_dir, device="cpu"))
        # The transformers backend has no length options; its generation config is the
        # documented way to force the output length in transformers.
        backend.model.generation_config.min_new_tokens = length
        backend.model.generation_config.max_new_tokens = length
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    translations = translate_sentences(backend, sentences, beams=beams)
    return load_s, time.perf_counter() - start, len(translations)


def peak_rss_kb() -> int:
    """This process's peak resident memory in KiB.

    ``VmHWM`` from ``/proc/self/status`` where it exists (Linux): the high-water mark of
    this program's own address space. ``ru_maxrss`` is the fallback, but on Linux it
    also keeps the parent's peak from before ``exec`` (the forked copy), so a big parent
    would leak into every child's figure.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux, bytes on macOS


def child(args: argparse.Namespace) -> int:
    """Run one variant and print its measurements as one JSON line."""
    import logging
    import warnings

    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore")
    sentences = json.loads(Path(args.sentences).read_text(encoding="utf-8"))
    if args.child == "naive":
        load_s, translate_s, count = _run_naive(args.model_dir, sentences, args.beams, args.length)
    else:
        name = args.child.removeprefix("selaras-")
        load_s, translate_s, count = _run_selaras(name, args.model_dir, sentences, args.beams, args.length)
    peak_kb = peak_rss_kb()
    print(
        json.dumps(
            {
                "variant": args.child,
                "sentences": count,
                "load_s": round(load_s, 3),
                "translate_s": round(translate_s, 3),
                "sentences_per_s": round(count / translate_s, 3),
                "target_tokens_per_s": round(count * args.length / translate_s, 1),
                "peak_rss_mb": round(peak_kb / 1024, 1),
            }
        )
    )
    return 0


# --------------------------------------------------------------------------- parent


def _child_command(variant: str, model_dir: Path, sentences: Path, args: argparse.Namespace) -> list[str]:
    return [
        sys.executable, str(Path(__file__).resolve()), "--child", variant,
        "--model-dir", str(model_dir), "--sentences", str(sentences),
        "--beams", str(args.beams), "--length", str(args.length),
    ]


def _convert_once(model_dir: Path) -> float:
    """Convert for CTranslate2 in a separate process (so no variant pays or inherits it)."""
    code = (
        "import time, sys; t = time.perf_counter()\n"
        "from translate.backends.ct2 import load_ct2\n"
        f"load_ct2({str(model_dir)!r}, device='cpu')\n"
        "print(time.perf_counter() - t)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(proc.stdout.strip().splitlines()[-1])


def format_table(rows: list[dict], meta: dict) -> str:
    header = f"{'variant':<22} {'sent/s':>8} {'tgt tok/s':>10} {'load s':>7} {'peak RSS MB':>12}"
    lines = [
        f"# {meta['sentences']} sentences, ~{meta['mean_source_tokens']:.1f} source tokens, "
        f"output forced to {meta['length']} tokens, beam {meta['beams']}, {meta['cpus']} CPUs",
        header,
        "-" * len(header),
    ]
    for r in rows:
        lines.append(
            f"{r['variant']:<22} {r['sentences_per_s']:>8.2f} {r['target_tokens_per_s']:>10.1f} "
            f"{r['load_s']:>7.2f} {r['peak_rss_mb']:>12.0f}"
        )
    lines.append(f"ctranslate2 first conversion: {meta['conversion_s']:.1f} s (once per model and compute type)")
    lines.append(f"speedup_vs_naive={meta['speedup_vs_naive']:.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="sentences to translate (default 200)")
    parser.add_argument("--beams", type=int, default=4, help="beam size for every variant (default 4)")
    parser.add_argument("--length", type=int, default=35, help="forced output length in tokens (default 35)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"TSV with Indonesian sentences (default {DEFAULT_CORPUS})")
    parser.add_argument("--work", type=Path, default=None, help="folder for the random model (kept; reused if it exists)")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated subset of {','.join(VARIANTS)}")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--out", type=Path, default=None, help="also save the table (or JSON) to this file")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--model-dir", help=argparse.SUPPRESS)
    parser.add_argument("--sentences", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)

    variants = [v for v in args.variants.split(",") if v]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants: {', '.join(unknown)}")
    if not args.corpus.is_file():
        parser.error(f"corpus not found: {args.corpus} (pass --corpus)")

    with tempfile.TemporaryDirectory(prefix="selaras-bench-") as tmp:
        tmp_path = Path(tmp)
        os.environ.setdefault("SELARAS_CACHE", str(tmp_path / "cache"))
        model_dir = args.work or tmp_path / "opus-mt-id-en-random"
        if not (model_dir / "config.json").is_file():
            print(f"building a random opus-mt-id-en model in {model_dir} ...", file=sys.stderr)
            # In a child process: this one stays small, so nothing it holds can show up
            # in a variant's memory figure.
            build = (
                "import sys; sys.path.insert(0, sys.argv[1]); import build_marian; from pathlib import Path\n"
                "build_marian.build_random_marian(Path(sys.argv[2]), preset='opus-mt-id-en', "
                "corpus=build_marian.read_corpus(Path(sys.argv[3])))\n"
            )
            subprocess.run(
                [sys.executable, "-c", build, str(REPO_ROOT / "scripts"), str(model_dir), str(args.corpus)],
                check=True, capture_output=True,
            )
        sentences = pick_sentences(model_dir, args.corpus, args.n)
        sentences_file = tmp_path / "sentences.json"
        sentences_file.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
        import sentencepiece

        spm = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
        mean_tokens = sum(len(spm.encode(s)) + 1 for s in sentences) / len(sentences)

        conversion_s = 0.0
        if "selaras-ctranslate2" in variants:
            print("converting for CTranslate2 (once) ...", file=sys.stderr)
            conversion_s = _convert_once(model_dir)
        rows = []
        for variant in variants:
            print(f"running {variant} on {len(sentences)} sentences ...", file=sys.stderr)
            proc = subprocess.run(
                _child_command(variant, model_dir, sentences_file, args), capture_output=True, text=True
            )
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return proc.returncode
            rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))

    by_name = {r["variant"]: r for r in rows}
    speedup = (
        by_name["selaras-ctranslate2"]["sentences_per_s"] / by_name["naive"]["sentences_per_s"]
        if {"naive", "selaras-ctranslate2"} <= set(by_name)
        else float("nan")
    )
    meta = {
        "sentences": len(sentences),
        "mean_source_tokens": round(mean_tokens, 1),
        "length": args.length,
        "beams": args.beams,
        "cpus": os.cpu_count(),
        "conversion_s": round(conversion_s, 2),
        "speedup_vs_naive": round(speedup, 2),
    }
    text = json.dumps({"meta": meta, "rows": rows}, indent=2) if args.json else format_table(rows, meta)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
