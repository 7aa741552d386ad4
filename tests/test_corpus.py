"""``selaras corpus`` and ``selaras.corpus``: manifests, the sentence cache, failed
documents, the outputs, and resuming after ``kill -9`` with byte-identical results."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus_helpers import synthetic_corpus, tree_bytes
from selaras_process import run_selaras, start_selaras
from selaras.cli import app
from selaras.corpus import ExportFilter, RunSettings, read_manifest, run_corpus
from selaras.corpus.manifest import MAX_ID_LENGTH
from selaras.errors import InputError
from selaras.metrics import score_rows
from selaras.rows import parse_tsv
from selaras.backends import EngineOptions

runner = CliRunner()
DTD_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "tmx" / "tmx14.dtd"


# --------------------------------------------------------------------------- manifests


def _files(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).write_text("Saya suka kopi.\n", encoding="utf-8")


def test_tsv_jsonl_and_folder_manifests_list_the_same_documents(tmp_path: Path) -> None:
    _files(tmp_path, "a.id.txt", "a.en.txt", "a.en2.txt", "b.id.txt")
    (tmp_path / "m.tsv").write_text(
        "id\tsource\treference\treference2\na\ta.id.txt\ta.en.txt\ta.en2.txt\nb\tb.id.txt\t\t\n", encoding="utf-8"
    )
    (tmp_path / "m.jsonl").write_text(
        '{"id": "a", "source": "a.id.txt", "reference": ["a.en.txt", "a.en2.txt"]}\n{"id": "b", "source": "b.id.txt"}\n',
        encoding="utf-8",
    )
    expected = [("a", tmp_path / "a.id.txt", (tmp_path / "a.en.txt", tmp_path / "a.en2.txt")), ("b", tmp_path / "b.id.txt", ())]
    for name in ("m.tsv", "m.jsonl"):
        assert [(d.id, d.source, d.references) for d in read_manifest(tmp_path / name)] == expected
    # A folder pairs NAME.id.<ext> with NAME.en.<ext> (a.en2.txt is nobody's source).
    folder = [(d.id, d.source, d.references) for d in read_manifest(tmp_path)]
    assert folder == [("a", tmp_path / "a.id.txt", (tmp_path / "a.en.txt",)), ("b", tmp_path / "b.id.txt", ())]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id\tsource\na\tx.txt\na\ty.txt\n", "m.tsv line 3: id 'a' is already used (" ),
        ("id\tsource\nDoc\tx.txt\ndoc\ty.txt\n", "line 3: id 'doc' is already used"),
        ("id\tsource\n../up\tx.txt\n", "line 2: id '../up' cannot be a folder name"),
        ("id\tsource\na/b\tx.txt\n", "line 2: id 'a/b' cannot be a folder name"),
        (f"id\tsource\n{'x' * (MAX_ID_LENGTH + 1)}\tx.txt\n", "cannot be a folder name"),
        ("id\tsource\n\tx.txt\n", "line 2: the id is missing or empty"),
        ("id\treference\na\tx.txt\n", "line 1: missing column(s) source"),
        ("id\tsource\na\tx.txt\textra\n", "line 2: 3 columns, the header has 2"),
        ("id\tsource\n", "lists no document"),
    ],
)
def test_bad_tsv_manifests_name_the_line(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "m.tsv").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=None) as info:
        read_manifest(tmp_path / "m.tsv")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "source": "x"}\n{"id": "a" "source": "y"}\n', "m.jsonl line 2: not valid JSON"),
        ('["a", "x"]\n', "line 1: expected a JSON object"),
        ('{"id": "a"}\n', "line 1: source must be a file path"),
        ('{"id": "a", "source": "x", "reference": 3}\n', "line 1: reference must be a path or a list"),
        ('{"id": 7.5, "source": "x"}\n', "line 1: the id must be text or a whole number, got 7.5"),
    ],
)
def test_bad_jsonl_manifests_name_the_line(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "m.jsonl").write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_manifest(tmp_path / "m.jsonl")
    assert message in str(info.value)


def test_a_bad_manifest_is_one_error_line_before_any_model_loads(tmp_path: Path) -> None:
    (tmp_path / "m.tsv").write_text("id\tsource\na\tx.txt\na\ty.txt\n", encoding="utf-8")
    # The model does not exist: had the command got that far, it would exit 3, not 2.
    result = runner.invoke(app, ["corpus", str(tmp_path / "m.tsv"), "-o", str(tmp_path / "out"), "--model", str(tmp_path / "none")])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        f"Error: {tmp_path / 'm.tsv'} line 3: id 'a' is already used ({tmp_path / 'm.tsv'} line 2); ids must be unique"
    ]
    assert not (tmp_path / "out").exists()


def test_absurd_options_are_refused_up_front(tmp_path: Path) -> None:
    (tmp_path / "m.tsv").write_text("id\tsource\na\tx.txt\n", encoding="utf-8")
    base = ["corpus", str(tmp_path / "m.tsv"), "-o", str(tmp_path / "out")]
    for extra, message in (
        (["--export", "tmx,pdf"], "--export: unknown format(s) pdf"),
        (["--min-chrf", "140"], "--min-chrf must be between 0 and 100"),
        (["--ray-actors", "2"], "--ray-address and --ray-actors need --engine ray"),
        (["--beams", "1000"], "beams must be between 1 and 64"),
        (["--bootstrap", "5"], "bootstrap resamples must be 0"),
    ):
        result = runner.invoke(app, [*base, *extra])
        assert result.exit_code == 2, (extra, result.output)
        assert message in result.output


def test_without_ray_the_ray_engine_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_ray(name: str, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    _files(tmp_path, "a.id.txt")
    (tmp_path / "m.tsv").write_text("id\tsource\na\ta.id.txt\n", encoding="utf-8")
    result = runner.invoke(
        app, ["corpus", str(tmp_path / "m.tsv"), "-o", str(tmp_path / "out"), "--engine", "ray", "--memory", str(tmp_path / "tm")]
    )
    assert result.exit_code == 4, result.output
    assert result.output.strip().splitlines() == [
        'Error: the ray engine needs Ray: pip install "selaras[ray]" (in a clone: pip install -e ".[ray]")'
    ]


# --------------------------------------------------------------------------- a corpus job


@pytest.fixture()
def trained_corpus(tmp_path: Path, tiny_trained_model) -> tuple[Path, Path, list[tuple[str, str]]]:
    """Three documents of the trained pairs (two share sentences), one without a reference,
    one in UTF-16, one empty and one missing."""
    model, pairs = tiny_trained_model
    src = [s for s, _ in pairs]
    eng = [t for _, t in pairs]
    folder = tmp_path / "corpus"
    folder.mkdir()
    docs = {
        "alpha": (src[0:3], eng[0:3]),
        "beta": ([src[2], src[3], src[4]], [eng[2], eng[3], eng[4]]),
        "gamma": ([src[5], src[0]], [eng[5], eng[0]]),
    }
    lines = ["id\tsource\treference"]
    for name, (s, e) in docs.items():
        (folder / f"{name}.id.txt").write_text(" ".join(s) + "\n", encoding="utf-8")
        (folder / f"{name}.en.txt").write_text(" ".join(e) + "\n", encoding="utf-8")
        lines.append(f"{name}\t{name}.id.txt\t{name}.en.txt")
    (folder / "solo.id.txt").write_text(src[1] + "\n", encoding="utf-8")
    lines.append("solo\tsolo.id.txt\t")
    (folder / "utf16.id.txt").write_bytes("Saya suka kopi.\n".encode("utf-16"))
    (folder / "empty.id.txt").write_text("\n", encoding="utf-8")
    lines += ["utf16\tutf16.id.txt\talpha.en.txt", "empty\tempty.id.txt\talpha.en.txt", "missing\tnope.id.txt\talpha.en.txt"]
    (folder / "manifest.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return model, folder / "manifest.tsv", pairs


def _corpus_args(manifest: Path, out: Path, model: Path, memory: Path, *extra: str) -> list[str]:
    return ["corpus", str(manifest), "-o", str(out), "--model", str(model), "--backend", "transformers",
            "--memory", str(memory), "--bootstrap", "0", *extra]


def test_a_corpus_job_writes_every_document_and_reports_the_failed_ones(tmp_path: Path, trained_corpus) -> None:
    model, manifest, pairs = trained_corpus
    out = tmp_path / "out"
    result = runner.invoke(app, [*_corpus_args(manifest, out, model, tmp_path / "tm.sqlite"), "--json"])
    assert result.exit_code == 1, result.output  # three documents failed, the rest is done
    summary = json.loads(result.stdout)
    reasons = {f["id"]: f["reason"] for f in summary["failed"]}
    assert sorted(reasons) == ["empty", "missing", "utf16"]
    assert "UTF-16" in reasons["utf16"] and "empty" in reasons["empty"] and "no such file" in reasons["missing"]
    assert "failed: utf16, empty, missing" in result.stderr
    assert summary["documents"] == 7 and summary["succeeded"] == 4

    # Identical sentences are translated once: 9 sentences, 6 distinct.
    assert summary["stats"] == {
        "documents": 7, "sentences": 9, "unique": 6, "cached": 0, "translated": 6, "from_tm": 0, "beads": 9
    }
    # docs/<id>/ is a run folder; the MT is the trained English.
    assert sorted(p.name for p in (out / "docs" / "beta").iterdir()) == [
        "aligned.tsv", "metrics.json", "mt.txt", "reference.txt", "source.txt"
    ]
    assert (out / "docs" / "beta" / "mt.txt").read_text().splitlines() == [pairs[2][1], pairs[3][1], pairs[4][1]]
    assert sorted(p.name for p in (out / "docs" / "solo").iterdir()) == ["metrics.json", "mt.txt", "source.txt"]

    # corpus.tsv: every bead of every document, a leading doc column.
    lines = (out / "corpus.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("doc\tbead\tsrc_ids")
    assert [line.split("\t")[0] for line in lines[1:]] == ["alpha"] * 3 + ["beta"] * 3 + ["gamma"] * 2 + ["solo"]
    rows = parse_tsv(["\t".join(line.split("\t")[1:]) for line in lines], "corpus.tsv")
    # Corpus scores are sacrebleu's over all scored beads, with signatures.
    metrics = json.loads((out / "metrics.json").read_text())
    expected = score_rows(rows, n_bootstrap=0)
    for key in ("bleu", "chrf", "chrfpp", "ter", "n_sentences"):
        assert metrics[key] == expected[key]
    assert metrics["signatures"]["bleu"].startswith("nrefs:1|")
    assert [d["id"] for d in metrics["per_document"]] == ["alpha", "beta", "gamma", "solo"]
    assert metrics["per_document"][0]["bleu"] == pytest.approx(100.0)
    assert metrics["mt"]["backend"] == "transformers" and metrics["mt"]["model"] == str(model)
    # The exports: the reference-less bead is not a pair; every TMX unit names its document.
    assert metrics["exports"]["tmx"]["exported"] == 8 and metrics["exports"]["tmx"]["skipped_empty"] == 1
    assert (out / "exports" / "corpus.id").read_text().count("\n") == 8
    jsonl = [json.loads(line) for line in (out / "exports" / "corpus.jsonl").read_text().splitlines()]
    assert [r["doc"] for r in jsonl][-1] == "solo" and len(jsonl) == 9

    from lxml import etree

    tree = etree.parse(str(out / "exports" / "corpus.tmx"))
    assert [tu.findtext("prop[@type='x-doc']") for tu in tree.iter("tu")] == ["alpha"] * 3 + ["beta"] * 3 + ["gamma"] * 2
    if DTD_PATH.exists():  # CI has ../shared/data
        dtd = etree.DTD(str(DTD_PATH))
        assert dtd.validate(tree), dtd.error_log.filter_from_errors()


def test_each_document_folder_is_exactly_what_selaras_run_writes(tmp_path: Path, trained_corpus) -> None:
    model, manifest, _ = trained_corpus
    out = tmp_path / "out"
    runner.invoke(app, _corpus_args(manifest, out, model, tmp_path / "tm.sqlite", "--bootstrap", "200"))
    folder = manifest.parent
    for doc in ("alpha", "gamma"):
        single = tmp_path / f"run-{doc}"
        result = runner.invoke(
            app, ["run", str(folder / f"{doc}.id.txt"), "-r", str(folder / f"{doc}.en.txt"), "-o", str(single),
                  "--model", str(model), "--backend", "transformers", "--bootstrap", "200"],
        )
        assert result.exit_code == 0, result.output
        assert tree_bytes(out / "docs" / doc) == tree_bytes(single)


def test_the_sentence_cache_serves_reruns_and_other_corpora(tmp_path: Path, trained_corpus) -> None:
    model, manifest, pairs = trained_corpus
    memory = tmp_path / "tm.sqlite"
    settings = RunSettings(engine=EngineOptions(backend="transformers", model=str(model)), n_bootstrap=0)
    first = run_corpus(manifest, tmp_path / "one", settings=settings, memory_path=memory)
    assert (first.stats.unique, first.stats.cached, first.stats.translated) == (6, 0, 6)
    again = run_corpus(manifest, tmp_path / "two", settings=settings, memory_path=memory)
    assert (again.stats.unique, again.stats.cached, again.stats.translated) == (6, 6, 0)  # nothing translated again
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")
    # Another corpus sharing two sentences finds them; other options (beams) do not.
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.id.txt").write_text(f"{pairs[0][0]} {pairs[5][0]} Ini kalimat baru.\n", encoding="utf-8")
    (other / "x.en.txt").write_text(f"{pairs[0][1]} {pairs[5][1]} This is new.\n", encoding="utf-8")
    shared = run_corpus(other, tmp_path / "three", settings=settings, memory_path=memory)
    assert (shared.stats.unique, shared.stats.cached, shared.stats.translated) == (3, 2, 1)
    wider = RunSettings(engine=EngineOptions(backend="transformers", model=str(model), beams=2), n_bootstrap=0)
    assert run_corpus(other, tmp_path / "four", settings=wider, memory_path=memory).stats.cached == 0


def test_export_filters_apply_to_the_corpus_exports(tmp_path: Path, trained_corpus) -> None:
    model, manifest, _ = trained_corpus
    settings = RunSettings(engine=EngineOptions(backend="transformers", model=str(model)), n_bootstrap=0)
    result = run_corpus(
        manifest, tmp_path / "out", settings=settings, memory_path=tmp_path / "tm.sqlite",
        filters=ExportFilter(formats=("moses",), min_chrf=101.0),
    )
    assert result.metrics["exports"] == {
        "moses": {"exported": 0, "skipped": 9, "skipped_duplicate": 0, "skipped_empty": 1, "skipped_flagged": 0,
                  "skipped_low_chrf": 8}
    }
    assert sorted(p.name for p in (tmp_path / "out" / "exports").iterdir()) == ["corpus.en", "corpus.id"]


# --------------------------------------------------------------------------- resume after kill -9


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """24 documents of 8 synthetic sentences (some shared): a few seconds of work for the random model."""
    return synthetic_corpus(tmp_path_factory.mktemp("big"), documents=24, sentences=8, seed=3)


def _memory_rows(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
    except sqlite3.Error:
        return 0


def _kill_when(args: list[str], cwd: Path, ready, limit_s: float = 120) -> None:
    """Start ``selaras`` and ``kill -9`` it as soon as ``ready()`` holds (bounded in time)."""
    proc = start_selaras(*args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + limit_s
    try:
        while not ready():
            assert proc.poll() is None, f"the job finished before it could be killed: {proc.stderr.read().decode()}"
            assert time.monotonic() < deadline, "the job never reached the point to kill it"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        proc.stderr.close()


def _job_args(corpus: Path, model: Path, out: Path, memory: Path) -> list[str]:
    return ["corpus", str(corpus), "-o", str(out), "--model", str(model), "--backend", "transformers",
            "--batch-size", "2", "--memory", str(memory), "--bootstrap", "0", "--json"]


@pytest.fixture(scope="module")
def uninterrupted(big_corpus: Path, random_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The corpus job run once without interruption: its folder and its distinct sentences."""
    where = tmp_path_factory.mktemp("whole")
    result = run_selaras(*_job_args(big_corpus, random_model_dir, where / "out", where / "tm.sqlite"), cwd=where)
    assert result.returncode == 0, result.stderr
    return where / "out", json.loads(result.stdout)["stats"]["unique"]


@pytest.mark.slow
@pytest.mark.parametrize("when", ["translating", "assembling"])
def test_kill_9_then_rerun_finishes_with_the_same_bytes(
    tmp_path: Path, big_corpus: Path, random_model_dir: Path, uninterrupted: tuple[Path, int], when: str
) -> None:
    whole, distinct = uninterrupted
    out, memory = tmp_path / "killed", tmp_path / "killed.sqlite"
    args = _job_args(big_corpus, random_model_dir, out, memory)
    if when == "translating":  # after the first chunk is committed, long before the last
        _kill_when(args, tmp_path, lambda: _memory_rows(memory) > 0)
    else:  # after the first documents are written
        docs = out / "docs"
        _kill_when(args, tmp_path, lambda: docs.is_dir() and len(list(docs.glob("*/metrics.json"))) >= 2)
    done_before = _memory_rows(memory)
    assert 0 < done_before <= distinct
    if when == "translating":
        assert done_before < distinct
        assert not (out / "corpus.tsv").exists()
    else:
        assert done_before == distinct

    rerun = run_selaras(*args, cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    stats = json.loads(rerun.stdout)["stats"]
    # Nothing finished is translated again; the result is the uninterrupted run's, byte for byte.
    assert stats["cached"] == done_before and stats["translated"] == distinct - done_before
    assert tree_bytes(out) == tree_bytes(whole)


# --------------------------------------------------------------------------- scores and memory


def test_streamed_corpus_scores_are_sacrebleus_over_all_rows() -> None:
    import random

    from selaras.metrics import ScoreAccumulator
    from selaras.rows import AlignedRow

    rng = random.Random(7)
    words = "the a cat dog sat on mat house big small red went home".split()
    rows = [
        AlignedRow((k,), (k,), "x", " ".join(rng.choices(words, k=rng.randint(1, 9))) if k % 11 else "",
                   " ".join(rng.choices(words, k=rng.randint(1, 9))))
        for k in range(1, 200)
    ]
    accumulator = ScoreAccumulator()
    for start in range(0, len(rows), 13):  # document by document
        accumulator.add_rows(rows[start : start + 13])
    assert accumulator.result() == score_rows(rows, n_bootstrap=0)


class _EchoEngine:
    """A stand-in engine (upper-cases its input), to measure the job without a model."""

    key, info = "echo", {"backend": "echo"}

    def translate_chunks(self, chunks):
        from selaras.records import Translation

        for texts in chunks:
            yield [Translation(source=t, text=t.upper(), pieces=1, score=-0.5, tokens=3) for t in texts]

    def close(self) -> None:
        pass


def _translation_pass_peak(tmp_path: Path, documents: int) -> tuple[int, int]:
    """Peak Python memory of the translation pass over ``documents`` documents of 100 sentences."""
    import tracemalloc

    from selaras.corpus.job import CorpusStats, _translate
    from selaras.corpus.memory import SentenceMemory

    manifest = synthetic_corpus(tmp_path / f"c{documents}", documents=documents, sentences=100, seed=documents, repeats=2)
    docs = read_manifest(manifest)
    stats = CorpusStats()
    with SentenceMemory(tmp_path / f"m{documents}.sqlite") as memory:
        tracemalloc.start()
        _translate(docs, RunSettings(engine=EngineOptions(batch_size=8)), _EchoEngine(), memory, stats, None)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert memory.count("echo") == stats.unique
    return peak, stats.sentences


def test_memory_stays_bounded_by_the_chunk_not_the_corpus(tmp_path: Path) -> None:
    _translation_pass_peak(tmp_path, 2)  # imports and regex caches first, so they count in neither
    small_peak, small = _translation_pass_peak(tmp_path, 100)
    big_peak, big = _translation_pass_peak(tmp_path, 300)
    assert big > 2.9 * small  # 20,000 more sentences (a few shared) ...
    # ... in the same memory: holding them would take 20,000 x ~120 bytes = 2.4 MB more.
    assert big_peak - small_peak < 1_000_000, (small_peak, big_peak)


def test_run_reuses_a_loaded_backend_and_writes_what_it_would_have(tmp_path: Path, trained_corpus) -> None:
    from selaras.backends import load_backend
    from selaras.jobs.run import run

    model, manifest, _ = trained_corpus
    folder = manifest.parent
    options = EngineOptions(backend="transformers", model=str(model))
    source, reference = folder / "beta.id.txt", [folder / "beta.en.txt"]
    run(source, reference, tmp_path / "fresh", options=options, n_bootstrap=0)
    run(source, reference, tmp_path / "reused", options=options, backend=load_backend(options), n_bootstrap=0)
    assert tree_bytes(tmp_path / "reused") == tree_bytes(tmp_path / "fresh")
