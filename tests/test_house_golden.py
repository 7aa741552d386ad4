"""Behaviour kept through refactors: a seed run, ``translate`` of a text and a Markdown
file, and a 20-document corpus job, byte for byte against ``tests/golden/house/``.

The goldens were written by the code before the house refactor (import ``translate``,
``pipeline.run`` with 23 keywords) with ``python tests/house_snapshot.py MODEL OUT``;
:mod:`house_snapshot` says what is normalised (library versions, the model's folder).
A deliberate change of output regenerates them with the same command, in its own commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from house_snapshot import make_snapshot

GOLDEN = Path(__file__).parent / "golden" / "house"


@pytest.mark.slow
def test_run_translate_and_corpus_outputs_are_byte_identical_to_the_goldens(
    tiny_trained_model: tuple[Path, list[tuple[str, str]]], tmp_path: Path
) -> None:
    model, _pairs = tiny_trained_model
    made = make_snapshot(model, tmp_path)
    expected = {str(p.relative_to(GOLDEN)): p.read_bytes() for p in sorted(GOLDEN.rglob("*")) if p.is_file()}
    assert sorted(made) == sorted(expected), "the set of output files changed"
    changed = [name for name in expected if made[name] != expected[name]]
    assert changed == [], f"outputs differ from the goldens: {changed}"
