"""Backends by name, imported only when used, and the ``auto`` choice between them.

:data:`LOADERS` maps a backend name to its loader as ``"module:function"``, so naming
a backend imports nothing; :func:`load_backend` imports the one it needs.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import cast

from selaras.backends.base import DEFAULT_MODEL, Backend, BackendName, Device
from selaras.backends.options import EngineOptions, UnsupportedComputeType
from selaras.errors import BackendError, InputError, ModelUnavailableError

#: Backend name -> its loader, ``"module:function"``; the function takes the model and
#: the keyword arguments of :meth:`EngineOptions.for_engine` for that name.
LOADERS: dict[str, str] = {
    "transformers": "selaras.backends.marian:load_marian",
    "ctranslate2": "selaras.backends.ct2:load_ct2",
}

#: Where ``auto`` reports that it fell back to transformers. A library must not print;
#: with no logging configured, Python's last-resort handler writes the message as one
#: line on stderr, and an application can silence or reroute it.
logger = logging.getLogger("selaras.backends")


def available_backends() -> list[str]:
    """Names of the registered backends (installed or not), without ``auto``."""
    return sorted(LOADERS)


def import_loader(name: str) -> Callable[..., Backend]:
    """The loader function of backend ``name``, importing its module now.

    Raises:
        BackendError: no backend has that name.
    """
    target = LOADERS.get(name)
    if target is None:
        raise BackendError(f"unknown backend {name!r}; choose one of: auto, {', '.join(available_backends())}")
    module, function = target.split(":")
    return cast(Callable[..., Backend], getattr(importlib.import_module(module), function))


def load_backend(
    options: EngineOptions | BackendName = "auto",
    model_name_or_path: str | None = None,
    *,
    device: Device | None = None,
    **settings: object,
) -> Backend:
    """Load the engine that ``options`` describe.

    ``load_backend(EngineOptions(backend="ctranslate2", model=path, device="cpu"))`` is
    the one form; ``load_backend("ctranslate2", path, device="cpu", compute_type="float32")``
    builds the same :class:`EngineOptions` from the name, model and fields.

    ``auto`` tries CTranslate2 (fast; converts the model once, see
    ``selaras.backends.ct2``) and falls back to transformers when ctranslate2 is not
    installed or cannot convert the model faithfully, logging one warning that says why,
    and only once transformers has loaded (if it fails too, its error is the one line
    the user needs). The fallback gets only transformers' own options: the compute type
    is left out. A failed conversion is remembered, and ``auto`` does not retry it on
    later runs (``retry_failed=False``): each attempt costs a torch import and seconds,
    and the warning says how to retry. A model that cannot be found, or a compute type
    the device cannot run, is not a reason to fall back: that error is raised.

    Raises:
        InputError: a bad option (see :class:`EngineOptions`).
        ModelUnavailableError: the model cannot be had (offline, typo, no weights).
        BackendError: the engine failed.
    """
    if isinstance(options, EngineOptions):
        if model_name_or_path is not None or device is not None or settings:
            raise TypeError("load_backend(EngineOptions) takes no other arguments; put them in the EngineOptions")
        engine = options
    else:
        fields = set(EngineOptions.__dataclass_fields__) - {"backend", "model", "device"}
        unknown = sorted(set(settings) - fields)
        if unknown:
            raise InputError(f"unknown engine option {', '.join(unknown)}; the options are: {', '.join(sorted(fields))}")
        engine = EngineOptions(
            backend=options,
            model=model_name_or_path if model_name_or_path is not None else DEFAULT_MODEL,
            device=device if device is not None else "auto",
            **settings,  # type: ignore[arg-type]
        )

    if engine.backend != "auto":
        return import_loader(engine.backend)(engine.model, **engine.for_engine(engine.backend))
    try:
        return import_loader("ctranslate2")(engine.model, retry_failed=False, **engine.for_engine("ctranslate2"))
    except (ModelUnavailableError, UnsupportedComputeType):
        raise
    except (BackendError, ImportError) as exc:
        reason = exc
    backend = import_loader("transformers")(engine.model, **engine.for_engine("transformers"))
    unused = " (without the shortlist, a CTranslate2 setting)" if engine.shortlist not in (None, "off") else ""
    logger.warning("CTranslate2 unavailable (%s); using the slower transformers backend%s.", reason, unused)
    return backend


__all__ = ["LOADERS", "available_backends", "import_loader", "load_backend"]
