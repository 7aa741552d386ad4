"""Embeddings cached per text, so re-aligning or re-reviewing a document is free.

An entry is keyed by a SHA-256 of the embedder's ``name`` and the texts, and lives under
``rundir.cache_root()/embed/<model>/<key[:2]>/<key>.emb``. It is written atomically
(``selaras.io.atomic_write``) as a magic line, a JSON header (rows, dim, the SHA-256 of
the vector bytes) and the float32 rows. On read, an entry whose magic, header, size or
digest is wrong (a truncated write from another tool, disk damage, an edit) is treated as
absent: the vectors are recomputed and the entry rewritten. A cache that cannot be
written (read-only, full) only costs the recomputation next time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from selaras.embed.base import Embedder, Progress
from selaras.errors import FileError

MAGIC = b"selaras-embeddings 1\n"


def cache_key(name: str, texts: Sequence[str]) -> str:
    """SHA-256 over the model name and the texts (NUL-separated, so no two lists collide)."""
    digest = hashlib.sha256(name.encode("utf-8"))
    digest.update(b"\0%d\0" % len(texts))
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def read_entry(path: Path, rows: int) -> np.ndarray | None:
    """The vectors stored at ``path``, or ``None`` when absent or corrupt."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(MAGIC):
        return None
    head_end = data.find(b"\n", len(MAGIC))
    try:
        header = json.loads(data[len(MAGIC) : head_end])
        n, dim, digest = int(header["rows"]), int(header["dim"]), str(header["sha256"])
    except (ValueError, KeyError, TypeError):
        return None
    body = data[head_end + 1 :]
    if head_end < 0 or n != rows or len(body) != n * dim * 4 or hashlib.sha256(body).hexdigest() != digest:
        return None
    return np.frombuffer(body, dtype="<f4").reshape(n, dim).copy()


def write_entry(path: Path, vectors: np.ndarray) -> None:
    """Store ``vectors`` at ``path`` atomically (see the module docstring)."""
    from selaras.io import atomic_write

    body = np.ascontiguousarray(vectors, dtype="<f4").tobytes()
    header = {"rows": int(vectors.shape[0]), "dim": int(vectors.shape[1]), "sha256": hashlib.sha256(body).hexdigest()}
    with atomic_write(path, "wb") as handle:
        handle.write(MAGIC + json.dumps(header, sort_keys=True).encode("ascii") + b"\n" + body)


class CachedEmbedder:
    """An ``Embedder`` that keeps every result on disk (see the module docstring).

    Args:
        inner: the embedder that computes missing vectors.
        root: the cache folder (default ``rundir.cache_root() / "embed"``).
    """

    def __init__(self, inner: Embedder, root: str | Path | None = None) -> None:
        from selaras.rundir import cache_root

        self.inner = inner
        self.name = inner.name
        model = hashlib.sha256(inner.name.encode("utf-8")).hexdigest()[:16]
        self.root = (Path(root) if root is not None else cache_root() / "embed") / model
        #: how many calls were answered from disk, how many recomputed a corrupt entry
        self.hits = 0
        self.repaired = 0

    def path_for(self, texts: Sequence[str]) -> Path:
        key = cache_key(self.name, texts)
        return self.root / key[:2] / f"{key}.emb"

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        """The cached vectors of ``texts``, computing (and storing) them when absent or corrupt."""
        path = self.path_for(texts)
        found = read_entry(path, len(texts))
        if found is not None:
            self.hits += 1
            if progress is not None:
                progress(len(texts), len(texts))
            return found
        if path.exists():
            self.repaired += 1
        vectors = self.inner.embed(texts, progress=progress)
        if len(texts):
            try:
                write_entry(path, vectors)
            except FileError:
                pass  # a cache that cannot be written only costs the recomputation next time
        return vectors
