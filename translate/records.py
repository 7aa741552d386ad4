"""Plain records passed between the pipeline steps. No logic lives here.

Indices inside the library are 0-based (``Bead.src``); the TSV that users read shows
1-based sentence numbers (``AlignedRow.src_ids``), like line numbers in an editor.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    """

    source: str
    text: str
    pieces: int = 1


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


@dataclass(frozen=True, slots=True)
class AlignedRow:
    """One row of the aligned TSV: a bead with its text and scores.

    ``src_ids``/``ref_ids`` are 1-based sentence numbers. Scores are ``None`` where the
    TSV cell is empty (e.g. sentence BLEU when either side is empty).
    """

    src_ids: tuple[int, ...]
    ref_ids: tuple[int, ...]
    source: str
    mt: str
    reference: str
    align_score: float | None = None
    chrf: float | None = None
    bleu: float | None = None
    flags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def bead(self) -> str:
        """The bead type, e.g. ``1-1`` or ``0-1``."""
        return f"{len(self.src_ids)}-{len(self.ref_ids)}"
