"""The installed package: import name ``selaras`` from the ``translate/`` folder, never a
top-level ``translate`` (translate-toolkit's name), and every subpackage in the wheel."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def _setuptools() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_the_import_name_is_selaras_from_the_translate_folder() -> None:
    config = _setuptools()
    assert config["package-dir"] == {"selaras": "translate"}
    assert all(name == "selaras" or name.startswith("selaras.") for name in config["packages"])


def test_every_package_folder_is_listed_for_the_wheel() -> None:
    """setuptools cannot find packages under a renamed folder, so pyproject lists them:
    a new subpackage missing from that list would be absent from a wheel install."""
    folders = {
        ".".join(["selaras", *d.relative_to(REPO_ROOT / "translate").parts])
        for d in [REPO_ROOT / "translate", *(REPO_ROOT / "translate").rglob("*")]
        if d.is_dir() and (d / "__init__.py").is_file()
    }
    assert sorted(_setuptools()["packages"]) == sorted(folders)


def test_selaras_and_translate_toolkit_import_side_by_side(tmp_path: Path) -> None:
    """Both installed in one environment (the dev extra brings translate-toolkit): each
    imports from its own folder. Run from a neutral folder, as a user's script would
    (from the repository root, its ``translate/`` folder would shadow the toolkit)."""
    code = (
        "import selaras, selaras.cli, translate.storage.tmx, translate.storage.po; "
        "print(selaras.__file__); print(translate.storage.tmx.__file__); print(callable(selaras.run))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    ours, toolkit, has_run = done.stdout.splitlines()
    assert Path(ours).parent.name == "translate" or "selaras" in ours
    assert "site-packages" in toolkit and Path(toolkit).parts[-3] == "translate"
    assert has_run == "True"
