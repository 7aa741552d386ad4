"""``selaras align`` as a call (:func:`align_files`), and the alignment of a source with
one reference that it and ``selaras run`` share (:func:`align_reference`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selaras.align import DEFAULT_MAX_BEAD, align_sentences, alignment_confidence, parse_lexicon
from selaras.align.confidence import MT_EVIDENCE_MIN, mt_evidence
from selaras.checks import check_rows
from selaras.embed import resolve_embedder
from selaras.io import check_outputs, read_lines
from selaras.jobs.inputs import input_warnings, read_mt_lines, read_sentences, warned
from selaras.jobs.spec import AlignSettings, ProgressCallback
from selaras.records import Bead
from selaras.rows import AlignedRow, build_rows, write_aligned_tsv


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
    bead_limit = DEFAULT_MAX_BEAD if max_bead is None else max_bead
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


def alignment_tools(settings: AlignSettings) -> tuple[Any, Any]:
    """The lexicon (parsed from its file) and the embedder (loaded; ``None``: lexical only)
    that ``settings`` name, before any long work.

    Raises:
        InputError: an unreadable or malformed lexicon.
        EmbedderError, ModelUnavailableError: the named embedder cannot be had.
    """
    lexicon = settings.lexicon
    parsed = parse_lexicon(read_lines(lexicon), str(lexicon)) if lexicon is not None else None
    return parsed, resolve_embedder(settings.embedder)


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
    of their blocks (by extension, or ``format`` for both). ``max_bead``, ``lexicon`` and
    ``embedder`` are the :class:`~selaras.jobs.spec.AlignSettings` (``embedder``:
    ``auto``, ``e5``, ``none`` or a sentence-transformers folder or hub id);
    ``on_embed_progress(done, total)`` reports the embedding of both sides.

    Raises:
        InputError: unreadable inputs, an MT that does not match the source, an output
            that is one of the inputs, a bead limit out of range.
        FileError: the output cannot be written.
        EmbedderError, ModelUnavailableError: the named embedder cannot be had.
    """
    settings = AlignSettings(max_bead=max_bead, lexicon=lexicon, embedder=embedder)
    inputs = [p for p in (source, reference, mt, lexicon) if p is not None]
    if output is not None:
        check_outputs([output], inputs)
    src = [s.text for s in read_sentences(source, "id", lines=lines, format=format)]
    ref = [s.text for s in read_sentences(reference, "en", lines=lines, format=format)]
    mt_lines = read_mt_lines(mt, len(src)) if mt is not None else None
    warnings = input_warnings(source, src, [(reference, ref)])
    lex, encoder = alignment_tools(settings)
    beads, warning = align_reference(
        src, ref, mt_lines, str(reference), max_bead=max_bead, lexicon=lex, embedder=encoder,
        on_embed_progress=on_embed_progress,
    )
    warnings += warned([warning])
    rows = check_rows(build_rows(src, ref, mt_lines, beads))
    if output is not None:
        write_aligned_tsv(output, rows)
    return AlignResult(beads=beads, rows=rows, warnings=warnings)


__all__ = ["AlignResult", "align_files", "align_reference", "alignment_tools"]
