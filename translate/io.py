"""Reading and writing files: the one owner of how Selaras opens them.

Inputs are decoded strictly as UTF-8 so a wrong encoding is reported, not turned into
mojibake. Outputs are written to a temporary file and renamed into place
(:func:`atomic_write`, :func:`atomic_write_many` for several files that appear
together), so an interrupted run never leaves half a file where a finished one was.
Before any work, :func:`check_outputs` refuses an output that is one of the command's
inputs (also through a symlink or a hard link), a folder, or a place that cannot be
written; :func:`exclusive_lock` keeps two runs off the same output. Every OS error
becomes one :class:`~selaras.errors.FileError` line naming the path and the cause.

Other places that open files, and why: the Hugging Face and CTranslate2 loaders
(``selaras.backends``) open model folders through those libraries; ``read_tmx`` in
``selaras.export`` hands bytes to lxml; the CTranslate2 cache hashes model files in
chunks (``selaras.backends.ct2_cache``); ``selaras.backends.runtime`` reads the
cgroup CPU quota; the corpus job's sentence cache (``selaras.corpus.memory``) is a
SQLite database, written through SQLite's own transactions (a commit survives
``kill -9``), and its to-do list a private SQLite temporary file.
``selaras.embed.cache`` reads its entries (and checks their digests)
and the sentence-transformers loader (``selaras.embed.encoder``) its JSON configs.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import shutil
import socket
import stat
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from selaras.errors import FileError, InputError, LockedError

STDIO = "-"


def decode_text(data: bytes, name: str) -> str:
    """Decode file bytes as UTF-8 (BOM allowed), refusing binary data.

    Raises:
        InputError: on NUL bytes (a binary file) or invalid UTF-8, naming the line.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # What Windows Notepad writes as "Unicode": its NUL bytes would read as "binary".
        raise InputError(
            f"{name} is UTF-16 (it starts with a UTF-16 byte-order mark); "
            f"convert it first, e.g. iconv -f utf-16 -t utf-8 {name} > fixed.txt"
        )
    if b"\x00" in data:
        raise InputError(f"{name} looks like a binary file (it contains NUL bytes); give a UTF-8 text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name} is not valid UTF-8 (line {line}, byte {exc.start}); "
            f"convert it first, e.g. iconv -f latin1 -t utf-8 {name} > fixed.txt"
        ) from None
    return text.removeprefix("\ufeff")


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a whole file's bytes (``-`` reads standard input): documents (DOCX, HTML, …)
    are decoded by their format, not here.

    Raises:
        InputError: no such file, a folder, or unreadable.
    """
    name = str(path)
    if name == STDIO:
        return sys.stdin.buffer.read()
    p = Path(path)
    if not p.exists():
        raise InputError(f"{name}: no such file")
    if p.is_dir():
        raise InputError(f"{name} is a folder; give a text file")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a whole UTF-8 text file (``-`` reads standard input).

    Line endings are normalised to ``\\n`` (CRLF files from Windows work).
    """
    name = str(path)
    data = read_bytes(path)
    text = decode_text(data, name)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_lines(path: str | os.PathLike[str]) -> list[str]:
    """Read a file as a list of lines, without line ends.

    A final newline does not make an extra empty line; inner empty lines are kept
    (they carry paragraph structure or line-parallel positions).
    """
    text = read_text(path)
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _plain_mode(target: Path) -> int:
    """The mode ``open()`` would give ``target`` (``mkstemp`` makes temps 0600)."""
    with contextlib.suppress(OSError):
        return target.stat().st_mode & 0o777
    return 0o666 & ~_umask()


def describe_os_error(exc: OSError) -> str:
    """The cause of an OS error in a few words (``No space left on device``)."""
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or str(exc)


@contextlib.contextmanager
def atomic_write_many(paths: Sequence[str | os.PathLike[str]], mode: str = "w") -> Iterator[list[IO]]:
    """Open several files that appear together, each only when all are complete.

    Writes go to temporary files beside each target, which are fsynced and renamed
    over the targets once the ``with`` block succeeds; on a failure before the renames
    (including Ctrl-C, a full disk) every temporary file is removed and no target is
    touched. The renames come last, one after the other: they are what cannot half
    happen for one file. A symlink keeps pointing where it did (the file it names is
    replaced); a target that is not a regular file (a pipe, ``/dev/stdout``,
    ``/dev/null``) is written directly, as ``-`` is, instead of being replaced by a file.
    An OS error becomes one :class:`FileError` naming the target.
    """
    entries: list[tuple[IO, str | None, Path]] = []  # (handle, temporary file or None, target)
    current: Path | None = None
    kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
    try:
        for path in paths:
            current = Path(os.path.realpath(path))
            if current.exists() and not stat.S_ISREG(current.stat().st_mode):
                entries.append((open(current, mode, **kwargs), None, current))  # noqa: SIM115
                continue
            current.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{current.name}.", suffix=".tmp", dir=current.parent)
            entries.append((os.fdopen(fd, mode, **kwargs), tmp, current))
            os.chmod(tmp, _plain_mode(current))
        current = None
        yield [handle for handle, _, _ in entries]
        for handle, tmp, target in entries:
            current = target
            handle.flush()
            if tmp is not None:
                os.fsync(handle.fileno())
            handle.close()
        for _, tmp, target in entries:
            current = target
            if tmp is not None:
                os.replace(tmp, target)
    except OSError as exc:
        _discard_temps(entries)
        where = str(current) if current is not None else ", ".join(str(t) for _, _, t in entries)
        raise FileError(f"cannot write {where}: {describe_os_error(exc)}") from None
    except BaseException:
        _discard_temps(entries)
        raise


def _discard_temps(entries: Sequence[tuple[IO, str | None, Path]]) -> None:
    for handle, tmp, _ in entries:
        with contextlib.suppress(OSError):
            handle.close()
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Open ``path`` for writing so that it appears only when complete (``-``: stdout).

    See :func:`atomic_write_many`; this is the one-file case.
    """
    if str(path) == STDIO:
        yield sys.stdout.buffer if "b" in mode else sys.stdout
        sys.stdout.flush()
        return
    with atomic_write_many([path], mode) as (handle,):
        yield handle


def remove_leftover_temps(paths: Iterable[str | os.PathLike[str]]) -> int:
    """Delete the temporary files a killed writer of ``paths`` left beside them.

    ``kill -9`` (or a power cut) during :func:`atomic_write_many` leaves its temporary
    files (``.NAME.<random>.tmp``): the target itself is untouched, but the temporary
    files would sit there forever. Call this only while holding the output's
    :func:`exclusive_lock`, so no live writer's file is taken. Returns how many went.
    """
    removed = 0
    for path in paths:
        target = Path(os.path.realpath(path))
        if not target.parent.is_dir():
            continue
        for temp in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
            with contextlib.suppress(OSError):
                temp.unlink()
                removed += 1
    return removed


def write_lines(path: str | os.PathLike[str], lines: Iterable[str]) -> None:
    """Write one line per item, atomically (``-`` for stdout)."""
    with atomic_write(path) as handle:
        for line in lines:
            handle.write(line + "\n")


def write_json(path: str | os.PathLike[str], payload: object) -> None:
    """Write ``payload`` as indented, key-sorted UTF-8 JSON, atomically (``-``: stdout)."""
    with atomic_write(path) as handle:
        handle.write(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def append_lines(path: str | os.PathLike[str], lines: Sequence[str]) -> None:
    """Append lines to a file and force them to disk before returning.

    For checkpoints: each finished batch must survive Ctrl-C, ``kill -9`` or a power
    cut, so the data is fsynced; a crash can at worst tear the last line, which
    :func:`read_jsonl_records` skips.
    """
    try:
        with open(path, "a", encoding="utf-8", newline="\n") as handle:
            handle.writelines(line + "\n" for line in lines)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise FileError(f"cannot write {path}: {describe_os_error(exc)}") from None


def read_jsonl_records(path: str | os.PathLike[str]) -> list[object]:
    """Read a JSONL file leniently: a missing file is empty, unparsable lines are skipped.

    Lenient on purpose: it reads checkpoints, whose last line a crash may have torn
    (or filled with NUL bytes); the lines before it are still good.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise InputError(f"cannot read {path}: {describe_os_error(exc)}") from None
    records: list[object] = []
    for raw in data.split(b"\n"):
        try:
            records.append(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, ValueError):
            continue
    return records


# --------------------------------------------------------------------------- before any work


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name one file (through symlinks and hard links); ``-`` is never a file."""
    if STDIO in (str(a), str(b)):
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): it cannot be the other
        return False


def check_outputs(
    outputs: Iterable[str | os.PathLike[str]],
    inputs: Iterable[str | os.PathLike[str]] = (),
    *,
    expected_bytes: int = 0,
) -> None:
    """Refuse, before any work, outputs that would destroy an input or cannot be written.

    For each output (``-``, stdout, is always fine): it must not be the same file as
    any input (``os.path.samefile``: also through a symlink or a hard link), must not
    be a folder, and its folder must exist or be creatable, be a folder, and be
    writable. Where ``expected_bytes`` is given, the file system must have that much
    free space (cheap to ask, and a full disk is better found before an hour's work).

    Raises:
        InputError: an output is one of the inputs.
        FileError: an output cannot be written there.
    """
    given = [Path(p) for p in inputs if str(p) != STDIO]
    for output in outputs:
        if str(output) == STDIO:
            continue
        target = Path(output)
        for source in given:
            if same_file(target, source):
                how = "" if os.path.abspath(target) == os.path.abspath(source) else " (through a link)"
                raise InputError(
                    f"{target} is also an input of this command ({source}){how}; "
                    "writing it would destroy the input: choose another output path"
                )
        check_writable(target, expected_bytes=expected_bytes)


def check_writable(target: Path, *, expected_bytes: int = 0, folder: bool = False) -> None:
    """Raise :class:`FileError` unless ``target`` (a file, or with ``folder`` a folder) can be written.

    Nothing is created: the nearest existing ancestor is checked instead of a folder
    that does not exist yet.
    """
    if target.is_dir() and not folder:
        raise FileError(f"{target} is a folder; give a file path for the output")
    if folder and target.exists() and not target.is_dir():
        raise FileError(f"{target} exists and is not a folder; give a folder for the output")
    parent = target if folder else target.parent
    existing = parent
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise FileError(f"cannot write {target}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        read_only = False
        with contextlib.suppress(OSError, AttributeError):
            read_only = bool(os.statvfs(existing).f_flag & os.ST_RDONLY)
        cause = "read-only file system" if read_only else "permission denied"
        raise FileError(f"cannot write {target}: {cause} in {existing}")
    if expected_bytes:
        with contextlib.suppress(OSError):
            free = shutil.disk_usage(existing).free
            if free < expected_bytes:
                raise FileError(
                    f"cannot write {target}: only {free // 1024} KiB free on its file system, "
                    f"about {max(1, expected_bytes // 1024)} KiB needed"
                )


# --------------------------------------------------------------------------- locks

LOCK_SUFFIX = ".selaras-lock"
#: Lock files this process holds now (see :func:`exclusive_lock`).
_HELD: set[str] = set()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def _read_lock(path: Path) -> dict:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return payload if isinstance(payload, dict) else {}


@contextlib.contextmanager
def exclusive_lock(target: str | os.PathLike[str], *, what: str = "") -> Iterator[Path]:
    """Hold ``TARGET.selaras-lock`` while a run writes ``target`` (an output or checkpoint).

    The lock file is created with ``O_CREAT | O_EXCL`` and holds the owner's pid, host,
    start time and a random token. A lock whose pid no longer runs on this host is
    stale (the owner was killed) and is taken over; so is one with this process's own
    pid that this process does not hold (pids repeat after a container restart). A
    lock another call of this process holds is refused too (two threads of a notebook).
    Two runs on one output would otherwise mix their results in one checkpoint.

    Raises:
        LockedError: another live process holds the lock (the message names its pid).
    """
    # The real path: another spelling of the same output (a symlink, ``./out``) must
    # meet the same lock.
    path = Path(os.path.realpath(target) + LOCK_SUFFIX)
    path.parent.mkdir(parents=True, exist_ok=True)
    host = socket.gethostname()
    if str(path) in _HELD:
        raise LockedError(f"{what or target} is being written by another call in this process; wait for it to finish")
    token = uuid.uuid4().hex
    record = {
        "pid": os.getpid(),
        "host": host,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "token": token,
        "argv": sys.argv[:8],
    }
    for _attempt in range(3):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _read_lock(path)
            pid = holder.get("pid")
            alive = isinstance(pid, int) and (holder.get("host") not in (None, host) or _pid_alive(pid))
            if alive and pid != os.getpid():
                raise LockedError(
                    f"{what or target} is in use by another selaras run (pid {pid} on {holder.get('host')}, "
                    f"started {holder.get('started', '?')}); wait for it to finish or stop it "
                    f"(if no run is active, delete {path})"
                ) from None
            with contextlib.suppress(FileNotFoundError):  # stale: its owner is gone
                if _read_lock(path) == holder:
                    path.unlink()
            continue
        except OSError as exc:
            # Name the place the user gave, not our lock file beside it ("/proc/x", not
            # "/proc/x.selaras-lock"): the folder is what refuses new files.
            raise FileError(
                f"cannot write {what or target}: its folder {path.parent} does not take new files "
                f"({describe_os_error(exc)}); choose another place"
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
        break
    else:
        raise LockedError(f"{what or target} is locked by {path}, which could not be taken over; remove it if no run is active")
    _HELD.add(str(path))
    try:
        yield path
    finally:
        _HELD.discard(str(path))
        with contextlib.suppress(OSError):
            if _read_lock(path).get("token") == token:
                path.unlink()

def tsv_body(lines: Sequence[str], header: Sequence[str], name: str) -> Iterator[tuple[str, list[str]]]:
    """``(where, cells)`` for each non-blank line after a TSV's header row, where
    ``where`` is ``"NAME line N"`` for error messages; a line whose column count differs
    from the header's is one :class:`InputError` naming it (aligned TSVs and corpus
    manifests read their rows through here)."""
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        where = f"{name} line {number}"
        if len(cells) != len(header):
            raise InputError(f"{where}: {len(cells)} columns, the header has {len(header)}")
        yield where, cells


def jsonl_body(lines: Sequence[str], name: str) -> Iterator[tuple[str, object]]:
    """``(where, value)`` for each non-blank line of a JSON Lines file, ``where`` as in
    :func:`tsv_body`; a line that is not JSON is one :class:`InputError` naming it
    (JSONL exports and corpus manifests read their lines through here)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg}); expected one object per line") from None
        yield where, value
