"""Reading a job's inputs, and the warnings about them.

Warnings about the inputs (a source that is not Indonesian, a reference that is not
English or does not look like a translation of the source) are logged when found (the
CLI shows each as one ``warning:`` line on stderr, before the long work) and travel in
the results' ``warnings``, so ``--json`` and ``metrics.json`` carry them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from selaras.errors import InputError
from selaras.formats import format_name, load_format
from selaras.formats.documents import unit_sentences
from selaras.io import read_bytes, read_lines, read_text
from selaras.language import language_warning
from selaras.records import Lang, Sentence
from selaras.segment import split_sentences

logger = logging.getLogger(__name__)


def read_sentences(path: str | Path, lang: Lang, *, lines: bool, format: str | None = None) -> list[Sentence]:
    """The sentences of a document file: segmented, or (``lines``) one per non-empty line.

    A DOCX, HTML, Markdown or SRT file (by extension, or ``format``) gives the
    sentences of its blocks (``selaras.formats``; ``lines`` does not apply). A
    bilingual XLIFF or PO file gives its units' sources for ``id`` and their targets
    for ``en`` (``selaras.formats.bilingual.read_side``): give it as both sides.

    Raises:
        InputError: unreadable, or no sentence in it.
    """
    name = format_name(path, format)
    if name in ("xliff", "po"):  # bilingual: the sources for the source side, the targets for the English one
        from selaras.formats.bilingual import read_side

        return read_side(path, name, lang)
    document_format = load_format(name)
    if document_format is not None:
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
    mt = [line.strip() for line in read_lines(path) if line.strip()]
    if len(mt) != n_sentences:
        raise InputError(
            f"{path} has {len(mt)} non-empty lines but the source has {n_sentences} sentences; the MT must "
            "have one line per source sentence: use the file selaras translate wrote for this source "
            "(translated line by line only if the source is read line by line too)"
        )
    return mt


#: One side having this many times more sentences than the other is suspicious enough
#: to warn (a wrong file, or a reference that only covers part of the source).
IMBALANCE_WARNING = 3.0


def input_warnings(source: str | Path, src: Sequence[str], references: Sequence[tuple[str | Path, Sequence[str]]]) -> list[str]:
    """Warnings about the languages and sizes of a source and its references (logged)."""
    found = [language_warning(src, "id", str(source))]
    for path, ref in references:
        found.append(language_warning(ref, "en", str(path)))
        if max(len(src), len(ref)) > IMBALANCE_WARNING * min(len(src), len(ref)):
            found.append(
                f"{len(src)} source vs {len(ref)} sentences in {path} (more than {IMBALANCE_WARNING:g}x): "
                "many sentences will be left unaligned; check that the files belong together"
            )
    return warned(found)


def warned(found: Sequence[str | None]) -> list[str]:
    """The warnings among ``found``, each logged once (the CLI prints it as one line)."""
    warnings = [w for w in found if w]
    for warning in warnings:
        logger.warning("%s", warning)
    return warnings



__all__ = ["IMBALANCE_WARNING", "input_warnings", "read_mt_lines", "read_sentences", "warned"]
