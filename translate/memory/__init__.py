"""The translation memory (TM): human translations a user trusts, reused before the MT.

Not the sentence *cache* of corpus jobs (``selaras.corpus.memory``), which keeps the
engine's own translations by model so nothing is translated twice: a TM holds
translations people made or accepted (reviewed beads, TMX files from CAT tools,
reference sides of a corpus), whatever model is used, and its exact matches replace
the MT (``origin`` = ``tm`` in the aligned TSV).

* :mod:`selaras.memory.normalize`: what "the same sentence" means for an exact match.
* :mod:`selaras.memory.store`: the SQLite file, exact and fuzzy lookups.
* :mod:`selaras.memory.tmx`: TMX in and out.
* :mod:`selaras.memory.apply`: answering sentences from the TM before the engine.
"""

from __future__ import annotations

from selaras.memory.normalize import match_key
from selaras.memory.store import FUZZY_THRESHOLD, FuzzyMatch, MemoryEntry, TranslationMemory

__all__ = ["FUZZY_THRESHOLD", "FuzzyMatch", "MemoryEntry", "TranslationMemory", "match_key"]
