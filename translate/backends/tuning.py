"""Find the fastest CTranslate2 threading and sub-batch size for this machine, once, and remember it.

Why: the best split of the CPUs between parallel translators (``inter_threads``) and
threads inside one (``intra_threads``), and the sub-batch size in source tokens, depend
on the machine (cores, cache, int8 instructions) and on the model. A fixed rule was
measured on one 2-core machine; a tuned argos-translate (a plain CTranslate2 at its best
settings) beat it there (issue 26). So Selaras measures a few settings on the model it
is about to use, keeps the fastest whose output is identical to the default's, and
caches the choice under ``tune/`` in Selaras' cache, keyed by the machine (CPU model,
usable CPUs, int8 instruction set), the model's fingerprint, the compute type, the beam
size and the CTranslate2 version. A later load reads the choice and measures nothing.

When: ``selaras tune`` (:func:`selaras.backends.ct2.tune_ct2`) measures on demand (``--full`` for the whole grid);
:func:`selaras.backends.ct2.load_ct2` tunes automatically the first time a model runs on
a CPU, unless threads were given explicitly or ``SELARAS_TUNE=off`` is set (a few
seconds, announced on stderr through logging).

What is measured: Selaras' own path (batches as :func:`selaras.translator.translate_sentences` cuts them) on
:data:`SAMPLE` (fixed Indonesian sentences of 15-35 tokens) with each setting, so the
timing includes what production pays. The search is coordinate-wise by default (the
thread splits at the default budget, then the budgets at the best split); ``full=True``
tries every pair. Each setting keeps its best of ``rounds`` alternating runs (a load
spike on a shared machine hits one run, not the minimum).
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from selaras.backends.runtime import usable_cpus

logger = logging.getLogger(__name__)

#: Environment variable: ``off`` (or ``0``, ``no``, ``false``) skips the automatic tuning on first use.
TUNE_ENV = "SELARAS_TUNE"
#: Bump when what is measured changes, so old choices are measured again.
TUNE_FORMAT = 2
#: Sub-batch budgets tried, in source tokens (the default, 320, is
#: :data:`selaras.backends.ct2.MAX_BATCH_TOKENS`; memory grows ~1 MB per token of budget
#: per worker at beam 4, so the grid stops at 640).
BUDGETS: tuple[int, ...] = (160, 320, 640)
#: Indonesian sentences written for the calibration (news-like, 15-35 pieces each);
#: repeated to one full batch of the translator (:func:`default_sample`), what every longer document is made of.
SAMPLE: tuple[str, ...] = (
    "Pemerintah daerah mengumumkan bahwa jalan utama menuju pelabuhan akan ditutup selama tiga hari untuk perbaikan.",
    "Para petani di lereng gunung mulai menanam kopi setelah hujan pertama turun pada awal bulan ini.",
    "Menurut laporan terbaru, jumlah wisatawan yang datang ke pulau itu meningkat hampir dua kali lipat.",
    "Sekolah-sekolah di kota ini akan kembali membuka kelas tatap muka mulai minggu depan.",
    "Harga beras di pasar tradisional naik karena pasokan dari daerah penghasil berkurang.",
    "Dia berjanji akan mengembalikan buku itu ke perpustakaan sebelum akhir pekan.",
    "Tim penyelamat bekerja sepanjang malam untuk mencari korban yang masih terjebak di bawah reruntuhan.",
    "Rapat dewan direksi ditunda sampai semua laporan keuangan tahun lalu selesai diperiksa.",
    "Anak-anak bermain layang-layang di lapangan dekat sungai setiap sore ketika angin bertiup kencang.",
    "Rumah sakit itu menambah jumlah tempat tidur untuk pasien yang membutuhkan perawatan intensif.",
    "Penelitian ini menunjukkan bahwa hutan bakau melindungi desa-desa pesisir dari gelombang besar.",
    "Kereta api terakhir menuju ibu kota berangkat pukul sembilan malam dari stasiun lama.",
    "Ibu saya selalu memasak rendang ketika seluruh keluarga berkumpul untuk merayakan hari raya.",
    "Perusahaan itu berencana membangun pabrik baru yang akan mempekerjakan sekitar dua ribu orang.",
    "Para mahasiswa mengadakan diskusi terbuka tentang perubahan iklim dan dampaknya bagi nelayan.",
    "Setelah bertahun-tahun tinggal di luar negeri, penulis itu akhirnya pulang ke kampung halamannya.",
)


def default_sample(batch_size: int) -> list[str]:
    """:data:`SAMPLE` repeated to exactly one batch as the translator cuts them (the
    engine's batch size, 64 for CTranslate2).

    Why one full batch: how well a sub-batch budget keeps the workers busy depends on how
    many sub-batches a batch makes. A half batch (the first version's 32 sentences) made
    three uneven 320-token sub-batches for two workers, so the calibration chose 160 tokens,
    and on 200-sentence documents (full 64-sentence batches) that choice ran 8% slower
    than the default (``scripts/bench_translate.py``, quiet 2-core Xeon, 2026-12-05).
    """
    return [SAMPLE[k % len(SAMPLE)] for k in range(max(1, batch_size))]


@dataclass(frozen=True, slots=True)
class Setting:
    """One CTranslate2 configuration: the CPU split and the sub-batch budget."""

    inter_threads: int
    intra_threads: int
    max_batch_tokens: int

    def label(self) -> str:
        return f"inter {self.inter_threads} x intra {self.intra_threads}, {self.max_batch_tokens} tokens"


@dataclass(frozen=True, slots=True)
class Measurement:
    """How fast one setting translated the sample, and whether its output matched the default's."""

    setting: Setting
    sentences_per_s: float
    identical: bool


@dataclass(frozen=True, slots=True)
class Tuning:
    """The chosen setting for one (machine, model, compute type, beam), with what it was chosen from.

    Attributes:
        key: the cache key (hash of :attr:`identity`).
        identity: machine, model fingerprint, compute type, beam, CTranslate2 version.
        choice: the fastest setting whose output was identical to the default's.
        default: the setting the backend ran with before tuning (:func:`selaras.backends.ct2.default_threads`).
        measurements: every setting tried, in the order tried.
        seconds: how long the measuring took.
        cached: whether this came from the cache (nothing was measured now).
    """

    key: str
    identity: dict[str, Any]
    choice: Setting
    default: Setting
    measurements: tuple[Measurement, ...]
    seconds: float
    cached: bool = False

    def speedup(self) -> float | None:
        """The choice's measured throughput over the default's (``None`` if either is missing)."""
        rates = {m.setting: m.sentences_per_s for m in self.measurements}
        if self.choice in rates and self.default in rates and rates[self.default] > 0:
            return rates[self.choice] / rates[self.default]
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": TUNE_FORMAT,
            "key": self.key,
            "identity": self.identity,
            "choice": asdict(self.choice),
            "default": asdict(self.default),
            "measurements": [
                {**asdict(m.setting), "sentences_per_s": round(m.sentences_per_s, 3), "identical": m.identical}
                for m in self.measurements
            ],
            "seconds": round(self.seconds, 2),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, cached: bool) -> Tuning:
        def setting(d: dict[str, Any]) -> Setting:
            return Setting(int(d["inter_threads"]), int(d["intra_threads"]), int(d["max_batch_tokens"]))

        return cls(
            key=str(data["key"]),
            identity=dict(data["identity"]),
            choice=setting(data["choice"]),
            default=setting(data["default"]),
            measurements=tuple(
                Measurement(setting(m), float(m["sentences_per_s"]), bool(m["identical"])) for m in data["measurements"]
            ),
            seconds=float(data["seconds"]),
            cached=cached,
        )


# --------------------------------------------------------------------------- the machine


def int8_isa(flags: set[str]) -> str:
    """The best int8 dot-product instructions among the CPU ``flags`` (what CTranslate2's int8 GEMM uses)."""
    for flag, name in (("amx_int8", "amx"), ("avx512_vnni", "avx512_vnni"), ("avx_vnni", "avx_vnni")):
        if flag in flags:
            return name
    return "avx2 only" if "avx2" in flags else "no avx2"


def machine_description(cpuinfo: str = "/proc/cpuinfo") -> dict[str, Any]:
    """The CPU model, the CPUs this process may use and the int8 instruction set: the machine part of the key."""
    model, flags = "unknown CPU", set()
    try:
        for line in Path(cpuinfo).read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Model") and model == "unknown CPU":
                model = value.strip()
            elif key.strip() in ("flags", "Features") and not flags:
                flags = set(value.split())
    except OSError:
        pass
    return {"cpu": model, "cpus": usable_cpus(), "int8_isa": int8_isa(flags)}


def tuning_disabled(environ: dict[str, str] | None = None) -> bool:
    """Whether ``SELARAS_TUNE`` turns the automatic tuning off."""
    value = (environ if environ is not None else os.environ).get(TUNE_ENV, "").strip().lower()
    return value in ("off", "0", "no", "false")


# --------------------------------------------------------------------------- the grid


def thread_splits(cpus: int) -> list[tuple[int, int]]:
    """(inter, intra) pairs that use all ``cpus``: every inter of 1, 2, 4, ... up to ``cpus`` (at most 8)."""
    splits, inter = [], 1
    while inter <= min(cpus, 8):
        splits.append((inter, max(1, cpus // inter)))
        inter *= 2
    if cpus <= 8 and cpus not in [s[0] for s in splits]:
        splits.append((cpus, 1))
    return splits


def candidate_settings(cpus: int, budgets: Sequence[int] = BUDGETS) -> list[Setting]:
    """The full grid: every thread split times every budget."""
    return [Setting(inter, intra, budget) for inter, intra in thread_splits(cpus) for budget in budgets]


def tuning_identity(machine: dict[str, Any], fingerprint: str, compute_type: str, beams: int) -> dict[str, Any]:
    """What a choice depends on (the cache key is its hash)."""
    import ctranslate2

    return {
        "machine": machine,
        "model": fingerprint,
        "compute_type": compute_type,
        "beams": int(beams),
        "ctranslate2": str(ctranslate2.__version__),
        "format": TUNE_FORMAT,
    }


def tuning_key(identity: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:24]


def tuning_dir() -> Path:
    """``tune/`` under Selaras' cache root (:func:`selaras.rundir.cache_root`)."""
    from selaras.rundir import cache_root

    return cache_root() / "tune"


def read_cached(key: str, folder: Path | None = None) -> Tuning | None:
    """The cached choice for ``key``, or ``None`` (missing, unreadable or of another format: measured again)."""
    path = (folder or tuning_dir()) / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != TUNE_FORMAT or data.get("key") != key:
            return None
        return Tuning.from_json(data, cached=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_cached(tuning: Tuning, folder: Path | None = None) -> Path:
    """Save the choice atomically (two processes tuning at once both finish; the last write wins)."""
    from selaras.io import write_json

    folder = folder or tuning_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{tuning.key}.json"
    write_json(path, tuning.to_json())
    return path


# --------------------------------------------------------------------------- measuring


ProgressCallback = Callable[[int, int, Setting], None]


def _with_setting(backend: Any, setting: Setting, translators: dict[tuple[int, int], Any]) -> Any:
    """A shallow copy of the CTranslate2 backend running with ``setting`` (translators shared per split)."""
    import ctranslate2

    split = (setting.inter_threads, setting.intra_threads)
    if split not in translators:
        translators[split] = ctranslate2.Translator(
            str(backend.translator_path), device="cpu", compute_type=backend.compute_type,
            inter_threads=setting.inter_threads, intra_threads=setting.intra_threads,
        )
    other = copy.copy(backend)
    other.translator = translators[split]
    other.inter_threads = setting.inter_threads
    other.intra_threads = setting.intra_threads
    other.max_batch_tokens = setting.max_batch_tokens
    return other


def _run_sample(engine: Any, sample: Sequence[str], beams: int) -> list[str]:
    """The sample's translations as :func:`selaras.translator.translate_sentences` makes them
    (longest first, the engine's batch size, batches queued one ahead), in input order.

    Written out rather than called because the translator imports ``selaras.backends``.
    """
    lengths = engine.count_tokens(sample)
    order = sorted(range(len(sample)), key=lambda i: (-lengths[i], i))
    size = engine.default_batch_size
    groups = [order[k : k + size] for k in range(0, len(order), size)]
    texts: list[str] = [""] * len(sample)
    for group, hypotheses in zip(groups, engine.translate_batches([[sample[i] for i in g] for g in groups], beams=beams)):
        for i, hypothesis in zip(group, hypotheses):
            texts[i] = hypothesis.text
    return texts


def measure(
    backend: Any,
    settings: Sequence[Setting],
    *,
    beams: int,
    sample: Sequence[str],
    rounds: int = 1,
    reference: Sequence[str] | None = None,
    on_progress: ProgressCallback | None = None,
    translators: dict[tuple[int, int], Any] | None = None,
    outputs: dict[Setting, list[str]] | None = None,
) -> list[Measurement]:
    """Time Selaras' own path on ``sample`` with each setting (best of ``rounds`` alternating runs).

    ``reference`` is the default setting's output (as text); ``None`` takes the first
    setting's output. A setting whose output differs is measured but marked not
    identical, so it is never chosen.
    """
    translators = translators if translators is not None else {}
    reference = list(reference) if reference is not None else None
    best: dict[Setting, float] = {}
    identical: dict[Setting, bool] = {}
    total, done = len(settings) * rounds, 0
    for _ in range(rounds):
        for setting in settings:
            engine = _with_setting(backend, setting, translators)
            engine.translate_batch(list(sample[:1]), beams=beams)  # warm-up of this translator
            start = time.perf_counter()
            texts = _run_sample(engine, sample, beams)
            rate = len(sample) / max(time.perf_counter() - start, 1e-9)
            best[setting] = max(best.get(setting, 0.0), rate)
            if reference is None:  # the first setting measured is the reference
                reference = texts
            same = reference == texts
            if outputs is not None:
                outputs[setting] = texts
            identical[setting] = identical.get(setting, True) and same
            done += 1
            if on_progress is not None:
                on_progress(done, total, setting)
    return [Measurement(s, best[s], identical[s]) for s in settings]


def tune_backend(
    backend: Any,
    *,
    beams: int | None = None,
    full: bool = False,
    rounds: int = 1,
    budgets: Sequence[int] = BUDGETS,
    sample: Sequence[str] | None = None,
    force: bool = False,
    save: bool = True,
    on_progress: ProgressCallback | None = None,
) -> Tuning:
    """The fastest faithful setting for a loaded CPU CTranslate2 backend: cached, or measured now.

    Args:
        backend: a :class:`selaras.backends.ct2.CTranslate2Backend` on the CPU.
        beams: the beam size to tune for (``None``: the model's own).
        full: try the whole grid (threads x budgets) instead of the coordinate search.
        rounds: alternating runs per setting; each keeps its best.
        budgets: sub-batch budgets to try, in source tokens.
        sample: sentences to translate (default: :func:`default_sample`, one full batch).
        force: measure even if a choice is cached (and replace it).
        save: write the choice to the cache.
        on_progress: ``on_progress(done, total, setting)`` after every run.

    Raises:
        BackendError: the backend is not a CPU CTranslate2 backend.
    """
    from selaras.errors import BackendError

    if getattr(backend, "name", None) != "ctranslate2" or getattr(backend, "device", None) != "cpu":
        raise BackendError("tuning measures CTranslate2 on the CPU; use backend ctranslate2 and device cpu")
    beams = int(beams or backend.defaults.beam_size)
    machine = machine_description()
    identity = tuning_identity(machine, _model_fingerprint(backend), backend.compute_type, beams)
    key = tuning_key(identity)
    if not force:
        cached = read_cached(key)
        if cached is not None:
            return cached
    sample = list(sample) if sample is not None else default_sample(backend.default_batch_size)
    cpus = int(machine["cpus"])
    # What the backend runs with untuned (selaras.backends.ct2.default_threads, MAX_BATCH_TOKENS).
    default = Setting(backend.inter_threads, backend.intra_threads, backend.max_batch_tokens)
    start = time.perf_counter()
    translators: dict[tuple[int, int], Any] = {}
    # The default runs first: its output is the reference every other setting must match.
    texts: dict[Setting, list[str]] = {}
    kwargs: dict[str, Any] = {
        "beams": beams, "sample": sample, "rounds": rounds, "translators": translators, "outputs": texts,
    }
    if full:
        grid = [default, *(s for s in candidate_settings(cpus, budgets) if s != default)]
        measured = measure(backend, grid, on_progress=on_progress, **kwargs)
    else:
        splits = [default, *(s for i, j in thread_splits(cpus) if (s := Setting(i, j, default.max_batch_tokens)) != default)]
        n_budgets = len([b for b in budgets if b != default.max_batch_tokens])
        progress = _offset(on_progress, 0, len(splits) + n_budgets, rounds)
        measured = measure(backend, splits, on_progress=progress, **kwargs)
        best_split = _fastest(measured, default)
        kwargs["reference"] = texts[default]
        others = [
            Setting(best_split.inter_threads, best_split.intra_threads, b)
            for b in budgets if b != best_split.max_batch_tokens
        ]
        progress = _offset(on_progress, len(splits), len(splits) + len(others), rounds)
        measured += measure(backend, others, on_progress=progress, **kwargs)
    tuning = Tuning(
        key=key, identity=identity, choice=_fastest(measured, default), default=default,
        measurements=tuple(measured), seconds=time.perf_counter() - start,
    )
    if save:
        write_cached(tuning)
    return tuning


def _model_fingerprint(backend: Any) -> str:
    """The model part of the key: the backend's fingerprint without its shortlist, so one
    choice serves a model with and without a shortlist (the thread split and budget that
    suit the full vocabulary suit a shortlist too; the choice is measured on whichever
    loads first)."""
    return str(backend.fingerprint).split("|shortlist:")[0]


def _fastest(measured: Sequence[Measurement], default: Setting) -> Setting:
    """The fastest identical setting; the default when none is (it is identical to itself)."""
    faithful = [m for m in measured if m.identical]
    return max(faithful, key=lambda m: m.sentences_per_s).setting if faithful else default


def _offset(on_progress: ProgressCallback | None, before: int, settings: int, rounds: int) -> ProgressCallback | None:
    """Progress of one stage as runs of the whole search (``before`` settings done, ``settings`` in all)."""
    if on_progress is None:
        return None

    def report(done: int, total: int, setting: Setting) -> None:
        on_progress(before * rounds + done, settings * rounds, setting)

    return report


def apply_tuning(backend: Any, tuning: Tuning) -> Any:
    """Run ``backend`` with the tuned setting: a new translator when the threads differ, the budget always."""
    choice = tuning.choice
    if (choice.inter_threads, choice.intra_threads) != (backend.inter_threads, getattr(backend, "intra_threads", None)):
        import ctranslate2

        backend.translator = ctranslate2.Translator(
            str(backend.translator_path), device="cpu", compute_type=backend.compute_type,
            inter_threads=choice.inter_threads, intra_threads=choice.intra_threads,
        )
        backend.inter_threads = choice.inter_threads
        backend.intra_threads = choice.intra_threads
    backend.max_batch_tokens = choice.max_batch_tokens
    backend.tuning = tuning
    return backend


def auto_tune(backend: Any) -> Any:
    """What :func:`selaras.backends.ct2.load_ct2` does on a CPU: the cached choice, or a measurement announced on stderr.

    Never fails the load: an error while measuring is logged and the default kept.
    """
    from selaras.errors import SelarasError

    try:
        beams = int(backend.defaults.beam_size)
        identity = tuning_identity(machine_description(), _model_fingerprint(backend), backend.compute_type, beams)
        tuning = read_cached(tuning_key(identity))
        if tuning is None:
            logger.info(
                "tuning CTranslate2 threads and batch size for this CPU and model (once, a few seconds; "
                "%s=off skips it) ...", TUNE_ENV,
            )
            tuning = tune_backend(backend, beams=beams)
            logger.info("tuned: %s (%.1f s)", tuning.choice.label(), tuning.seconds)
    except (RuntimeError, OSError, SelarasError) as exc:
        logger.warning("CTranslate2 tuning failed (%s); using the default threads", exc)
        return backend
    return apply_tuning(backend, tuning)


__all__ = [
    "BUDGETS",
    "SAMPLE",
    "default_sample",
    "TUNE_ENV",
    "Measurement",
    "Setting",
    "Tuning",
    "apply_tuning",
    "auto_tune",
    "candidate_settings",
    "int8_isa",
    "machine_description",
    "measure",
    "read_cached",
    "thread_splits",
    "tune_backend",
    "tuning_disabled",
    "write_cached",
]
