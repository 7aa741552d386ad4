"""The translation memory's SQLite file: entries, exact lookups, fuzzy lookups.

One table ``entries`` (source, target, the source's :func:`~selaras.memory.normalize.match_key`,
where the entry came from, and a note) with an index on the key, so an exact lookup is
one B-tree probe whatever the size of the TM. The same source may have several
translations; the one added last wins (a later human decision overrides an older one),
and adding a pair the TM already holds only makes it the newest.

**Fuzzy matches.** The score is RapidFuzz's ``fuzz.ratio`` of the two keys: the
normalised Indel similarity, ``100 * (1 - d / (len(a) + len(b)))`` with ``d`` the
fewest character insertions and deletions turning one into the other (a substitution
counts 2); Python's ``difflib`` ratio and CAT tools' match percentages are of this kind.
A match is offered from :data:`FUZZY_THRESHOLD` (75) up.

The fuzzy index is the keys sorted by length, loaded once per open TM (about 120 bytes
per entry; reloaded after an :meth:`TranslationMemory.add`). Two keys can only reach
75 when their lengths are within 0.6x to 1/0.6x of each other (the ratio is at most
``2 * min / (len a + len b)``), so a lookup bisects to that window, a lossless cut, and
scores the window with RapidFuzz's ``process.extract`` (C++, with ``score_cutoff``, which
lets it skip pairs early). ``scripts/bench_memory.py`` measured it at 100,000 entries
against the first design, an SQLite FTS5 ``trigram`` index whose BM25-best candidates
were then scored: the scan was faster (8 ms against 135 ms a lookup) and finds the
best match every time, where the trigram prefilter found it for 83% of queries.
Exact lookups never load it: they are one probe of the SQLite index on the key.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from selaras.errors import FileError, InputError
from selaras.memory.normalize import match_key

#: Lowest fuzzy score offered (percent): the issue's 75%, the usual CAT-tool default.
FUZZY_THRESHOLD = 75.0
#: Seconds to wait for another process's write (SQLite's busy timeout).
BUSY_TIMEOUT_S = 30.0
#: The schema's version (``PRAGMA user_version``): a file of another version is refused.
SCHEMA_VERSION = 1

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL, "
    "key TEXT NOT NULL, origin TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX IF NOT EXISTS entries_key ON entries (key, id)",
)


@dataclass(frozen=True, slots=True)
class MemoryEntry:
    """One TM entry: an Indonesian source, its English translation, where it came from."""

    source: str
    target: str
    origin: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class FuzzyMatch:
    """A TM entry similar to a query: the entry and its score (percent, 75 to 100)."""

    entry: MemoryEntry
    score: float


class TranslationMemory:
    """A translation memory in one SQLite file (created when missing).

    Use as a context manager, or call :meth:`close`. Writes are transactions: a crash
    leaves the file as it was before the call.

    Raises:
        FileError: the file cannot be created or opened, or is not a Selaras TM.
    """

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        self._index: tuple[list[int], list[str], list[int]] | None = None
        if not create and not self.path.is_file():
            raise InputError(f"{self.path}: no such translation memory; create it with selaras tm add or tm import")
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            tables = self._db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
            if tables and version != SCHEMA_VERSION:
                self._db.close()
                raise FileError(f"{self.path} is not a Selaras translation memory (or one of another version)")
            self._db.execute("PRAGMA journal_mode=WAL")
            with self._db:
                for statement in _SCHEMA:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except (OSError, sqlite3.Error) as exc:
            raise FileError(f"cannot open the translation memory {self.path}: {exc}") from None

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # ------------------------------------------------------------------ writing

    def add(self, entries: Iterable[MemoryEntry]) -> tuple[int, int]:
        """Add entries in one transaction; returns ``(added, already there)``.

        An entry whose source (by key) and target the TM already holds is not duplicated:
        it becomes the newest translation of that source. Entries with an empty side
        are skipped (counted in neither).
        """
        added = known = 0
        self._index = None
        try:
            with self._db:
                for entry in entries:
                    source, target = entry.source.strip(), entry.target.strip()
                    if not source or not target:
                        continue
                    key = match_key(source)
                    gone = self._db.execute("DELETE FROM entries WHERE key = ? AND target = ?", (key, target)).rowcount
                    known += 1 if gone else 0
                    added += 0 if gone else 1
                    self._db.execute(
                        "INSERT INTO entries (source, target, key, origin, note) VALUES (?, ?, ?, ?, ?)",
                        (source, target, key, entry.origin, entry.note),
                    )
        except sqlite3.Error as exc:
            raise FileError(f"cannot write the translation memory {self.path}: {exc}") from None
        return added, known

    # ------------------------------------------------------------------ reading

    def exact(self, sources: Sequence[str]) -> list[str | None]:
        """The TM's translation of each source (by :func:`match_key`), ``None`` where it has none."""
        out: list[str | None] = []
        query = "SELECT target FROM entries WHERE key = ? ORDER BY id DESC LIMIT 1"
        for source in sources:
            row = self._db.execute(query, (match_key(source),)).fetchone() if source.strip() else None
            out.append(None if row is None else row[0])
        return out

    def fuzzy(self, source: str, *, threshold: float = FUZZY_THRESHOLD, limit: int = 3) -> list[FuzzyMatch]:
        """The TM's entries most like ``source``, best first, scoring at least ``threshold``
        (percent, :data:`FUZZY_THRESHOLD` or more; see the module docstring).

        An exact match scores 100. At most ``limit`` matches, one per distinct target
        (the newest entry of a target that several sources share).
        """
        from bisect import bisect_left, bisect_right

        from rapidfuzz import fuzz, process

        if threshold < FUZZY_THRESHOLD:
            raise InputError(f"a fuzzy threshold must be at least {FUZZY_THRESHOLD:g}, got {threshold:g}")
        key = match_key(source)
        if not key:
            return []
        lengths, keys, ids = self._fuzzy_index()
        low = bisect_left(lengths, len(key) * 0.6)
        high = bisect_right(lengths, len(key) / 0.6)
        window = keys[low:high]
        scored = process.extract(key, window, scorer=fuzz.ratio, score_cutoff=threshold, limit=max(limit * 4, 20))
        if not scored:
            return []
        found: list[FuzzyMatch] = []
        seen: set[str] = set()
        by_id = self._entries_by_id([ids[low + k] for _, _, k in scored])
        for (_, score, k) in sorted(scored, key=lambda item: (-item[1], -ids[low + item[2]])):
            entry = by_id[ids[low + k]]
            if entry.target not in seen:
                seen.add(entry.target)
                found.append(FuzzyMatch(entry, round(score, 1)))
        return found[:limit]

    def _fuzzy_index(self) -> tuple[list[int], list[str], list[int]]:
        """The keys sorted by length, with their lengths and entry ids (built once, see the module docstring)."""
        if self._index is None:
            rows = self._db.execute("SELECT length(key), key, id FROM entries ORDER BY length(key), id").fetchall()
            self._index = ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
        return self._index

    def _entries_by_id(self, ids: Sequence[int]) -> dict[int, MemoryEntry]:
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(f"SELECT id, source, target, origin, note FROM entries WHERE id IN ({marks})", list(ids))
        return {r[0]: MemoryEntry(*r[1:]) for r in rows}

    def entries(self) -> Iterator[MemoryEntry]:
        """Every entry, oldest first."""
        for row in self._db.execute("SELECT source, target, origin, note FROM entries ORDER BY id"):
            yield MemoryEntry(*row)

    def stats(self) -> dict[str, object]:
        """Counts for ``selaras tm stats``: entries, distinct sources, entries by origin."""
        entries = self._db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        sources = self._db.execute("SELECT COUNT(DISTINCT key) FROM entries").fetchone()[0]
        by_origin = dict(self._db.execute("SELECT origin, COUNT(*) FROM entries GROUP BY origin ORDER BY origin"))
        return {
            "path": str(self.path),
            "entries": entries,
            "sources": sources,
            "by_origin": by_origin,
            "bytes": self.path.stat().st_size if self.path.is_file() else 0,
        }

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]


__all__ = ["FUZZY_THRESHOLD", "FuzzyMatch", "MemoryEntry", "TranslationMemory"]
