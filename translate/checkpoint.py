"""Translation checkpoints: finished model inputs of one run, kept on disk for resuming.

:class:`Checkpoint` appends every finished model input (a sentence, or one piece of a
split one: a :class:`FinishedPiece`) to a JSONL file after each batch (fsynced), keyed
by sentence index and hashes of its source text, under a header with the run key
(``selaras.translator.run_key``: a hash of the model and options). A rerun reuses
exactly the pieces whose index, text, model and options match; a checkpoint made with
other options is set aside, not deleted. ``selaras.translator.translate_sentences``
fills and reads it; where it lies is ``selaras.rundir``'s (``checkpoint_path``), and
when it is dropped the job's output transaction's (``selaras.jobs.outputs``).
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from selaras.errors import FileError
from selaras.io import append_lines, atomic_write, describe_os_error, read_jsonl_records

#: Where a set-aside checkpoint is reported (the CLI shows it as one ``warning:`` line).
logger = logging.getLogger(__name__)


def text_hash(text: str) -> str:
    """A short hash of ``text`` (what a checkpoint record keeps of its source)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class FinishedPiece:
    """One translated model input: a whole sentence (piece 0 of 1) or one piece of a split one.

    Attributes:
        sentence: the sentence's index.
        piece: the piece's index within the sentence.
        of: how many pieces the sentence was split into.
        source_hash: hash of the piece's source text (a resume checks it).
        text, logprob, length: the piece's :class:`~selaras.backends.base.Hypothesis`.
        tokens, alignment, alignment_weights, source_tokens: its pieces and word
            alignment, when alignments were asked for (else empty and ``None``).
    """

    sentence: int
    piece: int
    of: int
    source_hash: str
    text: str
    logprob: float
    length: int
    tokens: tuple[str, ...] = ()
    alignment: tuple[tuple[int, int], ...] | None = None
    alignment_weights: tuple[float, ...] = ()
    source_tokens: tuple[str, ...] = ()


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finished_sentences(records: Sequence[object]) -> int:
    """How many sentences a checkpoint's records finish (any version: for the warning)."""
    pieces: dict[int, set[int]] = {}
    of: dict[int, int] = {}
    for rec in records[1:]:
        if not isinstance(rec, dict) or not isinstance(rec.get("i"), int):
            continue
        if "of" not in rec:  # version 1: one line per finished sentence
            pieces.setdefault(rec["i"], set()).add(0)
            of[rec["i"]] = 1
        elif isinstance(rec.get("of"), int) and isinstance(rec.get("piece"), int):
            pieces.setdefault(rec["i"], set()).add(rec["piece"])
            of[rec["i"]] = rec["of"]
    return sum(1 for i, done in pieces.items() if len(done) >= of[i])


class Checkpoint:
    """Finished translations of one run, in a JSONL file, for resuming.

    Line 1 is a header ``{"selaras_checkpoint": 2, "key": run_key}``; every other line is
    one finished model input (a :class:`FinishedPiece`): ``{"i", "src", "piece", "of",
    "piece_src", "mt", "logprob", "length"}`` (``src`` and ``piece_src`` are hashes of
    the sentence's and the piece's source text). A sentence split into pieces is saved
    piece by piece, so a run killed in the middle of a long sentence keeps the pieces
    it finished. Lines are appended and fsynced after each batch, so Ctrl-C or
    ``kill -9`` loses at most the batch in flight; a record whose hashes do not match
    the text now at that place is ignored.

    A file made with another key (another model or options) is not thrown away: it is
    set aside beside the checkpoint (``NAME.<key>.stale``) with one warning on the
    ``selaras.checkpoint`` logger, reused if a later run has its key again, and
    deleted by :meth:`remove` once a run has finished.

    Attributes:
        path: the checkpoint file.
        resumed: whole sentences reused by the last :meth:`start`.
        resumed_pieces: pieces of unfinished sentences reused (set by
            :func:`translate_sentences`, which checks them against the new plan).
        stale: finished sentences in a checkpoint set aside by the last :meth:`start`
            (made with other options), 0 if none.
        stale_path: where that checkpoint was set aside, or ``None``.
    """

    VERSION = 2

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.resumed = 0
        self.resumed_pieces = 0
        self.stale = 0
        self.stale_path: Path | None = None
        self._hashes: list[str] = []

    def __repr__(self) -> str:
        return f"Checkpoint({str(self.path)!r})"

    def _stale_files(self) -> list[Path]:
        return sorted(self.path.parent.glob(glob.escape(self.path.name) + ".*.stale"))

    def _stale_name(self, records: Sequence[object]) -> Path:
        header = records[0] if records else None
        key = header.get("key") if isinstance(header, dict) else None
        label = re.sub(r"[^0-9a-f]", "", str(key))[:12] if key else ""
        return self.path.with_name(f"{self.path.name}.{label or 'other'}.stale")

    def _matches(self, records: Sequence[object], key: str) -> bool:
        header = records[0] if records else None
        return (
            isinstance(header, dict)
            and header.get("key") == key
            and header.get("selaras_checkpoint") == self.VERSION
        )

    def start(self, key: str, sources: Sequence[str]) -> dict[int, dict[int, FinishedPiece]]:
        """Read what can be reused for ``sources`` and rewrite the file cleanly for appending.

        Returns:
            Reusable pieces by sentence index, then piece index.
        """
        self._hashes = [text_hash(s) for s in sources]
        self.stale, self.stale_path = 0, None
        records = read_jsonl_records(self.path)
        reused_from: Path | None = None
        if not self._matches(records, key):
            reuse: list[object] = []
            for candidate in self._stale_files():
                candidate_records = read_jsonl_records(candidate)
                if self._matches(candidate_records, key):
                    reused_from, reuse = candidate, candidate_records
                    break
            finished = _finished_sentences(records)
            if finished:
                self.stale, self.stale_path = finished, self._stale_name(records)
                try:
                    os.replace(self.path, self.stale_path)
                except OSError as exc:
                    raise FileError(
                        f"cannot set aside the checkpoint {self.path} made with other options: {describe_os_error(exc)}"
                    ) from None
                logger.warning(
                    "the checkpoint at %s was made with another model or options: its %d finished "
                    "sentence(s) will not be reused (kept as %s until this run finishes)",
                    self.path, finished, self.stale_path.name,
                )
            records = reuse
            if reused_from is not None:
                logger.info("resuming from the checkpoint set aside at %s", reused_from)
        saved = self._valid_pieces(records)
        # Rewrite (atomically) with only the valid records: drops a torn last line and
        # stale entries, so appends start on a clean line.
        with atomic_write(self.path) as handle:
            handle.write(json.dumps({"selaras_checkpoint": self.VERSION, "key": key}) + "\n")
            for i in sorted(saved):
                for n in sorted(saved[i]):
                    handle.write(self._line(saved[i][n]) + "\n")
        if reused_from is not None:  # its records now live in self.path
            reused_from.unlink(missing_ok=True)
        self.resumed = sum(1 for pieces in saved.values() if complete_pieces(pieces))
        self.resumed_pieces = 0
        return saved

    def _valid_pieces(self, records: Sequence[object]) -> dict[int, dict[int, FinishedPiece]]:
        """The records that fit the sources now (a later record for a piece wins)."""
        saved: dict[int, dict[int, FinishedPiece]] = {}
        for rec in records[1:]:
            if not isinstance(rec, dict):
                continue
            i, piece, of = rec.get("i"), rec.get("piece"), rec.get("of")
            if not (
                isinstance(i, int)
                and 0 <= i < len(self._hashes)
                and rec.get("src") == self._hashes[i]
                and isinstance(of, int)
                and isinstance(piece, int)
                and 0 <= piece < of
                and isinstance(rec.get("piece_src"), str)
                and isinstance(rec.get("mt"), str)
                and _is_number(rec.get("logprob"))
                and isinstance(rec.get("length"), int)
                and rec["length"] >= 0
            ):
                continue
            saved.setdefault(i, {})[piece] = FinishedPiece(
                sentence=i,
                piece=piece,
                of=of,
                source_hash=rec["piece_src"],
                text=rec["mt"],
                logprob=float(rec["logprob"]),
                length=rec["length"],
                **_saved_alignment(rec.get("align")),
            )
        return saved

    def _line(self, piece: FinishedPiece) -> str:
        record = {
            "i": piece.sentence,
            "src": self._hashes[piece.sentence],
            "piece": piece.piece,
            "of": piece.of,
            "piece_src": piece.source_hash,
            "mt": piece.text,
            "logprob": piece.logprob,
            "length": piece.length,
        }
        if piece.alignment is not None:
            record["align"] = {
                "tokens": list(piece.tokens),
                "source_tokens": list(piece.source_tokens),
                "pairs": [list(p) for p in piece.alignment],
                "weights": list(piece.alignment_weights),
            }
        return json.dumps(record, ensure_ascii=False, sort_keys=True)

    def record(self, pieces: Sequence[FinishedPiece]) -> None:
        """Append finished pieces (of sentences given to :meth:`start`) and force them to disk."""
        if pieces:
            append_lines(self.path, [self._line(p) for p in pieces])

    def remove(self) -> None:
        """Delete the file and any checkpoint set aside beside it (after the final
        output is safely written)."""
        self.path.unlink(missing_ok=True)
        for stale in self._stale_files():
            stale.unlink(missing_ok=True)


def _saved_alignment(saved: object) -> dict[str, object]:
    """A checkpoint record's word alignment as :class:`FinishedPiece` fields ({} if none or malformed)."""
    if not isinstance(saved, dict):
        return {}
    tokens, source, pairs, weights = (saved.get(k) for k in ("tokens", "source_tokens", "pairs", "weights"))
    if not (
        isinstance(tokens, list) and all(isinstance(t, str) for t in tokens)
        and isinstance(source, list) and all(isinstance(t, str) for t in source)
        and isinstance(pairs, list) and isinstance(weights, list) and len(pairs) == len(weights)
        and all(isinstance(p, list) and len(p) == 2 and all(isinstance(v, int) for v in p) for p in pairs)
        and all(_is_number(w) for w in weights)
    ):
        return {}
    return {
        "tokens": tuple(tokens),
        "source_tokens": tuple(source),
        "alignment": tuple((p[0], p[1]) for p in pairs),
        "alignment_weights": tuple(float(w) for w in weights),
    }


def complete_pieces(pieces: dict[int, FinishedPiece]) -> bool:
    """Whether ``pieces`` hold every piece of their sentence, all from one plan."""
    if not pieces:
        return False
    of = {p.of for p in pieces.values()}
    return len(of) == 1 and set(pieces) == set(range(of.pop()))




__all__ = ["Checkpoint", "FinishedPiece", "complete_pieces", "text_hash"]
