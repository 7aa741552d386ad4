"""Moses plain text: two line-parallel files, what MT training scripts take; and its reader.

``PATH.id`` holds the Indonesian side and ``PATH.en`` the English, line ``n`` of one
translating line ``n`` of the other (like OPUS's ``corpus.id``/``corpus.en``). Both
are written or neither (``selaras.io.atomic_write_many``). Every line break inside a
segment becomes a space, since in a line-parallel file each would shift every
following line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import IO

from selaras.errors import InputError
from selaras.export.base import SOURCE_LANG, TARGET_LANG, Exporter, ExportStream, PairSide, target_text
from selaras.io import STDIO, atomic_write_many, read_lines
from selaras.rows import AlignedRow

#: Suffixes of the two Moses files, like OPUS's ``corpus.id``/``corpus.en``.
MOSES_SUFFIXES: tuple[str, str] = (f".{SOURCE_LANG}", f".{TARGET_LANG}")

# Line breaks other than \n that str.splitlines() and many tools also split on; in a
# line-parallel file each would shift every following line.
_LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` on one line: every line break becomes a space (tabs are kept)."""
    return _LINE_BREAKS.sub(" ", text)


def write_moses(path: str | os.PathLike[str], rows: Sequence[AlignedRow], *, pair: PairSide = "reference") -> None:
    """Write ``PATH.id`` and ``PATH.en``, one segment per line, both or neither.

    Raises:
        InputError: for ``-`` (two files cannot both go to stdout).
    """
    if str(path) == STDIO:
        raise InputError("the moses format writes two files (PATH.id, PATH.en); give a path, not - (stdout)")
    with atomic_write_many(MOSES.paths(path)) as (src, tgt):
        for row in rows:
            src.write(one_line(row.source) + "\n")
            tgt.write(one_line(target_text(row, pair)) + "\n")


def read_moses(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """The (Indonesian, English) pairs of ``PATH.id`` + ``PATH.en``.

    Raises:
        InputError: when the two files differ in line count (never silently stop at
            the shorter one, as OpusFilter's readers do).
    """
    src_path, tgt_path = MOSES.paths(path)
    src, tgt = read_lines(src_path), read_lines(tgt_path)
    if len(src) != len(tgt):
        raise InputError(
            f"{src_path} has {len(src)} lines but {tgt_path} has {len(tgt)}; Moses files must be line-parallel"
        )
    return list(zip(src, tgt, strict=True))


class _MosesStream(ExportStream):
    """A corpus job's ``corpus.id`` + ``corpus.en``, a document's lines at a time."""

    def __init__(self, src: IO[bytes], tgt: IO[bytes], pair: PairSide) -> None:
        self.src, self.tgt, self.pair = src, tgt, pair

    def add(self, doc_id: str, rows: Sequence[AlignedRow]) -> None:
        self.src.write("".join(one_line(r.source) + "\n" for r in rows).encode("utf-8"))
        self.tgt.write("".join(one_line(target_text(r, self.pair)) + "\n" for r in rows).encode("utf-8"))


class MosesExporter(Exporter):
    name = "moses"
    suffixes = MOSES_SUFFIXES
    pairs_only = True

    def write(self, path: str | os.PathLike[str], rows: Sequence[AlignedRow], *, pair: PairSide = "reference") -> None:
        write_moses(path, rows, pair=pair)

    def open_stream(self, handles: Sequence[IO[bytes]], *, pair: PairSide = "reference") -> ExportStream:
        src, tgt = handles
        return _MosesStream(src, tgt, pair)


MOSES = MosesExporter()

__all__ = ["MOSES", "MOSES_SUFFIXES", "one_line", "read_moses", "write_moses"]
