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
