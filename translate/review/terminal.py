"""Side-by-side review in the terminal: a rich table of source | MT | reference.

Rich does the wrapping: the three text columns share the width left over by the
narrow ones (``ratio=1``) and fold words that do not fit, so the table never runs past
the console width (readable at 100 columns). Weak rows (a flag or low chrF) are
coloured; nothing is printed here, the CLI prints what these functions return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from selaras.rows import AlignedRow
from selaras.review import GOOD_CHRF, LOW_CHRF, METRIC_LABELS, is_weak
from selaras.rows import format_ids, is_scored


def _chrf_style(chrf: float | None, weak_chrf: float) -> str:
    if chrf is None:
        return "dim"
    if chrf < weak_chrf:
        return "bold red"
    if chrf < GOOD_CHRF:
        return "yellow"
    return "green"


def _ids_cell(row: AlignedRow, weak: bool) -> Text:
    src = format_ids(row.src_ids) or "-"
    ref = format_ids(row.ref_ids) or "-"
    text = Text(f"{src}→{ref}", style="bold red" if weak else "")
    text.append(f"\n{row.bead}", style="dim")
    if row.status:  # the reviewer's verdict (selaras review --serve)
        text.append(f"\n{row.status}", style="green" if row.status == "accepted" else "red")
    return text


def _score_cell(row: AlignedRow, weak_chrf: float) -> Text:
    text = Text("-" if row.chrf is None else f"{row.chrf:.1f}", style=_chrf_style(row.chrf, weak_chrf))
    for flag in row.flags:
        text.append(f"\n{flag}", style="magenta")
    return text


def _text(row: AlignedRow, side: str, matcher: Any) -> Text:
    """One text cell, its glossary terms (``selaras.terms.marks``) bold and underlined."""
    text = Text(getattr(row, side))
    if matcher is not None:
        from selaras.terms.marks import term_spans

        for start, end in term_spans(row, matcher)[side]:
            text.stylize("bold underline", start, end)
    return text


def review_table(
    rows: Sequence[tuple[int, AlignedRow]],
    *,
    weak_chrf: float = LOW_CHRF,
    title: str | None = None,
    glossary: Any = None,
) -> Table:
    """A rich table of ``(position, row)`` pairs from ``rows_for_review``.

    Columns: sentence ids with the bead type beneath (``3,4→5`` / ``2-1``), source, MT
    (left out when no row has one), reference, and sentence chrF with the row's flags beneath. Stacking the narrow
    fields leaves about 20 characters per text column at a width of 100. A weak row shows
    its ids in bold red (not a row background, which is unreadable on one of light or dark
    terminal themes), its chrF in red and its flags in magenta. With a ``glossary``
    (``selaras.terms.Glossary``), its terms and their English are bold and underlined.
    """
    table = Table(
        title=title,
        box=box.SQUARE,
        show_lines=True,
        expand=True,
        header_style="bold",
        title_justify="left",
    )
    # A TSV aligned without MT (selaras run --no-mt) gets its width for the two texts.
    with_mt = any(row.mt for _position, row in rows)
    table.add_column("ids\nbead", no_wrap=True, overflow="fold")
    table.add_column("source", ratio=1, overflow="fold")
    if with_mt:
        table.add_column("MT", ratio=1, overflow="fold")
    table.add_column("reference", ratio=1, overflow="fold")
    table.add_column("chrF\nflags", justify="right", overflow="fold")
    matcher = None
    if glossary is not None:
        from selaras.terms.match import TermMatcher

        matcher = TermMatcher(glossary)
    for _position, row in rows:
        weak = is_weak(row, weak_chrf)
        texts = [_text(row, side, matcher) for side in (("source", "mt", "reference") if with_mt else ("source", "reference"))]
        table.add_row(_ids_cell(row, weak), *texts, _score_cell(row, weak_chrf))
    return table


def summary_line(
    rows: Sequence[AlignedRow],
    metrics: Mapping[str, Any] | None,
    *,
    shown: int | None = None,
) -> str:
    """One line: rows, flagged rows, scored beads (both MT and reference) and corpus chrF/BLEU.

    ``shown`` (when given and smaller than the total) says how many rows the table holds
    after ``--only-flagged``/``--limit``.
    """
    flagged = sum(1 for row in rows if row.flags)
    aligned = sum(1 for row in rows if is_scored(row))
    parts = [f"{len(rows)} rows", f"{flagged} flagged", f"{aligned} scored beads (MT + reference)"]
    if shown is not None and shown != len(rows):
        parts.insert(1, f"{shown} shown")
    if metrics is None:
        parts.append("no corpus score (no row has both MT and reference)")
    else:
        for key in ("chrf", "bleu"):
            parts.append(f"corpus {METRIC_LABELS[key]} {float(metrics[key]):.2f}")
    return " · ".join(parts)


__all__ = ["review_table", "summary_line"]
