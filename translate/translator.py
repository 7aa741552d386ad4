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
* **Checkpoints.** A :class:`~selaras.checkpoint.Checkpoint` (its own module) receives
  every finished model input after each batch; :func:`run_key` is its header, a hash of
  the model and options. A rerun reuses exactly the pieces whose index, text, model
  and options match.
* **Empty inputs** give empty translations without calling the model.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from selaras.backends.base import Backend, Hypothesis
from selaras.backends.options import MAX_BATCH_SIZE, MAX_BEAMS, EngineOptions, options_from_keywords, split_keywords
from selaras.checkpoint import Checkpoint, FinishedPiece, complete_pieces, text_hash
from selaras.errors import BackendError
from selaras.records import Sentence, Translation
from selaras.segment import split_sentences

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


# --------------------------------------------------------------------------- run key


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
    batch_size = _checked_batching(backend, batch_size, max_batch_tokens, beams)
    saved: dict[int, dict[int, FinishedPiece]] = {}
    if checkpoint is not None:
        saved = checkpoint.start(run_key(backend, beams=beams, max_length=max_length, alignment=alignment), texts)
    plan = _Plan(backend, texts, saved)
    if checkpoint is not None:
        checkpoint.resumed_pieces = plan.reused_pieces
    done, total = plan.resumed, plan.resumed + len(plan.units)
    if on_progress is not None:
        on_progress(done, total)
    order = sorted(plan.units, key=lambda u: (-u.tokens, u.sentence, u.piece))
    batches = _batches(order, batch_size, max_batch_tokens)
    for batch, hypotheses in zip(batches, _translated(backend, batches, beams, max_length, alignment)):
        if len(hypotheses) != len(batch):
            raise BackendError(
                f"backend {backend.name} returned {len(hypotheses)} translations for {len(batch)} inputs"
            )
        new = [plan.finish(unit, hypothesis, alignment=alignment) for unit, hypothesis in zip(batch, hypotheses)]
        if checkpoint is not None:
            checkpoint.record(sorted(new, key=lambda p: (p.sentence, p.piece)))
        done += len(batch)
        if on_progress is not None:
            on_progress(done, total)
    return [r for r in plan.results if r is not None]


def _translated(
    backend: Backend, batches: Sequence[Sequence[_Unit]], beams: int | None, max_length: int | None, alignment: bool
) -> Iterator[list[Hypothesis]]:
    """Each batch's hypotheses, in order.

    A backend with ``translate_batches`` (CTranslate2) gets the whole sequence, so it can
    queue the next batch while finishing one and keep every worker busy across batch
    boundaries; otherwise (or with alignments) one ``translate_batch`` call per batch.
    The method is looked up on the backend's class, not the object: a wrapper that
    forwards attributes and overrides ``translate_batch`` (instrumentation, a cache, a
    test double) must see every batch, not be bypassed by a forwarded pipeline.
    """
    texts = ([u.text for u in batch] for batch in batches)
    if not alignment and callable(getattr(type(backend), "translate_batches", None)):
        yield from backend.translate_batches(texts, beams=beams, max_length=max_length)  # type: ignore[attr-defined]
        return
    extra = {"alignment": True} if alignment else {}  # backends without alignments still work without it
    for batch in texts:
        yield backend.translate_batch(batch, beams=beams, max_length=max_length, **extra)


def _checked_batching(backend: Backend, batch_size: int | None, max_batch_tokens: int, beams: int | None) -> int:
    """The batch size to use (the backend's default for ``None``), after checking the
    same bounds as ``EngineOptions`` (which the CLI checks before loading anything), for
    callers that come straight to :func:`translate_sentences`."""
    if batch_size is None:
        batch_size = backend.default_batch_size
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise BackendError(f"batch size must be between 1 and {MAX_BATCH_SIZE}, got {batch_size}")
    if max_batch_tokens < 1:
        raise BackendError(f"max batch tokens must be at least 1, got {max_batch_tokens}")
    if beams is not None and not 1 <= beams <= MAX_BEAMS:
        raise BackendError(f"beams must be between 1 and {MAX_BEAMS}, got {beams}")
    return batch_size


class _Plan:
    """The model inputs still to translate, and the translations made or resumed so far.

    Empty texts get empty translations without the model; sentences a checkpoint holds
    whole are joined from it; the rest are planned as model inputs (:func:`_plan_units`),
    reusing the pieces a killed run translated where the sentence splits the same way
    again (same count, same piece text).

    Attributes:
        results: one translation per text, ``None`` while unfinished.
        units: the model inputs to translate.
        resumed: model inputs taken from the checkpoint (whole sentences' and pieces).
        reused_pieces: pieces of unfinished sentences taken from the checkpoint.
    """

    def __init__(self, backend: Backend, texts: Sequence[str], saved: dict[int, dict[int, FinishedPiece]]) -> None:
        self.texts = texts
        self.results: list[Translation | None] = [
            Translation(source=text, text="", pieces=0, score=None, tokens=0) if not text.strip() else None for text in texts
        ]
        self.resumed = 0
        for i, pieces in saved.items():
            if self.results[i] is None and complete_pieces(pieces):
                self.results[i] = _join(texts[i], [pieces[n] for n in sorted(pieces)])
                self.resumed += len(pieces)
        planned = _plan_units(backend, texts, [i for i, r in enumerate(self.results) if r is None])
        self.pieces_of: dict[int, int] = {}
        for unit in planned:
            self.pieces_of[unit.sentence] = self.pieces_of.get(unit.sentence, 0) + 1
        self.finished: dict[int, dict[int, FinishedPiece]] = {i: {} for i in self.pieces_of}
        self.units: list[_Unit] = []
        for unit in planned:
            old = saved.get(unit.sentence, {}).get(unit.piece)
            if old is not None and old.of == self.pieces_of[unit.sentence] and old.source_hash == text_hash(unit.text):
                self.finished[unit.sentence][unit.piece] = old
            else:
                self.units.append(unit)
        self.reused_pieces = sum(len(p) for p in self.finished.values())
        for i in self.finished:
            self._join_if_complete(i)
        self.resumed += self.reused_pieces

    def _join_if_complete(self, sentence: int) -> None:
        pieces, n = self.finished[sentence], self.pieces_of[sentence]
        if len(pieces) == n:
            self.results[sentence] = _join(self.texts[sentence], [pieces[k] for k in range(n)])

    def finish(self, unit: _Unit, hypothesis: Hypothesis, *, alignment: bool) -> FinishedPiece:
        """Record the model's translation of ``unit``; the piece to checkpoint."""
        links = {}
        if alignment and hypothesis.alignment is not None:
            links = {
                "tokens": tuple(hypothesis.tokens),
                "alignment": hypothesis.alignment,
                "alignment_weights": tuple(hypothesis.alignment_weights),
                "source_tokens": tuple(hypothesis.source_tokens),
            }
        piece = FinishedPiece(
            sentence=unit.sentence, piece=unit.piece, of=self.pieces_of[unit.sentence],
            source_hash=text_hash(unit.text), text=hypothesis.text, logprob=hypothesis.logprob,
            length=hypothesis.length, **links,  # type: ignore[arg-type]
        )
        self.finished[unit.sentence][unit.piece] = piece
        self._join_if_complete(unit.sentence)
        return piece



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
    return split_sentences(text, "id")


def translate_document(
    text: str,
    backend: Backend | None = None,
    *,
    options: EngineOptions | None = None,
    lines: bool = False,
    max_length: int | None = None,
    on_progress: ProgressCallback | None = None,
    checkpoint: Checkpoint | None = None,
    **engine: object,
) -> DocumentTranslation:
    """Translate an Indonesian document to English, keeping its paragraphs (notebook API).

    Example::

        from selaras.translator import translate_document
        doc = translate_document(open("artikel.id.txt").read())
        print(doc.text)            # one sentence per line, blank line between paragraphs
        doc.paragraphs[0][0].text  # first sentence's translation

    Args:
        text: the document; blank lines separate paragraphs.
        backend: a loaded backend to reuse; else one is loaded from the engine options.
        options: the engine as one :class:`~selaras.backends.EngineOptions`.
        lines: treat each line as one sentence (line-parallel output).
        max_length, on_progress, checkpoint: see :func:`translate_sentences`.
        engine: instead of ``options``, the engine by keyword
            (``selaras.backends.options.ENGINE_KEYWORDS``: ``model``, ``engine`` (the
            backend's name), ``device``, ``beams``, ``batch_size``, ``compute_type``, …);
            ``beams`` and ``batch_size`` also apply beside ``options``, over its own.

    Raises:
        TypeError: an unknown keyword, or an engine keyword beside ``options`` that would be ignored.
        InputError: an engine option out of range.
        ModelUnavailableError: the model cannot be loaded.
        BackendError: an engine failure.
    """
    _, loose = split_keywords(engine, (), caller="translate_document")
    opts = options_from_keywords(options, loose)
    sentences = document_sentences(text, lines=lines)
    if backend is None:
        from selaras.backends import load_backend  # looked up at call time: tests and notebooks substitute an engine there

        backend = load_backend(opts)
    translations = translate_sentences(
        backend,
        [s.text for s in sentences],
        batch_size=opts.batch_size,
        beams=opts.beams,
        max_length=max_length,
        on_progress=on_progress,
        checkpoint=checkpoint,
    )
    return DocumentTranslation(sentences, translations, lines)
