"""Corpus jobs: many documents in one resumable run (``selaras corpus``).

``manifest`` (which documents), ``memory`` (the sentence cache / translation memory),
``local`` and ``ray_engine`` (who translates the chunks), ``outputs`` (``corpus.tsv``,
exports, ``metrics.json``), ``job`` (:func:`run_corpus`, the two passes).
"""

from __future__ import annotations

from selaras.corpus.job import CorpusResult, CorpusStats, RunSettings, run_corpus
from selaras.corpus.manifest import Document, read_manifest
from selaras.corpus.outputs import ExportFilter

__all__ = ["CorpusResult", "CorpusStats", "Document", "ExportFilter", "RunSettings", "read_manifest", "run_corpus"]
