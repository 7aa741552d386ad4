"""Translation backends: one protocol, several engines (transformers, CTranslate2).

``load_backend(EngineOptions(...))`` loads one; ``backend.translate_batch(texts)`` gives a
:class:`Hypothesis` per text (text, pieces, the model's log-probability) and
``backend.describe()`` an :class:`EngineInfo`. Importing this package imports no engine.
"""

from selaras.backends.base import DEFAULT_MODEL, Backend, EngineInfo, Hypothesis
from selaras.backends.options import EngineOptions
from selaras.backends.registry import available_backends, load_backend

__all__ = [
    "DEFAULT_MODEL",
    "Backend",
    "EngineInfo",
    "EngineOptions",
    "Hypothesis",
    "available_backends",
    "load_backend",
]
