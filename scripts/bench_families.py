#!/usr/bin/env python
"""What each model family costs here: size on disk, load time, decoding speed, peak memory.

For README "Choosing a model". The models are random-weight ones at real size
(``scripts/build_marian.py random --preset opus-mt-id-en``, ``random-nllb --preset real``,
``random-m2m100 --preset real``): the architecture and vocabulary decide the cost, not
the weights. A random model never chooses ``</s>``, so every sentence decodes to the
length limit; speed is therefore given in generated tokens per second (a real
translation of a 25-token sentence is ~30 tokens), not sentences per second.

Each measurement runs in a fresh process, so the peak resident memory
(``ru_maxrss``) is that engine's alone::

    python scripts/bench_families.py MODEL_DIR [MODEL_DIR ...] [--tokens 48] [--sentences 16]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

#: Indonesian sentences of the seed article's kind (a shared, fixed input).
SENTENCES = [
    "Kremlin mengatakan pada Sabtu bahwa masalah di Belarusia akan diselesaikan dengan cepat.",
    "Ribuan orang berkumpul di pusat kota untuk memprotes hasil pemilihan presiden.",
    "Polisi menahan puluhan demonstran setelah bentrokan pada malam hari.",
    "Pemerintah berjanji akan mendengarkan tuntutan warga.",
]


def _measure(model: str, backend: str, tokens: int, sentences: int) -> dict[str, object]:
    """Load ``model`` with ``backend`` on the CPU and decode ``sentences`` inputs greedily
    to exactly ``tokens`` generated tokens each (this process only)."""
    import resource

    from selaras.backends.options import EngineOptions
    from selaras.backends.registry import load_backend

    start = time.perf_counter()
    engine = load_backend(EngineOptions(backend=backend, model=model, device="cpu"))  # type: ignore[arg-type]
    loaded = time.perf_counter() - start
    texts = [SENTENCES[i % len(SENTENCES)] for i in range(sentences)]
    engine.translate_batch(texts[:2], beams=1, max_length=4)  # warm-up
    start = time.perf_counter()
    results = engine.translate_batch(texts, beams=1, max_length=tokens + 2)
    elapsed = time.perf_counter() - start
    generated = sum(len(h.tokens) for h in results)
    info = engine.describe(1)
    return {
        "model": Path(model).name,
        "family": info.family,
        "backend": backend,
        "precision": info.precision,
        "load_s": round(loaded, 2),
        "generated_tokens": generated,
        "tokens_per_s": round(generated / elapsed, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _folder_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", type=Path)
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--sentences", type=int, default=16)
    parser.add_argument("--one", nargs=2, metavar=("MODEL", "BACKEND"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_measure(args.one[0], args.one[1], args.tokens, args.sentences)))
        return 0
    for model in args.models:
        weights = _folder_mb(model)
        for backend in ("transformers", "ctranslate2"):
            if backend == "ctranslate2":  # convert once first, so load_s is a warm load
                subprocess.run([sys.executable, __file__, "--one", str(model), backend, "--tokens", "1", "--sentences", "1"],
                               capture_output=True, check=False)
            command = [sys.executable, __file__, "--one", str(model), backend, "--tokens", str(args.tokens)]
            command += ["--sentences", str(args.sentences)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"{model} {backend}: failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
                continue
            row = json.loads(done.stdout.strip().splitlines()[-1])
            row["folder_mb"] = weights
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
