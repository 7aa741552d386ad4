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
from translate.records import AlignedRow

STDIO = "-"

#: Columns of the aligned TSV, in order (issue #3 fixes the first nine; #4 adds flags).
ALIGNED_COLUMNS: tuple[str, ...] = (
    "bead",
    "src_ids",
    "ref_ids",
    "source",
    "mt",
    "reference",
    "align_score",
    "chrf",
    "bleu",
    "flags",
)
#: Columns a TSV must have to be read back; ``flags`` may be absent (pre-check output).
REQUIRED_COLUMNS: tuple[str, ...] = ALIGNED_COLUMNS[:9]


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
    :func:`read_jsonl` skips.
    """
    with open(path, "a", encoding="utf-8", newline="\n") as handle:
        handle.writelines(line + "\n" for line in lines)
        handle.flush()
        os.fsync(handle.fileno())


def read_jsonl(path: str | os.PathLike[str]) -> list[object]:
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


def clean_cell(text: str) -> str:
    """Make text safe for one TSV cell: tabs and line breaks become spaces."""
    return " ".join(text.replace("\t", " ").splitlines()) if text else ""


def _format_float(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _format_ids(ids: Sequence[int]) -> str:
    return ",".join(str(i) for i in ids)


def format_aligned_row(row: AlignedRow) -> list[str]:
    """The TSV cells of one row, in ``ALIGNED_COLUMNS`` order."""
    return [
        row.bead,
        _format_ids(row.src_ids),
        _format_ids(row.ref_ids),
        clean_cell(row.source),
        clean_cell(row.mt),
        clean_cell(row.reference),
        _format_float(row.align_score, 4),
        _format_float(row.chrf, 2),
        _format_float(row.bleu, 2),
        ",".join(row.flags),
    ]


def write_aligned_tsv(path: str | os.PathLike[str], rows: Sequence[AlignedRow]) -> None:
    """Write the aligned TSV (header first, no quoting), atomically."""
    with atomic_write(path) as handle:
        handle.write("\t".join(ALIGNED_COLUMNS) + "\n")
        for row in rows:
            handle.write("\t".join(format_aligned_row(row)) + "\n")


def _parse_ids(cell: str, where: str, column: str) -> tuple[int, ...]:
    if not cell.strip():
        return ()
    try:
        ids = tuple(int(part) for part in cell.split(","))
    except ValueError:
        raise InputError(f"{where}: column {column} must be comma-separated sentence numbers, got {cell!r}") from None
    if any(i < 1 for i in ids):
        raise InputError(f"{where}: column {column} holds a number below 1 ({cell!r}); sentence numbers are 1-based")
    return ids


def _parse_float(cell: str, where: str, column: str) -> float | None:
    if not cell.strip():
        return None
    try:
        return float(cell)
    except ValueError:
        raise InputError(f"{where}: column {column} must be a number or empty, got {cell!r}") from None


def read_aligned_tsv(path: str | os.PathLike[str]) -> list[AlignedRow]:
    """Read an aligned TSV written by ``selaras align``/``run``/``check``.

    Extra columns are ignored; ``flags`` may be missing. The bead column is checked
    against the id columns so a hand-edited file cannot silently disagree with itself.

    Raises:
        InputError: naming the file and line of the first problem.
    """
    name = str(path)
    lines = read_lines(path)
    if not lines:
        raise InputError(f"{name} is empty; expected an aligned TSV with a header row")
    header = lines[0].split("\t")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"{name} line 1: missing column(s) {', '.join(missing)}; "
            f"expected a header with {', '.join(REQUIRED_COLUMNS)} (as written by selaras align)"
        )
    index = {column: header.index(column) for column in ALIGNED_COLUMNS if column in header}
    rows: list[AlignedRow] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        where = f"{name} line {number}"
        if len(cells) != len(header):
            raise InputError(f"{where}: {len(cells)} columns, header has {len(header)}")
        get = lambda column: cells[index[column]] if column in index else ""  # noqa: E731
        row = AlignedRow(
            src_ids=_parse_ids(get("src_ids"), where, "src_ids"),
            ref_ids=_parse_ids(get("ref_ids"), where, "ref_ids"),
            source=get("source"),
            mt=get("mt"),
            reference=get("reference"),
            align_score=_parse_float(get("align_score"), where, "align_score"),
            chrf=_parse_float(get("chrf"), where, "chrf"),
            bleu=_parse_float(get("bleu"), where, "bleu"),
            flags=tuple(f for f in get("flags").split(",") if f),
        )
        if get("bead") and get("bead") != row.bead:
            raise InputError(f"{where}: bead {get('bead')!r} does not match the ids ({row.bead})")
        rows.append(row)
    return rows
