"""What every exporter is: a name, its files, a whole-file writer and a streaming one.

An exporter writes selected rows in one format in two situations: ``selaras export``
writes one aligned TSV's rows to ``-o PATH`` at once (:meth:`Exporter.write`), and a
corpus job streams every document's rows into ``exports/corpus.*`` as the documents
are assembled (:meth:`Exporter.open_stream`), each row carrying its document's id.
The two are separate methods, not one built on the other, because the corpus files
are a different shape (a ``doc`` column or key, an ``x-doc`` prop) and must not be
held in memory whole. Both get rows already selected (``selaras.export.select_rows``);
an exporter only says whether it needs both sides of a bead (:attr:`Exporter.pairs_only`).

This module is a leaf of the export package: the format modules import it, the
registry imports them (lazily), and selection imports the registry.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import IO, ClassVar, Literal

from selaras.rows import AlignedRow

PairSide = Literal["reference", "mt"]
SOURCE_LANG = "id"
TARGET_LANG = "en"
#: The base name of a corpus job's exports (``exports/corpus.tmx``, ``corpus.id``...).
CORPUS_STEM = "corpus"

_COUNT_WORDS = {2: "two", 3: "three", 4: "four"}


def target_text(row: AlignedRow, pair: PairSide) -> str:
    """The English side that ``pair`` selects."""
    return row.reference if pair == "reference" else row.mt


class ExportStream:
    """Rows streamed into an open export, document after document (a corpus job's).

    It writes to binary handles it does not own: the corpus job opens them (as one
    atomic set) and hashes what goes through them, so a stream only writes bytes.
    """

    def add(self, doc_id: str, rows: Sequence[AlignedRow]) -> None:
        """Append one document's (already selected) rows."""
        raise NotImplementedError

    def close(self) -> None:
        """Write whatever ends the file (a closing tag); called once, also on a failure,
        when the files are about to be discarded. Nothing by default."""


class Exporter:
    """One export format. A subclass sets the class attributes and the two writers;
    its module defines one instance, which ``selaras.export.registry`` names."""

    #: The format's name: ``--format``/``--export`` value, JSON key of its counts.
    name: ClassVar[str]
    #: The ending of its corpus export's file name: ``.tmx`` -> ``exports/corpus.tmx``
    #: (then each of :attr:`suffixes`, if any; Moses has none: ``corpus.id``).
    extension: ClassVar[str] = ""
    #: A format of several files: each is ``PATH`` plus one of these (Moses:
    #: ``PATH.id``, ``PATH.en``). Empty: the one file is ``PATH`` itself.
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: Beads with an empty side are left out: the format holds a source/target *pair*
    #: per unit or line, and a 1-0 bead is not a translation pair.
    pairs_only: ClassVar[bool] = False

    def paths(self, path: str | os.PathLike[str]) -> list[str]:
        """The file(s) an export to ``path`` creates."""
        return [f"{path}{suffix}" for suffix in self.suffixes] if self.suffixes else [str(path)]

    @property
    def corpus_files(self) -> list[str]:
        """Its file names under a corpus job's ``exports/`` folder."""
        return self.paths(CORPUS_STEM + self.extension)

    def stdout_refusal(self) -> str | None:
        """Why ``-`` (stdout) cannot take this format (it writes several files), or ``None``."""
        files = self.paths("PATH")
        if len(files) < 2:
            return None
        return f"the {self.name} format writes {_COUNT_WORDS.get(len(files), len(files))} files ({', '.join(files)})"

    def write(self, path: str | os.PathLike[str], rows: Sequence[AlignedRow], *, pair: PairSide = "reference") -> None:
        """Write ``rows`` to :meth:`paths` of ``path``, atomically (``-``: stdout, where allowed)."""
        raise NotImplementedError

    def open_stream(self, handles: Sequence[IO[bytes]], *, pair: PairSide = "reference") -> ExportStream:
        """A stream into ``handles``, one per :attr:`corpus_files` name, in that order;
        it may write a header at once."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<exporter {self.name}>"
