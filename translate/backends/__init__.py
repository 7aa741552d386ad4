"""Translation backends: one protocol, several engines (transformers, CTranslate2)."""

from translate.backends.base import Backend, available_backends, load_backend

__all__ = ["Backend", "available_backends", "load_backend"]
