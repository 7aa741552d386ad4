"""The sentence cache: a small translation memory shared by corpus runs.

Every translated sentence is stored under the *run key* (``selaras.translator.run_key``:
the model's fingerprint, the beams, the input limit and the splitting version) and a
SHA-256 of its text, with the translation exactly as the engine gave it (text, pieces,
score, tokens). A corpus job looks each source sentence up before translating, so

* an identical sentence is translated once per corpus (and once across corpora: a later
  run with the same model and options reuses it);
* a job killed at any point resumes at sentence level: what was committed is reused,
  and each chunk of translations is committed in one transaction, so a chunk is either
  all there or not at all;
* the engine's description (``EngineInfo.as_json``) is stored per key, so a run that
  finds everything in the memory still records which engine made the MT.

The memory is one SQLite file (:func:`default_path`: ``memory/sentences.sqlite`` under
``selaras.rundir.cache_root``) in WAL mode: commits survive ``kill -9``, several runs
may share it (SQLite locks; a busy database is waited for), and lookups read from disk,
so a million sentences need no million entries in RAM.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from selaras.errors import FileError
from selaras.records import Translation

#: Seconds to wait for another run's write transaction before giving up (SQLite's
#: busy timeout): a chunk commit takes milliseconds, so this is only ever a safety net.
BUSY_TIMEOUT_S = 60.0
#: Most parameters in one ``IN (…)`` query (SQLite's default limit is 999 before 3.32).
_LOOKUP_BATCH = 500

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sentences (key TEXT NOT NULL, hash TEXT NOT NULL, source TEXT NOT NULL, "
    "mt TEXT NOT NULL, pieces INTEGER NOT NULL, score REAL, tokens INTEGER NOT NULL, PRIMARY KEY (key, hash))",
    "CREATE TABLE IF NOT EXISTS engines (key TEXT PRIMARY KEY, info TEXT NOT NULL)",
)


def text_hash(text: str) -> str:
    """The memory's key for a sentence: SHA-256 of its UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_path() -> Path:
    """Where the memory lives unless a job names another file."""
    from selaras.rundir import cache_root

    return cache_root() / "memory" / "sentences.sqlite"


class SentenceMemory:
    """Translations by run key and sentence hash, in a SQLite file (see the module docstring).

    Use as a context manager, or call :meth:`close`.

    Raises:
        FileError: the file cannot be created or is not a SQLite database.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a process crash loses no commit
            for statement in _SCHEMA:
                self._db.execute(statement)
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise FileError(f"cannot open the sentence cache {self.path}: {exc}; delete it or choose another file") from None

    def __enter__(self) -> SentenceMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def known(self, key: str, hashes: Iterable[str]) -> set[str]:
        """Which of ``hashes`` have a translation under ``key``."""
        wanted = list(dict.fromkeys(hashes))
        found: set[str] = set()
        for start in range(0, len(wanted), _LOOKUP_BATCH):
            part = wanted[start : start + _LOOKUP_BATCH]
            marks = ",".join("?" * len(part))
            query = f"SELECT hash FROM sentences WHERE key = ? AND hash IN ({marks})"
            found.update(h for (h,) in self._db.execute(query, [key, *part]))
        return found

    def get(self, key: str, texts: Sequence[str]) -> list[Translation | None]:
        """The stored translation of each text under ``key`` (``None`` where there is none)."""
        hashes = [text_hash(t) for t in texts]
        stored: dict[str, tuple] = {}
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), _LOOKUP_BATCH):
            part = unique[start : start + _LOOKUP_BATCH]
            marks = ",".join("?" * len(part))
            query = f"SELECT hash, mt, pieces, score, tokens FROM sentences WHERE key = ? AND hash IN ({marks})"
            for h, mt, pieces, score, tokens in self._db.execute(query, [key, *part]):
                stored[h] = (mt, pieces, score, tokens)
        found: list[Translation | None] = []
        for text, h in zip(texts, hashes):
            row = stored.get(h)
            found.append(None if row is None else Translation(source=text, text=row[0], pieces=row[1], score=row[2], tokens=row[3]))
        return found

    def put(self, key: str, translations: Sequence[Translation]) -> None:
        """Store translations (of non-empty sources) under ``key``, all in one transaction."""
        rows = [(key, text_hash(t.source), t.source, t.text, t.pieces, t.score, t.tokens) for t in translations]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        except sqlite3.Error as exc:
            raise FileError(f"cannot write the sentence cache {self.path}: {exc}") from None

    def engine_info(self, key: str) -> dict | None:
        """The engine description stored for ``key``, if any."""
        row = self._db.execute("SELECT info FROM engines WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def set_engine_info(self, key: str, info: dict) -> None:
        """Remember which engine ``key`` stands for (``EngineInfo.as_json``)."""
        try:
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO engines VALUES (?, ?)", (key, json.dumps(info, sort_keys=True))
                )
        except sqlite3.Error as exc:
            raise FileError(f"cannot write the sentence cache {self.path}: {exc}") from None

    def count(self, key: str | None = None) -> int:
        """How many sentences are stored (under ``key``, or in all)."""
        if key is None:
            return self._db.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
        return self._db.execute("SELECT COUNT(*) FROM sentences WHERE key = ?", (key,)).fetchone()[0]


__all__ = ["BUSY_TIMEOUT_S", "SentenceMemory", "default_path", "text_hash"]
