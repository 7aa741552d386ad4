"""Translate sentences with any backend: length-sorted batches, long-input splitting, resume.

This layer is engine-independent (``transformers`` or CTranslate2 backends plug in
through :class:`selaras.backends.base.Backend`); the CLI and the notebook API both
call it.

* **Batching.** Inputs are sorted by token length (longest first, so an out-of-memory
  batch fails at once) and translated in batches of at most ``batch_size`` inputs
  (the backend's own default unless given) and ``max_batch_tokens`` padded tokens, so
  a run of long inputs cannot blow up memory; results come back in
  the input order (CTranslate2's ``translate_iterable`` does the same). Less padding
  means less wasted compute.
* **Long inputs.** A model cannot read past its last position (Opus-MT: 512 tokens),
  and transformers would silently cut the rest. An input longer than
  ``backend.max_input_tokens`` is split at clause boundaries (``;``, ``:``, ``,``, a
  dash; then spaces; as a last resort inside a word) into pieces that fit; each piece
  is translated and the translations are joined with spaces
  (``Translation.pieces`` > 1). Splitting is linear in the text length: each level
  counts the tokens of its segments once and packs them greedily.
* **Scores.** Every translation keeps the model's confidence: ``Translation.score``
  is the mean log-probability per target token (over all pieces of a split sentence,
  weighted by their tokens) and ``Translation.tokens`` the tokens it averages over.
* **Checkpoints.** :class:`Checkpoint` appends every finished model input (a sentence,
  or one piece of a split one) to a JSONL file after each batch (fsynced), keyed by
  sentence index and hashes of its source text, under a header with a hash of the
  model and options. A rerun reuses exactly the pieces whose index, text, model and
  options match; a checkpoint made with other options is set aside, not deleted.
* **Empty inputs** give empty translations without calling the model.
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from selaras.backends.base import DEFAULT_MODEL, Backend, BackendName, Device
from selaras.backends.options import MAX_BATCH_SIZE, MAX_BEAMS, EngineOptions
from selaras.errors import BackendError
from selaras.records import Sentence, Translation

#: Where a set-aside checkpoint is reported (the CLI shows it as one ``warning:`` line).
logger = logging.getLogger(__name__)

#: Bump when splitting or joining changes, so old checkpoints are not mixed in.
SPLIT_VERSION = 1
#: Cap on a batch's padded source tokens (sentences x longest input). Sentence-sized
#: inputs never reach it; eight 512-token pieces do, which keeps beam-6 decoder memory
#: bounded on long inputs whatever ``batch_size`` says.
DEFAULT_MAX_BATCH_TOKENS = 4096

#: Where an over-long input may be cut, best first. Each pattern matches the boundary
#: *after* which to cut. ``:`` and ``,`` need a following space so ``10:30`` and
#: Indonesian decimals (``1,5``) stay whole; dashes are em/en dashes or a spaced hyphen.
SPLIT_LEVELS: tuple[re.Pattern[str], ...] = (
    re.compile(r";\s*"),
    re.compile(r":\s+"),
    re.compile(r",\s+"),
    re.compile(r"\s*[—–]\s*|\s+-\s+"),
    re.compile(r"\s+"),
)

ProgressCallback = Callable[[int, int], None]


# --------------------------------------------------------------------------- splitting


def _segments(text: str, level: int) -> list[str]:
    """Cut ``text`` after every boundary of ``level``; the segments concatenate to ``text``."""
    cuts = [m.end() for m in SPLIT_LEVELS[level].finditer(text) if 0 < m.end() < len(text)]
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def _char_chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), max(1, size))]


def split_to_fit(text: str, count_tokens: Callable[[Sequence[str]], list[int]], limit: int) -> list[str]:
    """Split ``text`` into stripped pieces of at most ``limit`` tokens each.

    Tries clause boundaries first (:data:`SPLIT_LEVELS`), then spaces, then cuts inside
    a word as a last resort. At each level the segments' token counts (one batched
    call) are packed greedily; a packed piece is recounted, because SentencePiece
    counts are not exactly additive, and halved if it overflows. Every level only
    looks at text the level above could not fit, so the work is linear in
    ``len(text)`` (times the number of levels).

    Args:
        text: the input (any length).
        count_tokens: the backend's counter (``</s>`` included in each count).
        limit: the most tokens a piece may have, ``</s>`` included.

    Returns:
        Non-empty pieces, in order, that together hold all of ``text``'s words.

    Raises:
        BackendError: ``limit`` is too small to hold even a single character.
    """
    pieces: list[str] = []
    _fit(text.strip(), 0, count_tokens, limit, pieces)
    return pieces


def _fit(text: str, level: int, count: Callable[[Sequence[str]], list[int]], limit: int, out: list[str]) -> None:
    """Append pieces of ``text`` (each at most ``limit`` tokens) to ``out``, cutting at ``level``."""
    if not text:
        return
    if level < len(SPLIT_LEVELS):
        segments = _segments(text, level)
        if len(segments) < 2:  # no boundary of this kind: skip the level without counting
            _fit(text, level + 1, count, limit, out)
            return
    else:
        # Last resort, inside a word: chunks sized from the text's own characters per
        # token (90% of the limit), at most half the text so every round shrinks them.
        total = count([text])[0]
        if total <= limit:
            out.append(text)
            return
        if len(text) == 1:
            raise BackendError(
                f"cannot split the input to fit the model: one character takes {total} tokens, the limit is {limit}"
            )
        size = int(len(text) * (limit - 1) / max(1, total - 1) * 0.9)
        segments = _char_chunks(text, max(1, min(size, len(text) // 2)))
    # plan: a list = segments packed into one piece; a str = one segment to cut finer.
    plan: list[list[str] | str] = []
    current: list[str] = []
    used = 0
    kept = [s for s in segments if s.strip()]
    for segment, tokens in zip(kept, count([s.strip() for s in kept])):
        if tokens > limit:
            if current:
                plan.append(current)
                current, used = [], 0
            plan.append(segment)
            continue
        content = tokens - 1  # each count includes one </s>; the packed piece has one
        if current and used + content > limit - 1:
            plan.append(current)
            current, used = [], 0
        current.append(segment)
        used += content
    if current:
        plan.append(current)
    # SentencePiece counts are not exactly additive: recount every multi-segment piece.
    packed = {k: "".join(p).strip() for k, p in enumerate(plan) if isinstance(p, list)}
    multi = [k for k, p in enumerate(plan) if isinstance(p, list) and len(p) > 1]
    recount = dict(zip(multi, count([packed[k] for k in multi]))) if multi else {}
    for k, item in enumerate(plan):
        if isinstance(item, str):
            _fit(item.strip(), min(level + 1, len(SPLIT_LEVELS)), count, limit, out)
        elif recount.get(k, 0) > limit:
            _fit_halves(item, count, limit, out)
        else:
            out.append(packed[k])


def _fit_halves(group: list[str], count: Callable[[Sequence[str]], list[int]], limit: int, out: list[str]) -> None:
    """A packed group that overflowed on recount: split it in two and retry (rare)."""
    if len(group) == 1:
        out.append("".join(group).strip())  # a single segment was counted on its own and fits
        return
    half = len(group) // 2
    for part in (group[:half], group[half:]):
        text = "".join(part).strip()
        if len(part) > 1 and count([text])[0] > limit:
            _fit_halves(part, count, limit, out)
        elif text:
            out.append(text)


# --------------------------------------------------------------------------- checkpoints


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def run_key(backend: Backend, *, beams: int | None, max_length: int | None, alignment: bool = False) -> str:
    """Hash of everything besides the source text that decides a translation.

    The model's fingerprint (weights, precision, engine), beams, max_length, the input
    limit and the splitting version, and whether word alignments are saved (only when
    they are, so older checkpoints keep their key). The batch size is left out: it
    changes padding only, so a resume may use another one.
    """
    payload: dict[str, object] = {
        "model": backend.fingerprint,
        "beams": beams,
        "max_length": max_length,
        "max_input_tokens": backend.max_input_tokens,
        "split": SPLIT_VERSION,
    }
    if alignment:
        payload["alignment"] = True
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]


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
    ``selaras.translator`` logger, reused if a later run has its key again, and
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
        from selaras.io import atomic_write, read_jsonl_records

        self._hashes = [_text_hash(s) for s in sources]
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
                    from selaras.errors import FileError
                    from selaras.io import describe_os_error

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
        self.resumed = sum(1 for pieces in saved.values() if _complete(pieces))
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
            from selaras.io import append_lines

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


def _complete(pieces: dict[int, FinishedPiece]) -> bool:
    """Whether ``pieces`` hold every piece of their sentence, all from one plan."""
    if not pieces:
        return False
    of = {p.of for p in pieces.values()}
    return len(of) == 1 and set(pieces) == set(range(of.pop()))


def _join(source: str, pieces: Sequence[FinishedPiece]) -> Translation:
    """A sentence's translation from its pieces, in order: texts joined with spaces,
    log-probabilities and lengths summed (so the score is the token-weighted mean)."""
    parts = [p.text.strip() for p in pieces if p.text.strip()]
    length = sum(p.length for p in pieces)
    logprob = sum(p.logprob for p in pieces)
    links: dict[str, object] = {}
    if pieces and all(p.alignment is not None for p in pieces):
        pairs: list[tuple[int, int]] = []
        weights: list[float] = []
        source_pieces: list[str] = []
        target_pieces: list[str] = []
        for p in pieces:  # indices shift by the pieces before
            pairs.extend((s + len(source_pieces), t + len(target_pieces)) for s, t in p.alignment or ())
            weights.extend(p.alignment_weights)
            source_pieces.extend(p.source_tokens)
            target_pieces.extend(p.tokens)
        links = {
            "alignment": tuple(pairs),
            "alignment_weights": tuple(weights),
            "source_pieces": tuple(source_pieces),
            "target_pieces": tuple(target_pieces),
        }
    return Translation(
        source=source,
        text=" ".join(parts),
        pieces=len(pieces),
        score=logprob / length if length else None,
        tokens=length,
        **links,  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------- translating


@dataclass(frozen=True, slots=True)
class _Unit:
    """One model input: a whole sentence or one piece of a split one."""

    sentence: int
    piece: int
    text: str
    tokens: int


def translate_sentences(
    backend: Backend,
    texts: Sequence[str],
    *,
    batch_size: int | None = None,
    max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
    beams: int | None = None,
    max_length: int | None = None,
    on_progress: ProgressCallback | None = None,
    checkpoint: Checkpoint | None = None,
    alignment: bool = False,
) -> list[Translation]:
    """Translate ``texts`` (one sentence each) in length-sorted batches, in input order.

    Args:
        backend: a loaded backend (:func:`selaras.backends.load_backend`).
        texts: the sentences; empty or blank ones give empty translations.
        batch_size: most model inputs per batch; ``None`` takes the backend's
            ``default_batch_size`` (engines differ: CTranslate2 gains from larger ones).
        max_batch_tokens: most padded source tokens per batch (inputs x the longest).
        beams: beam size; ``None`` uses the model's generation config (Opus-MT: 6).
        max_length: longest output in tokens; ``None`` uses the model's config.
        on_progress: called as ``on_progress(done, total)`` counting model inputs
            (pieces): once before any model call (``done`` = already in the
            checkpoint) and after every batch.
        checkpoint: where finished pieces are saved and reused from.
        alignment: also compute each translation's word alignment
            (``Translation.alignment``; costs a little time per batch).

    Returns:
        One :class:`Translation` per text; ``pieces`` is how many inputs it took
        (0 for an empty text, > 1 when it was split); ``score`` is the model's mean
        log-probability per target token over all pieces (``None`` for an empty
        text) and ``tokens`` the target tokens it averages over.

    Raises:
        BackendError: bad arguments or an engine failure.
    """
    if batch_size is None:
        batch_size = backend.default_batch_size
    # The same bounds as EngineOptions (which the CLI checks before loading anything),
    # for callers that come straight here.
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise BackendError(f"batch size must be between 1 and {MAX_BATCH_SIZE}, got {batch_size}")
    if max_batch_tokens < 1:
        raise BackendError(f"max batch tokens must be at least 1, got {max_batch_tokens}")
    if beams is not None and not 1 <= beams <= MAX_BEAMS:
        raise BackendError(f"beams must be between 1 and {MAX_BEAMS}, got {beams}")
    results: list[Translation | None] = [None] * len(texts)
    for i, text in enumerate(texts):
        if not text.strip():
            results[i] = Translation(source=text, text="", pieces=0, score=None, tokens=0)
    saved: dict[int, dict[int, FinishedPiece]] = {}
    if checkpoint is not None:
        saved = checkpoint.start(run_key(backend, beams=beams, max_length=max_length, alignment=alignment), texts)
    resumed_units = 0
    for i, pieces in saved.items():
        if results[i] is None and _complete(pieces):
            results[i] = _join(texts[i], [pieces[n] for n in sorted(pieces)])
            resumed_units += len(pieces)
    todo = [i for i, r in enumerate(results) if r is None]
    planned = _plan_units(backend, texts, todo)
    pieces_of: dict[int, int] = {}
    for unit in planned:
        pieces_of[unit.sentence] = pieces_of.get(unit.sentence, 0) + 1
    # Pieces of unfinished sentences that a killed run translated: reused when the
    # sentence splits the same way again (same count, same piece text).
    finished: dict[int, dict[int, FinishedPiece]] = {i: {} for i in pieces_of}
    units: list[_Unit] = []
    for unit in planned:
        old = saved.get(unit.sentence, {}).get(unit.piece)
        if old is not None and old.of == pieces_of[unit.sentence] and old.source_hash == _text_hash(unit.text):
            finished[unit.sentence][unit.piece] = old
        else:
            units.append(unit)
    reused_pieces = sum(len(p) for p in finished.values())
    if checkpoint is not None:
        checkpoint.resumed_pieces = reused_pieces
    for i, pieces in finished.items():
        if len(pieces) == pieces_of[i]:
            results[i] = _join(texts[i], [pieces[n] for n in range(pieces_of[i])])
    resumed_units += reused_pieces
    total_units = resumed_units + len(units)
    if on_progress is not None:
        on_progress(resumed_units, total_units)

    order = sorted(units, key=lambda u: (-u.tokens, u.sentence, u.piece))
    done_units = resumed_units
    for batch in _batches(order, batch_size, max_batch_tokens):
        extra = {"alignment": True} if alignment else {}  # backends without alignments still work without it
        hypotheses = backend.translate_batch([u.text for u in batch], beams=beams, max_length=max_length, **extra)
        if len(hypotheses) != len(batch):
            raise BackendError(
                f"backend {backend.name} returned {len(hypotheses)} translations for {len(batch)} inputs"
            )
        new: list[FinishedPiece] = []
        for unit, hypothesis in zip(batch, hypotheses):
            n = pieces_of[unit.sentence]
            piece = FinishedPiece(
                sentence=unit.sentence,
                piece=unit.piece,
                of=n,
                source_hash=_text_hash(unit.text),
                text=hypothesis.text,
                logprob=hypothesis.logprob,
                length=hypothesis.length,
                **(
                    {
                        "tokens": tuple(hypothesis.tokens),
                        "alignment": hypothesis.alignment,
                        "alignment_weights": tuple(hypothesis.alignment_weights),
                        "source_tokens": tuple(hypothesis.source_tokens),
                    }
                    if alignment and hypothesis.alignment is not None
                    else {}
                ),
            )
            finished[unit.sentence][unit.piece] = piece
            new.append(piece)
            if len(finished[unit.sentence]) == n:
                results[unit.sentence] = _join(texts[unit.sentence], [finished[unit.sentence][k] for k in range(n)])
        if checkpoint is not None:
            checkpoint.record(sorted(new, key=lambda p: (p.sentence, p.piece)))
        done_units += len(batch)
        if on_progress is not None:
            on_progress(done_units, total_units)
    return [r for r in results if r is not None]


def _batches(units: Sequence[_Unit], batch_size: int, max_batch_tokens: int) -> list[list[_Unit]]:
    """Cut length-sorted (longest first) units into batches of at most ``batch_size``
    inputs and ``max_batch_tokens`` padded tokens (a single input always fits)."""
    batches: list[list[_Unit]] = []
    for unit in units:
        if batches and len(batches[-1]) < batch_size and (len(batches[-1]) + 1) * batches[-1][0].tokens <= max_batch_tokens:
            batches[-1].append(unit)
        else:
            batches.append([unit])
    return batches


def _plan_units(backend: Backend, texts: Sequence[str], todo: Sequence[int]) -> list[_Unit]:
    """Model inputs for the sentences in ``todo``: whole if they fit, else split."""
    limit = backend.max_input_tokens
    stripped = [texts[i].strip() for i in todo]
    counts = backend.count_tokens(stripped)
    units: list[_Unit] = []
    for i, text, tokens in zip(todo, stripped, counts):
        if tokens <= limit:
            units.append(_Unit(i, 0, text, tokens))
            continue
        pieces = split_to_fit(text, backend.count_tokens, limit)
        for n, (piece, piece_tokens) in enumerate(zip(pieces, backend.count_tokens(pieces))):
            units.append(_Unit(i, n, piece, piece_tokens))
    return units


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class DocumentTranslation:
    """A translated document: its sentences and their translations, index for index.

    ``lines=True`` documents are line-parallel (one sentence per input line, blank
    lines kept); otherwise ``Sentence.paragraph`` carries the paragraph structure.
    """

    sentences: list[Sentence]
    translations: list[Translation]
    lines: bool = False
    paragraphs: list[list[Translation]] = field(init=False)

    def __post_init__(self) -> None:
        grouped: dict[int, list[Translation]] = {}
        for sentence, translation in zip(self.sentences, self.translations):
            grouped.setdefault(sentence.paragraph, []).append(translation)
        object.__setattr__(self, "paragraphs", [grouped[k] for k in sorted(grouped)])

    @property
    def split_count(self) -> int:
        """How many sentences were too long for the model and were split."""
        return sum(1 for t in self.translations if t.pieces > 1)

    def output_lines(self) -> list[str]:
        """The English text as lines: one per sentence, a blank line between paragraphs
        (like ``selaras segment``); with ``lines=True``, exactly one per input line."""
        if self.lines:
            return [t.text for t in self.translations]
        out: list[str] = []
        previous = None
        for sentence, translation in zip(self.sentences, self.translations):
            if previous is not None and sentence.paragraph != previous:
                out.append("")
            previous = sentence.paragraph
            out.append(translation.text)
        return out

    @property
    def text(self) -> str:
        """The English text, newline-terminated."""
        return "".join(line + "\n" for line in self.output_lines())


def document_sentences(text: str, *, lines: bool = False) -> list[Sentence]:
    """The sentences of a document: segmented by ``split_sentences``, or one per line.

    With ``lines=True`` every line is one sentence (blank lines included, as empty
    sentences) and ``paragraph`` is the 0-based line number, so output stays line-parallel.
    """
    if lines:
        body = text[:-1] if text.endswith("\n") else text
        return [Sentence(text=line.strip(), paragraph=n) for n, line in enumerate(body.split("\n"))]
    from selaras.segment import split_sentences

    return split_sentences(text, "id")


def translate_document(
    text: str,
    backend: Backend | None = None,
    *,
    model: str = DEFAULT_MODEL,
    engine: BackendName = "auto",
    device: Device = "auto",
    lines: bool = False,
    batch_size: int | None = None,
    beams: int | None = None,
    max_length: int | None = None,
    on_progress: ProgressCallback | None = None,
    checkpoint: Checkpoint | None = None,
    options: EngineOptions | None = None,
    **backend_options: object,
) -> DocumentTranslation:
    """Translate an Indonesian document to English, keeping its paragraphs (notebook API).

    Example::

        from selaras.translator import translate_document
        doc = translate_document(open("artikel.id.txt").read())
        print(doc.text)            # one sentence per line, blank line between paragraphs
        doc.paragraphs[0][0].text  # first sentence's translation

    Args:
        text: the document; blank lines separate paragraphs.
        backend: a loaded backend to reuse; else one is loaded from ``model``.
        model: hub id or folder (used only when ``backend`` is None).
        engine: backend name for :func:`selaras.backends.load_backend`.
        device: ``auto``, ``cpu`` or ``cuda``.
        lines: treat each line as one sentence (line-parallel output).
        batch_size, beams, max_length, on_progress, checkpoint: see
            :func:`translate_sentences`.
        options: the engine as one :class:`~selaras.backends.EngineOptions` (instead
            of ``model``, ``engine``, ``device`` and ``backend_options``); its beams and
            batch size apply where ``beams``/``batch_size`` are not given.
        backend_options: engine options by keyword (e.g. ``compute_type``).

    Raises:
        InputError: an engine option out of range.
        ModelUnavailableError: the model cannot be loaded.
        BackendError: an engine failure.
    """
    sentences = document_sentences(text, lines=lines)
    if options is not None:
        beams = options.beams if beams is None else beams
        batch_size = options.batch_size if batch_size is None else batch_size
    if backend is None:
        from selaras.backends import load_backend

        backend = load_backend(options or EngineOptions(backend=engine, model=model, device=device, **backend_options))
    translations = translate_sentences(
        backend,
        [s.text for s in sentences],
        batch_size=batch_size,
        beams=beams,
        max_length=max_length,
        on_progress=on_progress,
        checkpoint=checkpoint,
    )
    return DocumentTranslation(sentences, translations, lines)
