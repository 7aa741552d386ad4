"""Shared test fixtures: locally built Marian models (no downloads).

``scripts/build_marian.py`` builds them; both are seeded, so every run gets the same
weights. Session-scoped because building costs about a second (after importing
transformers, which every model test pays anyway).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "scripts"))


@pytest.fixture(scope="session", autouse=True)
def _selaras_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The whole run caches (embeddings, CT2 conversions, the sentence memory) in a
    temporary folder, never the user's ``~/.cache/selaras``; shared by the session so
    texts embedded once are not embedded again. Tests that need their own cache set
    ``SELARAS_CACHE`` themselves (monkeypatch restores this one afterwards)."""
    import os

    if "SELARAS_CACHE" not in os.environ:
        os.environ["SELARAS_CACHE"] = str(tmp_path_factory.mktemp("selaras-cache"))


@pytest.fixture(scope="session")
def random_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised tiny Marian (``preset="tiny"``) with a real tokenizer."""
    import build_marian

    return build_marian.build_random_marian(tmp_path_factory.mktemp("random-marian"), preset="tiny", seed=0)


@pytest.fixture(scope="session")
def tiny_trained_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str]]]:
    """A tiny Marian that translates ``build_marian.DEFAULT_PAIRS`` exactly (greedy and beam).

    Returns:
        (model folder, the (Indonesian, English) pairs it reproduces).
    """
    import build_marian

    pairs = list(build_marian.DEFAULT_PAIRS)
    path = build_marian.train_tiny_marian(pairs, tmp_path_factory.mktemp("tiny-trained-marian"), seed=0)
    return path, pairs
