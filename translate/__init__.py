"""Selaras: Indonesian→English translation, alignment, scoring, review and export.

The notebook API, importable from the package root::

    import translate
    result = translate.run("doc.id.txt", ["doc.en.txt"], "runs/doc")   # the whole job
    doc = translate.translate_document("Saya suka kopi. Dia membaca buku.")
    translate.translate_file("artikel.id.txt", "artikel.en.txt")          # resumable, atomic
    beads = translate.align_sentences(src_sentences, ref_sentences, mt=mt_lines)

The package is importable without torch: these names (and the heavy libraries behind
them) load on first use, so ``selaras --help`` and the pure modules stay fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public name -> module that defines it (imported on first access, PEP 562).
_API: dict[str, str] = {
    "run": "translate.pipeline",
    "translate_file": "translate.pipeline",
    "align_files": "translate.pipeline",
    "run_corpus": "translate.corpus.job",
    "split_sentences": "translate.segment",
    "load_backend": "translate.backends.registry",
    "translate_document": "translate.translator",
    "translate_sentences": "translate.translator",
    "align_sentences": "translate.align",
    "build_rows": "translate.rows",
    "corpus_scores": "translate.metrics",
    "sentence_scores": "translate.metrics",
    "score_rows": "translate.metrics",
    "check_rows": "translate.checks",
    "detect_language": "translate.language",
    "read_aligned_tsv": "translate.rows",
    "write_aligned_tsv": "translate.rows",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'translate' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
