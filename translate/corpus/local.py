"""The local engine: one loaded model in this process translates every chunk in turn."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from selaras.backends.options import EngineOptions
from selaras.records import Translation


class LocalEngine:
    """Translates chunks of sentences with one backend, loaded once for the whole job.

    Attributes:
        key: the run key of the loaded engine (``selaras.translator.run_key``).
        info: the engine as it runs (``EngineInfo.as_json``), for ``metrics.json``.
    """

    def __init__(self, options: EngineOptions) -> None:
        from selaras.backends import load_backend
        from selaras.translator import run_key

        self.options = options
        self.backend = load_backend(options)
        self.key = run_key(self.backend, beams=options.beams, max_length=None)
        self.info = self.backend.describe(options.beams).as_json()

    def translate_chunks(self, chunks: Iterable[list[str]]) -> Iterator[list[Translation]]:
        """Each chunk's translations, in order, as soon as the chunk is done."""
        from selaras.translator import translate_sentences

        for texts in chunks:
            yield translate_sentences(
                self.backend, texts, batch_size=self.options.batch_size, beams=self.options.beams
            )

    def close(self) -> None:
        """Nothing to release (the model goes with the process)."""


__all__ = ["LocalEngine"]
