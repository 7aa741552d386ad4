"""What a newcomer met on a fresh clone (#27): error lines that name what they gave."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from selaras.errors import FileError
from selaras.io import exclusive_lock


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc, a folder that takes no new files, is Linux's")
def test_an_output_in_a_folder_that_takes_no_files_names_the_output_not_the_lock() -> None:
    """The audit: ``-o /proc/x`` said "cannot create the lock /proc/x.selaras-lock"."""
    with pytest.raises(FileError) as caught:
        with exclusive_lock(Path("/proc/selaras-x"), what="the run folder /proc/selaras-x"):
            pass
    message = str(caught.value)
    assert message.startswith("cannot write the run folder /proc/selaras-x: its folder /proc does not take new files")
    assert ".selaras-lock" not in message


def test_score_warns_about_an_indonesian_reference(tmp_path: Path) -> None:
    """The README promised it; ``score`` gave a number and nothing else."""
    import json

    from typer.testing import CliRunner

    from selaras.cli import app

    (tmp_path / "mt.txt").write_text("I like coffee.\nShe reads a book in the library.\n", encoding="utf-8")
    (tmp_path / "ref.id.txt").write_text("Saya suka kopi.\nDia membaca buku di perpustakaan yang besar itu.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(tmp_path / "mt.txt"), str(tmp_path / "ref.id.txt"), "--bootstrap", "0", "--json"])
    assert result.exit_code == 0, result.output
    assert "ref.id.txt looks like Indonesian, not English" in json.loads(result.stdout)["warnings"][0]
    assert "warning: " in result.stderr and "ref.id.txt" in result.stderr


def _run_with_a_wrong_mt(tmp_path: Path) -> Path:
    """A run whose MT belongs to another document: the run warns "its scores mean little"."""
    from selaras import run

    (tmp_path / "w.id.txt").write_text("Saya suka kopi. Dia membaca buku.\n", encoding="utf-8")
    (tmp_path / "w.en.txt").write_text("I like coffee. She reads a book.\n", encoding="utf-8")
    (tmp_path / "wmt.txt").write_text("The weather is cold in Oslo today.\nThe stock market fell sharply on Monday.\n", encoding="utf-8")
    result = run(tmp_path / "w.id.txt", [tmp_path / "w.en.txt"], tmp_path / "out", mt=tmp_path / "wmt.txt", n_bootstrap=0)
    assert any("scores mean little" in w for w in result.warnings)
    return tmp_path / "out"


def test_the_runs_warning_is_shown_wherever_its_scores_are(tmp_path: Path) -> None:
    """The audit: metrics.json said "its scores mean little" but review --json gave
    "warnings": [], the page and the terminal showed confident score cards."""
    import json

    from typer.testing import CliRunner

    from selaras.cli import app
    from selaras.review.session import ReviewSession

    out = _run_with_a_wrong_mt(tmp_path)
    runner = CliRunner()
    for extra in ([], ["--metrics", str(out / "metrics.json")]):
        result = runner.invoke(app, ["review", str(out / "aligned.tsv"), "--json", *extra])
        assert result.exit_code == 0, result.output
        assert any("scores mean little" in w for w in json.loads(result.stdout)["warnings"])
    page = tmp_path / "page.html"
    result = runner.invoke(app, ["review", str(out / "aligned.tsv"), "--html", str(page), "--metrics", str(out / "metrics.json")])
    assert result.exit_code == 0 and "scores mean little" in page.read_text(encoding="utf-8")
    result = runner.invoke(app, ["review", str(out / "aligned.tsv")])
    assert result.exit_code == 0 and "warning: the MT does not match" in result.stderr
    session, _ = ReviewSession.open(out / "aligned.tsv")
    assert any("scores mean little" in w for w in session.summary()["warnings"])


def test_a_tsv_outside_a_run_folder_has_no_run_warnings(tmp_path: Path) -> None:
    import shutil

    from selaras.rundir import run_warnings

    out = _run_with_a_wrong_mt(tmp_path)
    shutil.copy(out / "aligned.tsv", tmp_path / "copy.tsv")
    assert run_warnings(tmp_path / "copy.tsv") == []
    assert run_warnings(out / "aligned.tsv") != []


def test_an_export_whose_filters_keep_nothing_says_so_and_writes_nothing(tmp_path: Path) -> None:
    """The audit: ``export --min-chrf 30`` that kept nothing wrote an empty TMX, exit 0."""
    from typer.testing import CliRunner

    from selaras.cli import app

    out = _run_with_a_wrong_mt(tmp_path)
    earlier = tmp_path / "corpus.tmx"
    earlier.write_text("an earlier export\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["export", str(out / "aligned.tsv"), "--format", "tmx", "-o", str(earlier), "--min-chrf", "30"])
    assert result.exit_code == 1
    assert "nothing to export: all 2 rows of aligned.tsv were left out (2 below the chrF floor)" in result.stderr
    assert earlier.read_text(encoding="utf-8") == "an earlier export\n"
