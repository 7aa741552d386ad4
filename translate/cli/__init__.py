"""``selaras`` console command: registers the command modules on the typer app."""

from __future__ import annotations

from translate.cli.app import app

# Each module registers one command on ``app`` when imported (kept light: no torch).
from translate.cli import segment as _segment  # noqa: F401,E402
from translate.cli import translate as _translate  # noqa: F401,E402
from translate.cli import score as _score  # noqa: F401,E402
from translate.cli import align as _align  # noqa: F401,E402
from translate.cli import run as _run  # noqa: F401,E402
from translate.cli import review as _review  # noqa: F401,E402
from translate.cli import check as _check  # noqa: F401,E402
from translate.cli import export as _export  # noqa: F401,E402


def main() -> None:
    """Entry point of the ``selaras`` console script."""
    app()


__all__ = ["app", "main"]
