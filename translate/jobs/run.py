"""``selaras run`` as a call: segment, get the MT, align with each reference, flag and
score, into one run folder (``selaras.rundir``).

:func:`run_job` runs a :class:`~selaras.jobs.spec.RunSpec`; :func:`run` is the notebook
API's keyword form of it. Where the MT comes from is decided in one place
(:func:`_machine_translation`, one case per :data:`~selaras.jobs.spec.MtSource`), and
the folder is written through the output transaction (``selaras.jobs.outputs``):
refused before any work, locked, resumable, replaced as one set.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selaras import backends
from selaras.checks import check_rows, glossary_checks
from selaras.errors import InputError
from selaras.jobs.align import align_reference, alignment_tools
from selaras.jobs.inputs import input_warnings, read_mt_lines, read_sentences, warned
from selaras.jobs.outputs import Outputs, Transaction
from selaras.jobs.spec import GivenMt, NoMt, Precomputed, Progress, RunSpec, Translate, run_spec
from selaras.metrics import check_bootstrap, score_rows
from selaras.records import Sentence, Translation
from selaras.rows import AlignedRow, build_rows, tsv_lines
from selaras.rundir import CHECKPOINT_NAME, MT_NAME, SOURCE_NAME, aligned_name, reference_name, run_file_names, scored_digest
from selaras.memory.apply import check_memory, translate_with_memory
from selaras.wordlinks import word_links

logger = logging.getLogger(__name__)


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


def run(source: str | Path, references: Sequence[str | Path], out_dir: str | Path, **settings: Any) -> RunResult:
    """Segment, translate, align with each reference, flag and score; write ``out_dir``.

    The keyword form of :func:`run_job` (``settings`` become a
    :class:`~selaras.jobs.spec.RunSpec`, checked before any work).

    Args:
        source: the Indonesian document.
        references: one or more English reference translations of it (any
            segmentation: the aligner pairs merged and split sentences).
        out_dir: the run folder (created; its files are replaced as one set, see
            :mod:`selaras.rundir`; a file the run was given is never written over).
        settings: any of these keywords:

            * ``options``: an :class:`~selaras.backends.EngineOptions`; or the engine by
              keyword: ``model``, ``engine`` (the backend's name), ``device``,
              ``batch_size``, ``beams``, ``compute_type``, … (``ENGINE_KEYWORDS``).
            * ``lines``: one sentence per non-empty line in the source and references.
            * ``mt``: use this existing MT file (one line per source sentence) instead
              of translating. ``translate=False`` skips MT altogether:
              source–reference alignment only.
            * ``backend``: an already-loaded engine to translate with (a corpus job
              loads it once for every document).
            * ``translations``: the source's translations, already made (one per source
              sentence, in order): nothing is translated, and ``engine_info``
              (``EngineInfo.as_json()`` of the engine that made them) goes into
              ``metrics.json`` as the MT's engine.
            * ``max_bead`` (2 to 12; default the aligner's 5), ``lexicon`` (a bilingual
              lexicon file), ``embedder`` (``auto``, ``e5``, ``none`` or a
              sentence-transformers folder or hub id): the
              :class:`~selaras.jobs.spec.AlignSettings`.
            * ``n_bootstrap``: resamples for the metrics' 95% CIs (0: none; default 1000).
            * ``format``: the inputs' document format (default: each by its extension;
              DOCX, HTML, Markdown and SRT give the sentences of their blocks).
            * ``word_alignment``: also fill each row's ``word_alignment`` (source word to
              MT word links from the model's attention); about 12% more translation
              time; needs an MT made here (not ``mt=`` or ``translate=False``).
            * ``tm``: a translation memory file (``selaras.memory``): its exact matches
              replace the MT of their sentences (``origin`` = ``tm`` in the rows, counted
              in ``metrics["origin"]``) and are never sent to the engine.
            * ``glossary``: a ``selaras.terms.Glossary`` (``read_glossary(path)``): the MT
              made here uses its English where the word alignment is sure, every row
              gets ``term-missing``, ``metrics.json`` a ``glossary`` entry.
            * ``on_progress``, ``on_embed_progress``: ``(done, total)`` while translating
              and embedding.

    Raises:
        TypeError: an unknown keyword (the message lists the valid ones).
        InputError: unreadable or empty inputs, an MT that does not match the source,
            an input that the run would write over, a setting out of range.
        FileError: the run folder cannot be written. LockedError: another run holds it.
        ModelUnavailableError: the model cannot be loaded (use ``translate=False`` or
            ``mt=`` to align without it).
    """
    spec, progress = run_spec(source, references, out_dir, settings)
    return run_job(spec, progress)


def run_job(spec: RunSpec, progress: Progress | None = None) -> RunResult:
    """Run ``spec``: the same job as :func:`run` (its Args and Raises), from a spec.

    Everything that can be refused is refused before the model loads: the outputs
    (an input the run would write over), the inputs' sentences, the lexicon and embedder.
    """
    progress = progress or Progress()
    if not spec.references:
        raise InputError("no reference given; give at least one English translation of the source")
    n_bootstrap = check_bootstrap(spec.n_bootstrap)
    names = [*run_file_names(len(spec.references), with_mt=spec.mt.writes_mt), CHECKPOINT_NAME]
    outputs = Outputs.run_folder(spec.out_dir, names, spec.inputs, checkpoint=spec.mt.translates)
    outputs.refuse()
    check_memory(spec.tm)

    sentences = read_sentences(spec.source, "id", lines=spec.lines, format=spec.format)
    ref_sentences = [[s.text for s in read_sentences(r, "en", lines=spec.lines, format=spec.format)] for r in spec.references]
    src_texts = [s.text for s in sentences]
    warnings = input_warnings(spec.source, src_texts, list(zip(spec.references, ref_sentences)))
    lexicon, encoder = alignment_tools(spec.align)

    with outputs.transaction() as transaction:
        mt = _machine_translation(spec, src_texts, transaction, progress)
        mt, terms = _with_glossary(spec, mt)
        links = [word_links(t) for t in mt.translations] if spec.word_alignment and mt.translations is not None else None
        files: dict[str, str] = {SOURCE_NAME: _text(src_texts)}
        if mt.lines is not None:
            files[MT_NAME] = _text(mt.lines)
        aligned: list[list[AlignedRow]] = []
        per_reference: list[dict] = []
        for k, (ref_path, ref_texts) in enumerate(zip(spec.references, ref_sentences)):
            beads, warning = align_reference(
                src_texts, ref_texts, mt.lines, str(ref_path), max_bead=spec.align.max_bead, lexicon=lexicon,
                embedder=encoder, on_embed_progress=progress.embed,
            )
            warnings += warned([warning])
            rows = check_rows(
                build_rows(src_texts, ref_texts, mt.lines, beads, mt_scores=mt.scores, word_links=links, origins=mt.origins),
                checks=glossary_checks(spec.glossary),
            )
            files[reference_name(k)] = _text(ref_texts)
            files[aligned_name(k)] = "".join(tsv_lines(rows))
            aligned.append(rows)
            per_reference.append(_reference_entry(k, ref_path, ref_texts, rows, n_bootstrap if mt.lines is not None else None))
        metrics: dict = {
            "source": str(spec.source),
            "source_sentences": len(sentences),
            "mt": mt.info,
            **_origin_entry(spec, mt),
            "embedder": encoder.name if encoder is not None else None,
            "references": per_reference,
            "warnings": warnings,
        }
        if terms is not None:
            metrics["glossary"] = terms
        if per_reference[0]["metrics"]:
            metrics.update(per_reference[0]["metrics"])  # top-level bleu/chrf/chrfpp/ter/signatures for the first reference
        metrics = transaction.commit_folder(files, metrics)
    return RunResult(
        out_dir=Path(spec.out_dir), sentences=sentences, mt=mt.lines, references=[Path(r) for r in spec.references],
        aligned=aligned, metrics=metrics, resumed=mt.resumed, split=mt.split, warnings=warnings,
    )


def _origin_entry(spec: RunSpec, mt: _Mt) -> dict[str, Any]:
    """``metrics.json``'s count of source sentences by where their MT came from
    (``origin``: ``{"mt": …, "tm": …}`` or ``{"given": …}``; none without MT), and the
    translation memory used (``tm``, only when one was)."""
    if mt.origins is None:
        return {}
    counts: dict[str, int] = {"mt": 0, "tm": 0} if mt.translations is not None else {}
    for origin in mt.origins:
        counts[origin] = counts.get(origin, 0) + 1
    return {"origin": counts, **({"tm": str(spec.tm)} if spec.tm is not None else {})}


def _text(lines: Sequence[str]) -> str:
    return "".join(line + "\n" for line in lines)


def _reference_entry(k: int, path: str | Path, texts: Sequence[str], rows: list[AlignedRow], n_bootstrap: int | None) -> dict:
    """``metrics.json``'s entry for reference ``k`` (scores only with an MT: ``n_bootstrap`` not ``None``)."""
    return {
        "reference": str(path),
        "aligned": aligned_name(k),
        "reference_sentences": len(texts),
        "beads": len(rows),
        "scored_sha256": scored_digest(rows),
        "metrics": score_rows(rows, n_bootstrap=n_bootstrap) if n_bootstrap is not None else None,
    }


@dataclass(frozen=True)
class _Mt:
    """A run's MT, whichever its source: lines, the engine's scores, what made it."""

    lines: list[str] | None = None
    scores: list[tuple[float | None, int]] | None = None
    info: dict | str | None = None
    translations: Sequence[Translation] | None = None
    resumed: int = 0
    origins: list[str] | None = None

    @property
    def split(self) -> int:
        """Sentences too long for the model, split and rejoined."""
        return sum(1 for t in self.translations or () if t.pieces > 1)

    @classmethod
    def of(cls, translations: Sequence[Translation], info: dict | None, resumed: int = 0) -> _Mt:
        return cls(
            lines=[t.text for t in translations], scores=[(t.score, t.tokens) for t in translations], info=info,
            translations=translations, resumed=resumed, origins=[t.origin for t in translations],
        )


def _machine_translation(spec: RunSpec, src_texts: list[str], transaction: Transaction, progress: Progress) -> _Mt:
    """The MT of ``spec``'s source: the one place that dispatches on where it comes from."""
    match spec.mt:
        case GivenMt(path=path):
            lines = read_mt_lines(path, len(src_texts))
            return _Mt(lines=lines, info=str(path), origins=["given"] * len(lines))
        case Precomputed(translations=translations, engine_info=info):
            if [t.source for t in translations] != src_texts:
                raise ValueError("translations must be those of the source's sentences, in order")
            return _Mt.of(translations, dict(info) if info is not None else None)
        case Translate(options=options, backend=backend):
            engine = backends.load_backend(options) if backend is None else backend  # on the package: a substitutable seam
            Path(spec.out_dir).mkdir(parents=True, exist_ok=True)  # only once there is something to write
            checkpoint = transaction.checkpoint
            translations = translate_with_memory(
                engine, src_texts, spec.tm, batch_size=options.batch_size, beams=options.beams,
                on_progress=progress.translate, checkpoint=checkpoint,
                alignment=spec.word_alignment or spec.glossary is not None,
            )
            return _Mt.of(translations, engine.describe(options.beams).as_json(), checkpoint.resumed if checkpoint else 0)
        case NoMt():
            return _Mt()
    raise TypeError(f"not an MT source: {spec.mt!r}")  # a programming error: MtSource has four cases


def _with_glossary(spec: RunSpec, mt: _Mt) -> tuple[_Mt, dict[str, Any] | None]:
    """The MT with the glossary enforced on what the model made (a given MT file is a
    human's or another tool's and is left as it is), and ``metrics.json``'s ``glossary``
    entry: the file, its terms, and term occurrences by outcome."""
    if spec.glossary is None:
        return mt, None
    entry: dict[str, Any] = {"file": spec.glossary.name, "terms": len(spec.glossary)}
    if mt.translations is None:
        return mt, entry
    from selaras.terms.enforce import enforce_terms, enforcement_counts

    enforced = enforce_terms(mt.translations, spec.glossary)
    entry["enforced"] = enforcement_counts(enforced)
    return _Mt.of([e.translation for e in enforced], mt.info if isinstance(mt.info, dict) else None, mt.resumed), entry


__all__ = ["RunResult", "run", "run_job"]
