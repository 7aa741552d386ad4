"""The Ray engine: the same chunks, translated by a pool of Ray actors (Ray Data).

Each chunk becomes one block in Ray's object store (``ray.put``; the store spills to
disk, so the driver holds references, not the corpus), the blocks one dataset
(``from_arrow_refs``), translated with
``map_batches`` on an actor pool (``ActorPoolStrategy``): every actor loads the
translator once and translates whole chunks with ``translate_sentences``, exactly as
the local engine does, so the outputs are byte-identical. Results stream back to the
driver, which commits each chunk to the sentence cache as it arrives.

Without an address a local Ray is started for the job (``num_cpus`` = this process's
CPUs) and shut down after it; with one (``auto``, ``ray://HOST:10001``) the job joins
that cluster, whose nodes must have Selaras installed (``pip install "selaras[ray]"``).
On nodes with GPUs every actor takes one (``num_gpus=1``).

Ray is an optional extra: without it, this engine is one :class:`BackendError` line
saying how to install it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace

from selaras.backends.options import EngineOptions
from selaras.errors import BackendError, SelarasError
from selaras.records import Translation

logger = logging.getLogger(__name__)
#: Ray Data's own worker logs one C++ line per job ("E … core_worker.cc … actor …") about
#: actor restarts and constructor arguments (ray-project/ray#53727); it is not a failure,
#: and hiding it would mean turning off Ray's C++ logging, which real failures use too.
RAY_WORKER_NOTE = (
    "Ray may print a line starting 'E' from core_worker.cc about actor restarts: that is Ray Data's own "
    "notice (ray-project/ray#53727), not a failure of this job"
)

#: The one line for a missing Ray.
INSTALL_RAY = 'the ray engine needs Ray: pip install "selaras[ray]" (in a clone: pip install -e ".[ray]")'


def _import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise BackendError(INSTALL_RAY) from None
    return ray


def _as_json(translations: list[Translation]) -> list[list]:
    return [[t.text, t.pieces, t.score, t.tokens] for t in translations]


def _from_json(texts: list[str], payload: list[list]) -> list[Translation]:
    return [
        Translation(source=text, text=mt, pieces=pieces, score=score, tokens=tokens)
        for text, (mt, pieces, score, tokens) in zip(texts, payload, strict=True)
    ]


class ChunkTranslator:
    """A Ray Data actor: loads the translator once, then translates chunk after chunk.

    Each row is one spooled chunk (``{"chunk": n, "texts": [...]}`` as a JSON line); each
    result row the same chunk with its translations.
    """

    def __init__(self, options: EngineOptions) -> None:
        from selaras.backends import load_backend

        self.options = options
        self.backend = load_backend(options)

    def __call__(self, batch: dict) -> dict:
        from selaras.translator import translate_sentences

        results = []
        for line in batch["text"]:
            item = json.loads(line)
            translations = translate_sentences(
                self.backend, item["texts"], batch_size=self.options.batch_size, beams=self.options.beams
            )
            results.append(json.dumps({"chunk": item["chunk"], "texts": item["texts"], "mt": _as_json(translations)}))
        return {"result": results}


def _describe(options: EngineOptions) -> tuple[str, dict]:
    """The run key and engine description, from an engine loaded where the actors run."""
    from selaras.backends import load_backend
    from selaras.translator import run_key

    backend = load_backend(options)
    return run_key(backend, beams=options.beams, max_length=None), backend.describe(options.beams).as_json()


class RayEngine:
    """Translates chunks on a Ray actor pool (see the module docstring).

    Args:
        options: the engine every actor loads (threads default to ``cpus_per_actor``).
        address: a cluster to join (``auto``, ``ray://…``); ``None`` starts a local one.
        actors: actor pool size; default: one per GPU on a GPU cluster, else one per
            ``cpus_per_actor`` CPUs.
        cpus_per_actor: CPUs each actor reserves (and its engine's threads).

    Raises:
        BackendError: Ray is not installed, or the cluster cannot be reached.
    """

    def __init__(
        self,
        options: EngineOptions,
        *,
        address: str | None = None,
        actors: int | None = None,
        cpus_per_actor: int = 1,
    ) -> None:
        ray = _import_ray()
        self._ray = ray
        self._started = False
        if not ray.is_initialized():
            from selaras.backends.runtime import usable_cpus

            # A local Ray that Selaras starts keeps token authentication on; the note
            # that it is on (and how to turn it off) is not for a Selaras user.
            logging.getLogger("ray._private.authentication.authentication_token_setup").setLevel(logging.ERROR)
            try:
                if address:
                    ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
                else:
                    ray.init(
                        num_cpus=usable_cpus(), include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING
                    )
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise BackendError(f"cannot start or join Ray{f' at {address}' if address else ''}: {exc}") from None
            self._started = True
            logger.info("%s", RAY_WORKER_NOTE)
        resources = ray.cluster_resources()
        gpus = int(resources.get("GPU", 0))
        self.num_gpus = 1 if gpus else 0
        self.cpus_per_actor = cpus_per_actor
        self.actors = actors or (gpus if gpus else max(1, int(resources.get("CPU", 1)) // cpus_per_actor))
        threads = options.threads if options.threads is not None else cpus_per_actor
        self.options = replace(options, threads=threads)
        remote = ray.remote(num_cpus=cpus_per_actor, num_gpus=self.num_gpus)(_describe)
        try:
            self.key, self.info = ray.get(remote.remote(self.options))
        except ray.exceptions.RayTaskError as exc:
            self.close()
            cause = getattr(exc, "cause", None)
            if isinstance(cause, SelarasError):  # the model cannot be had: the same line as locally
                raise cause from None
            raise BackendError(f"the translator failed to load on Ray: {str(exc).splitlines()[0]}") from None
        except BaseException:
            self.close()
            raise

    def translate_chunks(self, chunks: Iterable[list[str]]) -> Iterator[list[Translation]]:
        """Each chunk's translations as it finishes (in any order; each keeps its texts)."""
        ray = self._ray
        import pyarrow as pa
        from ray.data import ActorPoolStrategy, DataContext

        # One block per chunk, each put in Ray's object store (which spills to disk), so
        # the driver holds references, not the corpus; no read task needs a CPU the
        # actors hold.
        refs = [
            ray.put(pa.table({"text": [json.dumps({"chunk": n, "texts": texts}, ensure_ascii=False)]}))
            for n, texts in enumerate(chunks)
        ]
        if not refs:
            return
        DataContext.get_current().enable_progress_bars = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        # Selaras draws its own progress; Ray's note that its bars are off is noise.
        logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)
        dataset = ray.data.from_arrow_refs(refs).map_batches(
            ChunkTranslator,
            fn_constructor_kwargs={"options": self.options},
            batch_size=1,
            compute=ActorPoolStrategy(size=min(self.actors, len(refs))),
            num_cpus=self.cpus_per_actor,
            num_gpus=self.num_gpus,
        )
        try:
            for row in dataset.iter_rows():
                item = json.loads(row["result"])
                yield _from_json(item["texts"], item["mt"])
        except ray.exceptions.RayError as exc:
            raise BackendError(f"translation on Ray failed: {str(exc).splitlines()[0]}") from None

    def close(self) -> None:
        """Shut down the local Ray this engine started (a joined cluster stays up)."""
        if self._started:
            self._ray.shutdown()
            self._started = False


__all__ = ["INSTALL_RAY", "ChunkTranslator", "RayEngine"]
