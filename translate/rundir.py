"""Where Selaras keeps things: a run folder's file names, its manifest and ``metrics.json``
(writer *and* reader), checkpoint locations, and the cache root.

A run folder (``selaras run -o DIR``) holds one run and says so: ``metrics.json``
lists every file the run wrote (``files``: name -> SHA-256), so a rerun replaces the
whole set — files of an earlier run that this one does not write (``mt.txt`` after a
``--no-mt`` rerun, ``aligned.ref2.tsv`` after a rerun with one reference) are removed,
never left to contradict it — and so ``selaras review --metrics`` can tell whether a
TSV is the one those scores were computed on (:func:`scored_digest`).

* ``source.txt`` — the source sentences, line *n* = sentence *n* (the ``src_ids``);
* ``mt.txt`` — the machine translation, line-parallel with ``source.txt``;
* ``reference.txt`` (``reference2.txt``, …) — each reference's sentences;
* ``aligned.tsv`` (``aligned.ref2.tsv``, …) — one aligned TSV per reference;
* ``metrics.json`` — scores, the engine that made the MT, warnings, the manifest;
* ``mt.selaras-partial`` — the translation checkpoint while a run is unfinished (it
  stays through runs that do not translate, so no finished translation is lost).

While a run writes the folder, ``DIR.selaras-lock`` beside it keeps a second run out
(``selaras.io.exclusive_lock``; beside, so that a run that fails before writing
anything leaves no folder behind).

The cache root (:func:`cache_root`) holds converted CTranslate2 models (``ct2/``)
and the checkpoints of runs that write to stdout (``checkpoints/``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from selaras.errors import InputError

SOURCE_NAME = "source.txt"
MT_NAME = "mt.txt"
METRICS_NAME = "metrics.json"
#: Suffix of a translation checkpoint (gitignored pattern ``*.selaras-partial``).
PARTIAL_SUFFIX = ".selaras-partial"
CHECKPOINT_NAME = "mt" + PARTIAL_SUFFIX
#: Bump when the layout of ``metrics.json`` changes incompatibly.
METRICS_FORMAT = 2

#: File names a run may write, so a rerun can recognise an earlier run's leftovers even
#: in a folder written before manifests existed.
_RUN_FILE = re.compile(r"(source|mt|reference\d*)\.txt|aligned(\.ref\d+)?\.tsv")
#: A temporary file ``selaras.io.atomic_write_many`` makes for ``NAME`` (``.NAME.<random>.tmp``).
_TEMP_FILE = re.compile(r"\.(?P<name>.+)\.[^.]+\.tmp")


def reference_name(k: int) -> str:
    """``reference.txt`` for the first reference (k = 0), ``reference2.txt`` for the second, …"""
    return "reference.txt" if k == 0 else f"reference{k + 1}.txt"


def aligned_name(k: int) -> str:
    """``aligned.tsv`` for the first reference (k = 0), ``aligned.ref2.tsv`` for the second, …"""
    return "aligned.tsv" if k == 0 else f"aligned.ref{k + 1}.tsv"


def run_file_names(n_references: int, *, with_mt: bool) -> list[str]:
    """Every file a run with ``n_references`` references writes, ``metrics.json`` last."""
    names = [SOURCE_NAME]
    if with_mt:
        names.append(MT_NAME)
    for k in range(n_references):
        names += [reference_name(k), aligned_name(k)]
    return [*names, METRICS_NAME]


# --------------------------------------------------------------------------- caches


def cache_root() -> Path:
    """Selaras' cache folder.

    ``$SELARAS_CACHE`` if set; otherwise beside the Hugging Face cache, so both are
    found (and cleaned) together: ``$HF_HOME/../selaras`` when ``HF_HOME`` is set, else
    ``$XDG_CACHE_HOME/selaras`` (default ``~/.cache/selaras``, next to
    ``~/.cache/huggingface``).
    """
    explicit = os.environ.get("SELARAS_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser().resolve().parent / "selaras"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "selaras"


def checkpoint_path(output: str | os.PathLike[str] | None, text: str, *, lines: bool) -> Path:
    """Where a translation of ``text`` keeps its checkpoint.

    Beside the output (``OUT.selaras-partial``) when there is one; for stdout, under the
    cache root (``checkpoints/<hash>.jsonl``), named by a hash of the input and mode so
    rerunning the same command finds it.
    """
    if output is not None and str(output) != "-":
        target = Path(output)
        return target.with_name(target.name + PARTIAL_SUFFIX)
    digest = hashlib.sha256((("lines" if lines else "doc") + "\0" + text).encode("utf-8")).hexdigest()[:24]
    return cache_root() / "checkpoints" / f"{digest}.jsonl"


# --------------------------------------------------------------------------- manifest


def scored_digest(rows: Iterable[Any]) -> str:
    """SHA-256 of what corpus scores are computed on: the (MT, reference) pair of every row
    that has both (objects with ``.mt`` and ``.reference``).

    Flags, notes and alignment scores may change (``selaras check --in-place``) without
    changing the scores; a changed MT or reference, or another TSV, changes the digest.
    """
    from selaras.rows import is_scored

    digest = hashlib.sha256()
    for row in rows:
        if is_scored(row):
            digest.update(row.mt.encode("utf-8") + b"\x1f" + row.reference.encode("utf-8") + b"\x1e")
    return digest.hexdigest()


def stale_files(out_dir: Path, keep: Sequence[str]) -> list[Path]:
    """Files of an earlier run in ``out_dir`` that a run writing ``keep`` must remove.

    Those the previous ``metrics.json`` lists, and any file with a run file's name
    (:data:`_RUN_FILE`); other files (the user's own) are never touched.
    """
    previous: set[str] = set()
    try:
        payload = json.loads((out_dir / METRICS_NAME).read_text(encoding="utf-8"))
        listed = payload.get("files") if isinstance(payload, dict) else None
        if isinstance(listed, dict):
            previous = {name for name in listed if isinstance(name, str) and "/" not in name and name != ".."}
    except (OSError, ValueError):
        pass
    found: list[Path] = []
    if out_dir.is_dir():
        for entry in sorted(out_dir.iterdir()):
            if entry.name in keep or not entry.is_file():
                continue
            if entry.name in previous or _RUN_FILE.fullmatch(entry.name):
                found.append(entry)
    return found


def write_run_folder(out_dir: Path, files: Mapping[str, str], metrics: dict[str, Any]) -> dict[str, Any]:
    """Write a run's files and its ``metrics.json`` (with the manifest) as one set.

    Every file is written atomically and all are renamed into place together
    (``selaras.io.atomic_write_many``); then the earlier run's leftovers
    (:func:`stale_files`) are removed.

    Returns:
        ``metrics`` as written: with ``files`` (the manifest: file name -> SHA-256 of
        its bytes) and ``format`` (:data:`METRICS_FORMAT`).
    """
    from selaras.io import atomic_write_many

    manifest = {name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in files.items()}
    payload = {**metrics, "files": manifest, "format": METRICS_FORMAT}
    contents = {**files, METRICS_NAME: json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"}
    leftovers = stale_files(out_dir, list(contents))
    names = list(contents)
    with atomic_write_many([out_dir / name for name in names]) as handles:
        for name, handle in zip(names, handles):
            handle.write(contents[name])
    for path in leftovers:
        path.unlink(missing_ok=True)
    return payload


def remove_run_temps(out_dir: Path, names: Sequence[str]) -> int:
    """Delete the temporary files a killed run left in ``out_dir``; how many went.

    ``kill -9`` while :func:`write_run_folder` writes leaves ``.NAME.<random>.tmp``
    files beside the run's files. Those of ``names`` (the files this run writes) and of
    any run file name (an earlier run may have had more references) are removed; other
    files are the user's and stay. Call only while holding the run folder's
    ``selaras.io.exclusive_lock``, so no live writer's file is taken.
    """
    from selaras.io import remove_leftover_temps

    targets = set(names)
    if out_dir.is_dir():
        for entry in out_dir.glob(".*.tmp"):
            found = _TEMP_FILE.fullmatch(entry.name)
            if found and (_RUN_FILE.fullmatch(found["name"]) or found["name"] == METRICS_NAME):
                targets.add(found["name"])
    return remove_leftover_temps(out_dir / name for name in sorted(targets))


# --------------------------------------------------------------------------- metrics.json


def read_metrics(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a ``metrics.json`` written by ``selaras run``.

    Raises:
        InputError: unreadable, not JSON, or not an object.
    """
    from selaras.io import read_text

    try:
        payload = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path} is not valid JSON (line {exc.lineno}); give the metrics.json written by selaras run"
        ) from None
    if not isinstance(payload, dict):
        raise InputError(f"{path} is not a metrics file (expected a JSON object); give the metrics.json of a run")
    return payload


def run_warnings(aligned: str | os.PathLike[str], metrics: str | os.PathLike[str] | None = None) -> list[str]:
    """The warnings a run recorded about an aligned TSV of its folder ("the MT does not
    match …: its scores mean little"), so every view of that TSV's scores shows them.

    From ``metrics`` when given, else from the ``metrics.json`` beside the TSV when it
    lists the TSV as one of its references' aligned files (an unreadable one gives
    none). Warnings that name another reference of the run are left out.

    Raises:
        InputError: ``metrics`` is given and unreadable (:func:`read_metrics`).
    """
    tsv = Path(aligned)
    if metrics is not None:
        payload = read_metrics(metrics)
    else:
        beside = tsv.parent / METRICS_NAME
        if str(aligned) == "-" or not beside.is_file():
            return []
        try:
            payload = read_metrics(beside)
        except InputError:
            return []
    refs = payload.get("references")
    refs = [r for r in refs if isinstance(r, Mapping)] if isinstance(refs, list) else []
    if metrics is None and not any(r.get("aligned") == tsv.name for r in refs):
        return []
    others = [str(r.get("reference")) for r in refs if r.get("aligned") != tsv.name and r.get("reference")]
    found = payload.get("warnings")
    warnings = [w for w in found if isinstance(w, str)] if isinstance(found, list) else []
    return [w for w in warnings if not any(other in w for other in others)]


def _check_scores(payload: Any, name: str) -> dict[str, Any]:
    hint = "give the metrics.json written by selaras run"
    if not isinstance(payload, Mapping):
        raise InputError(f"{name}: the scores are not a JSON object; {hint}")
    for key in ("bleu", "chrf"):
        value = payload.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"{name} has no numeric {key!r}; {hint}")
    for key in ("signatures", "ci95"):
        if key in payload and not isinstance(payload[key], Mapping):
            raise InputError(f"{name}: {key!r} must be an object; {hint}")
    return dict(payload)


def metrics_for_rows(payload: Mapping[str, Any], name: str, rows: Sequence[Any], tsv_name: str) -> dict[str, Any] | None:
    """The scores in a run's ``metrics.json`` that were computed on exactly these rows.

    Each aligned TSV of a run is listed under ``references`` with the
    :func:`scored_digest` of its rows. The entry whose digest matches ``rows`` is the
    one; a file name alone proves nothing (another run's ``aligned.tsv`` has the same
    name), so a TSV that no entry describes is an error, not a silent mismatch.

    Returns:
        The scores, or ``None`` where the matching run has none (it made no MT).

    Raises:
        InputError: no entry matches (the message says which TSVs the file describes),
            or the file predates content digests, or the scores are malformed.
    """
    references = payload.get("references")
    if not isinstance(references, list) or not references:
        raise InputError(
            f"{name} does not say which aligned TSV it scores (no 'references'); "
            "use the metrics.json written by selaras run for this TSV, or score the TSV itself"
        )
    entries = [e for e in references if isinstance(e, Mapping)]
    if not any(isinstance(e.get("scored_sha256"), str) for e in entries):
        raise InputError(
            f"{name} was written by an older selaras without content digests; rerun selaras run "
            "to get a metrics.json that can be checked against this TSV, or score the TSV itself"
        )
    digest = scored_digest(rows)
    for entry in entries:
        if entry.get("scored_sha256") == digest:
            scores = entry.get("metrics")
            return None if scores is None else _check_scores(scores, f"{name} ({entry.get('aligned', '?')})")
    held = ", ".join(str(e.get("aligned", "?")) for e in entries) or "none"
    raise InputError(
        f"{name} does not describe {tsv_name}: its scores are for other content ({held} of that run); "
        "give the metrics.json of the run that wrote this TSV, or score the TSV itself"
    )


__all__ = [
    "CHECKPOINT_NAME",
    "METRICS_NAME",
    "MT_NAME",
    "PARTIAL_SUFFIX",
    "SOURCE_NAME",
    "aligned_name",
    "cache_root",
    "checkpoint_path",
    "metrics_for_rows",
    "read_metrics",
    "reference_name",
    "remove_run_temps",
    "run_file_names",
    "scored_digest",
    "stale_files",
    "write_run_folder",
]
