"""The aligned row: its type, its ordered columns, TSV and JSON in and out, ``build_rows``.

This is the only place a column of the aligned TSV is named. A new column is one
:class:`Column` in :data:`COLUMNS` (plus a field on :class:`AlignedRow`): the TSV writer
and reader, the JSONL export, ``--json`` outputs and the HTML review page (which reads
the column names from the page data) all follow it.

The TSV is UTF-8, header row first, tab-separated, no quoting (tabs and newlines in
text become spaces). Columns marked ``required=False`` may be missing from older files
(``flags`` before ``selaras check`` existed, ``mt_logprob`` before v0.2, ``status`` and
``note`` before the review workbench: such rows read as pending with no note,
``word_alignment`` before ``selaras run --word-alignment``); extra columns written by
other tools are ignored, except by a reader that asks for them
(``parse_tsv(..., keep_extras=True)``, the review workbench's: a user's own ``domain``
column must survive a review). Such a row carries them in :attr:`AlignedRow.extras`
and writes them after the Selaras columns, in their original order (:func:`extra_names`).

``flag_reasons`` says why each flag fired, in ``flags`` order: ``flag: reason`` items
joined by `` | `` (``entity-missing: not in MT: Manggarai | number-mismatch: 2.318 →
2,381``); in JSON an object ``{flag: reason}``. A flag another tool set has no reason.

``origin`` says where a row's MT text came from: ``mt`` (the engine), ``tm`` (an exact
translation-memory match, :mod:`selaras.memory.apply`), ``given`` (``selaras run --mt
FILE``), ``edited`` (a reviewer changed the MT in the workbench), ``mixed`` (a bead
joining sentences or beads of different origins); empty where the row has no MT
(``--no-mt``, a 0-1 bead) or the TSV predates the column.

``word_alignment`` is Pharaoh format (``0-0 1-2 2-1``, as fast_align and Moses write
it): ``i-j`` links word ``i`` of the bead's source to word ``j`` of its MT, 0-based
indexes over the texts split on whitespace (:func:`words`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from selaras.errors import InputError
from selaras.io import atomic_write, jsonl_body, read_lines, tsv_body
from selaras.records import Bead

ColumnKind = Literal["bead", "ids", "text", "score", "flags", "reasons", "status", "links"]

#: Why each flag fired: ``(flag, reason)`` pairs in ``flags`` order (``selaras check``).
Reasons = tuple[tuple[str, str], ...]

#: Word links of a bead: ``(source word, MT word)`` index pairs, 0-based.
Links = tuple[tuple[int, int], ...]

#: A reviewer's verdict on a bead (``selaras review --serve``); empty means pending.
Status = Literal["", "accepted", "rejected"]
STATUSES: tuple[str, ...] = ("accepted", "rejected")


@dataclass(frozen=True, slots=True)
class AlignedRow:
    """One row of the aligned TSV: a bead with its text and scores.

    ``src_ids``/``ref_ids`` are 1-based sentence numbers. Scores are ``None`` where the
    TSV cell is empty (e.g. sentence BLEU when either side is empty). ``mt_logprob`` is
    the MT engine's own confidence (mean log-probability per target token; ``None``
    where the MT was not computed by Selaras, e.g. ``--mt FILE``). ``word_alignment``
    links source words to MT words (:func:`words` indexes; empty when not computed).
    ``extras`` holds another tool's columns, ``(name, value)`` in file order, where a
    reader kept them (see the module docstring; empty otherwise). ``flag_reasons``
    says why each of ``flags`` fired, ``(flag, reason)`` pairs (see the module docstring). Field order is
    positional-construction order; the TSV column order is :data:`COLUMNS`.
    """

    src_ids: tuple[int, ...]
    ref_ids: tuple[int, ...]
    source: str
    mt: str
    reference: str
    align_score: float | None = None
    chrf: float | None = None
    bleu: float | None = None
    flags: tuple[str, ...] = field(default_factory=tuple)
    mt_logprob: float | None = None
    status: Status = ""
    note: str = ""
    word_alignment: Links = ()
    extras: tuple[tuple[str, str], ...] = ()
    flag_reasons: Reasons = ()
    origin: str = ""

    @property
    def bead(self) -> str:
        """The bead type, e.g. ``1-1`` or ``0-1``."""
        return f"{len(self.src_ids)}-{len(self.ref_ids)}"


@dataclass(frozen=True, slots=True)
class Column:
    """One TSV column: its name, what kind of value it holds, and its precision.

    ``digits`` is the number of decimals a score is written with; ``required`` says
    whether a TSV without the column is refused (``False`` for columns added later).
    The ``bead`` column is derived from the ids and checked against them on reading.
    """

    name: str
    kind: ColumnKind
    digits: int = 0
    required: bool = True


#: The aligned TSV's columns, in file order.
COLUMNS: tuple[Column, ...] = (
    Column("bead", "bead"),
    Column("src_ids", "ids"),
    Column("ref_ids", "ids"),
    Column("source", "text"),
    Column("mt", "text"),
    Column("mt_logprob", "score", 4, required=False),
    Column("origin", "text", required=False),
    Column("reference", "text"),
    Column("align_score", "score", 4),
    Column("chrf", "score", 2),
    Column("bleu", "score", 2),
    Column("flags", "flags", required=False),
    Column("flag_reasons", "reasons", required=False),
    Column("word_alignment", "links", required=False),
    Column("status", "status", required=False),
    Column("note", "text", required=False),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
#: Scores a TSV may carry, by column name (for sorting and display).
SCORE_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "score")


# --------------------------------------------------------------------------- cells


#: What no TSV cell may hold besides tabs and line breaks (which become spaces): C0
#: controls, DEL and C1 controls (a NUL makes every reader take the file for binary),
#: and lone surrogates (UTF-8 cannot encode them: the write would fail half-way).
UNWRITABLE = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f\x80-\x84\x86-\x9f\ud800-\udfff]")


def check_text(text: str, what: str) -> str:
    """``text`` if a TSV cell can hold it, else one :class:`InputError` naming the character.

    The edge check for text that people type (the workbench's edits and notes): refused
    there, before it reaches a row, so it can neither lock the file (a NUL) nor fail
    every later request (a lone surrogate). :func:`clean_cell` still makes any other
    text safe when a row is written.
    """
    found = UNWRITABLE.search(text)
    if found is not None:
        kind = "a lone surrogate" if "\ud800" <= found.group() <= "\udfff" else "a control character"
        raise InputError(
            f"{what} contains {kind} (U+{ord(found.group()):04X} at character {found.start() + 1}), "
            "which an aligned TSV cannot hold; remove it"
        )
    return text


def clean_cell(text: str) -> str:
    """Make text safe for one TSV cell: tabs and line breaks become spaces, other
    control characters a space and lone surrogates U+FFFD (see :data:`UNWRITABLE`)."""
    if not text:
        return ""
    joined = " ".join(text.replace("\t", " ").splitlines())
    return UNWRITABLE.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else " ", joined)


def words(text: str) -> list[str]:
    """The words that ``word_alignment`` indexes: ``text`` split on whitespace."""
    return text.split()


def format_links(links: Links) -> str:
    """Word links in Pharaoh format (``0-0 1-2``); empty for none."""
    return " ".join(f"{s}-{t}" for s, t in links)


_LINK = re.compile(r"([0-9]+)-([0-9]+)")


def parse_links(cell: str, where: str) -> Links:
    """Word links from Pharaoh format.

    Raises:
        InputError: a link that is not ``SOURCE-MT`` with whole numbers.
    """
    links = []
    for part in cell.split():
        match = _LINK.fullmatch(part)
        if match is None:
            raise InputError(f"{where} must be word links like '0-0 1-2' (source-MT word numbers), got {part!r}")
        links.append((int(match.group(1)), int(match.group(2))))
    return tuple(links)


def _check_links(row: AlignedRow, where: str) -> None:
    """Refuse word links that point past the bead's source or MT words."""
    if not row.word_alignment:
        return
    n_src, n_mt = len(words(row.source)), len(words(row.mt))
    for s, t in row.word_alignment:
        if not (s < n_src and t < n_mt):
            raise InputError(
                f"{where}: word link {s}-{t} points past the bead's words "
                f"({n_src} source, {n_mt} MT words; numbers are 0-based)"
            )


#: What joins the reasons of one row in its TSV cell.
REASON_SEPARATOR = " | "


def format_reasons(reasons: Reasons) -> str:
    """Flag reasons as the TSV writes them: ``flag: reason | flag: reason`` (a reason's
    own ``|`` becomes ``/`` so the cell reads back the same)."""
    return REASON_SEPARATOR.join(
        f"{name}: {reason.replace('|', '/')}" if reason else name for name, reason in reasons
    )


def parse_reasons(cell: str) -> Reasons:
    """Flag reasons from their TSV cell (see :func:`format_reasons`)."""
    reasons = []
    for item in cell.split(REASON_SEPARATOR):
        name, _, reason = item.strip().partition(": ")
        if name:
            reasons.append((name, reason))
    return tuple(reasons)


def format_ids(ids: Sequence[int]) -> str:
    """1-based sentence numbers as the TSV writes them (``3,4``); empty for no sentence."""
    return ",".join(str(i) for i in ids)


def _format_cell(row: AlignedRow, column: Column) -> str:
    if column.kind == "bead":
        return row.bead
    value = getattr(row, column.name)
    if column.kind == "ids":
        return format_ids(value)
    if column.kind in ("text", "status"):
        return clean_cell(value)
    if column.kind == "score":
        return "" if value is None else f"{value:.{column.digits}f}"
    if column.kind == "links":
        return format_links(value)
    if column.kind == "reasons":
        return clean_cell(format_reasons(value))
    return ",".join(value)  # flags


def _parse_cell(cell: str, column: Column, where: str) -> Any:
    if column.kind == "ids":
        if not cell.strip():
            return ()
        try:
            ids = tuple(int(part) for part in cell.split(","))
        except ValueError:
            raise InputError(
                f"{where}: column {column.name} must be comma-separated sentence numbers, got {cell!r}"
            ) from None
        if any(i < 1 for i in ids):
            raise InputError(
                f"{where}: column {column.name} holds a number below 1 ({cell!r}); sentence numbers are 1-based"
            )
        return ids
    if column.kind == "score":
        if not cell.strip():
            return None
        try:
            return float(cell)
        except ValueError:
            raise InputError(f"{where}: column {column.name} must be a number or empty, got {cell!r}") from None
    if column.kind == "flags":
        return tuple(f for f in cell.split(",") if f)
    if column.kind == "reasons":
        return parse_reasons(cell)
    if column.kind == "status":
        return _check_status(cell.strip(), f"{where}: column {column.name}")
    if column.kind == "links":
        return parse_links(cell, f"{where}: column {column.name}")
    return cell


def _check_status(value: object, where: str) -> str:
    if value not in ("", *STATUSES):
        raise InputError(f"{where} must be {', '.join(STATUSES)} or empty (pending), got {value!r}")
    return value  # type: ignore[return-value]


def format_row(row: AlignedRow, extras: Sequence[str] = ()) -> list[str]:
    """The TSV cells of one row, in :data:`COLUMNS` order, then the row's values of the
    extra columns ``extras`` (empty where the row has none)."""
    cells = [_format_cell(row, column) for column in COLUMNS]
    if extras:
        values = dict(row.extras)
        cells += [clean_cell(values.get(name, "")) for name in extras]
    return cells


def header_line(extras: Sequence[str] = ()) -> str:
    """The TSV header (with the extra columns ``extras`` last), newline-terminated."""
    return "\t".join((*COLUMN_NAMES, *extras)) + "\n"


def tsv_lines(rows: Iterable[AlignedRow]) -> Iterable[str]:
    """The whole TSV as lines (header first), each newline-terminated."""
    yield header_line()
    for row in rows:
        yield "\t".join(format_row(row)) + "\n"


def extra_names(header: Sequence[str]) -> list[str]:
    """The columns of a TSV header that are not Selaras', in their order (another
    tool's, e.g. a user's ``domain``); a name given twice counts once."""
    return list(dict.fromkeys(name for name in header if name not in COLUMN_NAMES))


def merge_extras(first: AlignedRow, second: AlignedRow) -> tuple[tuple[str, str], ...]:
    """The extra columns of a bead merged from ``first`` and ``second``: a value both
    share stays as it is; values that differ are joined with a space, in order (so
    nothing either row held is lost)."""
    merged = dict(first.extras)
    for name, value in second.extras:
        mine = merged.get(name)
        merged[name] = value if mine is None or mine == value else " ".join(v for v in (mine, value) if v.strip())
    return tuple(merged.items())


def parse_tsv(lines: Sequence[str], name: str, *, keep_extras: bool = False) -> list[AlignedRow]:
    """Rows of an aligned TSV given as lines (without line ends), header first.

    With ``keep_extras``, each row's values of the columns that are not Selaras' go
    into its :attr:`~AlignedRow.extras` (first occurrence of a name given twice);
    otherwise they are ignored.

    Raises:
        InputError: naming the file and line of the first problem.
    """
    if not lines:
        raise InputError(f"{name} is empty; expected an aligned TSV with a header row")
    header = lines[0].split("\t")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"{name} line 1: missing column(s) {', '.join(missing)}; "
            f"expected a header with {', '.join(REQUIRED_COLUMNS)} (as written by selaras align)"
        )
    present = [(column, header.index(column.name)) for column in COLUMNS if column.name in header]
    others = [(extra, header.index(extra)) for extra in extra_names(header)] if keep_extras else []
    rows: list[AlignedRow] = []
    for where, cells in tsv_body(lines, header, name):
        values = {column.name: _parse_cell(cells[index], column, where) for column, index in present}
        if others:
            values["extras"] = tuple((extra, cells[index]) for extra, index in others)
        bead = values.pop("bead", "")
        row = AlignedRow(**{"src_ids": (), "ref_ids": (), "source": "", "mt": "", "reference": "", **values})
        if bead and bead != row.bead:
            raise InputError(f"{where}: bead {bead!r} does not match the ids ({row.bead})")
        _check_links(row, where)
        rows.append(row)
    return rows


def read_aligned_tsv(path: str | os.PathLike[str]) -> list[AlignedRow]:
    """Read an aligned TSV written by ``selaras align``/``run``/``check`` (``-``: stdin).

    Extra columns are ignored; optional columns may be missing. The bead column is
    checked against the id columns so a hand-edited file cannot disagree with itself.

    Raises:
        InputError: naming the file and line of the first problem.
    """
    return parse_tsv(read_lines(path), str(path))


def write_aligned_tsv(path: str | os.PathLike[str], rows: Sequence[AlignedRow]) -> None:
    """Write the aligned TSV (header first, no quoting), atomically (``-``: stdout)."""
    with atomic_write(path) as handle:
        handle.writelines(tsv_lines(rows))


# --------------------------------------------------------------------------- JSON


def row_as_json(row: AlignedRow) -> dict[str, Any]:
    """Every column of ``row`` as JSON types (ids and flags as lists, word links as
    their Pharaoh string), keyed by column name; a row with extra columns adds
    ``extras``, ``[[name, value], …]`` (a list, so ``sort_keys`` keeps their order)."""
    payload: dict[str, Any] = {}
    for column in COLUMNS:
        if column.kind == "bead":
            payload[column.name] = row.bead
            continue
        value = getattr(row, column.name)
        if column.kind == "links":
            value = format_links(value)
        elif column.kind == "reasons":
            value = dict(value)
        payload[column.name] = list(value) if column.kind in ("ids", "flags") else value
    if row.extras:
        payload["extras"] = [list(pair) for pair in row.extras]
    return payload


def row_from_json(obj: Any, where: str) -> AlignedRow:
    """The row of one JSON object written by :func:`row_as_json`.

    Raises:
        InputError: not an object, a required key missing, or a value of the wrong type.
    """
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    required = [c.name for c in COLUMNS if c.required and c.kind in ("ids", "text")]
    missing = [k for k in required if k not in obj]
    if missing:
        raise InputError(f"{where}: missing key(s) {', '.join(missing)}")
    values: dict[str, Any] = {}
    for column in COLUMNS:
        if column.kind == "bead" or column.name not in obj:
            continue
        value = obj[column.name]
        if column.kind == "ids":
            if not isinstance(value, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in value):
                raise InputError(f"{where}: {column.name} must be a list of sentence numbers, got {value!r}")
            value = tuple(value)
        elif column.kind == "text":
            if not isinstance(value, str):
                raise InputError(f"{where}: {column.name} must be a string, got {value!r}")
        elif column.kind == "status":
            value = _check_status(value, f"{where}: {column.name}")
        elif column.kind == "score":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise InputError(f"{where}: {column.name} must be a number or null, got {value!r}")
            value = None if value is None else float(value)
        elif column.kind == "links":
            if not isinstance(value, str):
                raise InputError(f"{where}: {column.name} must be a string of word links like '0-0 1-2', got {value!r}")
            value = parse_links(value, f"{where}: {column.name}")
        elif column.kind == "reasons":
            if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                raise InputError(f"{where}: {column.name} must be an object of flag name to reason, got {value!r}")
            value = tuple(value.items())
        else:
            if not isinstance(value, list) or not all(isinstance(f, str) for f in value):
                raise InputError(f"{where}: {column.name} must be a list of strings, got {value!r}")
            value = tuple(value)
        values[column.name] = value
    if "extras" in obj:
        extras = obj["extras"]
        if not isinstance(extras, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(v, str) for v in p) for p in extras
        ):
            raise InputError(f"{where}: extras must be a list of [name, value] strings, got {extras!r}")
        values["extras"] = tuple((name, value) for name, value in extras)
    if "flag_reasons" in values:  # a JSON object has no order (sort_keys): take the flags'
        order = {name: i for i, name in enumerate(values.get("flags", ()))}
        values["flag_reasons"] = tuple(sorted(values["flag_reasons"], key=lambda item: order.get(item[0], len(order))))
    row = AlignedRow(**values)
    if "bead" in obj and obj["bead"] != row.bead:
        raise InputError(f"{where}: bead {obj['bead']!r} does not match the ids ({row.bead})")
    _check_links(row, where)
    return row


def write_jsonl(path: str | os.PathLike[str], rows: Sequence[AlignedRow]) -> None:
    """One JSON object per bead (``sort_keys``, UTF-8 as is), atomically."""
    with atomic_write(path) as handle:
        for row in rows:
            handle.write(json.dumps(row_as_json(row), sort_keys=True, ensure_ascii=False) + "\n")


def read_jsonl(path: str | os.PathLike[str]) -> list[AlignedRow]:
    """Read rows written by :func:`write_jsonl` (strictly: a bad line is an error).

    Raises:
        InputError: naming the line of invalid JSON, a missing key or a wrong type.
    """
    return [row_from_json(obj, where) for where, obj in jsonl_body(read_lines(path), str(path))]


# --------------------------------------------------------------------------- building


def _mean_logprob(scores: Sequence[tuple[float | None, int]]) -> float | None:
    """Token-weighted mean of per-sentence mean log-probabilities (``None`` if any is missing)."""
    if not scores or any(score is None for score, _ in scores):
        return None
    tokens = sum(max(n, 1) for _, n in scores)
    return sum(score * max(n, 1) for score, n in scores) / tokens  # type: ignore[operator]


def build_rows(
    source: Sequence[str],
    reference: Sequence[str],
    mt: Sequence[str] | None,
    beads: Sequence[Bead],
    *,
    mt_scores: Sequence[tuple[float | None, int]] | None = None,
    word_links: Sequence[Links | None] | None = None,
    origins: Sequence[str] | None = None,
) -> list[AlignedRow]:
    """The aligned-TSV rows of ``beads``: texts joined by spaces, 1-based ids, scores.

    The MT of a bead is the MT lines of its source sentences joined by a space (empty
    for a 0-1 bead or without MT); sentence chrF/BLEU compare it with the reference
    text of the bead and are empty where either side is empty. ``mt_scores`` holds the
    engine's ``(score, tokens)`` per source sentence; a bead's ``mt_logprob`` is their
    token-weighted mean. ``word_links`` holds each source sentence's links to its MT
    (word indexes within the two sentences, ``None`` where unknown); a bead's
    ``word_alignment`` is theirs, shifted by the words of its sentences before.
    ``origins`` holds where each source sentence's MT came from (``mt``, ``tm``,
    ``given``); a bead's ``origin`` is theirs when they agree, else ``mixed``.
    """
    from selaras.metrics import sentence_scores

    rows: list[AlignedRow] = []
    for bead in beads:
        # As the TSV will hold them (no tab or line break inside a cell), so rows in
        # memory and rows read back are equal, and so are the scores and digests of both.
        src_text = clean_cell(" ".join(source[i] for i in bead.src))
        ref_text = clean_cell(" ".join(reference[j] for j in bead.tgt))
        mt_text = clean_cell(" ".join(mt[i] for i in bead.src)) if mt is not None else ""
        chrf = bleu = None
        if mt_text and ref_text:
            pair = sentence_scores(mt_text, ref_text)
            if pair is not None:
                chrf, bleu = pair
        links = _bead_links(source, mt, bead, word_links) if word_links is not None and mt is not None else ()
        logprob = _mean_logprob([mt_scores[i] for i in bead.src]) if mt_scores is not None and bead.src else None
        rows.append(
            AlignedRow(
                src_ids=tuple(i + 1 for i in bead.src),
                ref_ids=tuple(j + 1 for j in bead.tgt),
                source=src_text,
                mt=mt_text,
                reference=ref_text,
                align_score=bead.score,
                chrf=chrf,
                bleu=bleu,
                mt_logprob=logprob,
                word_alignment=links,
                origin=bead_origin(bead, origins) if mt is not None else "",
            )
        )
    return rows


#: A bead's ``origin`` when its sentences' MT came from different places.
MIXED_ORIGIN = "mixed"
#: A bead's ``origin`` once a reviewer has changed its MT.
EDITED_ORIGIN = "edited"


def merged_origin(first: str, second: str) -> str:
    """The ``origin`` of two beads merged: a side without MT (empty) takes the other's;
    two that differ are :data:`MIXED_ORIGIN`."""
    if not first or not second or first == second:
        return first or second
    return MIXED_ORIGIN


def bead_origin(bead: Bead, origins: Sequence[str] | None) -> str:
    """The ``origin`` of a bead with MT: its source sentences' (``mt`` when unknown),
    :data:`MIXED_ORIGIN` when they differ, empty for a bead without source sentences."""
    if not bead.src:
        return ""
    found = {origins[i] for i in bead.src} if origins is not None else {"mt"}
    return found.pop() if len(found) == 1 else MIXED_ORIGIN


def _bead_links(source: Sequence[str], mt: Sequence[str], bead: Bead, word_links: Sequence[Links | None]) -> Links:
    """A bead's word links: each sentence's, offset by the words of the sentences before it."""
    links: list[tuple[int, int]] = []
    src_offset = mt_offset = 0
    for i in bead.src:
        links.extend((s + src_offset, t + mt_offset) for s, t in word_links[i] or ())
        src_offset += len(words(source[i]))
        mt_offset += len(words(mt[i]))
    return tuple(links)


def is_scored(row: AlignedRow) -> bool:
    """Whether a row has both an MT and a reference side, so it can be scored."""
    return bool(row.mt.strip()) and bool(row.reference.strip())


__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "REQUIRED_COLUMNS",
    "SCORE_COLUMNS",
    "STATUSES",
    "AlignedRow",
    "Column",
    "Links",
    "REASON_SEPARATOR",
    "Reasons",
    "Status",
    "EDITED_ORIGIN",
    "MIXED_ORIGIN",
    "bead_origin",
    "merged_origin",
    "build_rows",
    "check_text",
    "clean_cell",
    "extra_names",
    "format_ids",
    "format_links",
    "format_reasons",
    "format_row",
    "is_scored",
    "merge_extras",
    "parse_links",
    "parse_reasons",
    "parse_tsv",
    "read_aligned_tsv",
    "read_jsonl",
    "row_as_json",
    "row_from_json",
    "tsv_lines",
    "words",
    "write_aligned_tsv",
    "write_jsonl",
]
