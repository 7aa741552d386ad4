"""Selaras: Indonesian→English translation, alignment, scoring, review and export.

The notebook API, importable from the package root::

    import selaras
    result = selaras.run("doc.id.txt", ["doc.en.txt"], "runs/doc")   # the whole job
    doc = selaras.translate_document("Saya suka kopi. Dia membaca buku.")
    selaras.translate_file("artikel.id.txt", "artikel.en.txt")          # resumable, atomic
    beads = selaras.align_sentences(src_sentences, ref_sentences, mt=mt_lines)

The package is importable without torch: these names (and the heavy libraries behind
them) load on first use, so ``selaras --help`` and the pure modules stay fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public name -> module that defines it (imported on first access, PEP 562).
_API: dict[str, str] = {
    "run": "selaras.jobs.run",
    "translate_file": "selaras.jobs.translate",
    "align_files": "selaras.jobs.align",
    "run_corpus": "selaras.corpus.job",
    "split_sentences": "selaras.segment",
    "load_backend": "selaras.backends.registry",
    "translate_document": "selaras.translator",
    "translate_sentences": "selaras.translator",
    "align_sentences": "selaras.align",
    "build_rows": "selaras.rows",
    "corpus_scores": "selaras.metrics",
    "sentence_scores": "selaras.metrics",
    "score_rows": "selaras.metrics",
    "check_rows": "selaras.checks",
    "detect_language": "selaras.language",
    "read_aligned_tsv": "selaras.rows",
    "write_aligned_tsv": "selaras.rows",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'selaras' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
