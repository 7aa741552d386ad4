"""A corpus manifest: which documents a corpus job translates, and their references.

Three shapes, all checked up front (before any model loads), naming the offending line:

* **TSV** (``.tsv``): a header row with ``id`` and ``source`` and any number of columns
  whose name starts with ``reference`` (``reference``, ``reference2``, …); one document
  per row; an empty reference cell means none.
* **JSONL** (``.jsonl``): one object per line, ``{"id": …, "source": …, "reference": …}``
  where ``reference`` is a path, a list of paths, or missing (also ``references``).
* **A folder**: every ``NAME.id.<ext>`` is a source; ``NAME.en.<ext>`` beside it (same
  extension), when present, is its reference; the id is ``NAME``.

Paths are relative to the manifest's folder (or the folder itself). Ids must be unique
(also ignoring case) and safe as folder names (``DIR/docs/<id>/``): letters, digits, ``.``, ``_`` and
``-``, starting with a letter or digit, at most :data:`MAX_ID_LENGTH` characters.
Whether the files can be read is *not* checked here: an unreadable document fails on
its own later and the rest go on.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from selaras.errors import InputError
from selaras.io import jsonl_body, tsv_body

logger = logging.getLogger(__name__)

#: The keys a JSONL manifest's objects may have (anything else is warned about and ignored).
JSONL_KEYS = ("id", "source", "reference", "references")
#: Longest document id: far below any file system's 255-byte name limit, room for suffixes.
MAX_ID_LENGTH = 128
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
#: ``NAME.id.<ext>`` in a manifest folder.
_FOLDER_SOURCE = re.compile(r"(?P<name>.+)\.id\.(?P<ext>[^.]+)")


@dataclass(frozen=True, slots=True)
class Document:
    """One document of a corpus: its id, its Indonesian source, its English references."""

    id: str
    source: Path
    references: tuple[Path, ...] = ()


def check_id(doc_id: object, where: str) -> str:
    """``doc_id`` if it is usable as a folder name, else one :class:`InputError` line.

    A whole number (a JSONL ``"id": 7``) is its decimal text: ids are often counters.
    """
    if isinstance(doc_id, int) and not isinstance(doc_id, bool) and doc_id >= 0:
        doc_id = str(doc_id)
    if doc_id is not None and not isinstance(doc_id, str):
        raise InputError(f"{where}: the id must be text or a whole number, got {doc_id!r}")
    if not doc_id:
        raise InputError(f"{where}: the id is missing or empty; give every document an id")
    if len(doc_id) > MAX_ID_LENGTH or not _SAFE_ID.fullmatch(doc_id):
        raise InputError(
            f"{where}: id {doc_id!r} cannot be a folder name; use letters, digits, '.', '_' and '-' "
            f"(starting with a letter or digit, at most {MAX_ID_LENGTH} characters)"
        )
    return doc_id


def _path(base: Path, value: object, where: str, what: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: {what} must be a file path, got {value!r}")
    path = Path(value.strip())
    return path if path.is_absolute() else base / path


def _read_tsv(path: Path, lines: list[str]) -> list[tuple[str, dict]]:
    name = str(path)
    if not lines or not lines[0].strip():
        raise InputError(f"{name} is empty; expected a header row with id, source and reference columns")
    header = lines[0].split("\t")
    missing = [c for c in ("id", "source") if c not in header]
    if missing:
        raise InputError(f"{name} line 1: missing column(s) {', '.join(missing)}; expected id, source, reference")
    ref_columns = [k for k, column in enumerate(header) if column.startswith("reference")]
    _warn_unknown([c for c in header if c not in ("id", "source") and not c.startswith("reference")], name, "column")
    entries: list[tuple[str, dict]] = []
    for where, cells in tsv_body(lines, header, name):
        row = dict(zip(header, cells))
        refs = [cells[k] for k in ref_columns if cells[k].strip()]
        entries.append((where, {"id": row["id"].strip(), "source": row["source"], "references": refs}))
    return entries


def _warn_unknown(names: list[str], where: str, what: str) -> None:
    """Warn about manifest columns or keys Selaras does not read (a ``ref`` column was
    silently ignored and its documents ran without a reference)."""
    if names:
        logger.warning(
            "%s: %s %s ignored (Selaras reads id, source and reference columns/keys; a reference column's name "
            "starts with 'reference')", where, what + ("s" if len(names) > 1 else ""), ", ".join(repr(n) for n in names),
        )


def _read_jsonl(path: Path, lines: list[str]) -> list[tuple[str, dict]]:
    entries: list[tuple[str, dict]] = []
    for where, obj in jsonl_body(lines, str(path)):
        if not isinstance(obj, dict):
            raise InputError(f"{where}: expected a JSON object with id, source and reference")
        _warn_unknown([k for k in obj if k not in JSONL_KEYS], where, "key")
        refs = obj.get("references", obj.get("reference", []))
        if isinstance(refs, str):
            refs = [refs]
        if not isinstance(refs, list):
            raise InputError(f"{where}: reference must be a path or a list of paths, got {refs!r}")
        entries.append((where, {"id": obj.get("id"), "source": obj.get("source"), "references": refs}))
    return entries


def _read_folder(folder: Path) -> list[tuple[str, dict]]:
    entries: list[tuple[str, dict]] = []
    for entry in sorted(folder.iterdir()):
        match = _FOLDER_SOURCE.fullmatch(entry.name)
        if not match or not entry.is_file():
            continue
        reference = folder / f"{match['name']}.en.{match['ext']}"
        refs = [reference.name] if reference.is_file() else []
        entries.append((str(entry), {"id": match["name"], "source": entry.name, "references": refs}))
    if not entries:
        raise InputError(
            f"{folder} holds no NAME.id.<ext> source files; name sources NAME.id.txt and their references NAME.en.txt"
        )
    return entries


def read_manifest(path: str | Path) -> list[Document]:
    """The documents a manifest lists, in its order (see the module docstring for the shapes).

    Raises:
        InputError: an unreadable manifest, a missing column or key, an unsafe or
            repeated id, or no document at all; naming the line.
    """
    from selaras.io import read_lines

    manifest = Path(path)
    if manifest.is_dir():
        base, entries = manifest, _read_folder(manifest)
    else:
        lines = read_lines(manifest)
        base = manifest.parent
        if manifest.suffix.lower() == ".jsonl":
            entries = _read_jsonl(manifest, lines)
        elif manifest.suffix.lower() == ".tsv":
            entries = _read_tsv(manifest, lines)
        else:
            raise InputError(f"{manifest}: a manifest is a .tsv or .jsonl file, or a folder of NAME.id.txt files")
    documents: list[Document] = []
    seen: dict[str, str] = {}
    for where, entry in entries:
        doc_id = check_id(entry["id"], where)
        folded = doc_id.casefold()  # "Doc" and "doc" are one folder on macOS and Windows
        if folded in seen:
            raise InputError(f"{where}: id {doc_id!r} is already used ({seen[folded]}); ids must be unique")
        seen[folded] = where
        source = _path(base, entry["source"], where, "source")
        refs = tuple(_path(base, ref, where, "reference") for ref in entry["references"])
        documents.append(Document(doc_id, source, refs))
    if not documents:
        raise InputError(f"{manifest} lists no document; give one row per document (id, source, reference)")
    return documents


__all__ = ["MAX_ID_LENGTH", "Document", "check_id", "read_manifest"]
