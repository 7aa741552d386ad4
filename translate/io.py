"""Reading and writing files: the only place (with ``export``) that opens them.

Inputs are decoded strictly as UTF-8 so a wrong encoding is reported, not turned into
mojibake; outputs are written to a temporary file and renamed into place, so an
interrupted run never leaves half a file where a finished one was.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from translate.errors import InputError

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


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a whole UTF-8 text file (``-`` reads standard input).

    Line endings are normalised to ``\\n`` (CRLF files from Windows work).
    """
    name = str(path)
    if name == STDIO:
        data = sys.stdin.buffer.read()
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{name}: no such file")
        if p.is_dir():
            raise InputError(f"{name} is a folder; give a text file")
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {name}: {exc.strerror}") from None
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


def _existing_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Open ``path`` for writing so that it appears only when complete.

    Writes go to a temporary file in the same folder, which is fsynced and renamed over
    ``path`` on success and removed on failure (including Ctrl-C). ``-`` writes stdout.
    """
    if str(path) == STDIO:
        if "b" in mode:
            yield sys.stdout.buffer
        else:
            yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.chmod(tmp, _existing_mode(target) if target.exists() else 0o666 & ~_umask())
        kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_lines(path: str | os.PathLike[str], lines: Sequence[str]) -> None:
    """Write one line per item, atomically (``-`` for stdout)."""
    with atomic_write(path) as handle:
        for line in lines:
            handle.write(line + "\n")


def append_lines(path: str | os.PathLike[str], lines: Sequence[str]) -> None:
    """Append lines to a file and force them to disk before returning.

    For checkpoints: each finished batch must survive Ctrl-C, ``kill -9`` or a power
    cut, so the data is fsynced; a crash can at worst tear the last line, which
    :func:`read_jsonl_records` skips.
    """
    with open(path, "a", encoding="utf-8", newline="\n") as handle:
        handle.writelines(line + "\n" for line in lines)
        handle.flush()
        os.fsync(handle.fileno())


def read_jsonl_records(path: str | os.PathLike[str]) -> list[object]:
    """Read a JSONL file leniently: a missing file is empty, unparsable lines are skipped.

    Lenient on purpose: it reads checkpoints, whose last line a crash may have torn
    (or filled with NUL bytes); the lines before it are still good.
    """
    import json

    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    records: list[object] = []
    for raw in data.split(b"\n"):
        try:
            records.append(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, ValueError):
            continue
    return records
