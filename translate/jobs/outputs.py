"""The output transaction every job writes through, in the order that keeps the user's files safe.

1. **Refuse before any work** (:meth:`Outputs.refuse`): an output that is one of the
   inputs (also through a link), a folder where a file is expected, a place that cannot
   be written or a disk without room is refused with one line, before a model loads
   (``selaras.io.check_outputs``).
2. **Lock** (:meth:`Outputs.transaction`): an exclusive lock (``selaras.io.exclusive_lock``)
   keeps a second run off the same output and checkpoint, so two runs never mix results.
3. **Clean temps**: the temporary files of a run killed while writing these outputs
   are removed (only now, under the lock, so no live writer's file is taken).
4. **Checkpoint**: a translating job resumes from and fills its checkpoint
   (:class:`~selaras.checkpoint.Checkpoint`, located by ``selaras.rundir``).
5. **Atomic commit**: every file appears complete or not at all (:class:`Transaction`'s
   ``commit_*``; a run folder is replaced as one set, ``selaras.rundir.write_run_folder``).
6. **Drop the checkpoint**, once the outputs are safely written; then unlock.

``translate_file``, ``translate_formatted`` and ``run`` (``selaras.jobs``) and the corpus
job (``run_corpus`` and each document it writes, ``selaras.corpus.job``) all use it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from selaras.checkpoint import Checkpoint
from selaras.io import (
    STDIO,
    atomic_write,
    check_outputs,
    check_writable,
    exclusive_lock,
    remove_leftover_temps,
    write_json,
    write_lines,
)
from selaras.rundir import CHECKPOINT_NAME, remove_run_temps, stale_files, write_run_folder


@dataclass(frozen=True)
class Outputs:
    """What one job writes, and what it must never write over.

    Attributes:
        paths: the files the job writes (``-``: standard output).
        inputs: the job's inputs: never written over.
        folder: the job's folder (a run or corpus folder), locked as one; ``None`` for
            a job that writes single files (each locked by its own path).
        refused: more paths checked like outputs (an earlier run's files this run deletes).
        checkpoint: the translation checkpoint: resumed from, dropped after the commit.
        what: how a lock refusal names the output (default: the path).
        run_files: ``folder`` is a run folder: temps of any run file name are cleaned
            (an earlier run may have had more references; ``selaras.rundir.remove_run_temps``).
    """

    paths: tuple[str | os.PathLike[str], ...]
    inputs: tuple[str | os.PathLike[str], ...] = ()
    folder: Path | None = None
    refused: tuple[Path, ...] = ()
    checkpoint: Path | None = None
    what: str = ""
    run_files: bool = False

    @classmethod
    def run_folder(
        cls, folder: str | os.PathLike[str], names: Sequence[str], inputs: Iterable[str | os.PathLike[str]], *,
        checkpoint: bool = False,
    ) -> Outputs:
        """A run folder's outputs: ``names`` in it, an earlier run's files there (which the
        commit removes, :func:`selaras.rundir.stale_files`) refused as well; with
        ``checkpoint``, the run translates and its checkpoint is the folder's."""
        out = Path(folder)
        paths = tuple(out / name for name in names)
        return cls(
            paths=paths, inputs=tuple(inputs), folder=out, refused=tuple(stale_files(out, [p.name for p in paths])),
            checkpoint=out / CHECKPOINT_NAME if checkpoint else None, what=f"the run folder {out}", run_files=True,
        )

    def refuse(self, *, expected_bytes: int = 0) -> None:
        """Step 1, before any work: raise unless every output may be written.

        Raises:
            InputError: an output is one of the inputs.
            FileError: an output (or the folder) cannot be written, or (``expected_bytes``)
                its file system has less room than that.
        """
        if self.folder is not None:
            check_writable(self.folder, folder=True)
        check_outputs([*self.paths, *self.refused], self.inputs, expected_bytes=expected_bytes)

    def _lock_target(self) -> tuple[str | os.PathLike[str], str]:
        if self.folder is not None:
            return self.folder, self.what
        files = [p for p in self.paths if str(p) != STDIO]
        if files:
            return files[0], self.what or str(files[0])
        assert self.checkpoint is not None, "a job writing to stdout locks its checkpoint"
        return self.checkpoint, self.what

    def _remove_temps(self) -> None:
        if self.run_files and self.folder is not None:
            remove_run_temps(self.folder, [os.path.relpath(p, self.folder) for p in self.paths])
        else:
            remove_leftover_temps(p for p in self.paths if str(p) != STDIO)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Steps 2 to 6: lock, clean temps, hand over the checkpoint; when the block ends
        without an error (the outputs committed), drop the checkpoint; then unlock.

        Raises:
            LockedError: another run holds the output. FileError: the lock cannot be made.
        """
        target, what = self._lock_target()
        with exclusive_lock(target, what=what):
            self._remove_temps()
            transaction = Transaction(self, Checkpoint(self.checkpoint) if self.checkpoint is not None else None)
            yield transaction
            if transaction.checkpoint is not None:
                transaction.checkpoint.remove()


class Transaction:
    """An open output transaction (:meth:`Outputs.transaction`): its checkpoint and the
    atomic commits of its outputs.

    Attributes:
        outputs: what the job writes.
        checkpoint: the translation checkpoint (``None`` for a job that does not translate).
    """

    def __init__(self, outputs: Outputs, checkpoint: Checkpoint | None) -> None:
        self.outputs = outputs
        self.checkpoint = checkpoint

    @property
    def target(self) -> str:
        """The job's one output file (``-``: standard output)."""
        return str(self.outputs.paths[0])

    def commit_lines(self, lines: Iterable[str]) -> None:
        """Write :attr:`target` as one line per item, atomically."""
        write_lines(self.target, lines)

    def commit_json(self, payload: object) -> None:
        """Write :attr:`target` as indented JSON, atomically."""
        write_json(self.target, payload)

    def commit_bytes(self, data: bytes) -> None:
        """Write :attr:`target`'s bytes, atomically."""
        with atomic_write(self.target, "wb") as handle:
            handle.write(data)

    def commit_folder(self, files: Mapping[str, str], metrics: dict[str, Any]) -> dict[str, Any]:
        """Write the run folder's files and ``metrics.json`` as one set (an earlier run's
        other files go); ``metrics`` as written (``selaras.rundir.write_run_folder``)."""
        assert self.outputs.folder is not None, "commit_folder writes a run folder"
        self.outputs.folder.mkdir(parents=True, exist_ok=True)
        return write_run_folder(self.outputs.folder, files, metrics)


__all__ = ["Outputs", "Transaction"]
