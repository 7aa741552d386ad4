"""Shared test fixtures, defined once: cache isolation (the session's temporary cache,
:func:`fresh_cache` for a test's own) and the locally built Marian models (no downloads).
The real ``selaras`` in a subprocess is :mod:`selaras_process` (``run_selaras``,
``start_selaras``), the one helper every such test uses; it inherits the session cache.

:mod:`selaras.devtools.marian` builds the models; they are seeded, so every run gets
the same weights. Session-scoped because building costs a second or more (after
importing transformers, which every model test pays anyway); the aligning model trains
for several seconds and serves both the formats and the word-alignment tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def _selaras_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The whole run caches (embeddings, CT2 conversions, the sentence memory) in a
    temporary folder, never the user's (``~/.cache/selaras`` or a ``SELARAS_CACHE`` set
    outside); shared by the session so texts embedded once and models converted once are
    not done again, and inherited by every ``selaras`` subprocess. Tests that need an
    empty cache of their own take :func:`fresh_cache`."""
    previous = os.environ.get("SELARAS_CACHE")
    cache = tmp_path_factory.mktemp("selaras-cache")
    os.environ["SELARAS_CACHE"] = str(cache)
    try:
        yield cache
    finally:
        if previous is None:
            os.environ.pop("SELARAS_CACHE", None)
        else:
            os.environ["SELARAS_CACHE"] = previous


@pytest.fixture(scope="session", autouse=True)
def _no_automatic_tuning() -> Iterator[None]:
    """CTranslate2's first-use calibration (``selaras.backends.tuning``) is off for the run
    (``SELARAS_TUNE=off``, inherited by subprocesses): it would add seconds to every fresh
    cache. ``tests/test_tuning.py`` turns it on where it is the subject."""
    previous = os.environ.get("SELARAS_TUNE")
    os.environ["SELARAS_TUNE"] = "off"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SELARAS_TUNE", None)
        else:
            os.environ["SELARAS_TUNE"] = previous


@pytest.fixture()
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own empty cache (``SELARAS_CACHE`` = ``tmp_path/cache``), for tests that
    look into the cache or count what it holds; the session's comes back afterwards."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("SELARAS_CACHE", str(cache))
    return cache


@pytest.fixture(scope="session")
def random_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised tiny Marian (``preset="tiny"``) with a real tokenizer."""
    from selaras.devtools.marian import build_random_marian

    return build_random_marian(tmp_path_factory.mktemp("random-marian"), preset="tiny", seed=0)


@pytest.fixture(scope="session")
def tiny_trained_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str]]]:
    """A tiny Marian that translates ``selaras.devtools.marian.DEFAULT_PAIRS`` exactly (greedy and beam).

    Returns:
        (model folder, the (Indonesian, English) pairs it reproduces).
    """
    from selaras.devtools.marian import DEFAULT_PAIRS, train_tiny_marian

    pairs = list(DEFAULT_PAIRS)
    path = train_tiny_marian(pairs, tmp_path_factory.mktemp("tiny-trained-marian"), seed=0)
    return path, pairs


@pytest.fixture(scope="session")
def aligning_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Marian trained on short sentences that share words, and the words alone,
    so that its attention links words (``scripts/eval_word_alignment.py``: 14 of 27
    words sure, all 14 right; "suka" and "kopi" in "Saya suka kopi." are sure and right)."""
    from selaras.devtools.marian import train_tiny_marian
    from selaras.devtools.word_alignment import ALIGNING_PAIRS

    return train_tiny_marian(ALIGNING_PAIRS, tmp_path_factory.mktemp("aligning-marian"), seed=0)


@pytest.fixture(scope="session")
def random_nllb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised tiny NLLB-architecture model (M2M-100 weights, NllbTokenizer)."""
    from selaras.devtools.m2m import build_random_m2m

    return build_random_m2m(tmp_path_factory.mktemp("random-nllb"), "nllb", preset="tiny", seed=0)


@pytest.fixture(scope="session")
def random_m2m100_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised tiny M2M-100 model (M2M100Tokenizer, ``__id__``/``__en__`` codes)."""
    from selaras.devtools.m2m import build_random_m2m

    return build_random_m2m(tmp_path_factory.mktemp("random-m2m100"), "m2m100", preset="tiny", seed=0)


@pytest.fixture(scope="session", params=["marian", "nllb", "m2m100"])
def trained_model_of_each_family(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[tuple[str, str]]]:
    """:func:`tiny_trained_model`'s shape, once per model family: a handful of feature
    tests (formats, resume, word alignment, the CLI) take it to run on Opus-MT,
    NLLB-200 and M2M-100 conventions alike. The multilingual ones are trained by
    :func:`selaras.devtools.m2m.train_tiny_m2m` on the same pairs (5-10 s each)."""
    if request.param == "marian":
        return request.getfixturevalue("tiny_trained_model")
    from selaras.devtools.marian import DEFAULT_PAIRS
    from selaras.devtools.m2m import train_tiny_m2m

    pairs = list(DEFAULT_PAIRS)
    return train_tiny_m2m(request.param, pairs, tmp_path_factory.mktemp(f"tiny-trained-{request.param}"), seed=0), pairs
