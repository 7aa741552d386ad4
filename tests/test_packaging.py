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
    """Both installed in one environment (translate-toolkit is a dependency, for XLIFF and PO): each
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


def _quick_start() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_quick_start_command_1_installs_no_test_tools_or_ray() -> None:
    """A newcomer who only translates should not get Ray and pyarrow (~410 MB) or pytest."""
    first, second = _quick_start()
    assert 'pip install -e . &&' in first and "[" not in first.split("pip install -e", 1)[1].split("&&")[0]
    deps = " ".join(tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"])
    assert not any(heavy in deps for heavy in ("ray", "pyarrow", "pytest", "selenium"))
    assert '".[dev,ray]"' in second and second.endswith("python -m pytest -q")


def test_ci_runs_the_readme_commands() -> None:
    """``.ci/run`` installs as command 1 does, then as command 2 does, then runs command 2's tests."""
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    first, second = _quick_start()
    assert "pip install -q torch==2.13.0" in ci and "pip install -q -e .\n" in ci
    install_2, tests_2 = second.split(" && ")
    assert install_2.replace("pip install", "pip install -q") in ci and tests_2 in ci
    assert ci.index("pip install -q -e .\n") < ci.index(install_2.replace("pip install", "pip install -q")) < ci.index(tests_2)
