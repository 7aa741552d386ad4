"""The translation path: backend, translator (order, splitting, checkpoints) and ``selaras translate``."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selaras_process import run_selaras, start_selaras
import selaras.backends
from selaras.backends import EngineInfo, Hypothesis
from selaras.cli import app
from selaras.errors import InputError
from selaras.records import Translation
from selaras.checkpoint import Checkpoint
from selaras.translator import (
    split_to_fit,
    translate_document,
    translate_sentences,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


# --------------------------------------------------------------------------- helpers


class FakeBackend:
    """A backend without a model: one token per word (+ ``</s>``), output = upper case.

    Lets the splitting, ordering and checkpoint logic be checked exactly and fast.
    """

    name = "fake"
    model_name_or_path = "fake"
    device = "cpu"
    default_batch_size = 16
    fingerprint = "fake|upper"

    def __init__(self, max_input_tokens: int = 64) -> None:
        self.max_input_tokens = max_input_tokens
        self.batches: list[list[str]] = []

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]

    def describe(self, beams: int | None = None) -> EngineInfo:
        return EngineInfo("fake", "fake", "cpu", "float32", beams or 1, {"selaras": "test"})

    def translate_batch(
        self, texts: Sequence[str], *, beams: int | None = None, max_length: int | None = None
    ) -> list[Hypothesis]:
        assert max(self.count_tokens(texts)) <= self.max_input_tokens, "backend got an input longer than its limit"
        self.batches.append(list(texts))
        # One target token per word plus </s>, each with log-probability -0.5.
        return [Hypothesis(t.upper(), tuple(t.upper().split()), -0.5 * (len(t.split()) + 1), len(t.split()) + 1) for t in texts]


class Recorder:
    """Wraps a backend, records every input, and can fail after ``fail_after`` batches."""

    def __init__(self, inner: object, fail_after: int | None = None) -> None:
        self.inner = inner
        self.fail_after = fail_after
        self.batches: list[list[str]] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def translate_batch(self, texts: Sequence[str], **kwargs: object) -> list[Hypothesis]:
        if self.fail_after is not None and len(self.batches) >= self.fail_after:
            raise KeyboardInterrupt  # what Ctrl-C raises
        self.batches.append(list(texts))
        return self.inner.translate_batch(texts, **kwargs)  # type: ignore[attr-defined]

    @property
    def inputs(self) -> list[str]:
        return [t for batch in self.batches for t in batch]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checkpoints of stdout runs go under $XDG_CACHE_HOME: keep them out of the real home."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("SELARAS_CACHE", raising=False)


@pytest.fixture(scope="module")
def trained(tiny_trained_model: tuple[Path, list[tuple[str, str]]]):
    from selaras.backends import load_backend

    path, pairs = tiny_trained_model
    return load_backend("transformers", str(path), device="cpu", threads=1), pairs


@pytest.fixture(scope="module")
def random_backend(random_model_dir: Path):
    from selaras.backends import load_backend

    return load_backend("transformers", str(random_model_dir), device="cpu", threads=1)


def _use_backend(monkeypatch: pytest.MonkeyPatch, backend: object) -> None:
    """Make ``selaras translate`` use ``backend`` whatever --model/--backend says."""
    monkeypatch.setattr(selaras.backends, "load_backend", lambda *args, **kwargs: backend)


# --------------------------------------------------------------------------- import hygiene


def test_import_cli_and_translator_do_not_import_torch() -> None:
    code = (
        "import sys, selaras.cli, selaras.translator, selaras.backends.marian, selaras.backends.loading; "
        "heavy = [m for m in ('torch', 'transformers', 'ctranslate2', 'huggingface_hub') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- the trained tiny model


@pytest.mark.parametrize("beams", [1, 4, None])
@pytest.mark.parametrize("batch_size", [1, 2, 3])
def test_trained_model_translates_shuffled_pairs_exactly(trained, batch_size: int, beams: int | None) -> None:
    backend, pairs = trained
    shuffled = pairs[:]
    random.Random(batch_size).shuffle(shuffled)
    result = translate_sentences(backend, [s for s, _ in shuffled], batch_size=batch_size, beams=beams)
    assert [t.text for t in result] == [t for _, t in shuffled]
    assert [t.source for t in result] == [s for s, _ in shuffled]
    assert all(t.pieces == 1 for t in result)


def test_batches_are_sorted_by_length_and_order_restored(trained) -> None:
    backend, pairs = trained
    recorder = Recorder(backend)
    sources = [s for s, _ in pairs][::-1] + [""]
    result = translate_sentences(recorder, sources, batch_size=2, beams=1)
    assert [t.text for t in result] == [t for _, t in pairs][::-1] + [""]
    lengths = [max(backend.count_tokens(batch)) for batch in recorder.batches]
    assert lengths == sorted(lengths, reverse=True)
    assert "" not in recorder.inputs  # empty text: no model call
    assert result[-1] == Translation(source="", text="", pieces=0, score=None, tokens=0)


def test_batches_respect_the_token_budget_and_the_backend_default(trained) -> None:
    backend, pairs = trained
    sources = [s for s, _ in pairs]
    counts = backend.count_tokens(sources)
    budget = 2 * max(counts)  # room for two of the longest inputs, not three
    capped = Recorder(backend)
    result = translate_sentences(capped, sources, max_batch_tokens=budget, beams=1)
    assert [t.text for t in result] == [t for _, t in pairs]
    for batch in capped.batches:
        assert len(batch) * max(backend.count_tokens(batch)) <= budget
    assert len(capped.batches) > 1

    by_default = Recorder(backend)
    translate_sentences(by_default, sources, beams=1)
    assert [len(b) for b in by_default.batches] == [min(len(sources), backend.default_batch_size)]


def test_cli_translates_pairs_in_order(tmp_path: Path, tiny_trained_model) -> None:
    model_dir, pairs = tiny_trained_model
    shuffled = pairs[:]
    random.Random(7).shuffle(shuffled)
    # Two paragraphs of sentences: segmentation, then one blank line between paragraphs.
    first, second = shuffled[:3], shuffled[3:]
    source = tmp_path / "doc.id.txt"
    source.write_text(" ".join(s for s, _ in first) + "\n\n" + " ".join(s for s, _ in second) + "\n", encoding="utf-8")
    out = tmp_path / "doc.en.txt"
    for beams in ("1", "4"):
        args = ["translate", str(source), "--model", str(model_dir), "--backend", "transformers"]
        result = runner.invoke(app, [*args, "--beams", beams, "--batch-size", "2", "-o", str(out)])
        assert result.exit_code == 0, result.output
        expected = [t for _, t in first] + [""] + [t for _, t in second]
        assert out.read_text(encoding="utf-8").splitlines() == expected
        assert not Path(str(out) + ".selaras-partial").exists()


def test_cli_json_lists_every_sentence(tmp_path: Path, trained_model_of_each_family) -> None:
    model_dir, pairs = trained_model_of_each_family
    source = tmp_path / "lines.id.txt"
    source.write_text(f"{pairs[0][0]}\n\n{pairs[1][0]}\n", encoding="utf-8")
    args = ["translate", str(source), "--model", str(model_dir), "--backend", "transformers", "--lines", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    keys = ("id", "source", "translation", "pieces")
    assert [{k: row[k] for k in keys} for row in payload] == [
        {"id": 1, "source": pairs[0][0], "translation": pairs[0][1], "pieces": 1},
        {"id": 2, "source": "", "translation": "", "pieces": 0},
        {"id": 3, "source": pairs[1][0], "translation": pairs[1][1], "pieces": 1},
    ]
    # The model's own confidence: a mean log-probability per token (< 0) over the
    # tokens it produced; nothing for the blank line, which never reached the model.
    assert [(row["score"] is None, row["tokens"] > 0) for row in payload] == [(False, True), (True, False), (False, True)]
    assert all(row["score"] < 0 for row in payload if row["score"] is not None)


def test_translate_document_keeps_paragraphs(trained) -> None:
    backend, pairs = trained
    text = f"{pairs[2][0]} {pairs[3][0]}\n\n\n{pairs[4][0]}\n"
    doc = translate_document(text, backend, beams=1)
    assert [[t.text for t in p] for p in doc.paragraphs] == [[pairs[2][1], pairs[3][1]], [pairs[4][1]]]
    assert doc.text == f"{pairs[2][1]}\n{pairs[3][1]}\n\n{pairs[4][1]}\n"
    assert doc.split_count == 0


def test_translate_document_takes_engine_options(tiny_trained_model) -> None:
    from selaras.backends import EngineOptions

    model_dir, pairs = tiny_trained_model
    options = EngineOptions(backend="transformers", model=str(model_dir), device="cpu", beams=1)
    doc = translate_document(f"{pairs[0][0]} {pairs[1][0]}", options=options)
    assert [t.text for t in doc.translations] == [pairs[0][1], pairs[1][1]]
    with pytest.raises(InputError, match="beams must be between 1 and 64"):
        translate_document("Saya suka kopi.", options=EngineOptions(backend="transformers", beams=65))


# --------------------------------------------------------------------------- random model: batching, splitting


def test_random_model_output_does_not_depend_on_batching(random_backend) -> None:
    texts = ["Saya suka kopi.", "Apa kabar?", "Dia membaca buku di perpustakaan.", "Terima kasih.", "Kami pergi."]
    one_by_one = [random_backend.translate_batch([t], beams=2)[0].text for t in texts]
    assert len(set(one_by_one)) > 1, "the random model should give input-dependent output"
    batched = translate_sentences(random_backend, texts, batch_size=3, beams=2)
    assert [t.text for t in batched] == one_by_one


def test_long_input_is_split_at_clause_boundaries_not_cut(random_model_dir: Path) -> None:
    from selaras.backends import load_backend

    backend = load_backend("transformers", str(random_model_dir), device="cpu", threads=1, max_input_tokens=12)
    recorder = Recorder(backend)
    long = "Saya suka kopi, dia membaca buku di perpustakaan; kami pergi ke pasar pada hari Minggu, terima kasih."
    assert backend.count_tokens([long])[0] > 12
    result = translate_sentences(recorder, ["Apa kabar?", long], batch_size=4, beams=1)
    assert result[0].pieces == 1 and result[1].pieces > 1
    pieces = split_to_fit(long, backend.count_tokens, 12)
    assert sorted(t for t in recorder.inputs if t != "Apa kabar?") == sorted(pieces)
    assert len(pieces) == result[1].pieces
    assert all(n <= 12 for n in backend.count_tokens(pieces))
    assert " ".join(pieces).split() == long.split()  # every word translated, none lost
    assert pieces[0].endswith(",") or pieces[0].endswith(";")  # cut after a clause mark
    expected = " ".join(backend.translate_batch([p], beams=1)[0].text for p in pieces)
    assert result[1].text == expected


def test_split_prefers_stronger_boundaries() -> None:
    count = FakeBackend().count_tokens
    text = "satu dua tiga; empat lima, enam tujuh delapan: sembilan sepuluh — sebelas dua belas"
    assert split_to_fit(text, count, 6) == [
        "satu dua tiga;",
        "empat lima, enam tujuh delapan:",
        "sembilan sepuluh —",
        "sebelas dua belas",
    ]
    # No cut inside Indonesian decimals (1,5) or times (10:30): those marks need a space after.
    assert split_to_fit("angka 1,5 dan jam 10:30 tetap utuh", count, 3) == [
        "angka 1,5",
        "dan jam",
        "10:30 tetap",
        "utuh",
    ]
    assert split_to_fit("pendek saja", count, 6) == ["pendek saja"]


def test_split_of_a_1mb_line_is_linear_and_complete() -> None:
    backend = FakeBackend(max_input_tokens=50)
    words = "satu dua tiga empat lima enam tujuh delapan sembilan".split()
    line = " ".join(words[i % len(words)] for i in range(200_000))
    assert len(line) > 1_000_000
    start = time.perf_counter()
    pieces = split_to_fit(line, backend.count_tokens, 50)
    elapsed = time.perf_counter() - start
    assert max(backend.count_tokens(pieces)) <= 50
    assert " ".join(pieces) == line
    assert elapsed < 10, f"splitting 1 MB took {elapsed:.1f} s"


def test_split_without_any_space_cuts_inside_the_word() -> None:
    def per_char(texts: Sequence[str]) -> list[int]:
        return [len(t) + 1 for t in texts]

    blob = "x" * 10_000
    pieces = split_to_fit(blob, per_char, 100)
    assert "".join(pieces) == blob
    assert max(per_char(pieces)) <= 100


def test_split_with_the_real_tokenizer_fits(random_backend) -> None:
    words = "saya suka kopi dan buku di perpustakaan kami pergi ke pasar".split()
    line = " ".join(words[i % len(words)] for i in range(5000))
    pieces = split_to_fit(line, random_backend.count_tokens, 40)
    assert max(random_backend.count_tokens(pieces)) <= 40
    assert " ".join(pieces).split() == line.split()


def test_cli_1mb_line_is_split_and_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = FakeBackend(max_input_tokens=256)
    _use_backend(monkeypatch, backend)
    words = "satu dua tiga empat lima enam tujuh delapan sembilan".split()
    line = " ".join(words[i % len(words)] for i in range(200_000))
    source = tmp_path / "huge.txt"
    source.write_text("pendek.\n" + line + "\n", encoding="utf-8")
    out = tmp_path / "huge.en.txt"
    result = runner.invoke(app, ["translate", str(source), "--lines", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines == ["PENDEK.", line.upper()]
    assert "1 sentence(s) were longer than the model's 256-token limit" in result.stderr


# --------------------------------------------------------------------------- CLI input handling


def test_cli_lines_keeps_empty_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, random_backend) -> None:
    recorder = Recorder(random_backend)
    _use_backend(monkeypatch, recorder)
    source = tmp_path / "lines.txt"
    source.write_text("Saya suka kopi.\n\n   \nApa kabar?\n\n", encoding="utf-8")
    result = runner.invoke(app, ["translate", str(source), "--lines", "--beams", "1"])
    assert result.exit_code == 0, result.output
    out = result.stdout.split("\n")
    assert len(out) == 6 and out[-1] == ""  # 5 lines, newline-terminated
    assert out[1] == out[2] == out[4] == ""
    assert out[0] and out[3]
    assert sorted(recorder.inputs) == ["Apa kabar?", "Saya suka kopi."]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\n  \n", "is empty"),
        (b"abc\x00def", "binary"),
        (b"caf\xe9\n", "not valid UTF-8"),
        ("Saya suka kopi.\n".encode("utf-16"), "iconv -f utf-16"),
    ],
)
def test_cli_rejects_bad_input_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, message: str
) -> None:
    _use_backend(monkeypatch, FakeBackend())
    source = tmp_path / "bad.txt"
    source.write_bytes(content)
    result = runner.invoke(app, ["translate", str(source)])
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_cli_refuses_to_overwrite_its_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _use_backend(monkeypatch, FakeBackend())
    source = tmp_path / "doc.txt"
    source.write_text("Saya suka kopi.\n", encoding="utf-8")
    result = runner.invoke(app, ["translate", str(source), "-o", str(source)])
    assert result.exit_code == 2
    assert source.read_text(encoding="utf-8") == "Saya suka kopi.\n"


# --------------------------------------------------------------------------- checkpoints and resume


SENTENCES = [f"kalimat nomor {n}" + " kata" * (n % 7) for n in range(23)]


def test_resume_after_interruption_skips_finished_sentences(tmp_path: Path, random_backend) -> None:
    checkpoint = Checkpoint(tmp_path / "run.jsonl")
    failing = Recorder(random_backend, fail_after=2)
    with pytest.raises(KeyboardInterrupt):
        translate_sentences(failing, SENTENCES, batch_size=4, beams=1, checkpoint=checkpoint)
    finished = set(failing.inputs)
    assert len(finished) == 8

    again = Recorder(random_backend)
    progress: list[tuple[int, int]] = []
    resumed = translate_sentences(
        again,
        SENTENCES,
        batch_size=4,
        beams=1,
        checkpoint=Checkpoint(checkpoint.path),
        on_progress=lambda done, total: progress.append((done, total)),
    )
    assert not finished & set(again.inputs)  # nothing translated twice
    assert len(again.inputs) == len(SENTENCES) - 8
    assert progress[0] == (8, len(SENTENCES)) and progress[-1] == (len(SENTENCES), len(SENTENCES))
    clean = translate_sentences(random_backend, SENTENCES, batch_size=4, beams=1)
    assert [t.text for t in resumed] == [t.text for t in clean]


def test_checkpoint_for_other_options_or_text_is_not_mixed_in(tmp_path: Path) -> None:
    backend = FakeBackend()

    def interrupted_run(path: Path) -> list[str]:
        failing = Recorder(backend, fail_after=1)
        with pytest.raises(KeyboardInterrupt):
            translate_sentences(failing, SENTENCES, batch_size=5, beams=1, checkpoint=Checkpoint(path))
        return failing.inputs  # the sentences of the one finished batch

    path = tmp_path / "run.jsonl"
    interrupted_run(path)
    other_options = Recorder(backend)
    translate_sentences(other_options, SENTENCES, batch_size=5, beams=2, checkpoint=Checkpoint(path))
    assert len(other_options.inputs) == len(SENTENCES)  # beams changed: everything again

    path = tmp_path / "edited.jsonl"
    saved = interrupted_run(path)
    assert len(saved) == 5
    changed = [SENTENCES.index(t) for t in saved[:2]]
    edited = [s + " diubah" if i in changed else s for i, s in enumerate(SENTENCES)]
    rerun = Recorder(backend)
    result = translate_sentences(rerun, edited, batch_size=5, beams=1, checkpoint=Checkpoint(path))
    expected = [edited[i] for i in changed] + [s for s in SENTENCES if s not in saved]
    assert sorted(rerun.inputs) == sorted(expected)
    assert [t.text for t in result] == [s.upper() for s in edited]


def test_checkpoint_with_other_options_is_set_aside_not_lost(tmp_path: Path, caplog) -> None:
    """Another model or options: one warning with the count, the old file kept beside
    the new one (and reused if those options come back) until remove()."""
    import logging

    backend = FakeBackend()
    path = tmp_path / "run.jsonl"
    with pytest.raises(KeyboardInterrupt):
        translate_sentences(Recorder(backend, fail_after=2), SENTENCES, batch_size=4, beams=1, checkpoint=Checkpoint(path))

    checkpoint = Checkpoint(path)
    with caplog.at_level(logging.WARNING, logger="selaras.checkpoint"):
        with pytest.raises(KeyboardInterrupt):
            translate_sentences(Recorder(backend, fail_after=1), SENTENCES, batch_size=4, beams=3, checkpoint=checkpoint)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].name == "selaras.checkpoint"
    message = warnings[0].getMessage()
    assert "\n" not in message and str(path) in message and "8 finished sentence(s) will not be reused" in message
    assert checkpoint.stale == 8 and checkpoint.stale_path is not None and checkpoint.stale_path.exists()
    assert checkpoint.stale_path.parent == path.parent

    back = Recorder(backend)  # the first options again: their 8 sentences are reused
    resumed = Checkpoint(path)
    result = translate_sentences(back, SENTENCES, batch_size=4, beams=1, checkpoint=resumed)
    assert resumed.resumed == 8 and len(back.inputs) == len(SENTENCES) - 8
    assert [t.text for t in result] == [s.upper() for s in SENTENCES]
    assert resumed.stale == 4  # the beams=3 run's batch, set aside in turn
    resumed.remove()
    assert list(tmp_path.iterdir()) == []


def test_torn_checkpoint_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    backend = FakeBackend()
    with pytest.raises(KeyboardInterrupt):
        translate_sentences(
            Recorder(backend, fail_after=2), SENTENCES, batch_size=3, beams=1, checkpoint=Checkpoint(path)
        )
    with open(path, "ab") as handle:
        handle.write(b'{"i": 20, "mt": "TORN\x00\x00')
    rerun = Recorder(backend)
    result = translate_sentences(rerun, SENTENCES, batch_size=3, beams=1, checkpoint=Checkpoint(path))
    assert len(rerun.inputs) == len(SENTENCES) - 6
    assert [t.text for t in result] == [s.upper() for s in SENTENCES]


def test_cli_resume_after_ctrl_c_and_atomic_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, random_backend
) -> None:
    source = tmp_path / "doc.txt"
    source.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    out = tmp_path / "doc.en.txt"
    out.write_text("previous finished output\n", encoding="utf-8")
    partial = Path(str(out) + ".selaras-partial")

    failing = Recorder(random_backend, fail_after=3)
    _use_backend(monkeypatch, failing)
    args = ["translate", str(source), "--lines", "--batch-size", "4", "--beams", "1", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 130
    assert "rerun the same command to resume" in result.stderr
    assert out.read_text(encoding="utf-8") == "previous finished output\n"  # never half a file
    assert partial.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    again = Recorder(random_backend)
    _use_backend(monkeypatch, again)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"resuming: 12 of {len(SENTENCES)} sentences already translated" in result.stderr
    assert len(again.inputs) == len(SENTENCES) - 12
    assert not set(failing.inputs) & set(again.inputs)
    assert not partial.exists()
    clean = translate_sentences(random_backend, SENTENCES, batch_size=4, beams=1)
    assert out.read_text(encoding="utf-8").splitlines() == [t.text for t in clean]


def test_cli_stdout_checkpoint_lives_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "doc.txt"
    source.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    _use_backend(monkeypatch, Recorder(FakeBackend(), fail_after=1))
    args = ["translate", str(source), "--lines", "--batch-size", "5"]
    assert runner.invoke(app, args).exit_code == 130
    saved = list((tmp_path / "xdg-cache" / "selaras" / "checkpoints").iterdir())
    assert len(saved) == 1
    again = Recorder(FakeBackend())
    _use_backend(monkeypatch, again)
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "resuming: 5 of 23" in result.stderr
    assert result.stdout.splitlines() == [s.upper() for s in SENTENCES]
    assert not saved[0].exists()


@pytest.mark.slow
def test_cli_resumes_after_kill_9(tmp_path: Path, random_model_dir: Path) -> None:
    """A real process killed with SIGKILL mid-run: the rerun skips what was saved."""
    source = tmp_path / "doc.txt"
    texts = [f"{s} {n}" for n, s in enumerate(SENTENCES * 10)]
    source.write_text("\n".join(texts) + "\n", encoding="utf-8")
    out = tmp_path / "doc.en.txt"
    partial = Path(str(out) + ".selaras-partial")
    args = ["translate", str(source), "--lines"]
    args += ["--batch-size", "1", "--beams", "1", "--model", str(random_model_dir), "--backend", "transformers"]
    args += ["--device", "cpu", "-o", str(out)]
    process = start_selaras(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if partial.exists() and partial.read_text(encoding="utf-8").count("\n") >= 4:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert not out.exists()
    leftover = tmp_path / ".doc.en.txt.k1ll3d_9.tmp"  # as a kill during the final write leaves it
    leftover.write_text("half of it\n", encoding="utf-8")
    result = run_selaras(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    resumed = int(result.stderr.split("resuming: ")[1].split()[0])
    assert resumed >= 3
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(texts)
    assert not partial.exists()
    assert not leftover.exists()


# --------------------------------------------------------------------------- scores and pieces


LONG = [
    f"kalimat panjang {n}, " + ", ".join(" ".join(f"kata{n}{k}{j}" for j in range(3 + (n + k) % 3)) for k in range(5)) + "."
    for n in range(6)
]


def test_scores_are_token_weighted_over_pieces(tmp_path: Path) -> None:
    backend = FakeBackend(max_input_tokens=8)
    texts = ["satu dua", "", *LONG[:2]]
    result = translate_sentences(backend, texts, batch_size=3)
    assert result[0] == Translation(source="satu dua", text="SATU DUA", pieces=1, score=-0.5, tokens=3)
    assert result[1] == Translation(source="", text="", pieces=0, score=None, tokens=0)
    for translation in result[2:]:
        assert translation.pieces > 1
        pieces = split_to_fit(translation.source, backend.count_tokens, 8)
        assert translation.tokens == sum(len(p.split()) + 1 for p in pieces)
        assert translation.score == pytest.approx(-0.5)


def test_real_model_scores_reach_the_translation(trained) -> None:
    backend, pairs = trained
    sources = [s for s, _ in pairs]
    result = translate_sentences(backend, sources, beams=1)
    hypotheses = backend.translate_batch(sources, beams=1)
    assert [t.score for t in result] == pytest.approx([h.score for h in hypotheses])
    assert [t.tokens for t in result] == [h.length for h in hypotheses]


def test_a_killed_run_keeps_the_pieces_it_finished(tmp_path: Path) -> None:
    """Sentences split into pieces are checkpointed piece by piece: a run killed in the
    middle of a sentence keeps its finished pieces, the rerun translates only the rest,
    and the result (text, scores, tokens) is exactly an uninterrupted run's."""
    backend = FakeBackend(max_input_tokens=8)
    texts = ["pendek sekali.", *LONG]
    clean = translate_sentences(FakeBackend(max_input_tokens=8), texts, batch_size=2)
    all_pieces = [p for t in texts for p in split_to_fit(t, backend.count_tokens, 8)]

    path = tmp_path / "run.jsonl"
    failing = Recorder(backend, fail_after=5)
    with pytest.raises(KeyboardInterrupt):
        translate_sentences(failing, texts, batch_size=2, checkpoint=Checkpoint(path))
    assert len(failing.inputs) == 10
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    assert len(records) == 10 and any(r["of"] > 1 for r in records)
    whole = {r["i"] for r in records if sum(1 for q in records if q["i"] == r["i"]) == r["of"]}
    assert len(whole) < len({r["i"] for r in records})  # some sentences are only partly done

    again = Recorder(backend)
    checkpoint = Checkpoint(path)
    resumed = translate_sentences(again, texts, batch_size=2, checkpoint=checkpoint)
    assert sorted(again.inputs) == sorted(p for p in all_pieces if p not in failing.inputs)
    assert checkpoint.resumed == len(whole) and checkpoint.resumed_pieces > 0
    assert resumed == clean


def test_checkpoint_restores_scores_exactly(tmp_path: Path, trained) -> None:
    backend, pairs = trained
    sources = [s for s, _ in pairs]
    path = tmp_path / "run.jsonl"
    first = translate_sentences(backend, sources, beams=1, checkpoint=Checkpoint(path))
    again = Recorder(backend)
    second = translate_sentences(again, sources, beams=1, checkpoint=Checkpoint(path))
    assert again.inputs == [] and second == first


def test_translator_refuses_absurd_beams_and_batches_before_any_model_call() -> None:
    from selaras.errors import InputError, BackendError

    backend = FakeBackend()
    for kwargs, message in (({"beams": 100000}, "beams must be between 1 and 64"), ({"batch_size": 0}, "batch size")):
        with pytest.raises(BackendError, match=message):
            translate_sentences(backend, ["satu"], **kwargs)
    assert backend.batches == []
