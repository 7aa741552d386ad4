"""What both review pages share: the page skeleton, the base style and the cell script.

The static page (``selaras.review.html`` with ``selaras.review.assets``) and the
workbench (``selaras.review.workbench``) draw the same table of beads, so the parts
that must look and behave alike live here once: the HTML around each page's own head
and body, the table with its pagers, the CSS of that table (colours, bands, flags,
status, word links), and ``CELLS_JS``, a small script that each page puts in front of
its own (inline on the static page, in the served ``/assets/workbench.js``).

``CELLS_JS`` defines ``window.selarasCells``: ``td`` (a text cell, an em dash when
empty), ``fmt``/``band`` (score text and chrF band), ``flagsCell``, ``sentenceCells``
(the source and MT cells of a row) and ``watchLinks``. A row with word links draws its
source and MT word by word, split on the same whitespace as Python's ``str.split``
(which the ``word_alignment`` indexes count); hovering or focusing a word highlights it
(``w-on``) and the words it is linked to on the other side (``w-linked``). A row
without links (a fresh run without ``--word-alignment``, an MT edited in the
workbench, a merged or split bead) draws as plain text. Every cell is built with
``textContent``/``createTextNode``, never ``innerHTML``, so sentence text cannot
inject markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from selaras import __version__

#: The line that tells a reviewer the words can be hovered (both pages, when some row has links).
LINKS_HINT = "Hover or focus a word to see the words it is aligned to (word_alignment)."

#: The style of the bead table and its controls, common to both pages.
CSS = """
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1d2127; --muted: #5f6b7a; --line: #d9dee5; --head: #f3f5f8;
  --weak: #fff0ee; --weak-edge: #d93025; --mark: #fff2a8; --term: #1a73e8; --lo: #c5221f; --mid: #b06000;
  --hi: #188038; --flag-bg: #fce8e6; --flag-fg: #a50e0e; --card: #f8f9fb; --accent: #1a73e8;
  --link: #d2e3fc;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #15181d; --fg: #e6e9ee; --muted: #9aa4b2; --line: #30363f; --head: #1d2128;
    --weak: #3a1f1f; --weak-edge: #f28b82; --mark: #5c4d00; --term: #8ab4f8; --lo: #f28b82; --mid: #fdd663;
    --hi: #81c995; --flag-bg: #5c2b29; --flag-fg: #f6aea9; --card: #1d2128; --accent: #8ab4f8;
    --link: #174ea6;
  }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem 1.25rem 3rem; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
h1 { font-size: 1.35rem; margin: 0 0 .2rem; }
h2 { font-size: 1rem; margin: 1.2rem 0 .5rem; }
.sub { color: var(--muted); margin: 0 0 .8rem; }
.warnings { border: 1px solid var(--weak-edge); background: var(--weak); border-radius: 6px;
  padding: .5rem .8rem; margin: 0 0 .8rem; }
.warnings ul { margin: .3rem 0 0; padding-left: 1.2rem; }
code { font: 12px/1.3 ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
#metrics { display: flex; flex-wrap: wrap; gap: .6rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: .55rem .8rem; min-width: 11rem; flex: 1 1 14rem; }
.card .name { color: var(--muted); font-size: .8rem; text-transform: none; }
.card .value { font-size: 1.5rem; font-weight: 650; }
.card .ci { color: var(--muted); font-size: .85rem; margin-left: .3rem; }
.card code { display: block; color: var(--muted); margin-top: .25rem; }
#controls { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: 1rem 0 .5rem;
  padding: .6rem .8rem; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
#controls label { display: flex; flex-direction: column; font-size: .8rem; color: var(--muted); gap: .15rem; }
#controls input, #controls select, button { font: inherit; color: var(--fg); background: var(--bg);
  border: 1px solid var(--line); border-radius: 6px; padding: .25rem .45rem; }
#controls input[type=number] { width: 6rem; }
#controls input[type=search] { width: 18rem; }
button { cursor: pointer; }
button:disabled { opacity: .45; cursor: default; }
.pager { display: flex; gap: .4rem; align-items: center; margin: .5rem 0; flex-wrap: wrap; }
.pager .info { color: var(--muted); margin-right: auto; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
thead th { position: sticky; top: 0; background: var(--head); z-index: 1; text-align: left;
  font-weight: 600; border-bottom: 2px solid var(--line); padding: .35rem .4rem; vertical-align: bottom; }
th button { border: 0; background: none; padding: 0; font-weight: 600; color: var(--accent); }
th[aria-sort=ascending] button::after { content: " \\25B2"; }
th[aria-sort=descending] button::after { content: " \\25BC"; }
td { border-bottom: 1px solid var(--line); padding: .35rem .4rem; vertical-align: top;
  overflow-wrap: anywhere; white-space: pre-wrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.ids { color: var(--muted); font-variant-numeric: tabular-nums; }
tr.weak td { background: var(--weak); }
tr.weak td:first-child { box-shadow: inset 3px 0 0 var(--weak-edge); }
td.lo { color: var(--lo); font-weight: 650; } td.mid { color: var(--mid); } td.hi { color: var(--hi); }
mark { background: var(--mark); color: inherit; border-radius: 2px; padding: 0 1px; }
.term { text-decoration: underline 2px var(--term); text-underline-offset: 3px; font-weight: 600; }
.flags .reason { display: block; font-size: 0.8em; opacity: 0.8; margin: 0 0 0.2rem; }
.flag { display: inline-block; background: var(--flag-bg); color: var(--flag-fg); border-radius: 4px;
  padding: 0 .3rem; margin: 0 .2rem .2rem 0; font-size: .78rem; white-space: nowrap; }
.empty { color: var(--muted); font-style: italic; }
.w { border-radius: 2px; cursor: default; }
.w:focus { outline: none; }
.w.w-on { outline: 2px solid var(--accent); }
.w.w-linked { background: var(--link); outline: 1px solid var(--accent); }
col.c-pos { width: 3.5rem; } col.c-ids { width: 4.2rem; } col.c-bead { width: 3.2rem; }
col.c-num { width: 4.3rem; } col.c-flags { width: 8.5rem; } col.c-status { width: 10rem; }
tr.accepted td.status { color: var(--hi); font-weight: 650; }
tr.rejected td.status { color: var(--lo); font-weight: 650; }
tr.rejected td.src, tr.rejected td.mt, tr.rejected td.ref { text-decoration: line-through; text-decoration-color: var(--muted); }
td.status .pending { color: var(--muted); font-weight: normal; }
td.status small { display: block; color: var(--muted); font-weight: normal; white-space: normal; }
"""

CELLS_JS = r"""
"use strict";
window.selarasCells = (function () {
  // Python's str.split() whitespace: the word_alignment indexes count words split on it.
  var SPACE = /([\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+)/;

  function td(tr, text, cls) {
    var cell = document.createElement("td");
    if (cls) cell.className = cls;
    if (text === "") { cell.classList.add("empty"); text = "\u2014"; }
    cell.textContent = text;
    tr.appendChild(cell);
    return cell;
  }

  function fmt(v, digits) { return v === null || v === undefined ? "\u2013" : Number(v).toFixed(digits); }

  // The chrF colour band: below weak "lo", below good "mid", else "hi".
  function band(v, weak, good) {
    if (v === null || v === undefined) return "";
    return v < weak ? "lo" : (v < good ? "mid" : "hi");
  }

  function flagsCell(tr, flags, reasons) {
    var cell = document.createElement("td"), why = {};
    cell.className = "flags";
    if (Array.isArray(reasons)) reasons.forEach(function (p) { why[p[0]] = p[1]; }); else if (reasons) why = reasons;
    flags.forEach(function (f) {
      var s = document.createElement("span");
      s.className = "flag";
      s.textContent = f;
      cell.appendChild(s);
      if (why[f]) { var r = document.createElement("span"); r.className = "reason"; r.textContent = why[f]; cell.appendChild(r); }
    });
    tr.appendChild(cell);
    return cell;
  }

  // Word links as [[source word, MT word], ...]: the static page sends the pairs, the
  // workbench's rows the column's Pharaoh text ("0-0 1-2").
  function parseLinks(value) {
    if (!value) return [];
    if (typeof value !== "string") return value;
    return value.split(/\s+/).filter(Boolean).map(function (p) {
      var ij = p.split("-");
      return [Number(ij[0]), Number(ij[1])];
    });
  }

  // Text pieces (odd ones marked) drawn word by word: one element per word part, each
  // with its side ("s" source, "t" MT) and 0-based word number; the first part of a
  // word takes the keyboard focus.
  function addWords(cell, parts, side) {
    var w = -1, inWord = false;
    for (var k = 0; k < parts.length; k++) {
      if (!parts[k]) continue;
      var bits = parts[k].split(SPACE);
      for (var b = 0; b < bits.length; b++) {
        if (!bits[b]) continue;
        if (b % 2) { cell.appendChild(document.createTextNode(bits[b])); inWord = false; continue; }
        var el = document.createElement(k % 2 ? "mark" : "span");
        if (!inWord) { w++; inWord = true; el.tabIndex = 0; }
        el.className = "w";
        el.dataset.side = side;
        el.dataset.w = w;
        el.textContent = bits[b];
        cell.appendChild(el);
      }
    }
  }

  // One text cell from pieces that alternate plain and matched (<mark>) text; word by
  // word when the row has links.
  function textCell(tr, parts, cls, side, linked) {
    if (parts.join("") === "") return td(tr, "", cls);
    var cell = document.createElement("td");
    cell.className = cls;
    if (linked) addWords(cell, parts, side);
    else {
      for (var k = 0; k < parts.length; k++) {
        if (!parts[k]) continue;
        if (k % 2) {
          var m = document.createElement("mark");
          m.textContent = parts[k];
          cell.appendChild(m);
        } else cell.appendChild(document.createTextNode(parts[k]));
      }
    }
    tr.appendChild(cell);
    return cell;
  }

  // The source and MT cells of a row; with word links the row keeps them (tr.links)
  // for watchLinks, without them both are plain text.
  function sentenceCells(tr, source, mtParts, links) {
    links = parseLinks(links);
    tr.links = links.length ? links : null;
    textCell(tr, [source], "src", "s", !!tr.links);
    textCell(tr, mtParts, "mt", "t", !!tr.links);
  }

  // Hover or focus a word in tbody: it and the words it is linked to light up.
  function watchLinks(tbody) {
    var lit = null;
    function unlight() {
      if (!lit) return;
      lit.querySelectorAll(".w-on, .w-linked").forEach(function (x) { x.classList.remove("w-on", "w-linked"); });
      lit = null;
    }
    function light(el) {
      unlight();
      var tr = el.closest("tr");
      if (!tr || !tr.links) return;
      var side = el.dataset.side, w = Number(el.dataset.w), mine = side === "s" ? 0 : 1, other = {};
      tr.links.forEach(function (p) { if (p[mine] === w) other[p[1 - mine]] = true; });
      tr.querySelectorAll(".w").forEach(function (x) {
        if (x.dataset.side === side) { if (Number(x.dataset.w) === w) x.classList.add("w-on"); }
        else if (other[x.dataset.w]) x.classList.add("w-linked");
      });
      lit = tr;
    }
    function onWord(e) {
      var el = e.target.closest ? e.target.closest(".w") : null;
      if (el) light(el); else unlight();
    }
    tbody.addEventListener("mouseover", onWord);
    tbody.addEventListener("focusin", onWord);
    tbody.addEventListener("mouseleave", unlight);
    tbody.addEventListener("focusout", unlight);
  }

  // Glossary terms (selaras.terms.marks): [[start, end], ...] UTF-16 ranges of a cell's
  // text, each part of a text node inside one wrapped in <span class="term">, so the
  // chrF marks and word spans around them are kept.
  function markTerms(cell, ranges) {
    if (!cell || !ranges || !ranges.length || cell.classList.contains("empty")) return;
    var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT), nodes = [], n, offset = 0;
    while ((n = walker.nextNode())) nodes.push(n);
    nodes.forEach(function (node) {
      var text = node.nodeValue, start = offset, cuts = [];
      offset += text.length;
      ranges.forEach(function (r) {
        var a = Math.max(r[0], start), b = Math.min(r[1], offset);
        if (a < b) cuts.push([a - start, b - start]);
      });
      if (!cuts.length) return;
      var frag = document.createDocumentFragment(), at = 0;
      cuts.forEach(function (c) {
        if (c[0] > at) frag.appendChild(document.createTextNode(text.slice(at, c[0])));
        var s = document.createElement("span");
        s.className = "term";
        s.textContent = text.slice(c[0], c[1]);
        frag.appendChild(s);
        at = c[1];
      });
      if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
      node.parentNode.replaceChild(frag, node);
    });
  }

  // A row's glossary marks ({source, mt, reference} ranges) on its three text cells.
  function termCells(tr, terms) {
    if (!terms) return;
    markTerms(tr.querySelector("td.src"), terms.source);
    markTerms(tr.querySelector("td.mt"), terms.mt);
    markTerms(tr.querySelector("td.ref"), terms.reference);
  }

  return { td: td, fmt: fmt, band: band, flagsCell: flagsCell, parseLinks: parseLinks,
           sentenceCells: sentenceCells, watchLinks: watchLinks, termCells: termCells };
})();
"""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def table_html(headers: Sequence[tuple[str, str]], pager: str) -> str:
    """The bead table between two pagers; ``headers`` are ``(th markup, col class)``
    pairs and the rows are drawn into ``<tbody id="rows">`` by the page's script."""
    cols = "".join(f'<col class="{_esc(cls)}">' for _, cls in headers)
    ths = "".join(th for th, _ in headers)
    return (
        f'{pager}\n<table id="review">\n<colgroup>{cols}</colgroup>\n<thead><tr>{ths}</tr></thead>\n'
        f'<tbody id="rows"></tbody>\n</table>\n{pager}\n'
    )


def page_html(title: str, *, head: str, body: str, body_attrs: str = "") -> str:
    """A whole review page: the common ``<head>`` (charset, viewport, generator, no
    favicon request, the tab's ``title``), then the page's own ``head`` markup (its
    CSP, style and script links) and its ``body`` (already escaped HTML)."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="selaras {_esc(__version__)}">
<link rel="icon" href="data:,">
<title>{_esc(title)}</title>
{head}
</head>
<body{body_attrs}>
{body}</body>
</html>
"""


__all__ = ["CELLS_JS", "CSS", "LINKS_HINT", "page_html", "table_html"]
