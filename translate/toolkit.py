"""translate-toolkit, imported past this repository's own ``translate/`` folder.

``translate-toolkit`` imports as ``translate``, the name of this repository's package
folder: from the repository root (tests, a checkout) that folder would shadow the
toolkit, so :func:`toolkit` imports it with the repository's folder out of the way.
The bilingual formats (XLIFF, PO: ``selaras.formats.bilingual``) and the glossary
reader (TBX: ``selaras.terms.glossary``) use it; it depends on nothing of Selaras'.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType


def toolkit(module: str) -> ModuleType:
    """Import ``module`` of translate-toolkit (e.g. ``"translate.storage.pofile"``).

    Raises:
        ImportError: translate-toolkit is not installed.
    """
    ours = Path(__file__).resolve().parent  # this package's folder, translate/
    loaded = sys.modules.get("translate")
    if loaded is not None and Path(getattr(loaded, "__file__", "") or "").resolve().parent == ours:
        for name in [n for n in sys.modules if n == "translate" or n.startswith("translate.")]:
            del sys.modules[name]  # the repository's folder imported under the toolkit's name
    saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if (Path(p or ".").resolve() / "translate") != ours]
    try:
        return importlib.import_module(module)
    finally:
        sys.path[:] = saved


__all__ = ["toolkit"]
