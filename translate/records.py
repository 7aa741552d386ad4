"""Plain records passed between the pipeline steps. No logic lives here.

Indices inside the library are 0-based (``Bead.src``); the TSV that users read shows
1-based sentence numbers (``selaras.rows.AlignedRow.src_ids``), like line numbers in an editor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: The languages Selaras reads: Indonesian sources, English targets.
Lang = Literal["id", "en"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a document and where it came from.

    ``paragraph`` is the 0-based paragraph (blank-line separated block) it belongs to,
    so paragraph structure survives translation; ``start``/``end`` are character
    offsets into the original text when known.
    """

    text: str
    paragraph: int = 0
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Translation:
    """The machine translation of one source sentence.

    ``pieces`` > 1 means the source was longer than the model accepts and was split at
    clause boundaries, translated piece by piece and rejoined (never silently cut).
    ``score`` is the engine's confidence: the mean log-probability per target token,
    length-normalised as the engine does (``None`` for an empty input, which is never
    given to the model); ``tokens`` is how many target tokens it averages over (the
    pieces' tokens and the ``</s>`` the model chose, summed over the pieces of a split
    source, so the score of a split source is the token-weighted mean of its pieces').
    ``origin`` says where ``text`` came from: ``mt`` (the engine) or ``tm`` (an exact
    translation-memory match, ``selaras.memory.apply``: never sent to the engine).
    """

    source: str
    text: str
    pieces: int = 1
    score: float | None = None
    tokens: int = 0
    alignment: tuple[tuple[int, int], ...] | None = None
    alignment_weights: tuple[float, ...] = ()
    source_pieces: tuple[str, ...] = ()
    target_pieces: tuple[str, ...] = ()
    origin: str = "mt"


@dataclass(frozen=True, slots=True)
class Bead:
    """One alignment bead: 0-based source and target sentence indices.

    ``Bead(src=(3,), tgt=())`` is a 1-0 bead (a source sentence with no counterpart).
    ``score`` is the aligner's confidence in [0, 1].
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 1.0

    @property
    def kind(self) -> str:
        """The bead type as users write it, e.g. ``2-1``."""
        return f"{len(self.src)}-{len(self.tgt)}"


@dataclass(frozen=True, slots=True)
class Flag:
    """A QA finding on one row: a short stable ``name`` and a human ``detail``."""

    name: str
    detail: str = ""
