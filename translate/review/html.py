"""The HTML review page: one self-contained file that opens from disk offline.

Layout: corpus metrics with their sacrebleu signatures, an inline SVG histogram of
sentence chrF, then the side-by-side table with sort (column headers), filters (flag,
score range, text search) and paging. Where the TSV was reviewed (``selaras review
--serve``), a review column shows each bead's status (✓ accepted, ✗ rejected with its
text struck through, or pending) and its note, with the counts above the table. The rows travel as one JSON blob inside
``<script type="application/json">`` and are drawn by the inline script a page at a
time, so a 10,000-row document stays responsive (see ``selaras.review.assets``).

Safety: the blob is ``json.dumps`` output with ``<``, ``>`` and ``&`` written as
``\\u003c``/``\\u003e``/``\\u0026`` (the OWASP rule for JSON in HTML), so ``</script>``
inside a sentence cannot end the script element; everything else Python writes into
the markup goes through ``html.escape``; the script sets text with ``textContent``. A
Content-Security-Policy ``<meta>`` forbids any network request, so the page cannot
phone home even if someone edits it.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from collections.abc import Mapping, Sequence
from typing import Any

from selaras import __version__
from selaras.checks import count_flags
from selaras.review import (
    GOOD_CHRF,
    HISTOGRAM_BIN,
    LOW_CHRF,
    METRIC_LABELS,
    SortOrder,
    chrf_histogram,
    mt_match_segments,
)
from selaras.rows import COLUMN_NAMES, COLUMNS, AlignedRow, Column, is_scored
from selaras.review.assets import CSS, JS
from selaras.review.page import LINKS_HINT, page_html, table_html

#: Rows drawn per page. 200 rows of three wrapped sentences is a few screens of
#: reading and keeps each re-render to a few milliseconds (brief: pages of 200).
PAGE_SIZE = 200

#: No network at all: only the inline style and script run, images only from data:.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}

#: Histogram drawing size in SVG user units (it scales with the page).
_SVG_W, _SVG_H, _SVG_PAD = 520, 150, 22


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def json_for_script(payload: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026`` (still the same
    string to ``JSON.parse``), so no ``</script>`` or ``<!--`` can appear in the blob.
    """
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).translate(_JSON_ESCAPES)


def _finite(value: float | None, digits: int) -> float | None:
    """A JSON-safe rounded number (a hand-edited TSV may hold ``nan``)."""
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)


#: The page's row layout: the position in the TSV, then the aligned TSV's columns in
#: ``selaras.rows.COLUMNS`` order. The script finds each column by name in this list
#: (``data.columns``), so a new TSV column needs no change here.
PAGE_COLUMNS: tuple[str, ...] = ("pos", *COLUMN_NAMES)


def _cell_payload(row: AlignedRow, column: Column) -> Any:
    """One cell as the page's script reads it: lists for ids and flags, finite rounded
    numbers, and the MT as alternating plain/matched pieces (see ``mt_match_segments``)."""
    if column.kind == "bead":
        return row.bead
    if column.name == "mt":
        return mt_match_segments(row.mt, row.reference)
    value = getattr(row, column.name)
    if column.kind in ("ids", "flags"):
        return list(value)
    if column.kind == "score":
        return _finite(value, column.digits)
    if column.kind == "links":
        return [list(pair) for pair in value]
    return value


def _row_payload(position: int, row: AlignedRow) -> list[Any]:
    """One row as a compact array in :data:`PAGE_COLUMNS` order."""
    return [position, *(_cell_payload(row, column) for column in COLUMNS)]


def _links_note(rows: Sequence[AlignedRow]) -> str:
    """The hint that words can be hovered, when some row has word links."""
    if not any(row.word_alignment for row in rows):
        return ""
    return "\n" + LINKS_HINT


def _review_html(rows: Sequence[AlignedRow]) -> str:
    """The reviewers' progress line: accepted, rejected and pending beads, and notes."""
    accepted = sum(1 for row in rows if row.status == "accepted")
    rejected = sum(1 for row in rows if row.status == "rejected")
    notes = sum(1 for row in rows if row.note)
    return (
        f'<p id="review-counts"><strong>{accepted}</strong> accepted · <strong>{rejected}</strong> rejected · '
        f"<strong>{len(rows) - accepted - rejected}</strong> pending · <strong>{notes}</strong> with a note</p>\n"
    )


def _warnings_html(warnings: Sequence[str]) -> str:
    if not warnings:
        return ""
    items = "".join(f"<li>{_esc(w)}</li>" for w in warnings)
    return f'<div class="warnings" role="alert"><strong>Warning</strong><ul>{items}</ul></div>\n'


def _metrics_html(metrics: Mapping[str, Any] | None, metrics_origin: str) -> str:
    if metrics is None:
        return '<p class="sub">No corpus score: no row has both an MT and a reference.</p>'
    signatures = metrics.get("signatures") or {}
    cis = metrics.get("ci95") or {}
    cards = []
    for key, label in METRIC_LABELS.items():
        value = metrics.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        ci = cis.get(key)
        # sacrebleu reports a CI of -1 when bootstrap was off; show only a real interval.
        has_ci = isinstance(ci, (int, float)) and not isinstance(ci, bool) and ci > 0
        ci_html = f'<span class="ci">± {float(ci):.2f} (95% CI)</span>' if has_ci else ""
        signature = signatures.get(key)
        sig_html = f"<code>{_esc(signature)}</code>" if signature else ""
        cards.append(
            f'<div class="card" data-metric="{_esc(key)}"><div class="name">{_esc(label)}</div>'
            f'<div><span class="value">{float(value):.2f}</span>{ci_html}</div>{sig_html}</div>'
        )
    n = metrics.get("n_sentences")
    over = f" over {int(n)} aligned beads" if isinstance(n, int) else ""
    note = f'<p class="sub">Corpus scores{_esc(over)} ({_esc(metrics_origin)}).</p>'
    return note + '<div id="metrics">' + "".join(cards) + "</div>"


def histogram_svg(counts: Sequence[int], bin_width: float = HISTOGRAM_BIN, weak_chrf: float = LOW_CHRF) -> str:
    """An inline SVG bar chart of sentence chrF counts; bars carry their range for filtering."""
    w, h, pad = _SVG_W, _SVG_H, _SVG_PAD
    plot_w, plot_h = w - 2 * pad, h - 2 * pad
    top = max(counts, default=0) or 1
    bar_w = plot_w / max(len(counts), 1)
    parts = [
        f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        f'role="img" aria-label="Histogram of sentence chrF">'
    ]
    for index, count in enumerate(counts):
        lo = index * bin_width
        hi = min(lo + bin_width, 100.0)
        band = "lo" if hi <= weak_chrf else ("mid" if hi <= GOOD_CHRF else "hi")
        bar_h = plot_h * count / top
        x = pad + index * bar_w
        # The filter's maximum is inclusive, so a bar's range stops just under the next bin
        # (scores are rounded to 2 decimals); the last bin includes 100.
        hi_filter = hi if index == len(counts) - 1 else hi - 0.01
        parts.append(
            f'<rect class="bar {band}" x="{x + 1:.1f}" y="{pad + plot_h - bar_h:.1f}" '
            f'width="{bar_w - 2:.1f}" height="{max(bar_h, 0.0):.1f}" data-lo="{lo:g}" data-hi="{hi_filter:g}" '
            f'data-count="{count}"><title>chrF {lo:g}–{hi:g}: {count} rows</title></rect>'
        )
    for tick in (0, 25, 50, 75, 100):
        x = pad + plot_w * tick / 100
        parts.append(f'<text class="axis" x="{x:.1f}" y="{h - 6}" text-anchor="middle">{tick}</text>')
    parts.append(f'<text class="axis" x="{pad}" y="{pad - 8}">max {max(counts, default=0)} rows per bin</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(
    rows: Sequence[tuple[int, AlignedRow]],
    *,
    metrics: Mapping[str, Any] | None,
    title: str,
    sort: SortOrder = "file",
    metrics_origin: str = "computed from this file",
    weak_chrf: float = LOW_CHRF,
    page_size: int = PAGE_SIZE,
    warnings: Sequence[str] = (),
    glossary: Any = None,
) -> str:
    """The whole review page as one string.

    Args:
        rows: ``(position, row)`` pairs from ``selaras.review.rows_for_review``.
        metrics: corpus scores in the ``metrics.json`` shape, or ``None``.
        title: shown in the heading and the tab (usually the TSV's file name).
        sort: the initial order (``score``: weakest chrF first); headers re-sort in-page.
        metrics_origin: where the corpus scores came from, shown beside them.
        weak_chrf: sentence chrF below which a row is highlighted.
        page_size: rows drawn per page.
        warnings: one-line warnings about the document, shown above the scores.
        glossary: a :class:`selaras.terms.Glossary`: its terms are highlighted in the
            source, and their English in the MT and reference (``selaras.terms.marks``).
    """
    plain_rows = [row for _, row in rows]
    # A status column only where someone reviewed: a fresh run's page stays as it was.
    reviewed = any(row.status or row.note for row in plain_rows)
    payload = {
        "columns": list(PAGE_COLUMNS),
        "rows": [_row_payload(position, row) for position, row in rows],
        "weak": weak_chrf,
        "good": GOOD_CHRF,
        "pageSize": page_size,
        "review": reviewed,
        "sort": {"key": "chrf" if sort == "score" else "pos", "dir": 1},
    }
    if glossary is not None:  # only then, so a page without one stays as it was
        from selaras.terms.marks import row_marker

        marker = row_marker(glossary)
        assert marker is not None
        payload["terms"] = {str(position): marks for position, row in rows if any((marks := marker(row)).values())}
    head = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n<style>{CSS}</style>'
    body = f"""<header>
<h1>Selaras review</h1>
<p class="sub">{_esc(title)} · generated by selaras {_esc(__version__)}</p>
</header>
<section aria-label="Corpus metrics">
{_warnings_html(warnings)}{_metrics_html(metrics, metrics_origin)}
</section>
{_overview_html(plain_rows, weak_chrf, reviewed)}{_terms_note(glossary)}{_controls_html(plain_rows)}{_table(reviewed)}<noscript><p>This page draws its table with JavaScript; enable it to see the rows.</p></noscript>
<script type="application/json" id="selaras-data">{json_for_script(payload)}</script>
<script>{JS}</script>
"""
    return page_html(f"Selaras review · {title}", head=head, body=body)


def _terms_note(glossary: Any) -> str:
    """The line saying what the underlines are, on a page made with a glossary."""
    if glossary is None:
        return ""
    return (
        f'<p class="sub" id="terms-note">Glossary {_esc(Path(glossary.name).name)} ({len(glossary)} terms): each term in the source '
        'and its English in the MT and reference are <span class="term">underlined</span>; '
        "a row whose MT or reference lacks one is flagged term-missing when checked with it.</p>\n"
    )


def _overview_html(plain_rows: Sequence[AlignedRow], weak_chrf: float, reviewed: bool) -> str:
    """The row counts (and the review progress once someone reviewed) beside the chrF histogram."""
    flagged = sum(1 for row in plain_rows if row.flags)
    aligned = sum(1 for row in plain_rows if is_scored(row))
    unscored = sum(1 for row in plain_rows if row.chrf is None)
    histogram = histogram_svg(chrf_histogram(plain_rows), weak_chrf=weak_chrf)
    return f"""<section id="overview" aria-label="Overview">
<div id="stats">
<h2>Rows</h2>
<p><strong>{len(plain_rows)}</strong> rows · <strong>{flagged}</strong> flagged · <strong>{aligned}</strong> scored beads (MT + reference)</p>
{_review_html(plain_rows) if reviewed else ""}<p class="sub">Highlighted rows carry a flag or have sentence chrF below {weak_chrf:g}.
MT words also found in the reference are <mark>marked</mark>.{_links_note(plain_rows)}</p>
</div>
<figure id="histogram">
{histogram}
<figcaption>Sentence chrF ({len(plain_rows) - unscored} scored rows, {unscored} without a score).
Click a bar to filter to its range.</figcaption>
</figure>
</section>
"""


def _controls_html(plain_rows: Sequence[AlignedRow]) -> str:
    """The filters: by flag (each flag that occurs, with its count), by score range, by text."""
    counts = {name: n for name, n in count_flags(plain_rows).items() if n}
    flag_options = "".join(
        f'<option value="{_esc(name)}">{_esc(name)} ({count})</option>' for name, count in sorted(counts.items())
    )
    return f"""<section id="controls" aria-label="Filters">
<label>Flag<select id="flag-filter"><option value="">all rows</option><option value="__any__">any flag</option>
<option value="__none__">no flag</option>{flag_options}</select></label>
<label>Score<select id="score-key"><option value="chrf">chrF</option><option value="bleu">BLEU</option>
<option value="align">align</option></select></label>
<label>Min<input id="min-score" type="number" step="any" placeholder="min"></label>
<label>Max<input id="max-score" type="number" step="any" placeholder="max"></label>
<label>Search text<input id="search" type="search" placeholder="source, MT, reference, flag, note"></label>
<button type="button" id="reset">Reset</button>
<span id="count" data-count=""></span>
</section>
"""


#: The table's columns: (sort key or None, label, CSS class); the review column is added
#: only on a reviewed file.
_HEADERS: tuple[tuple[str | None, str, str], ...] = (
    ("pos", "#", "c-pos"),
    ("src", "src", "c-ids"),
    ("ref", "ref", "c-ids"),
    (None, "bead", "c-bead"),
    (None, "source", "c-text"),
    (None, "MT", "c-text"),
    (None, "reference", "c-text"),
    ("align", "align", "c-num"),
    ("chrf", "chrF", "c-num"),
    ("bleu", "BLEU", "c-num"),
    (None, "flags", "c-flags"),
)
_PAGER = (
    '<div class="pager"><span class="info"></span>'
    '<button type="button" class="first">« first</button><button type="button" class="prev">‹ prev</button>'
    '<button type="button" class="next">next ›</button><button type="button" class="last">last »</button></div>'
)


def _table(reviewed: bool) -> str:
    """The empty table (the script fills it) with its sortable headers and the pager."""
    headers = _HEADERS + (((None, "review", "c-status"),) if reviewed else ())
    return table_html(
        [
            (
                f'<th data-key="{key}" aria-sort="none"><button type="button">{_esc(label)}</button></th>'
                if key
                else f"<th>{_esc(label)}</th>",
                cls,
            )
            for key, label, cls in headers
        ],
        _PAGER,
    )


__all__ = ["CSP", "PAGE_SIZE", "histogram_svg", "json_for_script", "render_html"]
