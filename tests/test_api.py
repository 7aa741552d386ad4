"""The notebook API at the package root: light to import, every name resolves."""

from __future__ import annotations

import subprocess
import sys

import pytest

import translate


def test_importing_the_package_and_cli_loads_no_heavy_library() -> None:
    code = (
        "import sys, translate, translate.cli; "
        "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2', 'scipy', 'sacrebleu') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("name", sorted(translate._API))
def test_every_public_name_resolves(name: str) -> None:
    assert callable(getattr(translate, name))


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError):
        translate.no_such_thing  # noqa: B018


def test_root_api_runs_the_pure_steps() -> None:
    sentences = translate.split_sentences("Dr. Budi datang pukul 09.30 WIB. Dia membawa 1.250.000 rupiah.")
    assert [s.text for s in sentences] == ["Dr. Budi datang pukul 09.30 WIB.", "Dia membawa 1.250.000 rupiah."]
    beads = translate.align_sentences([s.text for s in sentences], ["Dr. Budi came at 09:30.", "He brought 1,250,000 rupiah."])
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), (1,))]
