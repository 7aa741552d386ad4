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
