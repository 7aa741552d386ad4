"""``selaras corpus --engine ray``: Ray Data actors give byte for byte what the local engine gives.

One local Ray (2 CPUs, no dashboard) serves the whole module: starting one takes ~10 s
on the 2-core reference machine. CI installs the ``ray`` extra, so this runs there.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus_helpers import synthetic_corpus, tree_bytes
from selaras.backends import EngineOptions
from selaras.corpus import RunSettings, run_corpus

try:
    import ray
except ImportError:
    if os.environ.get("CI"):  # CI installs the extra: a missing Ray there is a failure, not a skip
        raise
    pytest.skip('the ray extra is not installed (pip install -e ".[ray]")', allow_module_level=True)

#: Seconds the Ray job may take here (it takes ~40 s on the shared 2-core machine).
LIMIT_S = 300


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail instead of hanging if Ray never schedules the work (SIGALRM in the main thread)."""

    def expire(signum, frame):
        raise TimeoutError(f"the Ray corpus job took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def local_ray(tmp_path_factory: pytest.TempPathFactory):
    """A local Ray for this module's tests (started once, shut down after); its workers
    inherit a private Selaras cache (the CTranslate2 conversion of the test model)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SELARAS_CACHE", str(tmp_path_factory.mktemp("selaras-cache")))
        with time_limit(LIMIT_S):
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        try:
            yield
        finally:
            ray.shutdown()


@pytest.mark.slow
def test_the_ray_engine_writes_the_same_bytes_as_the_local_one(tmp_path: Path, random_model_dir: Path, local_ray) -> None:
    manifest = synthetic_corpus(tmp_path / "corpus", documents=6, sentences=6, seed=5)
    # Batches of 2 make chunks of 8 sentences: several chunks, spread over two actors.
    # CTranslate2 (what auto picks) gives the same numbers with 2 threads here and 1 per
    # actor; transformers' float sums depend on the thread count (see README).
    settings = RunSettings(
        engine=EngineOptions(backend="ctranslate2", model=str(random_model_dir), batch_size=2), n_bootstrap=0
    )
    local = run_corpus(manifest, tmp_path / "local", settings=settings, memory_path=tmp_path / "local.sqlite")
    with time_limit(LIMIT_S):
        distributed = run_corpus(
            manifest, tmp_path / "ray", settings=settings, engine="ray", ray_actors=2, memory_path=tmp_path / "ray.sqlite"
        )
    assert distributed.stats.translated == local.stats.translated == local.stats.unique > 16
    assert tree_bytes(tmp_path / "ray") == tree_bytes(tmp_path / "local")
    assert ray.is_initialized()  # a cluster the job joined is left running
