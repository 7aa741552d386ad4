"""The real ``selaras`` command in a subprocess: the one helper for every test that
needs the console entry point as users run it (exit codes, files and stderr, a process
killed mid-run, a server), and for the golden snapshot (``house_snapshot.py``).

Every run gets one thread (``OMP_NUM_THREADS=1``: the machine is shared) and the
session's temporary ``SELARAS_CACHE`` (``conftest._selaras_cache`` puts it in
``os.environ``), unless ``env`` says otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path


def selaras_command(*args: str, package: str = "selaras") -> list[str]:
    """The command line of ``selaras ARGS`` with this interpreter (``package``: the import
    name whose ``cli.main`` runs; the golden snapshot can name an older one)."""
    return [sys.executable, "-c", f"from {package}.cli import main; main()", *args]


def selaras_env(env: Mapping[str, str] | None = None, *, drop: Sequence[str] = ()) -> dict[str, str]:
    """``os.environ`` with one thread, less every variable whose name starts with one of
    ``drop``, then ``env`` on top."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(tuple(drop))} if drop else dict(os.environ)
    environment["OMP_NUM_THREADS"] = "1"
    environment.update(env or {})
    return environment


def run_selaras(
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    drop_env: Sequence[str] = (),
    timeout: float = 300,
    package: str = "selaras",
    **streams,
) -> subprocess.CompletedProcess[str]:
    """Run ``selaras ARGS`` to the end; stdout and stderr captured as text unless
    ``streams`` (``stdout=``, ``stderr=``) route them elsewhere."""
    return subprocess.run(
        selaras_command(*args, package=package),
        cwd=cwd,
        env=selaras_env(env, drop=drop_env),
        text=True,
        timeout=timeout,
        **(streams or {"capture_output": True}),
    )


def start_selaras(*args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None, **popen) -> subprocess.Popen:
    """Start ``selaras ARGS`` and return the process (to watch, kill or serve from);
    ``popen`` goes to :class:`subprocess.Popen` (streams, ``text``)."""
    return subprocess.Popen(selaras_command(*args), cwd=cwd, env=selaras_env(env), **popen)
