"""The whole job in one call — segment, translate, align, check, score — for the CLI
(``selaras run``) and notebooks.

Every step between the two ends is a pure function over records; this module only
wires them together and writes the run folder:

* ``source.txt`` — the source sentences, line *n* = sentence *n* (the ``src_ids``);
* ``mt.txt`` — the machine translation, line-parallel with ``source.txt``;
* ``reference.txt`` (``reference2.txt``, …) — each reference's sentences;
* ``aligned.tsv`` (``aligned.ref2.tsv``, …) — one aligned TSV per reference, with QA flags;
* ``metrics.json`` — corpus BLEU/chrF/chrF++/TER over the aligned beads, with signatures.

A translation interrupted midway resumes on rerun from ``mt.selaras-partial`` in the run
folder (see :class:`translate.translator.Checkpoint`); every file is written atomically.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from translate.backends.base import DEFAULT_MODEL, BackendName, Device
from translate.errors import InputError
from translate.records import Sentence
from translate.rows import AlignedRow
from translate.translator import ProgressCallback

#: Name of the checkpoint inside the run folder (gitignored pattern ``*.selaras-partial``).
CHECKPOINT_NAME = "mt.selaras-partial"


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


def read_sentences(path: str | Path, lang: str, *, lines: bool) -> list[Sentence]:
    """The sentences of a document file: segmented, or (``lines``) one per non-empty line.

    Raises:
        InputError: unreadable, or no sentence in it.
    """
    from translate.io import read_text
    from translate.segment import split_sentences

    text = read_text(path)
    if lines:
        found = [Sentence(text=line.strip(), paragraph=0) for line in text.split("\n") if line.strip()]
    else:
        found = split_sentences(text, lang)  # type: ignore[arg-type]
    if not found:
        raise InputError(f"{path} has no sentences (it is empty or blank); give a non-empty {lang} text")
    return found


def _aligned_name(k: int) -> str:
    return "aligned.tsv" if k == 0 else f"aligned.ref{k + 1}.tsv"


def _reference_name(k: int) -> str:
    return "reference.txt" if k == 0 else f"reference{k + 1}.txt"


def _metrics_for(rows: Sequence[AlignedRow], *, n_bootstrap: int) -> dict | None:
    """Corpus scores over the beads that have both an MT and a reference."""
    from translate.metrics import corpus_scores, scores_as_json

    scored = [r for r in rows if r.mt.strip() and r.reference.strip()]
    if not scored:
        return None
    scores = corpus_scores([r.mt for r in scored], [[r.reference for r in scored]], n_bootstrap=n_bootstrap)
    return scores_as_json(scores, len(scored))


def read_mt_lines(path: str | Path, n_sentences: int) -> list[str]:
    """An existing MT for the source: its non-empty lines, one per source sentence.

    Blank lines (paragraph breaks written by ``selaras translate``) are ignored.
    """
    from translate.io import read_lines

    mt = [line.strip() for line in read_lines(path) if line.strip()]
    if len(mt) != n_sentences:
        raise InputError(
            f"{path} has {len(mt)} non-empty lines but the source has {n_sentences} sentences; the MT must "
            "have one line per source sentence: use the file selaras translate wrote for this source "
            "(with --lines only if the source was translated line by line)"
        )
    return mt


def engine_settings(backend: object, model: str, beams: int | None) -> dict:
    """What made the MT, for ``metrics.json``: the engine that actually ran (``auto``
    names none), where, in which precision and with how many beams, so that a score can
    be reproduced or compared with another run's."""
    from translate import __version__

    return {
        "model": model,
        "backend": getattr(backend, "name", None),
        "device": getattr(backend, "device", None),
        "precision": getattr(backend, "compute_type", None) or getattr(backend, "dtype", None),
        "beams": beams if beams is not None else _model_beams(backend),
        "selaras": __version__,
    }


def _model_beams(backend: object) -> int | None:
    """The beam size the backend uses when none is asked for (the model's own)."""
    defaults = getattr(backend, "defaults", None)  # CTranslate2
    if defaults is not None:
        return int(defaults.beam_size)
    model = getattr(backend, "model", None)  # transformers
    config = getattr(model, "generation_config", None)
    return int(config.num_beams) if config is not None and config.num_beams else None


def run(
    source: str | Path,
    references: Sequence[str | Path],
    out_dir: str | Path,
    *,
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
    **backend_options: object,
) -> RunResult:
    """Segment, translate, align with each reference, flag and score; write ``out_dir``.

    Args:
        source: the Indonesian document.
        references: one or more English reference translations of it (any
            segmentation: the aligner pairs merged and split sentences).
        out_dir: the run folder (created; files in it are replaced atomically).
        model, engine, device, batch_size, beams, backend_options: translation settings
            (see :func:`translate.translator.translate_document`).
        lines: one sentence per non-empty line in the source and references.
        mt: use this existing MT (one line per source sentence) instead of translating.
        translate: ``False`` skips MT altogether: source–reference alignment only.
        max_bead: largest bead for the aligner (default: the aligner's).
        n_bootstrap: resamples for the metrics' 95% CIs.
        on_progress: ``on_progress(done, total)`` during translation.

    Raises:
        InputError: unreadable or empty inputs, an MT that does not match the source.
        ModelUnavailableError: the model cannot be loaded (use ``translate=False`` or
            ``mt=`` to align without it).
    """
    from translate.align import DEFAULT_MAX_BEAD, align_sentences
    from translate.checks import check_rows
    from translate.io import atomic_write, write_lines
    from translate.rows import build_rows, write_aligned_tsv

    if not references:
        raise InputError("no reference given; pass --reference FILE (an English translation of the source)")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a folder; give -o a folder for the run's files")
    sentences = read_sentences(source, "id", lines=lines)
    ref_sentences = [read_sentences(ref, "en", lines=lines) for ref in references]
    src_texts = [s.text for s in sentences]

    mt_lines: list[str] | None = None
    mt_info: dict | str | None = str(mt) if mt is not None else None
    resumed = split = 0
    if mt is not None:
        mt_lines = read_mt_lines(mt, len(sentences))
    elif translate:
        from translate.backends import load_backend
        from translate.translator import Checkpoint, translate_sentences

        backend = load_backend(engine, model, device=device, **backend_options)
        out.mkdir(parents=True, exist_ok=True)  # only once there is something to write
        checkpoint = Checkpoint(out / CHECKPOINT_NAME)
        translations = translate_sentences(
            backend, src_texts, batch_size=batch_size, beams=beams, on_progress=on_progress, checkpoint=checkpoint
        )
        mt_lines = [t.text for t in translations]
        mt_info = engine_settings(backend, model, beams)
        resumed = checkpoint.resumed
        split = sum(1 for t in translations if t.pieces > 1)

    out.mkdir(parents=True, exist_ok=True)
    write_lines(out / "source.txt", src_texts)
    if mt_lines is not None:
        write_lines(out / "mt.txt", mt_lines)

    aligned: list[list[AlignedRow]] = []
    per_reference: list[dict] = []
    for k, (ref_path, refs) in enumerate(zip(references, ref_sentences)):
        ref_texts = [s.text for s in refs]
        beads = align_sentences(src_texts, ref_texts, mt=mt_lines, max_bead=max_bead or DEFAULT_MAX_BEAD)
        rows = check_rows(build_rows(src_texts, ref_texts, mt_lines, beads))
        write_lines(out / _reference_name(k), ref_texts)
        write_aligned_tsv(out / _aligned_name(k), rows)
        aligned.append(rows)
        per_reference.append(
            {
                "reference": str(ref_path),
                "aligned": _aligned_name(k),
                "reference_sentences": len(ref_texts),
                "beads": len(rows),
                "metrics": _metrics_for(rows, n_bootstrap=n_bootstrap) if mt_lines is not None else None,
            }
        )

    metrics: dict = {
        "source": str(source),
        "source_sentences": len(sentences),
        "mt": mt_info,
        "references": per_reference,
    }
    primary = per_reference[0]["metrics"]
    if primary:
        metrics.update(primary)  # top-level bleu/chrf/chrfpp/ter/signatures for the first reference
    with atomic_write(out / "metrics.json") as handle:
        handle.write(json.dumps(metrics, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    if mt is None and translate:
        (out / CHECKPOINT_NAME).unlink(missing_ok=True)
    return RunResult(
        out_dir=out,
        sentences=sentences,
        mt=mt_lines,
        references=[Path(r) for r in references],
        aligned=aligned,
        metrics=metrics,
        resumed=resumed,
        split=split,
    )
