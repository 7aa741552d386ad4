"""``run_corpus``: many documents in one resumable job (``selaras corpus``).

The job runs in two streaming passes over the manifest, so memory is bounded by a
chunk of sentences and one document, never by the corpus:

1. **Translate.** Every document's source is read and segmented; its sentences go into
   a to-do list on disk (a temporary SQLite table: identical sentences across
   documents appear once, in first-seen order), minus those the sentence cache
   (:mod:`selaras.corpus.memory`) already holds for this model and options. The
   to-do list is cut into chunks of :func:`chunk_size` sentences that mix documents,
   so the engine's batches stay full, and the engine (local, or Ray actors) translates
   chunk after chunk; each finished chunk is committed to the cache in one
   transaction. ``kill -9`` loses at most the chunks in flight, and a rerun's to-do
   list is cut into the very chunks that were not finished.
2. **Assemble.** Each document is written to ``DIR/docs/<id>/`` by
   ``selaras.jobs.run.run_job`` with its translations from the cache (so the folder is
   exactly what ``selaras run`` writes; its spec is the job's one template completed
   with the document's files and translations), and its rows stream into the corpus
   outputs (:mod:`selaras.corpus.outputs`).

A document that cannot be read (missing, empty, not UTF-8) or aligned fails alone: it
is listed with its reason and the others go on. Nothing that depends on how the job
ran (resumed, cached, engine) goes into the outputs, so they are byte-identical
whichever way they were made.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from selaras.backends.options import EngineOptions
from selaras.checks import check_rows, glossary_checks
from selaras.corpus.manifest import Document, read_manifest
from selaras.corpus.memory import SentenceMemory, default_path, text_hash
from selaras.memory import TranslationMemory
from selaras.memory.apply import ORIGIN_TM, check_memory
from selaras.memory.fill import entries_from_rows
from selaras.corpus.outputs import DOCS_DIR, ExportFilter, check_formats, export_files, open_outputs, output_files
from selaras.embed import resolve_embedder
from selaras.errors import InputError, SelarasError
from selaras.export import ExportSummary, select_rows
from selaras.jobs.inputs import read_sentences
from selaras.jobs.outputs import Outputs
from selaras.jobs.run import RunResult, run_job
from selaras.jobs.spec import AlignSettings, Precomputed, ProgressCallback, RunSpec, Translate
from selaras.metrics import ScoreAccumulator, check_bootstrap
from selaras.records import Bead, Translation
from selaras.rows import AlignedRow, build_rows
from selaras.rundir import METRICS_NAME, MT_NAME, SOURCE_NAME

logger = logging.getLogger(__name__)

EngineName = Literal["local", "ray"]
#: Engine batches per chunk: enough that the length-sorted batches inside a chunk are
#: full and even, few enough that ``kill -9`` loses little.
CHUNK_BATCHES = 4
#: Sentences per chunk when the batch size is the engine's own (CTranslate2's 64 x 4).
DEFAULT_CHUNK = 256



@dataclass(frozen=True)
class RunSettings:
    """Everything ``selaras run`` takes besides its files, for every document of a corpus.

    Attributes:
        engine: the :class:`~selaras.backends.EngineOptions` that translate the corpus.
        lines: one sentence per non-empty line in every source and reference.
        align: how every document is aligned (:class:`~selaras.jobs.spec.AlignSettings`).
        n_bootstrap: resamples for each document's 95% CIs (0: none).
        tm: a translation memory (``selaras.memory``): its exact matches replace the MT
            of their sentences in every document (``origin`` = ``tm``) and are never
            translated (nor put in the sentence cache, which holds the engine's work).
        glossary: a :class:`selaras.terms.Glossary`: every document's rows get the
            ``term-missing`` check (the sentence cache keeps no word alignment, so the
            corpus MT is not changed: each term is counted ``unsure``).
    """

    engine: EngineOptions = field(default_factory=EngineOptions)
    lines: bool = False
    align: AlignSettings = field(default_factory=AlignSettings)
    n_bootstrap: int = 1000
    tm: str | Path | None = None
    glossary: Any = None

    def template(self) -> RunSpec:
        """The run spec of every document, without its files and translations: each
        document's spec is this one completed (:func:`document_spec`)."""
        return RunSpec(
            source="", references=(), out_dir="", mt=Translate(self.engine), align=self.align, lines=self.lines,
            n_bootstrap=self.n_bootstrap, glossary=self.glossary,
        )


def document_spec(template: RunSpec, document: Document, folder: Path, translations: Sequence[Translation], engine_info: Any) -> RunSpec:
    """``template`` for one document: its files, its folder, its translations from the cache."""
    return replace(
        template, source=document.source, references=tuple(document.references), out_dir=folder,
        mt=Precomputed(translations, engine_info),
    )


def chunk_size(options: EngineOptions) -> int:
    """Sentences per chunk: :data:`CHUNK_BATCHES` engine batches (see the module docstring)."""
    return CHUNK_BATCHES * options.batch_size if options.batch_size else DEFAULT_CHUNK


@dataclass
class CorpusStats:
    """How the job went, for the summary (not written to the outputs: a resumed job differs)."""

    documents: int = 0
    sentences: int = 0
    unique: int = 0
    cached: int = 0
    translated: int = 0
    from_tm: int = 0
    beads: int = 0

    def as_json(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass(frozen=True)
class CorpusResult:
    """What a corpus job produced: the folder, the metrics as written, stats, failures."""

    out_dir: Path
    metrics: dict
    stats: CorpusStats
    failed: list[dict[str, str]]

    @property
    def ok(self) -> bool:
        """Whether every document succeeded."""
        return not self.failed


# --------------------------------------------------------------------------- pass 1


class _Todo:
    """The sentences still to translate, on disk (a SQLite temporary table), in first-seen order."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a private temporary file on disk, deleted on close
        self._db.execute("CREATE TABLE todo (hash TEXT PRIMARY KEY, seq INTEGER NOT NULL, text TEXT NOT NULL)")
        self._seq = 0

    def add(self, texts: list[str]) -> None:
        rows = []
        for text in texts:
            rows.append((text_hash(text), self._seq, text))
            self._seq += 1
        self._db.executemany("INSERT OR IGNORE INTO todo VALUES (?, ?, ?)", rows)

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM todo").fetchone()[0]

    def drop_known(self, memory: SentenceMemory, key: str) -> None:
        """Remove what the cache already holds (checked in slices, so memory stays small)."""
        last = -1
        while True:
            part = self._db.execute("SELECT seq, hash FROM todo WHERE seq > ? ORDER BY seq LIMIT 5000", (last,)).fetchall()
            if not part:
                break
            last = part[-1][0]
            known = memory.known(key, [h for _, h in part])
            self._db.executemany("DELETE FROM todo WHERE hash = ?", [(h,) for h in known])
        self._db.commit()

    def drop_answered(self, tm: Any) -> int:
        """Remove what the translation memory answers exactly; how many were removed."""
        last, removed = -1, 0
        while True:
            part = self._db.execute("SELECT seq, text FROM todo WHERE seq > ? ORDER BY seq LIMIT 5000", (last,)).fetchall()
            if not part:
                break
            last = part[-1][0]
            answered = [(seq,) for (seq, _), answer in zip(part, tm.exact([t for _, t in part])) if answer is not None]
            self._db.executemany("DELETE FROM todo WHERE seq = ?", answered)
            removed += len(answered)
        self._db.commit()
        return removed

    def chunks(self, size: int) -> Iterator[list[str]]:
        last = -1
        while True:
            part = self._db.execute("SELECT seq, text FROM todo WHERE seq > ? ORDER BY seq LIMIT ?", (last, size)).fetchall()
            if not part:
                return
            last = part[-1][0]
            yield [text for _, text in part]

    def close(self) -> None:
        self._db.close()


def _source_texts(document: Document, lines: bool) -> list[str]:
    return [s.text for s in read_sentences(document.source, "id", lines=lines)]


# --------------------------------------------------------------------------- engines


def _engine(name: EngineName, options: EngineOptions, ray_address: str | None, ray_actors: int | None):
    if name == "local":
        from selaras.corpus.local import LocalEngine  # with the ray engine's, only the one the job uses

        return LocalEngine(options)
    if name == "ray":
        from selaras.corpus.ray_engine import RayEngine  # Ray (optional, heavy) only for --engine ray

        return RayEngine(options, address=ray_address, actors=ray_actors)
    raise InputError(f"unknown corpus engine {name!r}; choose local or ray")


# --------------------------------------------------------------------------- the job


def run_corpus(
    manifest: str | Path,
    out_dir: str | Path,
    *,
    settings: RunSettings | None = None,
    engine: EngineName = "local",
    ray_address: str | None = None,
    ray_actors: int | None = None,
    filters: ExportFilter | None = None,
    memory_path: str | Path | None = None,
    fill_tm: str | Path | None = None,
    on_translate: ProgressCallback | None = None,
    on_assemble: ProgressCallback | None = None,
) -> CorpusResult:
    """Translate, align and score every document of ``manifest`` into ``out_dir``, resumably.

    Args:
        manifest: a TSV, JSONL or folder (``selaras.corpus.manifest``).
        out_dir: the corpus folder: ``docs/<id>/`` per document, ``corpus.tsv``,
            ``metrics.json``, ``exports/``.
        settings: the run options of every document (engine, lines, alignment, bootstrap).
        engine: ``local`` (this process) or ``ray`` (Ray Data actors; see
            ``selaras.corpus.ray_engine``).
        ray_address: a Ray cluster to join; ``None`` starts a local one.
        ray_actors: how many Ray actors (default: one per GPU or CPU).
        filters: the exports and their row filters.
        memory_path: the sentence cache (default :func:`selaras.corpus.memory.default_path`).
        fill_tm: a translation memory to add each document's exported pairs to (source
            and reference of the rows the export filters keep): a corpus of human
            translations becomes TM entries.
        on_translate, on_assemble: ``(done, total)`` in sentences to translate and documents.

    Returns:
        The result; ``result.ok`` is false when a document failed (each listed with why).

    Raises:
        InputError: a bad manifest or option (before the model loads).
        FileError, LockedError: the folder cannot be written or another run holds it.
        ModelUnavailableError, BackendError: the engine cannot be had or failed.
    """
    settings = settings or RunSettings()
    filters = filters or ExportFilter()
    _check_job(settings, filters, engine)
    documents = read_manifest(manifest)
    out = Path(out_dir)
    outputs = _corpus_outputs(manifest, documents, out, filters)
    outputs.refuse()
    check_memory(settings.tm)
    if fill_tm is not None and settings.tm is not None and Path(fill_tm).resolve() == Path(settings.tm).resolve():
        raise InputError(
            f"{fill_tm}: the translation memory a corpus fills must not be the one it translates with (its own "
            "references would answer its sentences when the job runs again); fill another file"
        )
    stats = CorpusStats(documents=len(documents))
    # The sentence encoder loads once for every document, and a bad one is refused
    # before any translation.
    template = replace(settings.template(), align=replace(settings.align, embedder=resolve_embedder(settings.align.embedder)))

    with contextlib.ExitStack() as stack:
        stack.enter_context(outputs.transaction())
        memory = stack.enter_context(SentenceMemory(memory_path or default_path()))
        tm = stack.enter_context(TranslationMemory(settings.tm, create=False)) if settings.tm is not None else None
        filling = stack.enter_context(TranslationMemory(fill_tm)) if fill_tm is not None else None
        translator = _engine(engine, settings.engine, ray_address, ray_actors)
        try:
            memory.set_engine_info(translator.key, translator.info)
            _translate(documents, settings, translator, memory, stats, on_translate, tm)
        finally:
            translator.close()  # a local Ray goes before the second pass needs the CPUs
        key = translator.key
        engine_info = memory.engine_info(key)

        out.mkdir(parents=True, exist_ok=True)
        failed: list[dict[str, str]] = []
        per_document: list[dict[str, Any]] = []
        scores = ScoreAccumulator()
        with open_outputs(out, filters) as (writer, finish):
            for done, document in enumerate(documents, start=1):
                try:
                    rows, entry = _assemble(document, out / DOCS_DIR / document.id, template, memory, key, engine_info, tm)
                except SelarasError as exc:
                    failed.append({"id": document.id, "reason": str(exc)})
                    logger.warning("document %s failed: %s", document.id, exc)
                else:
                    writer.add(document.id, rows)
                    if filling is not None:
                        kept, _ = select_rows(rows, min_chrf=filters.min_chrf, exclude_flags=filters.exclude_flags)
                        filling.add(entries_from_rows(kept, statuses=None, origin=f"corpus:{document.id}"))
                    scores.add_rows(rows)
                    per_document.append(entry)
                    stats.beads += len(rows)
                if on_assemble is not None:
                    on_assemble(done, len(documents))
            metrics = finish(_corpus_metrics(manifest, engine_info, len(documents), failed, per_document, writer, filters, scores.result()))
        _remove_stale_exports(out, filters.formats)
    return CorpusResult(out_dir=out, metrics=metrics, stats=stats, failed=failed)


def _corpus_outputs(manifest: str | Path, documents: Sequence[Document], out: Path, filters: ExportFilter) -> Outputs:
    """The corpus folder's own files; the manifest and every document's files are inputs."""
    inputs = [Path(manifest), *(p for d in documents for p in (d.source, *d.references))]
    return Outputs(
        paths=tuple(out / name for name in output_files(filters.formats)), inputs=tuple(p for p in inputs if p.is_file()),
        folder=out, what=f"the corpus folder {out}",
    )


def _check_job(settings: RunSettings, filters: ExportFilter, engine: str) -> None:
    """Refuse a bad bootstrap, export format or engine before anything is read."""
    check_bootstrap(settings.n_bootstrap)
    check_formats(filters.formats)
    if engine not in ("local", "ray"):
        raise InputError(f"unknown corpus engine {engine!r}; choose local or ray")


def _corpus_metrics(
    manifest: str | Path, engine_info: Any, documents: int, failed: list[dict[str, str]], per_document: list[dict[str, Any]],
    writer: Any, filters: ExportFilter, corpus_scores: dict[str, Any] | None,
) -> dict[str, Any]:
    """The corpus ``metrics.json`` (before its file list): counts, the per-document table,
    the exports' summaries, and the corpus scores (also at the top level, CIs aside)."""
    metrics: dict[str, Any] = {
        "manifest": str(manifest),
        "mt": engine_info,
        "documents": documents,
        "succeeded": len(per_document),
        "failed": failed,
        "source_sentences": sum(e["source_sentences"] for e in per_document),
        "beads": sum(e["beads"] for e in per_document),
        "per_document": per_document,
        "exports": {fmt: writer.summaries.get(fmt, ExportSummary()).as_json() for fmt in filters.formats},
        "filters": {"min_chrf": filters.min_chrf, "exclude_flags": list(filters.exclude_flags)},
        "scores": corpus_scores,
    }
    if corpus_scores:
        metrics.update({k: v for k, v in corpus_scores.items() if k != "ci95"})
    return metrics


def _remove_stale_exports(out: Path, formats: tuple[str, ...]) -> None:
    """Exports of an earlier run in formats this run did not write (they would contradict it)."""
    from selaras.export.registry import EXPORTERS  # the format names only: no writer loads

    for fmt in EXPORTERS:
        if fmt not in formats:
            for name in export_files(fmt):
                (out / name).unlink(missing_ok=True)


def _translate(documents, settings: RunSettings, translator, memory: SentenceMemory, stats: CorpusStats, on_progress, tm=None) -> None:
    """Pass 1: every sentence not in the cache, translated chunk by chunk and committed."""
    todo = _Todo()
    try:
        for document in documents:
            try:
                texts = [t for t in _source_texts(document, settings.lines) if t.strip()]
            except SelarasError:
                continue  # reported with its reason when the document is assembled
            stats.sentences += len(texts)
            todo.add(texts)
        stats.unique = todo.count()
        if tm is not None:
            stats.from_tm = todo.drop_answered(tm)
        todo.drop_known(memory, translator.key)
        total = todo.count()
        stats.cached = stats.unique - stats.from_tm - total
        if stats.cached:
            logger.info("%d of %d distinct sentences are already in the sentence cache", stats.cached, stats.unique)
        done = 0
        if on_progress is not None:
            on_progress(0, total)
        for translations in translator.translate_chunks(todo.chunks(chunk_size(settings.engine))):
            memory.put(translator.key, translations)
            done += len(translations)
            stats.translated = done
            if on_progress is not None:
                on_progress(done, total)
    finally:
        todo.close()


def _assemble(document: Document, folder: Path, template: RunSpec, memory: SentenceMemory, key: str, engine_info: Any, tm=None):
    """Pass 2 for one document: its run folder, its rows (first reference) and its table entry."""
    texts = _source_texts(document, template.lines)
    found = memory.get(key, texts)
    if tm is not None:  # the TM's exact matches come first (selaras.memory.apply)
        found = [
            Translation(source=text, text=answer, pieces=0, score=None, tokens=0, origin=ORIGIN_TM) if answer is not None else mt
            for text, answer, mt in zip(texts, tm.exact(texts), found)
        ]
    if any(t is None for t in found):  # another job replaced the cache in between: not this job's fault
        raise SelarasError(f"{document.source}: translations missing from the sentence cache; rerun the job")
    if not document.references:
        return _translate_only(document, folder, texts, found, engine_info, template.glossary)
    result: RunResult = run_job(document_spec(template, document, folder, found, engine_info))
    rows = result.aligned[0]
    primary = result.metrics["references"][0]["metrics"] or {}
    entry = {
        "id": document.id,
        "source_sentences": len(result.sentences),
        "beads": len(rows),
        "references": len(document.references),
        "warnings": len(result.warnings),
        **{k: primary.get(k) for k in ("bleu", "chrf", "chrfpp", "ter", "n_sentences")},
    }
    return rows, entry


def _translate_only(
    document: Document, folder: Path, texts: list[str], translations: Sequence[Translation], engine_info: Any,
    glossary: Any = None,
) -> tuple[list[AlignedRow], dict[str, Any]]:
    """A document without a reference: ``source.txt``, ``mt.txt`` and ``metrics.json`` (as a
    run folder, through the output transaction), and one 1-0 row per sentence (no
    reference to align with)."""
    outputs = Outputs.run_folder(folder, [SOURCE_NAME, MT_NAME, METRICS_NAME], [document.source])
    outputs.refuse()
    mt_lines = [t.text for t in translations]
    rows = check_rows(
        build_rows(
            texts,
            [],
            mt_lines,
            [Bead(src=(i,), tgt=(), score=None) for i in range(len(texts))],  # type: ignore[arg-type]  # nothing aligned
            mt_scores=[(t.score, t.tokens) for t in translations],
            origins=[t.origin for t in translations],
        ),
        checks=glossary_checks(glossary),
    )
    with outputs.transaction() as transaction:
        files = {SOURCE_NAME: "".join(t + "\n" for t in texts), MT_NAME: "".join(t + "\n" for t in mt_lines)}
        metrics = {"source": str(document.source), "source_sentences": len(texts), "mt": engine_info,
                   "references": [], "warnings": []}
        transaction.commit_folder(files, metrics)
    entry = {"id": document.id, "source_sentences": len(texts), "beads": len(rows), "references": 0, "warnings": 0,
             "bleu": None, "chrf": None, "chrfpp": None, "ter": None, "n_sentences": 0}
    return rows, entry


__all__ = ["CHUNK_BATCHES", "CorpusResult", "CorpusStats", "RunSettings", "chunk_size", "document_spec", "run_corpus"]
