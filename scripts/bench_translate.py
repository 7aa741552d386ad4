#!/usr/bin/env python
"""Translation speed and memory: Selaras against the naive loop and the tools users would use.

What it measures. A randomly initialised MarianMT with the exact Helsinki-NLP/opus-mt-id-en
architecture (``selaras.devtools.marian.build_random_marian(preset="opus-mt-id-en")``: vocab 54,796,
d_model 512, 6+6 layers, 8 heads, FFN 2048, swish, tied embeddings, pad/decoder start
54795, eos 0) with a real SentencePiece tokenizer translates the same Indonesian
sentences of about 30 source tokens (the UD PUD sentences whose length is closest to
30). The output length is forced to ``--length`` tokens (min and max decoding length
both 35 by default), so random weights cannot make one engine stop early or run to 512
tokens: every variant does the same number of decoder steps. Every variant runs at the
same beam size (``--beams 4,6``: 4 as in the first table, 6 = Opus-MT's own
``num_beams``, what ``selaras translate`` uses out of the box):

1. ``naive``: what a user writes first: ``MarianMTModel`` fp32, ``generate``, one
   sentence at a time, with as many PyTorch threads as CPUs this process may use
   (PyTorch's own default on a plain machine; see ``_torch_threads`` for containers).
2. ``easynmt``: transformers run the way EasyNMT runs Opus-MT (UKPLab/EasyNMT at
   d9db97f, ``easynmt/EasyNMT.py`` ``translate``: ``batch_size=16``, sentences sorted by
   character length, longest first; ``easynmt/models/OpusMT.py``: ``MarianTokenizer``
   with ``padding=True, truncation=True``, fp32 ``MarianMTModel.generate`` under
   ``torch.no_grad``, PyTorch's default threads). Its default beam is 5; here it gets
   the table's beam, like every row.
3. ``argos``: CTranslate2 configured as argos-translate configures it
   (argosopentech/argos-translate at acb03ae, ``argostranslate/settings.py``:
   ``inter_threads=1``, ``intra_threads=0`` (CTranslate2 picks), ``batch_size=32`` in
   tokens, ``compute_type`` "auto" = the model's saved type (int8 here, as argos ships
   int8 models), beam 4 (``ARGOS_BEAM_SIZE``); ``argostranslate/translate.py``
   ``apply_packaged_translation``: one ``translate_batch`` per paragraph with
   ``max_batch_size=32, batch_type="tokens", replace_unknowns=True,
   length_penalty=0.2, return_scores=True``). All sentences are one paragraph, the
   most favourable case for it; the converted model is Selaras' own int8 cache entry,
   so the weights are the same bytes.
   ``argos-tuned``: the same, with argos' documented environment knobs at their best for
   this machine: ``ARGOS_INTER_THREADS`` x ``ARGOS_INTRA_THREADS`` over every split of the
   CPUs, times ``ARGOS_BATCH_SIZE`` in :data:`ARGOS_BATCH_SIZES` tokens, one run each on all
   the sentences before the timed runs (:func:`argos_sweep`); the fastest becomes the
   row. That sweep is also a full sweep of plain ``translate_batch`` settings, so the
   Selaras calibration's choice is compared with its best (``tuner_choice_vs_sweep_best=``).
4. ``selaras-transformers``: ``translate_sentences`` with the transformers backend
   (length-sorted batches of 16, its defaults).
5. ``selaras-ctranslate2``: ``translate_sentences`` with the CTranslate2 backend
   (int8, full vocabulary) as a user's second run gets it: with the threads and budget
   its first-use calibration chose (:mod:`selaras.backends.tuning`, run once beforehand in
   its own untimed process, as a user's first run does). ``selaras-untuned``: the same
   with the calibration off (``tune=False``: the fixed default threads and budget).
6. ``selaras-shortlist``: the same with a vocabulary shortlist (``selaras.backends.shortlist``,
   ``use_vmap``). The random model cannot provide a realistic map: its own
   translations use about a dozen distinct pieces, so a map built from them would be
   absurdly small and its speed meaningless. For these rows the map is built with the
   same code (``shortlist_from_pairs``, default ``top``/``per_piece``) from the UD PUD
   sentences *not* being translated, with their human English references standing in
   for a trained model's translations: a map of realistic size, used on unseen text.
   ``--faithfulness`` measures, separately, how often a map built from a model's own
   translations changes its output.

Every variant translates one sentence after loading, untimed, so
one-time start-up work is not counted against the ones that see few sentences. Slow variants (1, 2, 4) translate the first ``--n-slow`` of the sentences: at about 1
sentence per second the naive loop would otherwise take minutes per run. ``--n-slow``
must be a multiple of 16, the batched rows' batch size (EasyNMT, Selaras transformers),
so no row gets a half-empty batch; throughput is per sentence and the sentences are all
~30 tokens, so the rows stay comparable.

Roofline. ``int8_roofline_share=`` is the Selaras row's multiply-accumulates per second
(:func:`macs_per_sentence` for this architecture at the first beam, times its
sentences/s) over the machine's measured int8 GEMM peak (:func:`int8_gemm_peak`: the best
of PyTorch's int8 kernels on a large product), so the remaining headroom is visible.

How. Each variant runs in its own fresh Python process (this script with ``--child``),
so its peak RSS (``VmHWM``, the process's high-water mark, imports included; see
:func:`peak_rss_kb`) is isolated from the others and from the model build. With
``--repeats R`` the variants run in turn R times (ABCABC, not AAABBB, so a load spike
on a shared machine hits every variant alike) and the table reports each variant's
median. The CTranslate2 conversion happens once beforehand in another process (its
time is reported), so load times are the cached load a user sees from the second run
on. Load time is the wall time of the load call, importing the engine included;
throughput is sentences (and forced target tokens) per second of translation.

Usage::

    python scripts/bench_translate.py --beams 4               # THE table (README): ~20 min on a quiet 2-core machine
    python scripts/bench_translate.py                         # beams 4 and 6, prints the tables
    python scripts/bench_translate.py --beams 4 --n 40 --n-slow 16 --repeats 1 --json   # quick smoke run
    python scripts/bench_translate.py --repeats 3 --work /tmp/bench-model --out bench.txt
    python scripts/bench_translate.py --faithfulness          # how often a shortlist changes output
    python scripts/bench_translate.py --gpu --n 1024          # CUDA: engines x beams x batch sizes (bench_gpu.sh)

The last lines are ``speedup_vs_argos_tuned=``, ``speedup_vs_argos=`` (defaults),
``speedup_vs_naive=``, ``speedup_vs_easynmt=`` (Selaras' CTranslate2 row over each, at the
first beam given), ``tuning_speedup=`` (tuned over untuned), ``tuner_choice_vs_sweep_best=``,
``shortlist_speedup=`` (with the shortlist over without: less work, so never in a peer
ratio) and ``int8_roofline_share=``, then the CPU model and its int8 instruction set
(``amx``, ``avx512_vnni``, ``avx_vnni`` or ``avx2 only``). The load average is printed
before and after: on a shared machine the ranges show how far to trust the medians. This is a
measurement script, not a test: timings depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The model builders' command line (selaras.devtools.marian), run in a child process.
BUILD_MARIAN = REPO_ROOT / "scripts" / "build_marian.py"
#: Indonesian side of UD PUD (CC BY-SA 3.0), beside the repository.
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "data" / "ud-pud" / "id-en.tsv"
VARIANTS = (
    "naive", "easynmt", "argos", "argos-tuned", "selaras-transformers", "selaras-untuned", "selaras-ctranslate2",
    "selaras-shortlist",
)
#: How the table names each variant.
LABELS = {"argos": "argos-translate defaults", "argos-tuned": "argos-translate tuned"}
SLOW_VARIANTS = ("naive", "easynmt", "selaras-transformers")
TARGET_SOURCE_TOKENS = 30
#: argos-translate's settings (argostranslate/settings.py and translate.py at acb03ae).
ARGOS = {"inter_threads": 1, "intra_threads": 0, "max_batch_size": 32, "length_penalty": 0.2}
#: argos' batch sizes (``ARGOS_BATCH_SIZE``, in tokens) tried for its tuned row, with every
#: ``ARGOS_INTER_THREADS`` x ``ARGOS_INTRA_THREADS`` split of the CPUs.
ARGOS_BATCH_SIZES = (32, 160, 320, 640, 1280)
#: EasyNMT's ``translate`` default batch size (easynmt/EasyNMT.py at d9db97f).
EASYNMT_BATCH_SIZE = 16


def pick_sentences(model_dir: Path, corpus: Path, n: int) -> list[str]:
    """The ``n`` corpus sentences whose source length (pieces + ``</s>``) is closest to 30."""
    import sentencepiece

    from selaras.devtools.marian import read_corpus

    rows = read_corpus(corpus)
    texts = [r[0] if isinstance(r, tuple) else r for r in rows]
    spm = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
    ranked = sorted(texts, key=lambda t: (abs(len(spm.encode(t)) + 1 - TARGET_SOURCE_TOKENS), t))
    if len(ranked) < n:
        ranked = (ranked * (n // max(1, len(ranked)) + 1))[:n]
    picked = ranked[:n]
    # Keep corpus order among the picked ones (deterministic, not sorted by length).
    order = {t: i for i, t in enumerate(texts)}
    return sorted(picked, key=lambda t: order.get(t, 0))


def cpu_description() -> str:
    """The CPU model and the best int8 dot-product instructions it offers."""
    model, flags = "unknown CPU", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and model == "unknown CPU":
                model = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    isa = next(
        (name for flag, name in (("amx_int8", "amx"), ("avx512_vnni", "avx512_vnni"), ("avx_vnni", "avx_vnni")) if flag in flags),
        "avx2 only" if "avx2" in flags else "no avx2",
    )
    return f"cpu={model} ({os.cpu_count()} CPUs) int8_isa={isa}"


# --------------------------------------------------------------------------- children


def _torch_threads() -> None:
    import torch

    from selaras.backends.runtime import usable_cpus

    # PyTorch's default is the host's core count; in a CPU-quota container (CI, this
    # benchmark's machine) that oversubscribes and makes the loops ~10x slower than on
    # a laptop. Use the CPUs we may use, as PyTorch does on a plain machine.
    torch.set_num_threads(usable_cpus())


def _run_naive(model_dir: str, sentences: list[str], beams: int, length: int) -> tuple[float, float, int]:
    start = time.perf_counter()
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    _torch_threads()
    tokenizer = MarianTokenizer.from_pretrained(model_dir)
    model = MarianMTModel.from_pretrained(model_dir).eval()
    load_s = time.perf_counter() - start
    with torch.inference_mode():  # warm-up, untimed (every variant gets one)
        model.generate(**tokenizer(sentences[:1], return_tensors="pt"), num_beams=beams, max_new_tokens=2)
    start = time.perf_counter()
    outputs = []
    with torch.inference_mode():
        for sentence in sentences:
            batch = tokenizer([sentence], return_tensors="pt")
            ids = model.generate(**batch, num_beams=beams, min_new_tokens=length, max_new_tokens=length)
            outputs.append(tokenizer.decode(ids[0], skip_special_tokens=True))
    return load_s, time.perf_counter() - start, len(outputs)


def _run_easynmt(model_dir: str, sentences: list[str], beams: int, length: int) -> tuple[float, float, int]:
    """EasyNMT's Opus-MT path, rewritten from its description (not its code; see the docstring)."""
    start = time.perf_counter()
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    _torch_threads()
    tokenizer = MarianTokenizer.from_pretrained(model_dir)
    model = MarianMTModel.from_pretrained(model_dir).eval()
    load_s = time.perf_counter() - start
    with torch.no_grad():  # warm-up, untimed
        model.generate(**tokenizer(sentences[:1], return_tensors="pt"), num_beams=beams, max_new_tokens=2)
    start = time.perf_counter()
    order = sorted(range(len(sentences)), key=lambda i: -len(sentences[i]))
    outputs: dict[int, str] = {}
    with torch.no_grad():
        for first in range(0, len(order), EASYNMT_BATCH_SIZE):
            idxs = order[first : first + EASYNMT_BATCH_SIZE]
            batch = tokenizer([sentences[i] for i in idxs], truncation=True, padding=True, return_tensors="pt")
            ids = model.generate(**batch, num_beams=beams, min_new_tokens=length, max_new_tokens=length)
            for i, row in zip(idxs, ids):
                outputs[i] = tokenizer.decode(row, skip_special_tokens=True)
    return load_s, time.perf_counter() - start, len(outputs)


def _run_argos(
    model_dir: str, ct2_dir: str, sentences: list[str], beams: int, length: int, knobs: dict | None = None
) -> tuple[float, float, int]:
    """CTranslate2 with argos-translate's settings (see the docstring); ``knobs`` its environment
    variables' values for the tuned row (inter_threads, intra_threads, max_batch_size)."""
    settings = {**ARGOS, **(knobs or {})}
    start = time.perf_counter()
    import ctranslate2

    from selaras.backends.ct2 import MarianSentencePiece

    tokenizer = MarianSentencePiece(Path(model_dir))
    translator = ctranslate2.Translator(
        ct2_dir, device="cpu", inter_threads=settings["inter_threads"], intra_threads=settings["intra_threads"]
    )
    load_s = time.perf_counter() - start
    translator.translate_batch([tokenizer.tokenize(sentences[0])], beam_size=beams, max_decoding_length=2)  # warm-up
    start = time.perf_counter()
    tokenized = [tokenizer.tokenize(s) for s in sentences]
    results = translator.translate_batch(
        tokenized,
        replace_unknowns=True,
        max_batch_size=settings["max_batch_size"],
        batch_type="tokens",
        beam_size=beams,
        num_hypotheses=1,
        length_penalty=settings["length_penalty"],
        return_scores=True,
        min_decoding_length=length,
        max_decoding_length=length,
    )
    outputs = [tokenizer.detokenize(r.hypotheses[0]) for r in results]
    return load_s, time.perf_counter() - start, len(outputs)


def _run_selaras(
    variant: str, model_dir: str, sentences: list[str], beams: int, length: int, shortlist: str | None
) -> tuple[float, float, int]:
    from selaras.backends import EngineOptions, load_backend
    from selaras.translator import translate_sentences

    start = time.perf_counter()
    if variant in ("selaras-ctranslate2", "selaras-shortlist", "selaras-untuned"):
        from selaras.backends.ct2 import load_ct2

        # Forced lengths are CTranslate2's own loader options, not engine options. The
        # tuned setting was measured (untimed) by _convert_once and is read from the cache.
        backend = load_ct2(
            model_dir, device="cpu", min_decoding_length=length, max_decoding_length=length,
            shortlist=shortlist if variant == "selaras-shortlist" else None, tune=variant != "selaras-untuned",
        )
    else:
        backend = load_backend(EngineOptions(backend="transformers", model=model_dir, device="cpu"))
        # The transformers backend has no length options; its generation config is the
        # documented way to force the output length in transformers.
        backend.model.generation_config.min_new_tokens = length
        backend.model.generation_config.max_new_tokens = length
    load_s = time.perf_counter() - start
    backend.translate_batch(sentences[:1], beams=beams)  # warm-up, untimed (one sentence)
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
    if args.child in SLOW_VARIANTS:
        sentences = sentences[: args.n_slow]
    beams = int(args.beams)
    if args.child == "naive":
        load_s, translate_s, count = _run_naive(args.model_dir, sentences, beams, args.length)
    elif args.child == "easynmt":
        load_s, translate_s, count = _run_easynmt(args.model_dir, sentences, beams, args.length)
    elif args.child in ("argos", "argos-tuned"):
        knobs = json.loads(args.argos_knobs) if args.child == "argos-tuned" else None
        load_s, translate_s, count = _run_argos(args.model_dir, args.ct2_dir, sentences, beams, args.length, knobs)
    else:
        load_s, translate_s, count = _run_selaras(args.child, args.model_dir, sentences, beams, args.length, args.shortlist)
    peak_kb = peak_rss_kb()
    print(
        json.dumps(
            {
                "variant": args.child,
                "beams": beams,
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


def _child_command(variant: str, beams: int, paths: dict[str, Path], args: argparse.Namespace) -> list[str]:
    return [
        sys.executable, str(Path(__file__).resolve()), "--child", variant,
        "--model-dir", str(paths["model"]), "--sentences", str(paths["sentences"]),
        "--ct2-dir", str(paths["ct2"]), "--shortlist", str(paths["shortlist"]),
        "--beams", str(beams), "--length", str(args.length), "--n-slow", str(args.n_slow),
        "--argos-knobs", json.dumps(paths.get("argos_knobs", {}).get(beams, {})),
    ]


def _convert_once(model_dir: Path) -> tuple[float, Path]:
    """Convert for CTranslate2 in a separate process (so no variant pays or inherits it)."""
    code = (
        "import time, sys; t = time.perf_counter()\n"
        "from selaras.backends.ct2 import load_ct2\n"
        f"b = load_ct2({str(model_dir)!r}, device='cpu', shortlist=None, tune=False)\n"
        "print(time.perf_counter() - t, b.model_path)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, path = proc.stdout.strip().splitlines()[-1].split(" ", 1)
    return float(seconds), Path(path)


def _tune_once(model_dir: Path, length: int) -> dict:
    """Selaras' first-use calibration, as a user's first CPU run does it (untimed, in its own
    process, forced output length as the rows): its choice is cached for the Selaras rows."""
    code = (
        "import json, time; t = time.perf_counter()\n"
        "from selaras.backends.ct2 import load_ct2\n"
        f"b = load_ct2({str(model_dir)!r}, device='cpu', shortlist=None, min_decoding_length={length}, "
        f"max_decoding_length={length})\n"
        "print(json.dumps({**b.tuning.to_json(), 'wall_s': time.perf_counter() - t}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SELARAS_TUNE"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def argos_sweep(beams: int, paths: dict, args: argparse.Namespace) -> list[dict]:
    """argos' documented knobs (ARGOS_INTER_THREADS, ARGOS_INTRA_THREADS, ARGOS_BATCH_SIZE) over
    every CPU split x :data:`ARGOS_BATCH_SIZES`, one run each on all sentences: a full sweep
    of plain ``translate_batch`` configurations. The fastest is the "argos-translate tuned" row."""
    from selaras.backends.tuning import thread_splits
    from selaras.backends.runtime import usable_cpus

    results = []
    for inter, intra in thread_splits(usable_cpus()):
        for size in ARGOS_BATCH_SIZES:
            knobs = {"inter_threads": inter, "intra_threads": intra, "max_batch_size": size}
            print(f"argos sweep at beam {beams}: {knobs} ...", file=sys.stderr)
            command = _child_command("argos-tuned", beams, {**paths, "argos_knobs": {beams: knobs}}, args)
            proc = subprocess.run(command, capture_output=True, text=True, check=True)
            run = json.loads(proc.stdout.strip().splitlines()[-1])
            results.append({**knobs, "sentences_per_s": run["sentences_per_s"]})
    return results


# --------------------------------------------------------------------------- roofline


def macs_per_sentence(config: dict, source_tokens: float, target_tokens: int, beams: int) -> float:
    """Multiply-accumulates to translate one sentence with a Marian transformer (weights' GEMMs
    and attention products; softmax, layer norms and top-k are left out as non-GEMM work).

    Encoder, per source token and layer: Q/K/V/O projections 4d^2, FFN 2*d*ffn, attention
    2*S*d. Decoder, per generated token, beam and layer: self-attention projections 4d^2 and
    products 2*t*d (t = the step, T/2 on average), cross-attention Q/O 2d^2 and products
    2*S*d, FFN 2*d*ffn; cross-attention K/V of the source 2d^2*S per layer and beam, once;
    the output projection d*V per generated token and beam (the largest single term for a
    55k vocabulary).
    """
    d, ffn, vocab = config["d_model"], config["decoder_ffn_dim"], config["vocab_size"]
    s, t, b = source_tokens, target_tokens, beams
    encoder = config["encoder_layers"] * s * (4 * d * d + 2 * d * config["encoder_ffn_dim"] + 2 * s * d)
    per_step = config["decoder_layers"] * (4 * d * d + 2 * (t / 2) * d + 2 * d * d + 2 * s * d + 2 * d * ffn) + d * vocab
    cross_kv = config["decoder_layers"] * 2 * d * d * s * b
    return encoder + cross_kv + b * t * per_step


PEAK_CHILD = r"""
import json, time, torch
from selaras.backends.runtime import usable_cpus
torch.set_num_threads(usable_cpus())
M, K, N = 1024, 2048, 2048
best = {}
def timed(name, fn):
    fn()
    for _ in range(8):
        start = time.perf_counter(); fn(); seconds = time.perf_counter() - start
        best[name] = max(best.get(name, 0.0), M * K * N / seconds / 1e9)
a = torch.randint(-128, 127, (M, K), dtype=torch.int8); b = torch.randint(-128, 127, (K, N), dtype=torch.int8)
try:
    timed("torch._int_mm (int8 x int8 -> int32)", lambda: torch._int_mm(a, b))
except (RuntimeError, AttributeError):
    pass
x = torch.randn(M, K)
for engine in ("fbgemm", "onednn", "x86"):
    if engine not in torch.backends.quantized.supported_engines:
        continue
    torch.backends.quantized.engine = engine
    import warnings; warnings.filterwarnings("ignore")
    layer = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(torch.nn.Linear(K, N)), {torch.nn.Linear}, dtype=torch.qint8)
    with torch.inference_mode():
        timed(f"dynamic int8 Linear ({engine})", lambda: layer(x))
name = max(best, key=best.get)
print(json.dumps({"gmacs": best[name], "kernel": name, "all": best}))
"""


def int8_gemm_peak() -> dict:
    """The machine's int8 GEMM throughput in GMAC/s: the best of PyTorch's int8 kernels
    (``torch._int_mm`` and dynamic-quantized ``Linear`` under each quantized engine: fbgemm,
    oneDNN) on a 1024x2048 by 2048x2048 product, best of 8, with all usable CPUs.

    Why a fair peak: these are vendor-tuned int8 kernels (fbgemm, oneDNN) using the same
    instructions CTranslate2's int8 GEMM uses (VNNI/AMX where present), on a shape large
    enough to be compute-bound, so no model decoding at these sizes can beat it; taking
    the best kernel keeps the share an upper bound on headroom, not an artefact of one
    library. The dynamic ``Linear`` also quantizes its input each call, as CTranslate2 does.
    """
    proc = subprocess.run([sys.executable, "-c", PEAK_CHILD], capture_output=True, text=True)
    if proc.returncode != 0:
        return {"gmacs": float("nan"), "kernel": f"failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def reference_shortlist(model_dir: Path, corpus: Path, exclude: set[str], out: Path) -> dict:
    """The speed rows' map: UD PUD's English references stand in for a trained model's output.

    Built with the product's own code and defaults from every corpus pair whose source is
    *not* among the benchmark sentences, so the map meets unseen text.
    """
    from selaras.backends.ct2 import MarianSentencePiece
    from selaras.backends.shortlist import shortlist_from_pairs, write_shortlist
    from selaras.devtools.marian import read_corpus

    tokenizer = MarianSentencePiece(model_dir)
    pairs = []
    for row in read_corpus(corpus):
        if not isinstance(row, tuple) or row[0] in exclude:
            continue
        target = [p if p in tokenizer.vocab else tokenizer.unk_token for p in tokenizer.target.encode(row[1], out_type=str)]
        pairs.append((tokenizer.tokenize(row[0]), target))
    shortlist = shortlist_from_pairs(pairs, tokenizer.vocab, model="UD PUD references (stand-in)")
    write_shortlist(shortlist, out)
    return {"pairs": len(pairs), "always": len(shortlist.always), "source_pieces": len(shortlist.pieces)}


def candidates_per_batch(model_dir: Path, shortlist_path: Path, sentences: list[str], batch: int = 10) -> float:
    """Mean size of the allowed target set over batches of ``batch`` sentences (what CTranslate2 decodes over)."""
    from selaras.backends.ct2 import MarianSentencePiece
    from selaras.backends.shortlist import read_shortlist

    tokenizer = MarianSentencePiece(model_dir)
    shortlist = read_shortlist(shortlist_path)
    sizes = []
    for first in range(0, len(sentences), batch):
        allowed = set(shortlist.always) | {"</s>", "<unk>"}
        for sentence in sentences[first : first + batch]:
            for piece in tokenizer.tokenize(sentence):
                allowed.update(shortlist.pieces.get(piece, ()))
        sizes.append(len(allowed))
    return statistics.mean(sizes)


def format_table(rows: list[dict], meta: dict, beams: int) -> str:
    header = (f"{'variant':<26} {'sent/s':>8} {'range':>13} {'tgt tok/s':>10} {'load s':>7} {'peak RSS MB':>12} "
              f"{'n':>5} {'runs':>5}")
    lines = [
        f"# beam {beams}: ~{meta['mean_source_tokens']:.1f} source tokens, output forced to {meta['length']} tokens, "
        f"{meta['cpus']} CPUs; medians of {meta['repeats']} alternating run(s)",
        header,
        "-" * len(header),
    ]
    for r in rows:
        span = f"{min(r['all_sentences_per_s']):.2f}-{max(r['all_sentences_per_s']):.2f}"
        lines.append(
            f"{LABELS.get(r['variant'], r['variant']):<26} {r['sentences_per_s']:>8.2f} {span:>13} {r['target_tokens_per_s']:>10.1f} "
            f"{r['load_s']:>7.2f} {r['peak_rss_mb']:>12.0f} {r['sentences']:>5} {r['runs']:>5}"
        )
    return "\n".join(lines)


def _median_row(runs: list[dict]) -> dict:
    row = dict(runs[0])
    for key in ("load_s", "translate_s", "sentences_per_s", "target_tokens_per_s", "peak_rss_mb"):
        row[key] = round(statistics.median(r[key] for r in runs), 3)
    row["all_sentences_per_s"] = [r["sentences_per_s"] for r in runs]
    row["runs"] = len(runs)
    return row


def _loads(loads: tuple[float, ...] | None) -> str:
    return "n/a" if loads is None else " ".join(f"{x:.2f}" for x in loads)


def _ratio(by_name: dict[str, dict], top: str, bottom: str) -> float:
    if top in by_name and bottom in by_name:
        return round(by_name[top]["sentences_per_s"] / by_name[bottom]["sentences_per_s"], 2)
    return float("nan")


# --------------------------------------------------------------------------- faithfulness


FAITHFULNESS_CHILD = r"""
import json, sys
from pathlib import Path
from selaras.backends.ct2 import load_ct2
from selaras.backends.shortlist import build_shortlist, write_shortlist
model, build_file, test_file, out, length, beams, top = sys.argv[1:8]
length = int(length) or None
kw = {"min_decoding_length": length, "max_decoding_length": length} if length else {}
build = json.loads(Path(build_file).read_text()); test = json.loads(Path(test_file).read_text())
full = load_ct2(model, device="cpu", shortlist=None, **kw)
shortlist = build_shortlist(full, build, beams=int(beams), top=int(top))
write_shortlist(shortlist, out)
mapped = load_ct2(model, device="cpu", shortlist=out, **kw)
test = [t for t in test if len(full.tokenizer.tokenize(t)) <= full.max_input_tokens]  # as build_shortlist does
same = {}
for k in sorted({1, int(beams)}):
    a = full.translate_batch(test, beams=k); b = mapped.translate_batch(test, beams=k)
    same[k] = sum(x.tokens == y.tokens for x, y in zip(a, b))
print(json.dumps({"identical": same, "test": len(test), "build": len(build), "always": len(shortlist.always),
                  "source_pieces": len(shortlist.pieces),
                  "distinct_output_pieces": len({t for h in a for t in h.tokens})}))
"""


def faithfulness(args: argparse.Namespace, tmp: Path) -> str:
    """Build a map from the model's own translations of one half of the corpus, translate
    the other half with and without it, count identical outputs (tiny trained model and
    the random real-architecture model)."""
    from selaras.devtools.marian import read_corpus

    rows = read_corpus(args.corpus)
    texts = [r[0] if isinstance(r, tuple) else r for r in rows][: 2 * args.faith_n]
    half = len(texts) // 2
    (tmp / "build.json").write_text(json.dumps(texts[:half], ensure_ascii=False), encoding="utf-8")
    (tmp / "test.json").write_text(json.dumps(texts[half:], ensure_ascii=False), encoding="utf-8")
    real = args.work or tmp / "opus-mt-id-en-random"
    _build_random(real, args.corpus)
    tiny = tmp / "tiny-trained"
    subprocess.run([sys.executable, str(BUILD_MARIAN), "tiny-trained", str(tiny)], check=True, capture_output=True)
    lines = [f"# faithfulness: map built from the model's own translations of {half} UD PUD sentences, "
             f"then {len(texts) - half} others translated with and without it (default top/per-piece)"]
    from selaras.backends.shortlist import DEFAULT_TOP

    cases = (
        ("tiny trained, top=default", tiny, 0, 4, DEFAULT_TOP),
        ("tiny trained, top=5", tiny, 0, 4, 5),
        ("random opus-mt-id-en arch", real, args.length, 4, DEFAULT_TOP),
    )
    for name, model, length, beams, top in cases:
        proc = subprocess.run(
            [sys.executable, "-c", FAITHFULNESS_CHILD, str(model), str(tmp / "build.json"), str(tmp / "test.json"),
             str(tmp / f"{model.name}-{top}.shortlist.json"), str(length), str(beams), str(top)],
            capture_output=True, text=True,
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            raise SystemExit(proc.returncode)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        shares = ", ".join(f"beam {k}: {v}/{r['test']} = {100 * v / r['test']:.1f}%" for k, v in r["identical"].items())
        lines.append(
            f"{name:<27} identical {shares} (map: {r['always']} always + {r['source_pieces']} source pieces; "
            f"the model's full-vocabulary outputs use {r['distinct_output_pieces']} distinct pieces)"
        )
    return "\n".join(lines)


def reference_coverage(model_dir: Path, corpus: Path, faith_n: int) -> str:
    """A model-free proxy: with a map built from one half's references, the share of the
    other half's sentences whose every reference piece the sentence's own candidates allow."""
    from selaras.backends.ct2 import MarianSentencePiece
    from selaras.backends.shortlist import DEFAULT_PER_PIECE, DEFAULT_TOP, shortlist_from_pairs
    from selaras.devtools.marian import read_corpus

    tokenizer = MarianSentencePiece(model_dir)
    pairs = []
    for row in read_corpus(corpus)[: 2 * faith_n]:
        target = [p if p in tokenizer.vocab else tokenizer.unk_token for p in tokenizer.target.encode(row[1], out_type=str)]
        pairs.append((tokenizer.tokenize(row[0]), target))
    half = len(pairs) // 2
    lines = ["# reference coverage (no model): map from one half's (source, reference) pairs; of the other half's "
             "reference pieces, the share the sentence's own candidates allow (and sentences fully allowed)"]
    settings = [(half // 4, DEFAULT_TOP, DEFAULT_PER_PIECE), (half // 2, DEFAULT_TOP, DEFAULT_PER_PIECE)]
    settings += [(half, top, per_piece) for top, per_piece in
                 ((DEFAULT_TOP, DEFAULT_PER_PIECE), (250, 30), (1000, 30), (2000, 30), (500, 10), (500, 60), (500, 120))]
    for built, top, per_piece in settings:
        shortlist = shortlist_from_pairs(pairs[:built], tokenizer.vocab, top=top, per_piece=per_piece)
        covered, tokens, whole, sizes = 0, 0, 0, []
        for source, target in pairs[half:]:
            allowed = set(shortlist.always) | {"</s>", "<unk>"}
            for piece in source:
                allowed.update(shortlist.pieces.get(piece, ()))
            covered += sum(t in allowed for t in target)
            tokens += len(target)
            whole += set(target) <= allowed
            sizes.append(len(allowed))
        lines.append(f"built from {built:>4}, top={top:<5} per_piece={per_piece:<3} pieces allowed {100 * covered / tokens:5.1f}%, "
                     f"sentences {100 * whole / (len(pairs) - half):5.1f}%; "
                     f"allowed per sentence {statistics.mean(sizes):6.0f} of {len(tokenizer.vocab)}")
    return "\n".join(lines)


GPU_CHILD = r"""
import json, sys, time
from selaras.backends import EngineOptions, load_backend
from selaras.backends.ct2 import load_ct2
from selaras.translator import translate_sentences
engine, model, sentences_file, device, length, beams, batch_sizes = sys.argv[1:8]
sentences = json.load(open(sentences_file, encoding="utf-8"))
length = int(length)
if engine == "ctranslate2":
    backend = load_ct2(model, device=device, shortlist=None, min_decoding_length=length, max_decoding_length=length)
    precision = backend.compute_type
else:
    backend = load_backend(EngineOptions(backend="transformers", model=model, device=device))
    backend.model.generation_config.min_new_tokens = length
    backend.model.generation_config.max_new_tokens = length
    precision = backend.describe().precision
for b in beams.split(","):
    for size in batch_sizes.split(","):
        translate_sentences(backend, sentences[: int(size)], beams=int(b), batch_size=int(size))  # warm-up
        start = time.perf_counter()
        translate_sentences(backend, sentences, beams=int(b), batch_size=int(size))
        seconds = time.perf_counter() - start
        print(json.dumps({"engine": engine, "precision": precision, "beams": int(b), "batch_size": int(size),
                          "sentences_per_s": round(len(sentences) / seconds, 1)}), flush=True)
"""


def gpu_table(args: argparse.Namespace, tmp: Path) -> str:
    """transformers (fp16 on CUDA) against CTranslate2 (int8_float16 on CUDA) at each beam and batch size.

    One process per engine (memory is not the question on a GPU); every cell has a
    warm-up batch first. ``scripts/bench_gpu.sh`` runs this where a GPU is lent.
    """
    model_dir = args.work or tmp / "opus-mt-id-en-random"
    _build_random(model_dir, args.corpus)
    sentences = pick_sentences(model_dir, args.corpus, args.n)
    sentences_file = tmp / "sentences.json"
    sentences_file.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
    lines = [f"# {args.device}: {len(sentences)} sentences of ~{TARGET_SOURCE_TOKENS} tokens, output forced to "
             f"{args.length}; sentences/s per beam and batch size"]
    for engine in ("transformers", "ctranslate2"):
        proc = subprocess.run(
            [sys.executable, "-c", GPU_CHILD, engine, str(model_dir), str(sentences_file), args.device,
             str(args.length), args.beams, args.batch_sizes],
            capture_output=True, text=True,
        )
        for line in proc.stdout.splitlines():
            r = json.loads(line)
            lines.append(f"{r['engine']:<13} {r['precision']:<13} beam {r['beams']} batch {r['batch_size']:>4}: "
                         f"{r['sentences_per_s']:>8.1f} sent/s")
        if proc.returncode != 0:
            lines.append(f"{engine}: failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}")
    return "\n".join(lines)


def _build_random(model_dir: Path, corpus: Path) -> None:
    if (model_dir / "config.json").is_file():
        return
    print(f"building a random opus-mt-id-en model in {model_dir} ...", file=sys.stderr)
    # In a child process: this one stays small, so nothing it holds can show up in a
    # variant's memory figure.
    subprocess.run(
        [sys.executable, str(BUILD_MARIAN), "random", str(model_dir), "--preset", "opus-mt-id-en", "--corpus", str(corpus)],
        check=True, capture_output=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="sentences for the fast variants (default 200)")
    parser.add_argument("--n-slow", type=int, default=48, help="sentences for naive, easynmt, selaras-transformers; "
                        f"a multiple of their batch size {EASYNMT_BATCH_SIZE} (default 48)")
    parser.add_argument("--beams", default="4,6", help="comma-separated beam sizes, one table each (default 4,6)")
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs per variant; medians and ranges reported (default 3)")
    parser.add_argument("--length", type=int, default=35, help="forced output length in tokens (default 35)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"TSV with Indonesian sentences (default {DEFAULT_CORPUS})")
    parser.add_argument("--work", type=Path, default=None, help="folder for the random model (kept; reused if it exists)")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated subset of {','.join(VARIANTS)}")
    parser.add_argument("--faithfulness", action="store_true", help="measure how often a shortlist changes the output instead")
    parser.add_argument("--faith-n", type=int, default=500, help="sentences per half for --faithfulness (default 500)")
    parser.add_argument("--gpu", action="store_true", help="the GPU table instead: transformers against CTranslate2 per batch size")
    parser.add_argument("--device", default="cuda", help="device of the --gpu table (default cuda; cpu for a smoke run)")
    parser.add_argument("--batch-sizes", default="16,64,256", help="batch sizes of the --gpu table (default 16,64,256)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--out", type=Path, default=None, help="also save the table (or JSON) to this file")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--model-dir", help=argparse.SUPPRESS)
    parser.add_argument("--sentences", help=argparse.SUPPRESS)
    parser.add_argument("--ct2-dir", help=argparse.SUPPRESS)
    parser.add_argument("--shortlist", help=argparse.SUPPRESS)
    parser.add_argument("--argos-knobs", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)

    variants = [v for v in args.variants.split(",") if v]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants: {', '.join(unknown)}")
    beam_sizes = [int(b) for b in args.beams.split(",") if b]
    if args.n_slow % EASYNMT_BATCH_SIZE or args.n_slow < EASYNMT_BATCH_SIZE:
        parser.error(f"--n-slow must be a multiple of {EASYNMT_BATCH_SIZE} (the batched rows' batch size), got {args.n_slow}")
    if not args.corpus.is_file():
        parser.error(f"corpus not found: {args.corpus} (pass --corpus)")

    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="selaras-bench-") as tmp:
        tmp_path = Path(tmp)
        os.environ["SELARAS_CACHE"] = str(tmp_path / "cache")
        if args.gpu:
            text = gpu_table(args, tmp_path) + "\n" + cpu_description()
            print(text)
            if args.out is not None:
                args.out.write_text(text + "\n", encoding="utf-8")
            return 0
        if args.faithfulness:
            text = faithfulness(args, tmp_path)
            text += "\n" + reference_coverage(args.work or tmp_path / "opus-mt-id-en-random", args.corpus, args.faith_n)
            text += "\n" + cpu_description()
            print(text)
            if args.out is not None:
                args.out.write_text(text + "\n", encoding="utf-8")
            return 0
        model_dir = args.work or tmp_path / "opus-mt-id-en-random"
        _build_random(model_dir, args.corpus)
        sentences = pick_sentences(model_dir, args.corpus, args.n)
        paths = {"model": model_dir, "sentences": tmp_path / "sentences.json", "shortlist": tmp_path / "shortlist.json"}
        paths["sentences"].write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
        import sentencepiece

        spm = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
        mean_tokens = sum(len(spm.encode(s)) + 1 for s in sentences) / len(sentences)

        print("converting for CTranslate2 (once) ...", file=sys.stderr)
        conversion_s, paths["ct2"] = _convert_once(model_dir)
        shortlist_info = reference_shortlist(model_dir, args.corpus, set(sentences), paths["shortlist"])
        shortlist_info["allowed_per_batch_of_10"] = round(candidates_per_batch(model_dir, paths["shortlist"], sentences), 0)
        print("selaras' first-use calibration ...", file=sys.stderr)
        tuned = _tune_once(model_dir, args.length)
        sweeps: dict[int, list[dict]] = {}
        paths["argos_knobs"] = {}
        if "argos-tuned" in variants:
            for beams in beam_sizes:
                sweeps[beams] = argos_sweep(beams, paths, args)
                best = max(sweeps[beams], key=lambda r: r["sentences_per_s"])
                paths["argos_knobs"][beams] = {k: best[k] for k in ("inter_threads", "intra_threads", "max_batch_size")}
        print("int8 GEMM peak ...", file=sys.stderr)
        peak = int8_gemm_peak()
        runs: dict[tuple[int, str], list[dict]] = {}
        for repeat in range(args.repeats):
            for beams in beam_sizes:
                for variant in variants:
                    print(f"run {repeat + 1}/{args.repeats}: {variant} at beam {beams} ...", file=sys.stderr)
                    proc = subprocess.run(_child_command(variant, beams, paths, args), capture_output=True, text=True)
                    if proc.returncode != 0:
                        print(proc.stderr, file=sys.stderr)
                        return proc.returncode
                    runs.setdefault((beams, variant), []).append(json.loads(proc.stdout.strip().splitlines()[-1]))
    load_after = os.getloadavg() if hasattr(os, "getloadavg") else None

    tables = {beams: [_median_row(runs[(beams, v)]) for v in variants] for beams in beam_sizes}
    first = {r["variant"]: r for r in tables[beam_sizes[0]]}
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    macs = macs_per_sentence(config, mean_tokens, args.length, beam_sizes[0])
    roofline = None
    if "selaras-ctranslate2" in first and peak["gmacs"] == peak["gmacs"]:
        roofline = round(macs * first["selaras-ctranslate2"]["sentences_per_s"] / (peak["gmacs"] * 1e9), 3)
    choice = tuned["choice"]
    sweep = sweeps.get(beam_sizes[0], [])
    in_sweep = [r for r in sweep if (r["inter_threads"], r["intra_threads"], r["max_batch_size"])
                == (choice["inter_threads"], choice["intra_threads"], choice["max_batch_tokens"])]
    tuner_vs_sweep = (
        round(in_sweep[0]["sentences_per_s"] / max(r["sentences_per_s"] for r in sweep), 3) if in_sweep else float("nan")
    )
    summary = {
        "speedup_vs_argos_tuned": _ratio(first, "selaras-ctranslate2", "argos-tuned"),
        "speedup_vs_argos": _ratio(first, "selaras-ctranslate2", "argos"),
        "speedup_vs_naive": _ratio(first, "selaras-ctranslate2", "naive"),
        "speedup_vs_easynmt": _ratio(first, "selaras-ctranslate2", "easynmt"),
        "tuning_speedup": _ratio(first, "selaras-ctranslate2", "selaras-untuned"),
        "tuner_choice_vs_sweep_best": tuner_vs_sweep,
        "shortlist_speedup": _ratio(first, "selaras-shortlist", "selaras-ctranslate2"),
        "int8_roofline_share": roofline,
    }
    meta = {
        "sentences": len(sentences),
        "n_slow": args.n_slow,
        "mean_source_tokens": round(mean_tokens, 1),
        "length": args.length,
        "beams": beam_sizes,
        "repeats": args.repeats,
        "cpus": os.cpu_count(),
        "cpu": cpu_description(),
        "conversion_s": round(conversion_s, 2),
        "shortlist": shortlist_info,
        "selaras_tuning": tuned,
        "argos_sweeps": {str(b): r for b, r in sweeps.items()},
        "argos_tuned_knobs": {str(b): k for b, k in paths["argos_knobs"].items()},
        "int8_gemm_peak": peak,
        "gmacs_per_sentence": round(macs / 1e9, 3),
        "load_average_before": load_before,
        "load_average_after": load_after,
        **summary,
    }
    if args.json:
        text = json.dumps({"meta": meta, "tables": {str(b): t for b, t in tables.items()}}, indent=2)
    else:
        parts = [format_table(tables[b], meta, b) for b in beam_sizes]
        for b in beam_sizes[1:]:
            by_name = {r["variant"]: r for r in tables[b]}
            parts.append(
                f"beam {b}: vs argos tuned {_ratio(by_name, 'selaras-ctranslate2', 'argos-tuned')}, vs argos defaults "
                f"{_ratio(by_name, 'selaras-ctranslate2', 'argos')}, vs naive {_ratio(by_name, 'selaras-ctranslate2', 'naive')}, "
                f"vs easynmt {_ratio(by_name, 'selaras-ctranslate2', 'easynmt')}, "
                f"shortlist {_ratio(by_name, 'selaras-shortlist', 'selaras-ctranslate2')}"
            )
        for b, knobs in paths["argos_knobs"].items():
            parts.append(
                f"argos tuned at beam {b}: ARGOS_INTER_THREADS={knobs['inter_threads']} ARGOS_INTRA_THREADS="
                f"{knobs['intra_threads']} ARGOS_BATCH_SIZE={knobs['max_batch_size']} (best of a sweep of "
                f"{len(sweeps[b])}: " + ", ".join(
                    f"{r['inter_threads']}x{r['intra_threads']}/{r['max_batch_size']} {r['sentences_per_s']:.1f}" for r in sweeps[b]
                ) + ")"
            )
        parts.append(
            f"selaras calibration (first use, beam {tuned['identity']['beams']}, {tuned['seconds']:.1f} s): "
            f"inter {choice['inter_threads']} x intra {choice['intra_threads']}, {choice['max_batch_tokens']} tokens; "
            "measured " + ", ".join(
                f"{m['inter_threads']}x{m['intra_threads']}/{m['max_batch_tokens']} {m['sentences_per_s']:.1f}"
                + ("" if m["identical"] else " (differs)") for m in tuned["measurements"]
            )
        )
        parts.append(
            f"roofline: {macs / 1e9:.2f} GMAC per sentence at beam {beam_sizes[0]} (~{mean_tokens:.0f} source, "
            f"{args.length} target tokens); int8 GEMM peak {peak['gmacs']:.0f} GMAC/s ({peak['kernel']})"
        )
        parts.append(
            f"ctranslate2 first conversion: {conversion_s:.1f} s (once per model and compute type); shortlist rows: "
            f"{shortlist_info['always']} pieces always + {shortlist_info['source_pieces']} source pieces mapped, "
            f"~{shortlist_info['allowed_per_batch_of_10']:.0f} of 54,796 allowed per batch of 10 sentences"
        )
        parts.append(f"load average (1, 5, 15 min) before {_loads(load_before)}, after {_loads(load_after)}")
        parts.append(f"# at beam {beam_sizes[0]} (the shortlist does less work: its row is not in the peer ratios):")
        parts += [f"{k}={v}" for k, v in summary.items()]
        parts.append(cpu_description())
        text = "\n".join(parts)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
