"""The review workbench's editing model: rows, changes, undo/redo, the journal, saving.

Pure Python and no server, so every rule can be tested (and fuzzed) directly;
``selaras.review.server`` only turns HTTP requests into these calls.

Every change is a *splice*: rows ``at .. at+len(old)`` are replaced by ``new``. Edit
and status replace one row, merge replaces two by one, split one by two; undo applies
the inverse splice and redo the splice again. A splice names its rows' content in
full, so replaying one needs no history, and the sentence ids of the document stay in
order: merge joins neighbours, split cuts a bead at a sentence boundary, and no
operation creates, drops or reorders a sentence.

Durability (brief: nothing acknowledged is ever lost). For each change, in order:

1. the splice is appended to ``ALIGNED.tsv.journal`` and fsynced, with the SHA-256 of
   the TSV as it will be after the change;
2. the TSV is rewritten atomically (``selaras.io.atomic_write``: temp file, fsync,
   rename), so it is the old or the new file, never half of one;
3. only then does the caller answer.

On open, a journal is matched against the TSV: if the TSV's digest is the journal's
base or one of its entries', the entries after that are replayed (a kill between
steps 1 and 2 loses nothing), and every entry becomes undo history again. A journal
that matches nothing means another program rewrote the TSV: the session refuses to
guess and says which file to move away. The journal is removed when a session closes
cleanly (the TSV then holds everything).

Columns of other tools (a user's ``domain``) are kept: the TSV is read with
``keep_extras`` and rewritten with them after Selaras' columns, in their order. An edit,
a status or note, and undo keep a bead's values; a split copies them to both halves; a
merge keeps a value both beads share and joins differing ones with a space
(``selaras.rows.merge_extras``).

Versions: every change increments :attr:`ReviewSession.version`; a change must name
the version it was made on, and a stale one raises :class:`ConflictError` (the server's
409), so two tabs can never overwrite each other. Before each write the TSV's on-disk
identity is checked; if another program changed it, nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from selaras.errors import ConflictError, InputError
from selaras.rundir import run_warnings
from selaras.rows import (
    EDITED_ORIGIN,
    STATUSES,
    AlignedRow,
    check_text,
    clean_cell,
    extra_names,
    format_row,
    header_line,
    is_scored,
    merge_extras,
    merged_origin,
    parse_tsv,
    row_as_json,
    row_from_json,
)

EditField = Literal["mt", "reference"]

#: Suffix of the journal beside the TSV (``aligned.tsv.journal``).
JOURNAL_SUFFIX = ".journal"

#: Format tag of the journal's first line, so a stray file of that name is not replayed.
JOURNAL_FORMAT = "selaras-review-journal/1"

#: Longest text accepted for one cell (characters): a sentence bead is far shorter;
#: the server's 1 MB body limit stops larger ones earlier anyway.
MAX_TEXT = 100_000


@dataclass(frozen=True, slots=True)
class Change:
    """One applied splice: ``old`` rows at ``at`` were replaced by ``new``; ``op`` names it."""

    op: str
    at: int
    old: tuple[AlignedRow, ...]
    new: tuple[AlignedRow, ...]

    def inverse(self, op: str) -> Change:
        """The splice that takes it back."""
        return Change(op, self.at, self.new, self.old)


@dataclass(frozen=True)
class OpenReport:
    """What :meth:`ReviewSession.open` found: journal entries replayed, and its notes."""

    replayed: int = 0
    history: int = 0
    notes: list[str] = field(default_factory=list)


def journal_path(path: str | os.PathLike[str]) -> Path:
    """Where the journal of ``path`` lives (beside it)."""
    path = Path(path)
    return path.with_name(path.name + JOURNAL_SUFFIX)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical(row: AlignedRow) -> AlignedRow:
    """The row exactly as the TSV will read back (scores rounded to their digits; its
    extra columns as they are)."""
    names = [name for name, _ in row.extras]
    return parse_tsv([header_line(names).rstrip("\n"), "\t".join(format_row(row, names))], "row", keep_extras=True)[0]


def _join(*texts: str) -> str:
    return " ".join(t for t in texts if t.strip())


def sentence_pieces(text: str, n: int, lang: Literal["id", "en"]) -> list[str]:
    """Cut the text of an ``n``-sentence bead back into ``n`` pieces, in order.

    The TSV keeps a bead's sentences joined by spaces, so the boundaries are found
    again with ``selaras.segment.split_sentences``. Where it finds another number of
    sentences (a hand edit, an abbreviation), the ``n - 1`` cuts are the sentence (or
    else word) boundaries nearest to equal shares of the text, so nothing is lost and
    the reviewer can fix the wording. ``" ".join`` of the non-empty pieces is the
    text (up to whitespace at the cuts).
    """
    if n <= 1:
        return [text]
    text = text.strip()
    if not text:
        return [""] * n
    from selaras.segment import split_sentences

    starts = [s.start for s in split_sentences(text, lang)][1:]
    candidates = starts if len(starts) >= n - 1 else [i + 1 for i, ch in enumerate(text) if ch == " "]
    cuts: list[int] = []
    if len(starts) == n - 1:
        cuts = starts
    else:
        for k in range(1, n):
            target = len(text) * k / n
            usable = [c for c in candidates if c not in cuts and (not cuts or c > cuts[-1])]
            if not usable:
                break
            cuts.append(min(usable, key=lambda c: abs(c - target)))
    bounds = [0, *cuts, len(text)]
    pieces = [text[a:b].strip() for a, b in zip(bounds, bounds[1:])]
    return pieces + [""] * (n - len(pieces))


class ReviewSession:
    """An aligned TSV open for review: its rows, version, undo/redo and corpus scores.

    Build it with :meth:`open`. All methods that change rows return the
    :class:`Change` they applied, after it was journalled and saved. Not thread-safe:
    the server serialises calls with a lock.
    """

    def __init__(
        self,
        path: Path,
        rows: list[AlignedRow],
        *,
        checks: Sequence[Any] | None,
        recheck: bool,
        extras: Sequence[str] = (),
    ) -> None:
        from selaras.metrics import CorpusTally

        self.path = path
        self.journal = journal_path(path)
        #: What the run that wrote this TSV warned about its scores (``rundir.run_warnings``):
        #: the page shows them beside the corpus scores.
        self.warnings = run_warnings(path)
        #: Columns of other tools the TSV has, in its order; written after Selaras' own.
        self.extras = list(extras)
        self.rows = [_canonical(r) for r in rows]
        self._lines = [self._line(r) for r in self.rows]
        self.version = 0
        self.undo_stack: list[Change] = []
        self.redo_stack: list[Change] = []
        self._recheck = recheck
        self._checks: list[Any] = []
        self._stats: list[Any] = []
        if recheck:
            from selaras.checks import CHECKS

            checks = list(CHECKS if checks is None else checks)
            if not any(r.mt.strip() for r in self.rows):  # as selaras.checks.find_flags does
                checks = [c for c in checks if not c.needs_mt]
            self._checks = checks
            # Document statistics (length ratios, names, MT confidence) are taken once,
            # from the file as opened: a sentence's flags then depend on that sentence.
            self._stats = [c.document_stats(self.rows) for c in checks]
        self.tally = CorpusTally(("bleu", "chrf"))
        self._segment_stats: dict[tuple[str, str], dict[str, list[float]]] = {}
        for row in self.rows:
            self._count(row, 1)
        self._pieces: dict[tuple[str, int], list[str]] = {}
        self._disk: tuple[int, int, int] | None = None
        self._sha = ""

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, checks: Sequence[Any] | None = None
    ) -> tuple[ReviewSession, OpenReport]:
        """Read ``path``, replay its journal if the TSV lacks some of it, and save.

        Args:
            path: an aligned TSV (a real file: the session rewrites it).
            checks: the QA checks to recompute flags with (default: ``selaras check``'s).
                Flags are recomputed only if the TSV has a ``flags`` column.

        Raises:
            InputError: unreadable TSV or journal, or a journal that does not belong to
                the TSV as it is now.
        """
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            from selaras.io import describe_os_error

            raise InputError(f"cannot read {path}: {describe_os_error(exc)}") from None
        from selaras.io import decode_text

        from selaras.review import fill_sentence_scores

        lines = decode_text(data, str(path)).split("\n")
        rows = fill_sentence_scores(parse_tsv(lines, str(path), keep_extras=True))
        header = lines[0].split("\t") if lines else []
        recheck = "flags" in header
        session = cls(path, rows, checks=checks, recheck=recheck, extras=extra_names(header))
        session._sha, session._disk = _digest(data), session._identity()
        report = session._replay(session._sha)
        if report.replayed:
            session._save()
        return session, report

    def _replay(self, disk_sha: str) -> OpenReport:
        from selaras.io import read_jsonl_records

        records = read_jsonl_records(self.journal) if self.journal.exists() else []
        if not records:  # none, or torn before its first line was whole: nothing acknowledged
            self.journal.unlink(missing_ok=True)
            return OpenReport()
        header, entries = records[0], [r for r in records[1:] if isinstance(r, dict) and "at" in r]
        if not isinstance(header, dict) or header.get("format") != JOURNAL_FORMAT:
            raise InputError(
                f"{self.journal} is not a selaras review journal; move it away to review {self.path.name}"
            )
        shas = [header.get("base_sha256"), *(e.get("sha256") for e in entries)]
        if disk_sha not in shas:
            raise InputError(
                f"{self.journal} holds review changes, but {self.path.name} was changed by another program since; "
                f"nothing was replayed. Move the journal away to review the file as it is now "
                f"(its changes are then not applied)"
            )
        done = len(shas) - 1 - shas[::-1].index(disk_sha)  # entries already in the TSV
        where = str(self.journal)
        history: list[Change] = [self._change_from_record(e, where) for e in entries]
        # Entries the TSV already holds are history only; the rest are applied again.
        for change in history[done:]:
            self._apply(change, check_old=True)
        self.undo_stack = self._rebuild_stacks(history)
        self.version = len(history)
        replayed = len(history) - done
        notes = []
        if replayed:
            notes.append(
                f"replayed {replayed} change(s) from {self.journal.name} that {self.path.name} did not have yet"
            )
        return OpenReport(replayed=replayed, history=len(history), notes=notes)

    def _rebuild_stacks(self, history: Sequence[Change]) -> list[Change]:
        """The undo stack (and redo stack) that ``history`` leaves, as a live session would."""
        undo: list[Change] = []
        redo: list[Change] = []
        for change in history:
            if change.op == "undo" and undo:
                redo.append(undo.pop())
            elif change.op == "redo" and redo:
                undo.append(redo.pop())
            else:
                undo.append(change)
                redo.clear()
        self.redo_stack = redo
        return undo

    def _change_from_record(self, record: dict, where: str) -> Change:
        try:
            return Change(
                str(record["op"]),
                int(record["at"]),
                tuple(row_from_json(r, where) for r in record["old"]),
                tuple(row_from_json(r, where) for r in record["new"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{where}: a journal entry is malformed ({exc}); move the journal away") from None

    # ------------------------------------------------------------------ reading

    def summary(self) -> dict[str, Any]:
        """Version, progress counts, corpus scores and the run's warnings: what the page's header shows."""
        counts = {status: 0 for status in STATUSES}
        for row in self.rows:
            if row.status:
                counts[row.status] += 1
        return {
            "version": self.version,
            "total": len(self.rows),
            "reviewed": counts["accepted"] + counts["rejected"],
            "accepted": counts["accepted"],
            "rejected": counts["rejected"],
            "flagged": sum(1 for r in self.rows if r.flags),
            "corpus": self.tally.scores(),
            "warnings": list(self.warnings),
            "can_undo": len(self.undo_stack),
            "can_redo": len(self.redo_stack),
        }

    def pieces(self, row: AlignedRow) -> dict[str, list[str]]:
        """The row's source, MT and reference text cut per sentence (for split)."""
        n_src, n_ref = len(row.src_ids), len(row.ref_ids)
        return {
            "source": self._cut(row.source, n_src, "id"),
            "mt": self._cut(row.mt, n_src, "en"),
            "reference": self._cut(row.reference, n_ref, "en"),
        }

    def _cut(self, text: str, n: int, lang: Literal["id", "en"]) -> list[str]:
        known = self._pieces.get((text, n))
        return list(known) if known is not None else sentence_pieces(text, n, lang)

    # ------------------------------------------------------------------ operations

    def edit(self, row: int, field: str, text: str, version: int) -> Change:
        """Replace the MT or reference text of a bead; scores and flags follow."""
        self._check_version(version)
        current = self._row(row)
        if field not in ("mt", "reference"):
            raise InputError(f"field must be mt or reference, got {field!r}")
        text = self._text(text, field)
        if field == "mt" and not current.src_ids and text:
            raise InputError(f"row {row} has no source sentence (a 0-1 bead), so it has no MT to edit")
        if field == "reference" and not current.ref_ids and text:
            raise InputError(f"row {row} has no reference sentence (a 1-0 bead); split or merge instead")
        # An edited MT is no longer the one the word links were made for: they go.
        links = {"word_alignment": ()} if field == "mt" and text != current.mt else {}
        if field == "mt" and text != current.mt:  # a person's text now, whatever made it first
            links["origin"] = EDITED_ORIGIN if text else ""
        return self._commit("edit", row, (current,), (self._rescore(replace(current, **{field: text}, **links)),))

    def set_status(self, row: int, status: str, version: int, note: str | None = None) -> Change:
        """Accept, reject or reset (``pending``/empty) a bead, optionally with a note."""
        self._check_version(version)
        current = self._row(row)
        status = "" if status == "pending" else status
        if status not in ("", *STATUSES):
            raise InputError(f"status must be accepted, rejected or pending, got {status!r}")
        updated = replace(current, status=status, note=current.note if note is None else self._text(note, "note"))
        return self._commit("status", row, (current,), (_canonical(updated),))

    def merge(self, row: int, version: int) -> Change:
        """Merge a bead with the next one (their sentences joined, in order)."""
        self._check_version(version)
        first = self._row(row)
        if row + 1 >= len(self.rows):
            raise InputError(f"row {row} is the last row; there is no next bead to merge it with")
        second = self.rows[row + 1]
        a, b = self.pieces(first), self.pieces(second)
        merged = AlignedRow(
            src_ids=first.src_ids + second.src_ids,
            ref_ids=first.ref_ids + second.ref_ids,
            source=_join(first.source, second.source),
            mt=_join(first.mt, second.mt),
            reference=_join(first.reference, second.reference),
            note=_join(first.note, second.note),
            extras=merge_extras(first, second),
            origin=merged_origin(first.origin, second.origin),
        )
        merged = self._rescore(merged)
        self._remember(merged, {k: a[k] + b[k] for k in a})
        return self._commit("merge", row, (first, second), (merged,))

    def split(self, row: int, src_at: int, ref_at: int, version: int) -> Change:
        """Split a bead in two: its first ``src_at`` source and ``ref_at`` reference
        sentences, then the rest. ``src_at=1, ref_at=0`` of a 1-1 bead gives 1-0 + 0-1."""
        self._check_version(version)
        current = self._row(row)
        n_src, n_ref = len(current.src_ids), len(current.ref_ids)
        for name, at, n in (("src_at", src_at, n_src), ("ref_at", ref_at, n_ref)):
            if isinstance(at, bool) or not isinstance(at, int) or not 0 <= at <= n:
                raise InputError(f"{name} must be a whole number from 0 to {n} for row {row} ({current.bead}), got {at!r}")
        if src_at + ref_at == 0 or src_at + ref_at == n_src + n_ref:
            raise InputError(
                f"splitting row {row} ({current.bead}) at src_at={src_at}, ref_at={ref_at} leaves an empty bead; "
                "each part needs at least one sentence"
            )
        parts = self.pieces(current)
        halves = []
        for lo_src, hi_src, lo_ref, hi_ref in ((0, src_at, 0, ref_at), (src_at, n_src, ref_at, n_ref)):
            src, mt, ref = parts["source"][lo_src:hi_src], parts["mt"][lo_src:hi_src], parts["reference"][lo_ref:hi_ref]
            half = AlignedRow(
                src_ids=current.src_ids[lo_src:hi_src],
                ref_ids=current.ref_ids[lo_ref:hi_ref],
                source=_join(*src),
                mt=_join(*mt),
                reference=_join(*ref),
                note=current.note if lo_src == 0 and lo_ref == 0 else "",
                extras=current.extras,
                origin=current.origin if src else "",
            )
            half = self._rescore(half)
            self._remember(half, {"source": src, "mt": mt, "reference": ref})
            halves.append(half)
        return self._commit("split", row, (current,), tuple(halves))

    def undo(self, version: int | None = None) -> Change:
        """Take back the last change (edit, status, merge, split or a redo)."""
        return self._step("undo", version)

    def redo(self, version: int | None = None) -> Change:
        """Apply again the last change undone."""
        return self._step("redo", version)

    def _step(self, op: Literal["undo", "redo"], version: int | None) -> Change:
        """Undo and redo are one move between the two stacks: the top change of one is
        applied (backwards for an undo, forwards for a redo) and moves to the other."""
        if version is not None:
            self._check_version(version)
        source, target = (self.undo_stack, self.redo_stack) if op == "undo" else (self.redo_stack, self.undo_stack)
        if not source:
            raise InputError(f"nothing to {op}")
        change = source[-1]
        before, after = (change.new, change.old) if op == "undo" else (change.old, change.new)
        applied = self._commit(op, change.at, before, after, history=False)
        target.append(source.pop())
        return applied

    def close(self) -> None:
        """Save once more and remove the journal: the TSV now holds every change."""
        self._check_disk()
        self._save()
        self.journal.unlink(missing_ok=True)

    # ------------------------------------------------------------------ internals

    def _check_version(self, version: Any) -> None:
        if isinstance(version, bool) or not isinstance(version, int):
            raise InputError(f"version must be the whole number the page last saw, got {version!r}")
        if version != self.version:
            raise ConflictError(
                f"this change was made on version {version}, but the file is at version {self.version} "
                "(changed in another tab or by a script); reload to see the current rows. Nothing was overwritten"
            )

    def _row(self, row: Any) -> AlignedRow:
        if isinstance(row, bool) or not isinstance(row, int) or not 0 <= row < len(self.rows):
            raise InputError(f"row must be a 0-based row number below {len(self.rows)}, got {row!r}")
        return self.rows[row]

    @staticmethod
    def _text(text: Any, what: str) -> str:
        if not isinstance(text, str):
            raise InputError(f"{what} must be a string, got {type(text).__name__}")
        if len(text) > MAX_TEXT:
            raise InputError(f"{what} is {len(text)} characters; at most {MAX_TEXT} fit one bead")
        return clean_cell(check_text(text, what)).strip()

    def _rescore(self, row: AlignedRow) -> AlignedRow:
        """Sentence chrF/BLEU and (if the TSV was checked) flags of one changed row."""
        from selaras.metrics import sentence_scores

        scores = sentence_scores(row.mt, row.reference) if is_scored(row) else None
        row = replace(row, chrf=scores[0] if scores else None, bleu=scores[1] if scores else None)
        if self._recheck:
            from selaras.checks import with_flags

            row = with_flags(row, [f for c, s in zip(self._checks, self._stats) if (f := c.flag(row, s)) is not None])
        return _canonical(row)

    def _remember(self, row: AlignedRow, parts: dict[str, list[str]]) -> None:
        self._pieces[(row.source, len(row.src_ids))] = parts["source"]
        self._pieces[(row.mt, len(row.src_ids))] = parts["mt"]
        self._pieces[(row.reference, len(row.ref_ids))] = parts["reference"]

    def _count(self, row: AlignedRow, sign: int) -> None:
        if not is_scored(row):
            return
        key = (row.mt, row.reference)
        stats = self._segment_stats.get(key)
        if stats is None:
            stats = self._segment_stats[key] = self.tally.segment_stats(row.mt, row.reference)
        self.tally.add(stats, sign)

    def _apply(self, change: Change, *, check_old: bool = False) -> None:
        end = change.at + len(change.old)
        if check_old and tuple(self.rows[change.at : end]) != change.old:
            raise InputError(
                f"{self.journal}: an entry does not fit the rows of {self.path.name} at row {change.at}; "
                "move the journal away to review the file as it is"
            )
        for row in self.rows[change.at : end]:
            self._count(row, -1)
        for row in change.new:
            self._count(row, 1)
        self.rows[change.at : end] = change.new
        self._lines[change.at : end] = [self._line(r) for r in change.new]

    def _line(self, row: AlignedRow) -> str:
        return "\t".join(format_row(row, self.extras)) + "\n"

    def _content(self) -> bytes:
        return (header_line(self.extras) + "".join(self._lines)).encode("utf-8")

    def _commit(
        self, op: str, at: int, old: tuple[AlignedRow, ...], new: tuple[AlignedRow, ...], *, history: bool = True
    ) -> Change:
        """Journal (fsynced), apply, save; on a failure before the journal, nothing changes."""
        from selaras.io import append_lines

        self._check_disk()
        change = Change(op, at, old, new)
        self._apply(change)
        content = self._content()
        sha = _digest(content)
        record = {
            "n": self.version + 1,
            "op": op,
            "at": at,
            "old": [row_as_json(r) for r in old],
            "new": [row_as_json(r) for r in new],
            "sha256": sha,
        }
        try:
            if not self.journal.exists():
                self._start_journal()
            append_lines(self.journal, [json.dumps(record, ensure_ascii=False, sort_keys=True, allow_nan=False)])
        except BaseException:
            self._apply(change.inverse(op))  # not journalled: as if it never happened
            raise
        self.version += 1
        if history:
            self.undo_stack.append(change)
            self.redo_stack.clear()
        self._save(content, sha)
        return change

    def _start_journal(self) -> None:
        from selaras.io import atomic_write

        header = {"format": JOURNAL_FORMAT, "file": self.path.name, "base_sha256": self._sha, "rows": len(self.rows)}
        with atomic_write(self.journal) as handle:
            handle.write(json.dumps(header, sort_keys=True) + "\n")

    def _identity(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _check_disk(self) -> None:
        """Refuse to write if another program changed the TSV since this session saved it."""
        identity = self._identity()
        if identity == self._disk:
            return
        try:
            same = _digest(self.path.read_bytes()) == self._sha
        except OSError:
            same = False
        if not same:
            raise ConflictError(
                f"{self.path.name} was changed on disk by another program since the workbench saved it; "
                f"nothing was written. Stop the workbench and start it again to review the file as it is now"
            )
        self._disk = identity

    def _save(self, content: bytes | None = None, sha: str | None = None) -> None:
        from selaras.io import atomic_write

        content = self._content() if content is None else content
        with atomic_write(self.path, "wb") as handle:
            handle.write(content)
        self._sha = sha or _digest(content)
        self._disk = self._identity()


__all__ = ["JOURNAL_SUFFIX", "Change", "OpenReport", "ReviewSession", "journal_path", "sentence_pieces"]
