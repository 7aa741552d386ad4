"""Selaras' one error hierarchy.

Every message says what went wrong *and how to fix it*; the CLI prints it on one line
(``Error: …``) and exits with ``exit_code``. Library code never prints or exits.
"""

from __future__ import annotations


class SelarasError(Exception):
    """Base class: a problem the user can fix. ``exit_code`` is what the CLI returns."""

    exit_code: int = 1


class InputError(SelarasError):
    """Unreadable, empty, binary, non-UTF-8 or malformed input."""

    exit_code = 2


class ModelUnavailableError(SelarasError):
    """The translation model cannot be loaded (offline, typo, no weights)."""

    exit_code = 3


class BackendError(SelarasError):
    """A translation backend is missing or failed (e.g. CTranslate2 conversion)."""

    exit_code = 4


class FileError(SelarasError):
    """An output (or lock) cannot be written: permissions, a full disk, a folder in the way."""

    exit_code = 5


class LockedError(SelarasError):
    """Another Selaras run holds the output or checkpoint this run needs."""

    exit_code = 6
