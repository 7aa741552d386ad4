"""``selaras translate`` and ``selaras segment`` as calls: :func:`translate_file` (plain
text, or a DOCX, HTML, Markdown or SRT document through :func:`translate_formatted`) and
:func:`segment_file`. Both write through the output transaction (``selaras.jobs.outputs``):
refused before the model loads, locked, resumable, atomic.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selaras import backends
from selaras.backends.options import EngineOptions, options_from_keywords, split_keywords
from selaras.errors import OVERWRITE_BILINGUAL_ONLY, RETRANSLATE, InputError
from selaras.formats import format_name, load_format
from selaras.formats.documents import rebuild_document, unit_sentences
from selaras.io import read_bytes, read_text, write_json, write_lines
from selaras.jobs.inputs import warned
from selaras.jobs.outputs import Outputs, Transaction
from selaras.jobs.spec import ProgressCallback
from selaras.language import language_warning
from selaras.records import Lang, Sentence
from selaras.rundir import checkpoint_path
from selaras.segment import split_sentences
from selaras.memory.apply import check_memory, translate_with_memory
from selaras.translator import DocumentTranslation, document_sentences

logger = logging.getLogger(__name__)

#: Bytes of output per byte of input a translation may need, for the free-space check
#: (English output plus JSON keys; generous so a full disk is found before the work).
OUTPUT_BYTES_PER_INPUT_BYTE = 3


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
    target = "-" if output is None else str(output)
    Outputs((target,), (source,)).refuse()
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
    #: With a glossary: term occurrences by outcome (``present``, ``placed``, ``unsure``).
    terms: dict[str, int] | None = None
    #: With a glossary: each sentence's terms and what happened to them
    #: (``selaras.terms.enforce.TermOutcome``), in sentence order.
    sentence_terms: list[tuple[Any, ...]] | None = None

    def as_json(self) -> list[dict[str, Any]]:
        """The ``--json`` shape: one object per sentence (``id`` is 1-based), with its
        word alignment: ``alignment`` pairs ``[source piece, target piece]`` indexing
        ``source_pieces`` and ``target_pieces`` (``null`` for an empty sentence). With a
        glossary, ``terms``: each term found in the source, its English and whether it
        was ``present``, ``placed`` or left ``unsure`` (the MT as the model made it)."""
        sentences = self._sentences_json()
        if self.sentence_terms is not None:
            for entry, outcomes in zip(sentences, self.sentence_terms):
                entry["terms"] = [{"term": o.term.source, "target": o.term.target, "outcome": o.outcome} for o in outcomes]
        return sentences

    def _sentences_json(self) -> list[dict[str, Any]]:
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
                "origin": t.origin,
            }
            for number, (s, t) in enumerate(zip(self.document.sentences, self.document.translations), start=1)
        ]


def translate_file(
    source: str | Path,
    output: str | Path | None = None,
    *,
    options: EngineOptions | None = None,
    lines: bool = False,
    as_json: bool = False,
    on_progress: ProgressCallback | None = None,
    format: str | None = None,
    overwrite: bool = False,
    tm: str | Path | None = None,
    glossary: Any = None,
    **engine: object,
) -> TranslateResult:
    """Translate an Indonesian text file into ``output`` (``None`` or ``-``: stdout), resumably.

    Args:
        source: the document (``-``: standard input).
        output: where the English goes, written atomically once complete.
        options: an :class:`~selaras.backends.EngineOptions`; or give the engine by
            keyword (``engine``).
        lines: one sentence per input line (line-parallel output) instead of segmenting.
        as_json: write the ``--json`` shape (:meth:`TranslateResult.as_json`, with word
            alignments) instead of the translation.
        on_progress: ``on_progress(done, total)`` over model inputs.
        format: the document format (``txt``, ``docx``, ``html``, ``md``, ``srt``, ``xliff``, ``po``);
            default: by the source's extension. A formatted document is written back
            in its format with the English in place (:func:`translate_formatted`).
        overwrite: in an XLIFF or PO file, translate again the units that already
            have a translation (default: only the empty ones are filled).
        tm: a translation memory (``selaras.memory``): its exact matches are used
            instead of the MT (``origin`` ``tm`` in ``--json``) and never sent to the engine.
        glossary: a :class:`selaras.terms.Glossary` whose English the MT is made to use
            where the model's word alignment is sure (``selaras.terms.enforce``).
        engine: instead of ``options``: ``model``, ``engine`` (the backend's name),
            ``device``, ``beams``, ``batch_size`` and the other
            ``selaras.backends.options.ENGINE_KEYWORDS``.

    Raises:
        TypeError: an unknown keyword, or engine keywords beside ``options``.
        InputError: unreadable or empty input, an output that is the input.
        FileError: the output cannot be written. LockedError: another run holds it.
        ModelUnavailableError, BackendError: the engine cannot be had or failed.
    """
    _, loose = split_keywords(engine, (), caller="translate_file")
    opts = options_from_keywords(options, loose)
    name = str(source)
    target = "-" if output is None else str(output)
    Outputs((target,), _inputs(name, tm, glossary)).refuse()
    check_memory(tm)
    document_format = load_format(format_name(name, format))
    if overwrite and not getattr(document_format, "supports_overwrite", False):
        raise InputError(f"{name}: {OVERWRITE_BILINGUAL_ONLY} (their units that already have a translation)")
    if document_format is not None:
        if lines:
            raise InputError(
                f"{name} is a {document_format.name} document: one sentence per line applies to plain text only "
                "(a document's sentences come from its blocks)"
            )
        return translate_formatted(
            source, target, document_format, opts, as_json=as_json, on_progress=on_progress, overwrite=overwrite, tm=tm,
            glossary=glossary,
        )
    text = read_text(name)
    if not text.strip():
        raise InputError(f"{name} is empty (no text to translate); give a UTF-8 text file with at least one sentence")
    outputs = Outputs(
        (target,), _inputs(name, tm, glossary), checkpoint=checkpoint_path(output, text, lines=lines), what=_lock_name(target, name)
    )
    outputs.refuse(expected_bytes=OUTPUT_BYTES_PER_INPUT_BYTE * len(text.encode("utf-8")))
    sentences = document_sentences(text, lines=lines)
    warnings = warned([language_warning([s.text for s in sentences], "id", name)])  # before the model loads
    with outputs.transaction() as transaction:
        result = _translate(
            opts, sentences, transaction, warnings, lines=lines, alignment=as_json, on_progress=on_progress, tm=tm,
            glossary=glossary,
        )
        if as_json:
            transaction.commit_json(result.as_json())
        else:
            transaction.commit_lines(result.document.output_lines())
    return result


def _inputs(name: str, tm: str | Path | None, glossary: Any) -> tuple[str, ...]:
    """Every file a translation reads (the document, its TM, its glossary): no output may replace one."""
    tm_files = () if tm is None else (str(tm),)
    glossary_files = tuple(str(f) for f in glossary.files) if glossary is not None else ()
    return (name, *tm_files, *glossary_files)


def translate_formatted(
    source: str | Path,
    target: str,
    document_format: Any,
    opts: EngineOptions,
    *,
    as_json: bool = False,
    on_progress: ProgressCallback | None = None,
    overwrite: bool = False,
    tm: str | Path | None = None,
    glossary: Any = None,
) -> TranslateResult:
    """Translate a DOCX, HTML, Markdown, SRT, XLIFF or PO document into ``target`` in the
    same format (``selaras.formats.documents``), resumably; spans placed by the model's
    word alignment. A format with notes (XLIFF, PO) gets each unit's engine, confidence
    and QA flags (``selaras.formats.bilingual.annotations``).

    The input is parsed (and refused if bad) before the model loads; the output is
    written atomically once complete, so it is never half-written.
    """
    name = str(source)
    data = read_bytes(name)
    extracted = document_format.extract(data, name, overwrite=True) if overwrite else document_format.extract(data, name)
    sentences = unit_sentences(extracted, "id")
    if not sentences:
        if hasattr(extracted, "annotate"):  # a bilingual file with every unit translated or locked
            raise InputError(
                f"{name} has nothing to translate: every {document_format.name} unit is translated, locked or "
                f"marked translate=\"no\"; {RETRANSLATE}"
            )
        raise InputError(f"{name} has no text to translate in its {document_format.name} blocks")
    key = document_format.name + "\0" + "\n".join(s.text for s in sentences)
    outputs = Outputs(
        (target,), _inputs(name, tm, glossary),
        checkpoint=checkpoint_path(None if target == "-" else target, key, lines=False),
        what=_lock_name(target, name),
    )
    outputs.refuse(expected_bytes=OUTPUT_BYTES_PER_INPUT_BYTE * len(data))
    warnings = warned([language_warning([s.text for s in sentences], "id", name)])
    aligned = as_json or (document_format.placement == "alignment" and any(u.spans for u in extracted.units))
    with outputs.transaction() as transaction:
        result = _translate(
            opts, sentences, transaction, warnings, lines=False, alignment=aligned, on_progress=on_progress, tm=tm,
            glossary=glossary,
        )
        if as_json:
            transaction.commit_json(result.as_json())
        else:
            translations = result.document.translations
            placement = document_format.placement
            from selaras.checks import glossary_checks

            checks = glossary_checks(glossary)  # XLIFF/PO notes then name missing terms too
            transaction.commit_bytes(rebuild_document(extracted, sentences, translations, placement, result.engine, checks=checks))
    return result


def _lock_name(target: str, source: str) -> str:
    """How a lock refusal names a translation's output: the file, or for stdout the source."""
    return target if target != "-" else source


def _translate(
    opts: EngineOptions,
    sentences: Sequence[Sentence],
    transaction: Transaction,
    warnings: list[str],
    *,
    lines: bool,
    alignment: bool,
    on_progress: ProgressCallback | None,
    tm: str | Path | None = None,
    glossary: Any = None,
) -> TranslateResult:
    """Load the engine and translate ``sentences`` resumably (saying first how many the
    transaction's checkpoint already holds): the one translation step of plain and
    formatted documents."""
    checkpoint = transaction.checkpoint
    assert checkpoint is not None
    backend = backends.load_backend(opts)  # looked up on the package: tests and notebooks substitute an engine there
    reported = False

    def report(done: int, total: int) -> None:
        nonlocal reported
        if not reported and checkpoint.resumed:  # the first report comes before any model call
            real = sum(1 for s in sentences if s.text.strip())
            logger.info("resuming: %d of %d sentences already translated", checkpoint.resumed, real)
        reported = True
        if on_progress is not None:
            on_progress(done, total)

    translations = translate_with_memory(
        backend, [s.text for s in sentences], tm, batch_size=opts.batch_size, beams=opts.beams,
        on_progress=report, checkpoint=checkpoint, alignment=alignment or glossary is not None,
    )
    terms = sentence_terms = None
    if glossary is not None:  # the model's MT only; placed where its word alignment is sure
        from selaras.terms.enforce import enforce_terms, enforcement_counts

        enforced = enforce_terms(translations, glossary)
        translations, terms = [e.translation for e in enforced], enforcement_counts(enforced)
        sentence_terms = [e.terms for e in enforced]
    return TranslateResult(
        document=DocumentTranslation(list(sentences), translations, lines),
        output=transaction.target,
        engine=backend.describe(opts.beams).as_json(),
        max_input_tokens=backend.max_input_tokens,
        resumed=checkpoint.resumed,
        warnings=warnings,
        terms=terms,
        sentence_terms=sentence_terms,
    )


__all__ = ["OUTPUT_BYTES_PER_INPUT_BYTE", "TranslateResult", "paragraph_lines", "segment_file", "translate_file", "translate_formatted"]
