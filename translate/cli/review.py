"""``selaras review``: read an aligned TSV side by side, in the terminal or as an HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from translate.cli.app import JsonOption, app, examples, fail, handle_errors, print_json

#: Above this many beads, say on stderr that corpus scoring may take a while: sacrebleu's
#: TER searches word shifts per sentence and took 59 s for 10,000 random-word beads on one
#: core (sacrebleu 2.6; BLEU 0.9 s, chrF 2 s), i.e. about 12 s at this size.
SLOW_SCORING_BEADS = 2000


def _read_metrics(path: Path, aligned: Path) -> dict[str, Any] | None:
    """The scores in ``path`` for the TSV ``aligned`` (a run's metrics.json holds one
    entry per reference; see :func:`translate.review.metrics_for_tsv`)."""
    import json

    from translate.errors import InputError
    from translate.io import read_text
    from translate.review import metrics_for_tsv

    try:
        payload = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path} is not valid JSON (line {exc.lineno}); give the metrics.json written by selaras run"
        ) from None
    return metrics_for_tsv(payload, str(path), aligned.name)


@app.command(
    epilog=examples(
        "selaras review aligned.tsv",
        "selaras review aligned.tsv --only-flagged --sort score --limit 20",
        "selaras review aligned.tsv --html review.html --metrics metrics.json",
        "selaras review aligned.tsv --only-flagged --json",
    )
)
@handle_errors
def review(
    aligned: Annotated[Path, typer.Argument(help="Aligned TSV from selaras align, run or check.")],
    only_flagged: Annotated[bool, typer.Option("--only-flagged", help="Show only rows with a QA flag.")] = False,
    sort: Annotated[
        Literal["file", "score"],
        typer.Option(help="Row order: file order, or score (lowest sentence chrF first)."),
    ] = "file",
    width: Annotated[
        int | None, typer.Option(min=40, help="Table width in columns (default: the terminal's).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=0, help="Show at most N rows (after filter and sort).")] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Write a self-contained HTML review page here instead of the table."),
    ] = None,
    metrics: Annotated[
        Path | None,
        typer.Option(
            help="Corpus scores from selaras run (metrics.json) to show instead of recomputing; "
            "the entry for this TSV's reference is used."
        ),
    ] = None,
    bootstrap: Annotated[
        int, typer.Option(min=1, help="Bootstrap resamples for 95% CIs of recomputed corpus scores (1 = off).")
    ] = 1,
    as_json: JsonOption = False,
) -> None:
    """Review MT beside source and reference: weak rows coloured, flags shown, corpus chrF/BLEU.

    The table (or page) shows each bead's sentence ids, source | MT | reference,
    sentence chrF and the flags from selaras check. Corpus scores cover the beads that
    have both an MT and a reference; --metrics shows saved ones instead.
    """
    from rich.console import Console

    from translate.io import atomic_write
    from translate.rows import read_aligned_tsv, row_as_json
    from translate.review import compute_metrics, fill_sentence_scores, is_aligned, select_rows
    from translate.review.terminal import review_table, summary_line

    html_to_stdout = html is not None and str(html) == "-"
    if html_to_stdout and as_json:
        raise fail("--html - and --json both write to stdout; give --html a file name", 2)
    rows = fill_sentence_scores(read_aligned_tsv(aligned))
    if metrics is not None:
        corpus = _read_metrics(metrics, aligned)
        origin = f"from {metrics.name}"
    else:
        # The terminal shows corpus chrF and BLEU only; the page and --json show all four.
        # TER is what makes scoring slow, so the terminal view leaves it out.
        keys = ("chrf", "bleu") if html is None and not as_json else None
        n_aligned = sum(1 for row in rows if is_aligned(row))
        if keys is None and n_aligned > SLOW_SCORING_BEADS:
            typer.echo(
                f"Scoring {n_aligned} beads (TER takes a while on long documents; "
                "--metrics metrics.json from selaras run skips this).",
                err=True,
            )
        corpus = compute_metrics(rows, n_bootstrap=bootstrap, keys=keys)
        origin = "computed from this file"
    selected = select_rows(rows, only_flagged=only_flagged, sort=sort, limit=limit)
    summary = summary_line(rows, corpus, shown=len(selected))

    if html is not None:
        from translate.review.html import render_html

        page = render_html(selected, metrics=corpus, title=aligned.name, sort=sort, metrics_origin=origin)
        with atomic_write(html) as handle:
            handle.write(page)
        if not html_to_stdout:
            typer.echo(f"Wrote {html} ({len(selected)} rows).", err=True)

    if as_json:
        print_json(
            {
                "file": str(aligned),
                "rows": len(rows),
                "shown": len(selected),
                "flagged": sum(1 for row in rows if row.flags),
                "aligned": sum(1 for row in rows if is_aligned(row)),
                "metrics": corpus,
                "html": None if html is None else str(html),
                "selected": [{"position": position, **row_as_json(row)} for position, row in selected],
            }
        )
        return
    # With --html - the page owns stdout, so the summary goes to stderr.
    console = Console(width=width, highlight=False, stderr=html_to_stdout)
    if html is None:
        console.print(review_table(selected))
    console.print(summary, soft_wrap=True)
