"""The jobs users run, one call each, for the CLI and notebooks: ``translate_file``
(``selaras translate``), ``align_files`` (``selaras align``) and ``run`` (``selaras run``:
segment, translate, align, check, score into one run folder).

Every step between the two ends is a pure function over records; this module reads
the inputs, wires the steps together and writes the outputs, in the order that keeps
the user's files safe:

1. **Before any work** the outputs are checked (``selaras.io.check_outputs``): an
   output that is one of the inputs (also through a link), a folder where a file is
   expected, or a place that cannot be written is refused with one line, before the
   model loads.
2. **One run per output**: an exclusive lock (``selaras.io.exclusive_lock``) keeps a
   second run off the same output and checkpoint, so two runs never mix their results.
3. **Resumable translation**: finished sentences go to a checkpoint
   (``selaras.translator.Checkpoint``, located by ``selaras.rundir``).
4. **Atomic outputs**: every file appears complete or not at all; a run folder is
   replaced as one set (``selaras.rundir.write_run_folder``).

Warnings about the inputs (a source that is not Indonesian, a reference that is not
English or does not look like a translation of the source) are logged when found
(the CLI shows each as one ``warning:`` line on stderr, before the long work) and
travel in the results' ``warnings``, so ``--json`` and ``metrics.json`` carry them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selaras.backends.base import DEFAULT_MODEL, BackendName, Device
from selaras.errors import MT_MADE_HERE, InputError
from selaras.records import Bead, Lang, Sentence, Translation
from selaras.rows import AlignedRow
from selaras.language import language_warning
from selaras.translator import DocumentTranslation, ProgressCallback

logger = logging.getLogger(__name__)

#: Bytes of output per byte of input a translation may need, for the free-space check
#: (English output plus JSON keys; generous so a full disk is found before the work).
OUTPUT_BYTES_PER_INPUT_BYTE = 3


# --------------------------------------------------------------------------- reading


def read_sentences(path: str | Path, lang: Lang, *, lines: bool, format: str | None = None) -> list[Sentence]:
    """The sentences of a document file: segmented, or (``lines``) one per non-empty line.

    A DOCX, HTML, Markdown or SRT file (by extension, or ``format``) gives the
    sentences of its blocks (``selaras.formats``; ``lines`` does not apply).

    Raises:
        InputError: unreadable, or no sentence in it.
    """
    from selaras.formats import format_name, load_format
    from selaras.io import read_bytes, read_text
    from selaras.segment import split_sentences

    document_format = load_format(format_name(path, format))
    if document_format is not None:
        from selaras.formats.documents import unit_sentences

        found = unit_sentences(document_format.extract(read_bytes(path), str(path)), lang)
        if not found:
            raise InputError(f"{path} has no sentences (no text in its {document_format.name} blocks)")
        return found
    text = read_text(path)
    if lines:
        found = [Sentence(text=line.strip(), paragraph=0) for line in text.split("\n") if line.strip()]
    else:
        found = split_sentences(text, lang)
    if not found:
        raise InputError(f"{path} has no sentences (it is empty or blank); give a non-empty {lang} text")
    return found


def read_mt_lines(path: str | Path, n_sentences: int) -> list[str]:
    """An existing MT for the source: its non-empty lines, one per source sentence.

    Blank lines (paragraph breaks written by ``selaras translate``) are ignored.
    """
    from selaras.io import read_lines

    mt = [line.strip() for line in read_lines(path) if line.strip()]
    if len(mt) != n_sentences:
        raise InputError(
            f"{path} has {len(mt)} non-empty lines but the source has {n_sentences} sentences; the MT must "
            "have one line per source sentence: use the file selaras translate wrote for this source "
            "(translated line by line only if the source is read line by line too)"
        )
    return mt


# --------------------------------------------------------------------------- warnings


def align_reference(
    source: Sequence[str],
    reference: Sequence[str],
    mt: Sequence[str] | None,
    name: str,
    *,
    max_bead: int | None = None,
    lexicon: Any = None,
    embedder: Any = None,
    on_embed_progress: ProgressCallback | None = None,
) -> tuple[list[Bead], str | None]:
    """Align a source with one reference, and say when the result cannot be trusted.

    Returns the beads and a warning (``None`` when the alignment is confident; see
    ``selaras.align.alignment_confidence``: an unrelated reference, or a copy of the
    source). With an MT the evidence is MT-to-reference similarity, so a broken MT (a
    wrong model, the MT of another document) looks like a wrong reference. When the MT
    alignment is not confident the source is aligned once more without the MT (linear
    time); if that one is confident, its beads are used (the MT-based ones pair the
    wrong sentences) and the warning names the MT instead of the reference.

    ``embedder`` (a ``selaras.embed.Embedder``, ``None`` = lexical only) embeds the
    source and the reference (cached), so the aligner also compares meaning.
    """
    from selaras.align import DEFAULT_MAX_BEAD, align_sentences, alignment_confidence

    bead_limit = max_bead or DEFAULT_MAX_BEAD
    embeddings = None
    if embedder is not None:
        total = len(source) + len(reference)

        def part(offset: int):
            return None if on_embed_progress is None else (lambda done, _n: on_embed_progress(offset + done, total))

        embeddings = (
            embedder.embed(source, progress=part(0)),
            embedder.embed(reference, progress=part(len(source))),
        )
    beads = align_sentences(source, reference, mt=mt, max_bead=bead_limit, lexicon=lexicon, embeddings=embeddings)
    confidence = alignment_confidence(beads, source=source, target=reference)
    if confidence.ok and embeddings is not None and mt is not None:
        # With embeddings the confidence is the meaning of source and reference, which a
        # wrong MT does not lower: check the MT against the reference on its own.
        from selaras.align.confidence import MT_EVIDENCE_MIN, mt_evidence

        matched = mt_evidence(beads, mt, reference)
        if matched < MT_EVIDENCE_MIN:
            plain = align_sentences(source, reference, max_bead=bead_limit, lexicon=lexicon, embeddings=embeddings)
            return plain, (
                f"the MT does not match {name} (MT evidence {matched:.2f} while source and reference "
                f"match, alignment confidence {confidence.value:.2f}): the MT looks wrong for this source "
                "(another model or document?), so the sentences were aligned without it; its scores mean little"
            )
    if confidence.ok:
        return beads, None
    if mt is not None:
        plain = align_sentences(source, reference, max_bead=bead_limit, lexicon=lexicon, embeddings=embeddings)
        without_mt = alignment_confidence(plain, source=source, target=reference)
        if without_mt.ok:
            return plain, (
                f"the MT does not match {name} (alignment confidence {confidence.value:.2f} with the MT, "
                f"{without_mt.value:.2f} without it): the MT looks wrong for this source (another model or "
                "document?), so the sentences were aligned without it; its scores mean little"
            )
    return beads, f"{name}: {confidence.warning()}; its scores and flags mean little"


def _engine_options(
    options: Any, *, model: str, engine: BackendName, device: Device, beams: int | None, batch_size: int | None, **extra: object
) -> Any:
    """The :class:`~selaras.backends.EngineOptions` of a call, built from keywords if not given."""
    from selaras.backends import EngineOptions

    if options is not None:
        return options
    return EngineOptions(backend=engine, model=model, device=device, beams=beams, batch_size=batch_size, **extra)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- segment


def paragraph_lines(sentences: Sequence[Sentence]) -> list[str]:
    """One line per sentence, one blank line between paragraphs (``selaras segment``'s text)."""
    lines: list[str] = []
    for k, sentence in enumerate(sentences):
        if k and sentence.paragraph != sentences[k - 1].paragraph:
            lines.append("")
        lines.append(sentence.text)
    return lines


def segment_file(source: str | Path, output: str | Path | None = None, *, lang: Lang = "id", as_json: bool = False) -> list[Sentence]:
    """Split a text file into sentences and write them to ``output`` (``None``/``-``: stdout).

    Text output is :func:`paragraph_lines`; ``as_json`` writes a list of
    ``{id, paragraph, text, start, end}`` (``id`` 1-based, ``paragraph`` 0-based,
    ``start``/``end`` character offsets into the input).

    Raises:
        InputError: unreadable or empty input, or an output that is the input.
        FileError: the output cannot be written.
    """
    from selaras.io import check_outputs, read_text, write_json, write_lines
    from selaras.segment import split_sentences

    target = "-" if output is None else str(output)
    check_outputs([target], [source])
    sentences = split_sentences(read_text(source), lang)
    if not sentences:
        raise InputError(f"{source} is empty (no text to split); give a UTF-8 text file with at least one sentence")
    if as_json:
        write_json(
            target,
            [
                {"id": number, "paragraph": s.paragraph, "text": s.text, "start": s.start, "end": s.end}
                for number, s in enumerate(sentences, start=1)
            ],
        )
    else:
        write_lines(target, paragraph_lines(sentences))
    return sentences


# --------------------------------------------------------------------------- translate


@dataclass(frozen=True)
class TranslateResult:
    """What :func:`translate_file` produced.

    ``engine`` is the engine that ran (``EngineInfo.as_json()``); ``resumed`` counts the
    sentences taken from a checkpoint; ``warnings`` are one-line notes about the input.
    """

    document: DocumentTranslation
    output: str
    engine: dict[str, Any]
    max_input_tokens: int
    resumed: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> list[dict[str, Any]]:
        """The ``--json`` shape: one object per sentence (``id`` is 1-based), with its
        word alignment: ``alignment`` pairs ``[source piece, target piece]`` indexing
        ``source_pieces`` and ``target_pieces`` (``null`` for an empty sentence)."""
        return [
            {
                "id": number,
                "source": s.text,
                "translation": t.text,
                "pieces": t.pieces,
                "score": None if t.score is None else round(t.score, 6),
                "tokens": t.tokens,
                "alignment": None if t.alignment is None else [list(pair) for pair in t.alignment],
                "alignment_weights": [round(w, 3) for w in t.alignment_weights],
                "source_pieces": list(t.source_pieces),
                "target_pieces": list(t.target_pieces),
            }
            for number, (s, t) in enumerate(zip(self.document.sentences, self.document.translations), start=1)
        ]


def translate_file(
    source: str | Path,
    output: str | Path | None = None,
    *,
    options: Any = None,
    model: str = DEFAULT_MODEL,
    engine: BackendName = "auto",
    device: Device = "auto",
    beams: int | None = None,
    batch_size: int | None = None,
    lines: bool = False,
    as_json: bool = False,
    on_progress: ProgressCallback | None = None,
    format: str | None = None,
) -> TranslateResult:
    """Translate an Indonesian text file into ``output`` (``None`` or ``-``: stdout), resumably.

    Args:
        source: the document (``-``: standard input).
        output: where the English goes, written atomically once complete.
        options: an :class:`~selaras.backends.EngineOptions`; or give ``model``,
            ``engine``, ``device``, ``beams``, ``batch_size``.
        lines: one sentence per input line (line-parallel output) instead of segmenting.
        as_json: write the ``--json`` shape (:meth:`TranslateResult.as_json`, with word
            alignments) instead of the translation.
        on_progress: ``on_progress(done, total)`` over model inputs.
        format: the document format (``txt``, ``docx``, ``html``, ``md``, ``srt``);
            default: by the source's extension. A formatted document is written back
            in its format with the English in place (:func:`translate_formatted`).

    Raises:
        InputError: unreadable or empty input, an output that is the input.
        FileError: the output cannot be written. LockedError: another run holds it.
        ModelUnavailableError, BackendError: the engine cannot be had or failed.
    """
    from selaras.formats import format_name, load_format
    from selaras.io import check_outputs, exclusive_lock, read_text, remove_leftover_temps, write_json, write_lines
    from selaras.rundir import checkpoint_path
    from selaras.translator import Checkpoint, document_sentences

    opts = _engine_options(options, model=model, engine=engine, device=device, beams=beams, batch_size=batch_size)
    name = str(source)
    target = "-" if output is None else str(output)
    check_outputs([target], [name])
    document_format = load_format(format_name(name, format))
    if document_format is not None:
        if lines:
            raise InputError(
                f"{name} is a {document_format.name} document: one sentence per line applies to plain text only "
                "(a document's sentences come from its blocks)"
            )
        return translate_formatted(source, target, document_format, opts, as_json=as_json, on_progress=on_progress)
    text = read_text(name)
    if not text.strip():
        raise InputError(f"{name} is empty (no text to translate); give a UTF-8 text file with at least one sentence")
    check_outputs([target], expected_bytes=OUTPUT_BYTES_PER_INPUT_BYTE * len(text.encode("utf-8")))
    sentences = document_sentences(text, lines=lines)
    warnings = _warned([language_warning([s.text for s in sentences], "id", name)])  # before the model loads
    checkpoint = Checkpoint(checkpoint_path(output, text, lines=lines))
    with exclusive_lock(target if target != "-" else checkpoint.path, what=target if target != "-" else name):
        if target != "-":
            remove_leftover_temps([target])  # of a run killed while writing it
        result = _translate_sentences(
            opts, sentences, lines=lines, checkpoint=checkpoint, target=target, warnings=warnings,
            alignment=as_json, on_progress=on_progress,
        )
        document = result.document
        if as_json:
            write_json(target, result.as_json())
        else:
            write_lines(target, document.output_lines())
        checkpoint.remove()
    return result


def translate_formatted(
    source: str | Path,
    target: str,
    document_format: Any,
    opts: Any,
    *,
    as_json: bool = False,
    on_progress: ProgressCallback | None = None,
) -> TranslateResult:
    """Translate a DOCX, HTML, Markdown or SRT document into ``target`` in the same format
    (``selaras.formats.documents``), resumably; spans placed by the model's word alignment.

    The input is parsed (and refused if bad) before the model loads; the output is
    written atomically once complete, so it is never half-written.
    """
    from selaras.formats.documents import rebuild_document, unit_sentences
    from selaras.io import atomic_write, check_outputs, exclusive_lock, read_bytes, remove_leftover_temps, write_json
    from selaras.rundir import checkpoint_path
    from selaras.translator import Checkpoint

    name = str(source)
    data = read_bytes(name)
    extracted = document_format.extract(data, name)
    sentences = unit_sentences(extracted, "id")
    if not sentences:
        raise InputError(f"{name} has no text to translate in its {document_format.name} blocks")
    check_outputs([target], expected_bytes=OUTPUT_BYTES_PER_INPUT_BYTE * len(data))
    warnings = _warned([language_warning([s.text for s in sentences], "id", name)])
    aligned = as_json or (document_format.placement == "alignment" and any(u.spans for u in extracted.units))
    key = document_format.name + "\0" + "\n".join(s.text for s in sentences)
    checkpoint = Checkpoint(checkpoint_path(None if target == "-" else target, key, lines=False))
    with exclusive_lock(target if target != "-" else checkpoint.path, what=target if target != "-" else name):
        if target != "-":
            remove_leftover_temps([target])  # of a run killed while writing it
        result = _translate_sentences(
            opts, sentences, lines=False, checkpoint=checkpoint, target=target, warnings=warnings,
            alignment=aligned, on_progress=on_progress,
        )
        translations = result.document.translations
        if as_json:
            write_json(target, result.as_json())
        else:
            rebuilt = rebuild_document(extracted, sentences, translations, document_format.placement)
            with atomic_write(target, "wb") as handle:
                handle.write(rebuilt)
        checkpoint.remove()
    return result


def _translate_sentences(
    opts: Any,
    sentences: Sequence[Sentence],
    *,
    lines: bool,
    checkpoint: Any,
    target: str,
    warnings: list[str],
    alignment: bool,
    on_progress: ProgressCallback | None,
) -> TranslateResult:
    """Load the engine and translate ``sentences`` resumably (saying first how many a
    checkpoint already holds): the one translation step of plain and formatted documents."""
    from selaras.backends import load_backend
    from selaras.translator import translate_sentences

    backend = load_backend(opts)
    reported = False

    def report(done: int, total: int) -> None:
        nonlocal reported
        if not reported and checkpoint.resumed:  # the first report comes before any model call
            real = sum(1 for s in sentences if s.text.strip())
            logger.info("resuming: %d of %d sentences already translated", checkpoint.resumed, real)
        reported = True
        if on_progress is not None:
            on_progress(done, total)

    translations = translate_sentences(
        backend, [s.text for s in sentences], batch_size=opts.batch_size, beams=opts.beams,
        on_progress=report, checkpoint=checkpoint, alignment=alignment,
    )
    return TranslateResult(
        document=DocumentTranslation(list(sentences), translations, lines),
        output=target,
        engine=backend.describe(opts.beams).as_json(),
        max_input_tokens=backend.max_input_tokens,
        resumed=checkpoint.resumed,
        warnings=warnings,
    )


# --------------------------------------------------------------------------- align


@dataclass(frozen=True)
class AlignResult:
    """What :func:`align_files` produced: the beads, their rows and warnings about the inputs."""

    beads: list[Bead]
    rows: list[AlignedRow]
    warnings: list[str] = field(default_factory=list)


def align_files(
    source: str | Path,
    reference: str | Path,
    output: str | Path | None = None,
    *,
    mt: str | Path | None = None,
    lines: bool = False,
    max_bead: int | None = None,
    lexicon: str | Path | None = None,
    format: str | None = None,
    embedder: Any = "auto",
    on_embed_progress: ProgressCallback | None = None,
) -> AlignResult:
    """Align a source document with its reference (and optional MT) into an aligned TSV.

    Writes ``output`` (``None``: nothing; ``-``: stdout) atomically, with the QA flags
    ``selaras check`` computes. DOCX, HTML, Markdown and SRT inputs give the sentences
    of their blocks (by extension, or ``format`` for both). ``embedder`` is ``auto``, ``e5``, ``none`` or a
    sentence-transformers folder or hub id (``selaras.embed.load_embedder``);
    ``on_embed_progress(done, total)`` reports the embedding of both sides.

    Raises:
        InputError: unreadable inputs, an MT that does not match the source, an output
            that is one of the inputs. FileError: the output cannot be written.
        EmbedderError, ModelUnavailableError: the named embedder cannot be had.
    """
    from selaras.align import parse_lexicon
    from selaras.checks import check_rows
    from selaras.io import check_outputs, read_lines
    from selaras.rows import build_rows, write_aligned_tsv

    inputs = [p for p in (source, reference, mt, lexicon) if p is not None]
    if output is not None:
        check_outputs([output], inputs)
    src = [s.text for s in read_sentences(source, "id", lines=lines, format=format)]
    ref = [s.text for s in read_sentences(reference, "en", lines=lines, format=format)]
    mt_lines = read_mt_lines(mt, len(src)) if mt is not None else None
    lex = parse_lexicon(read_lines(lexicon), str(lexicon)) if lexicon is not None else None
    warnings = _input_warnings(source, src, [(reference, ref)])
    from selaras.embed import resolve_embedder

    encoder = resolve_embedder(embedder)
    beads, warning = align_reference(
        src, ref, mt_lines, str(reference), max_bead=max_bead, lexicon=lex, embedder=encoder,
        on_embed_progress=on_embed_progress,
    )
    warnings += _warned([warning])
    rows = check_rows(build_rows(src, ref, mt_lines, beads))
    if output is not None:
        write_aligned_tsv(output, rows)
    return AlignResult(beads=beads, rows=rows, warnings=warnings)


#: One side having this many times more sentences than the other is suspicious enough
#: to warn (a wrong file, or a reference that only covers part of the source).
IMBALANCE_WARNING = 3.0


def _input_warnings(source: str | Path, src: Sequence[str], references: Sequence[tuple[str | Path, Sequence[str]]]) -> list[str]:
    """Warnings about the languages and sizes of a source and its references (logged)."""
    found = [language_warning(src, "id", str(source))]
    for path, ref in references:
        found.append(language_warning(ref, "en", str(path)))
        if max(len(src), len(ref)) > IMBALANCE_WARNING * min(len(src), len(ref)):
            found.append(
                f"{len(src)} source vs {len(ref)} sentences in {path} (more than {IMBALANCE_WARNING:g}x): "
                "many sentences will be left unaligned; check that the files belong together"
            )
    return _warned(found)


def _warned(found: Sequence[str | None]) -> list[str]:
    """The warnings among ``found``, each logged once (the CLI prints it as one line)."""
    warnings = [w for w in found if w]
    for warning in warnings:
        logger.warning("%s", warning)
    return warnings


# --------------------------------------------------------------------------- check and review


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check_file` found: the rows with their flags, and each flag's detail."""

    rows: list[AlignedRow]
    details: list[list[Any]]


def check_file(
    aligned: str | Path, output: str | Path | None = None, *, checks: Any = None, in_place: bool = False
) -> CheckResult:
    """Recompute the QA flags of an aligned TSV; write it to ``output`` or, with
    ``in_place``, over ``aligned`` itself (atomically); ``output=None`` writes nothing.

    ``checks`` is a list from ``selaras.checks.build_checks`` (default: every check
    with its default parameters).

    Raises:
        InputError: unreadable TSV, or an ``output`` that is ``aligned`` (only
            ``in_place`` may rewrite it). FileError: the output cannot be written.
    """
    from selaras.checks import apply_flags, find_flags
    from selaras.io import check_outputs
    from selaras.rows import read_aligned_tsv, write_aligned_tsv

    target = aligned if in_place else output
    if output is not None and not in_place:
        check_outputs([output], [aligned])
    rows = read_aligned_tsv(aligned)
    details = find_flags(rows, checks=checks)
    checked = apply_flags(rows, details)
    if target is not None:
        write_aligned_tsv(target, checked)
    return CheckResult(rows=checked, details=details)


@dataclass(frozen=True)
class ReviewData:
    """An aligned TSV ready to show: rows (sentence scores filled in), corpus scores
    (``None`` when no row is scorable), where those came from, and warnings."""

    rows: list[AlignedRow]
    corpus: dict[str, Any] | None
    origin: str
    warnings: list[str] = field(default_factory=list)


#: Above this many scorable beads, recomputing TER (sacrebleu's shift search: 59 s for
#: 10,000 random-word beads on one core, sacrebleu 2.6) gets a note first.
SLOW_SCORING_BEADS = 2000


def review_file(
    aligned: str | Path,
    *,
    metrics: str | Path | None = None,
    keys: Sequence[str] | None = None,
    n_bootstrap: int = 0,
) -> ReviewData:
    """Read an aligned TSV for review, with its corpus scores and warnings.

    The scores come from a run's ``metrics.json`` when ``metrics`` is given (and must
    have been computed on this TSV's content, ``selaras.rundir.metrics_for_rows``),
    else they are computed over the TSV's scorable beads (``keys``: which metrics;
    TER is the slow one). Warnings about the document (``review.document_warnings``)
    are logged and returned.

    Raises:
        InputError: unreadable TSV or metrics file, or scores of another TSV.
    """
    from selaras.metrics import check_bootstrap, score_rows
    from selaras.review import document_warnings, fill_sentence_scores
    from selaras.rows import is_scored, read_aligned_tsv
    from selaras.rundir import metrics_for_rows, read_metrics

    n_bootstrap = check_bootstrap(n_bootstrap)
    rows = fill_sentence_scores(read_aligned_tsv(aligned))
    warnings = _warned([f"{aligned}: {w}" for w in document_warnings(rows)])
    if metrics is not None:
        corpus = metrics_for_rows(read_metrics(metrics), str(metrics), rows, Path(aligned).name)
        return ReviewData(rows, corpus, f"from {Path(metrics).name}", warnings)
    n_scored = sum(1 for row in rows if is_scored(row))
    if (keys is None or "ter" in keys) and n_scored > SLOW_SCORING_BEADS:
        logger.info("scoring %d beads (TER takes a while on long documents; a run's metrics.json skips this)", n_scored)
    return ReviewData(rows, score_rows(rows, n_bootstrap=n_bootstrap, keys=keys), "computed from this file", warnings)


# --------------------------------------------------------------------------- run


@dataclass(frozen=True)
class RunResult:
    """What a run produced; ``aligned[k]`` are the rows for ``references[k]``."""

    out_dir: Path
    sentences: list[Sentence]
    mt: list[str] | None
    references: list[Path]
    aligned: list[list[AlignedRow]]
    metrics: dict
    resumed: int = 0
    split: int = 0
    warnings: list[str] = field(default_factory=list)


def run(
    source: str | Path,
    references: Sequence[str | Path],
    out_dir: str | Path,
    *,
    options: Any = None,
    model: str = DEFAULT_MODEL,
    engine: BackendName = "auto",
    device: Device = "auto",
    lines: bool = False,
    batch_size: int | None = None,
    beams: int | None = None,
    mt: str | Path | None = None,
    translate: bool = True,
    max_bead: int | None = None,
    n_bootstrap: int = 1000,
    on_progress: ProgressCallback | None = None,
    format: str | None = None,
    backend: Any = None,
    translations: Sequence[Translation] | None = None,
    engine_info: dict | None = None,
    embedder: Any = "auto",
    on_embed_progress: ProgressCallback | None = None,
    word_alignment: bool = False,
    **backend_options: object,
) -> RunResult:
    """Segment, translate, align with each reference, flag and score; write ``out_dir``.

    Args:
        source: the Indonesian document.
        references: one or more English reference translations of it (any
            segmentation: the aligner pairs merged and split sentences).
        out_dir: the run folder (created; its files are replaced as one set, see
            :mod:`selaras.rundir`; a file the run was given is never written over).
        options: an :class:`~selaras.backends.EngineOptions`; or give ``model``,
            ``engine``, ``device``, ``batch_size``, ``beams`` and ``backend_options``.
        lines: one sentence per non-empty line in the source and references.
        mt: use this existing MT (one line per source sentence) instead of translating.
        translate: ``False`` skips MT altogether: source–reference alignment only.
        max_bead: largest bead for the aligner (default: the aligner's).
        n_bootstrap: resamples for the metrics' 95% CIs (0: none).
        on_progress: ``on_progress(done, total)`` during translation.
        format: the inputs' document format (default: each by its extension; DOCX,
            HTML, Markdown and SRT give the sentences of their blocks).
        backend: an already-loaded engine to translate with (instead of loading one
            from ``options``; a corpus job loads it once for every document).
        translations: the source's translations, already made (one per source
            sentence, in order; e.g. from a corpus job's sentence cache): nothing is
            translated and ``engine_info`` (``EngineInfo.as_json()`` of the engine that
            made them) goes into ``metrics.json`` as the MT's engine.
        embedder: sentence embeddings for the aligner: ``auto``, ``e5``, ``none`` or a
            sentence-transformers folder or hub id (see :func:`align_files`).
        on_embed_progress: ``on_embed_progress(done, total)`` while embedding.
        word_alignment: also fill each row's ``word_alignment`` (source word to MT word
            links from the model's attention, ``selaras.wordlinks``); costs about 12%
            more translation time. Needs an MT made here (not ``mt=`` or ``translate=False``).

    Raises:
        InputError: unreadable or empty inputs, an MT that does not match the source,
            an input that the run would write over.
        FileError: the run folder cannot be written. LockedError: another run holds it.
        ModelUnavailableError: the model cannot be loaded (use ``translate=False`` or
            ``mt=`` to align without it).
    """
    from selaras.checks import check_rows
    from selaras.io import check_outputs, check_writable, exclusive_lock
    from selaras.metrics import check_bootstrap, score_rows
    from selaras.rows import build_rows, tsv_lines
    from selaras.rundir import (
        CHECKPOINT_NAME,
        MT_NAME,
        SOURCE_NAME,
        aligned_name,
        reference_name,
        remove_run_temps,
        run_file_names,
        scored_digest,
        stale_files,
        write_run_folder,
    )

    if not references:
        raise InputError("no reference given; give at least one English translation of the source")
    n_bootstrap = check_bootstrap(n_bootstrap)
    if word_alignment and (mt is not None or not translate):
        raise InputError(f"word alignment needs an MT made by the model (it comes from its attention); {MT_MADE_HERE}")
    with_mt = mt is not None or translate
    precomputed = mt is None and translate and translations is not None
    opts = None
    if mt is None and translate and not precomputed:
        opts = _engine_options(
            options, model=model, engine=engine, device=device, beams=beams, batch_size=batch_size, **backend_options
        )
    out = Path(out_dir)
    check_writable(out, folder=True)
    inputs = [Path(p) for p in (source, *references, *([mt] if mt is not None else []))]
    written = [out / name for name in (*run_file_names(len(references), with_mt=with_mt), CHECKPOINT_NAME)]
    check_outputs([*written, *stale_files(out, [p.name for p in written])], inputs)

    sentences = read_sentences(source, "id", lines=lines, format=format)
    ref_sentences = [read_sentences(ref, "en", lines=lines, format=format) for ref in references]
    src_texts = [s.text for s in sentences]
    warnings = _input_warnings(source, src_texts, [(r, [s.text for s in refs]) for r, refs in zip(references, ref_sentences)])
    from selaras.embed import resolve_embedder

    encoder = resolve_embedder(embedder)

    with exclusive_lock(out, what=f"the run folder {out}"):
        remove_run_temps(out, [p.name for p in written])  # of a run killed while writing this folder
        mt_lines: list[str] | None = None
        mt_scores: list[tuple[float | None, int]] | None = None
        mt_info: dict | str | None = str(mt) if mt is not None else None
        resumed = split = 0
        if mt is not None:
            mt_lines = read_mt_lines(mt, len(sentences))
        elif precomputed:
            assert translations is not None
            if [t.source for t in translations] != src_texts:
                raise ValueError("translations must be those of the source's sentences, in order")
            mt_lines = [t.text for t in translations]
            mt_scores = [(t.score, t.tokens) for t in translations]
            mt_info = dict(engine_info) if engine_info is not None else None
            split = sum(1 for t in translations if t.pieces > 1)
        elif translate:
            from selaras.backends import load_backend
            from selaras.translator import Checkpoint, translate_sentences

            if backend is None:
                backend = load_backend(opts)
            out.mkdir(parents=True, exist_ok=True)  # only once there is something to write
            checkpoint = Checkpoint(out / CHECKPOINT_NAME)
            translations = translate_sentences(
                backend, src_texts, batch_size=opts.batch_size, beams=opts.beams, on_progress=on_progress,
                checkpoint=checkpoint, alignment=word_alignment,
            )
            mt_lines = [t.text for t in translations]
            mt_scores = [(t.score, t.tokens) for t in translations]
            mt_info = backend.describe(opts.beams).as_json()
            resumed = checkpoint.resumed
            split = sum(1 for t in translations if t.pieces > 1)

        links = None
        if word_alignment and translations is not None:
            from selaras.wordlinks import word_links

            links = [word_links(t) for t in translations]
        files: dict[str, str] = {SOURCE_NAME: "".join(t + "\n" for t in src_texts)}
        if mt_lines is not None:
            files[MT_NAME] = "".join(t + "\n" for t in mt_lines)
        aligned: list[list[AlignedRow]] = []
        per_reference: list[dict] = []
        for k, (ref_path, refs) in enumerate(zip(references, ref_sentences)):
            ref_texts = [s.text for s in refs]
            beads, warning = align_reference(
                src_texts, ref_texts, mt_lines, str(ref_path), max_bead=max_bead, embedder=encoder,
                on_embed_progress=on_embed_progress,
            )
            warnings += _warned([warning])
            rows = check_rows(build_rows(src_texts, ref_texts, mt_lines, beads, mt_scores=mt_scores, word_links=links))
            files[reference_name(k)] = "".join(t + "\n" for t in ref_texts)
            files[aligned_name(k)] = "".join(tsv_lines(rows))
            aligned.append(rows)
            per_reference.append(
                {
                    "reference": str(ref_path),
                    "aligned": aligned_name(k),
                    "reference_sentences": len(ref_texts),
                    "beads": len(rows),
                    "scored_sha256": scored_digest(rows),
                    "metrics": score_rows(rows, n_bootstrap=n_bootstrap) if mt_lines is not None else None,
                }
            )

        metrics: dict = {
            "source": str(source),
            "source_sentences": len(sentences),
            "mt": mt_info,
            "embedder": encoder.name if encoder is not None else None,
            "references": per_reference,
            "warnings": warnings,
        }
        primary = per_reference[0]["metrics"]
        if primary:
            metrics.update(primary)  # top-level bleu/chrf/chrfpp/ter/signatures for the first reference
        out.mkdir(parents=True, exist_ok=True)
        metrics = write_run_folder(out, files, metrics)
        if mt is None and translate and not precomputed:
            checkpoint.remove()
    return RunResult(
        out_dir=out,
        sentences=sentences,
        mt=mt_lines,
        references=[Path(r) for r in references],
        aligned=aligned,
        metrics=metrics,
        resumed=resumed,
        split=split,
        warnings=warnings,
    )
