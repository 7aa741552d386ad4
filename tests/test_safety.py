"""Nothing the user has is ever lost, and no wrong number goes out silently.

Each test is one case a user hit: an input destroyed by its own output, a run folder
that mixes two runs, two runs on one output, an OS error as a traceback, a wrong
reference scored without a word, an absurd option that ate the machine. Where the
case is about exit codes and files, the command runs in a real subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from selaras_process import run_selaras, selaras_command, selaras_env, start_selaras

REPO_ROOT = Path(__file__).resolve().parents[1]
PUD = REPO_ROOT.parent / "shared" / "data" / "ud-pud" / "id-en.tsv"
SEED_ID = REPO_ROOT / "seeds" / "belarus-2020.id.txt"
SEED_EN = REPO_ROOT / "seeds" / "belarus-2020.en.close.txt"

SOURCE = "Polisi menangkap lima orang di Jakarta.\nMereka dibawa ke kantor polisi.\n\nSemua orang pulang pada malam hari.\n"
REFERENCE = "Police arrested five people in Jakarta.\nThey were taken to the police station.\n\nEveryone went home in the evening.\n"
MT = "Police arrested five people in Jakarta.\nThey were brought to the police office.\nEverybody went home at night.\n"


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The single ``Error:`` line a failed command printed (and assert there is nothing else)."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    (tmp_path / "src.txt").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "ref.txt").write_text(REFERENCE, encoding="utf-8")
    (tmp_path / "mt.txt").write_text(MT, encoding="utf-8")
    return tmp_path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --------------------------------------------------------------------------- inputs destroyed


@pytest.mark.parametrize(
    "args",
    [
        ["align", "src.txt", "ref.txt", "-o", "src.txt"],
        ["align", "src.txt", "ref.txt", "-o", "ref.txt"],
        ["align", "src.txt", "ref.txt", "--mt", "mt.txt", "-o", "mt.txt"],
        ["segment", "src.txt", "-o", "src.txt"],
    ],
)
def test_an_output_that_is_an_input_is_refused_before_any_work(docs: Path, args: list[str]) -> None:
    before = _snapshot(docs)
    line = one_error_line(run_selaras(*args, cwd=docs))
    assert "is also an input" in line
    assert _snapshot(docs) == before


def test_the_same_file_through_a_symlink_or_a_hard_link_is_refused(docs: Path) -> None:
    (docs / "link.txt").symlink_to(docs / "src.txt")
    os.link(docs / "ref.txt", docs / "hard.txt")
    before = _snapshot(docs)
    assert "through a link" in one_error_line(run_selaras("align", "src.txt", "ref.txt", "-o", "link.txt", cwd=docs))
    assert "through a link" in one_error_line(run_selaras("segment", "ref.txt", "--lang", "en", "-o", "hard.txt", cwd=docs))
    assert _snapshot(docs) == before


def test_export_check_and_review_never_overwrite_the_tsv_they_read(docs: Path) -> None:
    assert run_selaras("align", "src.txt", "ref.txt", "--mt", "mt.txt", "-o", "a.tsv", cwd=docs).returncode == 0
    before = _snapshot(docs)
    for args in (
        ["export", "a.tsv", "-f", "tsv", "-o", "a.tsv", "--min-chrf", "15"],
        ["export", "a.tsv", "-f", "jsonl", "-o", "a.tsv"],
        ["review", "a.tsv", "--html", "a.tsv"],
        ["check", "a.tsv", "-o", "a.tsv"],
    ):
        assert "is also an input" in one_error_line(run_selaras(*args, cwd=docs)), args
    assert _snapshot(docs) == before
    # --in-place is the one way to rewrite it, and says so by name.
    assert run_selaras("check", "a.tsv", "--in-place", cwd=docs).returncode == 0


def test_run_never_writes_over_a_file_it_was_given(tmp_path: Path) -> None:
    rr = tmp_path / "rr"
    rr.mkdir()
    (rr / "source.txt").write_text(SOURCE, encoding="utf-8")
    (rr / "reference.txt").write_text(REFERENCE, encoding="utf-8")
    before = _snapshot(rr)
    result = run_selaras("run", "rr/source.txt", "-r", "rr/reference.txt", "-o", "rr", "--no-mt", cwd=tmp_path)
    assert "is also an input" in one_error_line(result)
    assert _snapshot(rr) == before  # the paragraph breaks of the user's reference are still there


def test_a_rerun_replaces_the_whole_run_folder(docs: Path) -> None:
    (docs / "ref2.txt").write_text(REFERENCE, encoding="utf-8")
    (docs / "run").mkdir()
    (docs / "run" / "notes.md").write_text("my own notes\n", encoding="utf-8")
    first = run_selaras("run", "src.txt", "-r", "ref.txt", "-r", "ref2.txt", "--mt", "mt.txt", "-o", "run", cwd=docs)
    assert first.returncode == 0, first.stderr
    assert {"mt.txt", "aligned.ref2.tsv", "reference2.txt"} <= set(os.listdir(docs / "run"))
    second = run_selaras("run", "src.txt", "-r", "ref.txt", "--no-mt", "-o", "run", cwd=docs)
    assert second.returncode == 0, second.stderr
    metrics = json.loads((docs / "run" / "metrics.json").read_text(encoding="utf-8"))
    assert sorted(os.listdir(docs / "run")) == sorted([*metrics["files"], "metrics.json", "notes.md"])
    assert sorted(metrics["files"]) == ["aligned.tsv", "reference.txt", "source.txt"]
    assert metrics["mt"] is None


# --------------------------------------------------------------------------- concurrent runs


def test_a_second_run_on_a_locked_output_says_who_holds_it(docs: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = docs / "run.selaras-lock"
        lock.write_text(json.dumps({"pid": holder.pid, "host": os.uname().nodename, "started": "earlier"}))
        result = run_selaras("run", "src.txt", "-r", "ref.txt", "--no-mt", "-o", "run", cwd=docs)
        line = one_error_line(result)
        assert result.returncode == 6 and f"pid {holder.pid}" in line
        assert not (docs / "run").exists()
    finally:
        holder.kill()
        holder.wait()
    # Its owner is gone now: the lock is stale, and the next run takes it over.
    result = run_selaras("run", "src.txt", "-r", "ref.txt", "--no-mt", "-o", "run", cwd=docs)
    assert result.returncode == 0, result.stderr
    assert not (docs / "run.selaras-lock").exists()


def test_two_translations_into_one_output_cannot_mix(tmp_path: Path, random_model_dir: Path) -> None:
    """The reported race: two runs with different options on one output, 8 s apart."""
    source = tmp_path / "doc.txt"
    # Long enough that the first run cannot finish while the second starts (it is killed anyway).
    source.write_text("\n".join(f"Kalimat nomor {n} ada di sini." for n in range(1500)) + "\n", encoding="utf-8")
    common = ["translate", "doc.txt", "--lines", "--model", str(random_model_dir), "--backend", "transformers"]
    common += ["--device", "cpu", "--batch-size", "1", "-o", "race.txt"]
    first = start_selaras(*common, "--beams", "1", cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        partial = tmp_path / "race.txt.selaras-partial"
        deadline = time.monotonic() + 60
        while not partial.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert first.poll() is None, "the first run ended before the second could start"
        second = run_selaras(*common, "--beams", "2", cwd=tmp_path)
        line = one_error_line(second)
        assert second.returncode == 6 and f"pid {first.pid}" in line
    finally:
        first.kill()
        first.wait()


# --------------------------------------------------------------------------- OS errors, one line each


def test_an_output_that_is_a_folder_is_refused_before_the_model_loads(docs: Path) -> None:
    (docs / "out").mkdir()
    # The model does not exist: if the folder were found only after loading, this would be a model error.
    result = run_selaras("translate", "src.txt", "-o", "out", "--model", str(docs / "no-model"), cwd=docs)
    line = one_error_line(result)
    assert "out is a folder" in line and result.returncode == 5


def test_permission_denied_is_one_line(docs: Path) -> None:
    locked = docs / "locked"
    locked.mkdir()
    if os.geteuid() == 0:
        # root ignores file modes: run the command as nobody instead (setpriv, util-linux).
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to drop root for this test"
        os.chmod(docs, 0o777)
        for f in docs.iterdir():
            os.chmod(f, 0o755 if f.is_dir() else 0o644)
        os.chmod(locked, 0o555)
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    else:
        os.chmod(locked, 0o555)
        prefix = []
    command = [*prefix, *selaras_command("align", "src.txt", "ref.txt", "-o", "locked/a.tsv")]
    result = subprocess.run(command, capture_output=True, text=True, cwd=docs, env=selaras_env({"HOME": str(docs)}))
    line = one_error_line(result)
    assert "permission denied" in line and "locked" in line and result.returncode == 5


def test_a_read_only_file_system_is_named_as_such(docs: Path) -> None:
    mount = docs / "ro"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(mount)]).returncode:
        pytest.skip("needs root and tmpfs mounts (CI runs as root); the permission test covers the rest")
    try:
        line = one_error_line(run_selaras("align", "src.txt", "ref.txt", "-o", "ro/a.tsv", cwd=docs))
        assert "read-only file system" in line
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.fixture()
def tiny_disk(tmp_path: Path):
    """A real 64 KiB tmpfs where the test runs as root; None elsewhere (then faults are injected)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)]).returncode:
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_is_one_line_and_keeps_the_old_output(docs: Path, tiny_disk: Path | None, monkeypatch) -> None:
    big_source = "\n".join(SOURCE.strip() for _ in range(300)) + "\n"
    (docs / "big.txt").write_text(big_source, encoding="utf-8")
    if tiny_disk is None:  # not root: the same write, failing the way a full disk does
        import errno

        from typer.testing import CliRunner

        from selaras.cli import app

        target = docs / "out.txt"
        target.write_text("old\n", encoding="utf-8")
        real_fsync = os.fsync

        def full(fd: int) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "fsync", full)
        result = CliRunner().invoke(app, ["segment", str(docs / "big.txt"), "-o", str(target)])
        monkeypatch.setattr(os, "fsync", real_fsync)
        assert result.exit_code == 5 and "no space left" in result.stderr
        assert target.read_text(encoding="utf-8") == "old\n"
        return
    target = tiny_disk / "sentences.txt"
    target.write_text("old\n", encoding="utf-8")
    filler = tiny_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)  # fill the disk, then free 8 KiB: the output cannot fit
    try:
        with pytest.raises(OSError):
            while True:
                os.write(fd, b"x" * 1024)
    finally:
        os.close(fd)
    os.truncate(filler, filler.stat().st_size - 8 * 1024)
    result = run_selaras("segment", str(docs / "big.txt"), "-o", str(target), cwd=docs)
    line = one_error_line(result)
    assert "no space left" in line and str(target) in line and result.returncode == 5
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler", "sentences.txt"]  # no temp file left


# --------------------------------------------------------------------------- wrong numbers


def test_english_given_to_translate_gets_a_warning_before_the_model_loads(docs: Path) -> None:
    result = run_selaras("translate", "ref.txt", "--model", str(docs / "no-model"), cwd=docs)
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("warning: ref.txt looks like English, not Indonesian"), result.stderr
    assert lines[-1].startswith("Error: ") and result.returncode == 3


def _pud_english(n: int, skip: int = 0) -> list[str]:
    if not PUD.exists():
        pytest.skip(f"{PUD} is absent (a user's clone without ../shared); CI always has it")
    rows = [line.split("\t") for line in PUD.read_text(encoding="utf-8").splitlines()[1:]]
    return [r[-1] for r in rows[skip : skip + n]]


def test_an_unrelated_or_wrong_language_reference_is_flagged_and_warned(tmp_path: Path) -> None:
    unrelated = tmp_path / "unrelated.txt"
    unrelated.write_text(" ".join(_pud_english(14, skip=300)) + "\n", encoding="utf-8")
    result = run_selaras("align", str(SEED_ID), str(unrelated), "-o", "u.tsv", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert any("does not look like a translation" in w for w in json.loads(result.stdout)["warnings"])
    assert "warning: " in result.stderr
    from selaras.rows import read_aligned_tsv

    rows = read_aligned_tsv(tmp_path / "u.tsv")
    assert sum(1 for r in rows if "low-alignment" in r.flags) > len(rows) / 2

    itself = run_selaras("align", str(SEED_ID), str(SEED_ID), "-o", "self.tsv", "--json", cwd=tmp_path)
    assert itself.returncode == 0, itself.stderr
    warnings = json.loads(itself.stdout)["warnings"]
    assert any("looks like Indonesian, not English" in w for w in warnings), warnings
    rows = read_aligned_tsv(tmp_path / "self.tsv")
    assert all(r.align_score is not None and r.align_score < 0.5 for r in rows if r.source and r.reference)

    real = run_selaras("align", str(SEED_ID), str(SEED_EN), "-o", "real.tsv", "--json", cwd=tmp_path)
    assert real.returncode == 0 and json.loads(real.stdout)["warnings"] == []


def test_a_wrong_mt_is_blamed_not_the_reference(tmp_path: Path) -> None:
    """With an MT the evidence is MT against reference; an MT of another text must not
    make the user doubt a good reference."""
    wrong_mt = tmp_path / "wrong-mt.txt"
    from selaras.jobs.inputs import read_sentences

    n = len(read_sentences(SEED_ID, "id", lines=False))
    wrong_mt.write_text("\n".join(_pud_english(n, skip=500)) + "\n", encoding="utf-8")
    result = run_selaras("align", str(SEED_ID), str(SEED_EN), "--mt", str(wrong_mt), "-o", "a.tsv", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = json.loads(result.stdout)["warnings"]
    assert len(warnings) == 1 and warnings[0].startswith(f"the MT does not match {SEED_EN}"), warnings
    from selaras.rows import read_aligned_tsv

    # The TSV holds the alignment made without the broken MT: the close reference is 1-1.
    assert [r.bead for r in read_aligned_tsv(tmp_path / "a.tsv")] == ["1-1"] * n


def test_review_refuses_the_metrics_of_another_tsv(docs: Path) -> None:
    (docs / "other.txt").write_text(MT.replace("five", "six"), encoding="utf-8")
    assert run_selaras("run", "src.txt", "-r", "ref.txt", "--mt", "mt.txt", "-o", "a", cwd=docs).returncode == 0
    assert run_selaras("run", "src.txt", "-r", "ref.txt", "--mt", "other.txt", "-o", "b", cwd=docs).returncode == 0
    line = one_error_line(run_selaras("review", "b/aligned.tsv", "--metrics", "a/metrics.json", cwd=docs))
    assert "does not describe aligned.tsv" in line
    ok = run_selaras("review", "a/aligned.tsv", "--metrics", "a/metrics.json", "--json", cwd=docs)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["metrics"]["bleu"] == json.loads((docs / "a" / "metrics.json").read_text())["bleu"]
    # Flags recomputed in place change no score: the saved scores still belong to the TSV.
    assert run_selaras("check", "a/aligned.tsv", "--in-place", "--low-chrf", "90", cwd=docs).returncode == 0
    assert run_selaras("review", "a/aligned.tsv", "--metrics", "a/metrics.json", cwd=docs).returncode == 0


# --------------------------------------------------------------------------- limits before work


@pytest.mark.parametrize(
    "args, words",
    [
        (["translate", "src.txt", "--beams", "100000"], "beams"),
        (["translate", "src.txt", "--beams", "0"], "beams"),
        (["translate", "src.txt", "--batch-size", "0"], "batch size"),
        (["translate", "src.txt", "--batch-size", "10000000"], "batch size"),
        (["translate", "src.txt", "--compute-type", "float16", "--device", "cpu"], "GPU"),
        (["run", "src.txt", "-r", "ref.txt", "--beams", "65"], "beams"),
        (["run", "src.txt", "-r", "ref.txt", "--no-mt", "--bootstrap", "5"], "100"),
        (["run", "src.txt", "-r", "ref.txt", "--no-mt", "--max-bead", "1"], "--max-bead"),
        (["score", "mt.txt", "ref.txt", "--bootstrap", "-5"], "100"),
        (["score", "mt.txt", "ref.txt", "--bootstrap", "5"], "100"),
        (["review", "x.tsv", "--width", "5"], "--width"),
        (["review", "x.tsv", "--bootstrap", "7"], "100"),
        (["export", "x.tsv", "-f", "tsv", "-o", "y.tsv", "--min-chrf", "150"], "--min-chrf"),
        (["check", "x.tsv", "--low-chrf", "150"], "150"),
        (["check", "x.tsv", "--low-align", "2"], "2"),
    ],
)
def test_absurd_options_are_refused_in_one_line_before_any_work(docs: Path, args: list[str], words: str) -> None:
    (docs / "x.tsv").write_text("not read: the options are checked first\n", encoding="utf-8")
    started = time.monotonic()
    result = run_selaras(*args, "--model", str(docs / "no-model"), cwd=docs) if args[0] == "translate" else run_selaras(*args, cwd=docs)
    line = one_error_line(result)
    assert words in line, line
    assert result.returncode == 2, line
    assert time.monotonic() - started < 30


def test_score_bootstrap_zero_means_off(docs: Path) -> None:
    (docs / "hyp.txt").write_text(REFERENCE, encoding="utf-8")
    result = run_selaras("score", "hyp.txt", "ref.txt", "--bootstrap", "0", "--json", cwd=docs)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ci95"]["bleu"] is None


# --------------------------------------------------------------------------- progress


def test_a_run_without_a_terminal_prints_plain_progress_lines(tmp_path: Path, random_model_dir: Path) -> None:
    source = tmp_path / "doc.txt"
    source.write_text("\n".join(f"Kalimat nomor {n} ada di sini." for n in range(12)) + "\n", encoding="utf-8")
    result = run_selaras(
        "translate", "doc.txt", "--lines", "--model", str(random_model_dir), "--backend", "transformers",
        "--device", "cpu", "--batch-size", "2", "--beams", "1", "-o", "out.txt",
        cwd=tmp_path, env={"SELARAS_PROGRESS_SECONDS": "0"},
    )
    assert result.returncode == 0, result.stderr
    progress = [line for line in result.stderr.splitlines() if line.startswith("translating: ")]
    assert progress and progress[-1] == "translating: 12/12 (100%)"


@pytest.mark.parametrize(
    "args, words",
    [
        (["align", "src.txt"], "Missing argument 'reference'"),
        (["score", "mt.txt", "ref.txt", "--bootstrap", "many"], "--bootstrap"),
        (["translate", "src.txt", "--no-such-flag"], "No such option"),
    ],
)
def test_usage_errors_are_one_line_too(docs: Path, args: list[str], words: str) -> None:
    result = run_selaras(*args, cwd=docs)
    line = one_error_line(result)
    assert words in line and f"selaras {args[0]} --help" in line and result.returncode == 2


def test_plain_selaras_shows_the_help(docs: Path) -> None:
    result = run_selaras(cwd=docs)
    assert result.returncode == 0 and result.stdout.startswith("Usage: selaras") and "translate" in result.stdout


# --------------------------------------------------------------------------- what an output path really is


def test_an_output_that_is_a_pipe_or_a_device_is_written_not_replaced(docs: Path) -> None:
    fifo = docs / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = run_selaras("segment", "src.txt", "-o", "fifo", cwd=docs)
    out, _ = reader.communicate(timeout=60)
    assert result.returncode == 0, result.stderr
    assert out.decode("utf-8").startswith("Polisi menangkap lima orang")
    assert fifo.is_fifo()  # still a pipe, not a regular file in its place
    (docs / "null").symlink_to("/dev/null")
    assert run_selaras("segment", "src.txt", "-o", "null", cwd=docs).returncode == 0
    assert Path("/dev/null").is_char_device() and (docs / "null").is_symlink()


def test_a_symlinked_output_keeps_its_link_and_updates_its_target(docs: Path) -> None:
    assert run_selaras("align", "src.txt", "ref.txt", "-o", "real.tsv", cwd=docs).returncode == 0
    (docs / "link.tsv").symlink_to("real.tsv")
    before = (docs / "real.tsv").read_text(encoding="utf-8")
    assert run_selaras("check", "link.tsv", "--in-place", "--low-align", "0.999", cwd=docs).returncode == 0
    assert (docs / "link.tsv").is_symlink()
    assert (docs / "real.tsv").read_text(encoding="utf-8") != before  # the flags changed in the real file


def test_the_lock_holds_under_another_spelling_of_the_same_folder(docs: Path) -> None:
    from selaras.errors import LockedError
    from selaras.io import exclusive_lock

    (docs / "run").mkdir()
    (docs / "alias").symlink_to(docs / "run")
    with exclusive_lock(docs / "run"):
        with pytest.raises(LockedError, match="another call in this process"):
            with exclusive_lock(docs / "alias"):
                pass
    with exclusive_lock(docs / "alias"):  # released: free again
        pass
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:  # another live process's lock, reached through the alias: refused, and says how to clear it
        lock = Path(os.path.realpath(docs / "run") + ".selaras-lock")
        lock.write_text(json.dumps({"pid": holder.pid, "host": os.uname().nodename, "token": "x"}))
        with pytest.raises(LockedError, match=f"pid {holder.pid}.*delete .*run.selaras-lock"):
            with exclusive_lock(docs / "alias"):
                pass
    finally:
        holder.kill()
        holder.wait()
    # A lock with this very pid but not held here is a leftover (pids repeat after a restart).
    lock.write_text(json.dumps({"pid": os.getpid(), "host": os.uname().nodename, "token": "old"}))
    with exclusive_lock(docs / "run"):
        assert json.loads(lock.read_text())["token"] != "old"
    assert not lock.exists()


def test_a_tab_inside_a_line_keeps_the_saved_scores_valid(docs: Path) -> None:
    """Rows in memory and the TSV on disk hold the same text, so the digest in metrics.json matches."""
    (docs / "mt-tab.txt").write_text(MT.replace("Police arrested", "Police\tarrested"), encoding="utf-8")
    assert run_selaras("run", "src.txt", "-r", "ref.txt", "--mt", "mt-tab.txt", "-o", "r", cwd=docs).returncode == 0
    result = run_selaras("review", "r/aligned.tsv", "--metrics", "r/metrics.json", "--json", cwd=docs)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["metrics"]["bleu"] == json.loads((docs / "r" / "metrics.json").read_text())["bleu"]
