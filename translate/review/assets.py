"""The inline CSS and JavaScript of the HTML review page.

Kept as Python strings (not package data files) so the page can be built from any
install, editable or not, and is always one self-contained file: no CDN, no fonts or
scripts fetched, it opens from disk offline. The script builds every cell with
``textContent`` / ``createTextNode``, never ``innerHTML``, so sentence text cannot
inject markup; MT words that the reference contains arrive pre-split by
``translate.review.mt_match_segments`` and are wrapped in ``<mark>`` elements.

A row with ``word_alignment`` draws its source and MT word by word (split on the same
whitespace as Python's ``str.split``, which the column's indexes count), and hovering
or focusing a word highlights it (``w-on``) and the words it is linked to on the other
side (``w-linked``).

Only one page of rows (``pageSize``, 200 by default) is in the DOM at a time, so a
10,000-row document sorts and filters in milliseconds: filtering and sorting work on an
index array, and rendering touches 200 rows.
"""

from __future__ import annotations

CSS = """
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1d2127; --muted: #5f6b7a; --line: #d9dee5; --head: #f3f5f8;
  --weak: #fff0ee; --weak-edge: #d93025; --mark: #fff2a8; --lo: #c5221f; --mid: #b06000;
  --hi: #188038; --flag-bg: #fce8e6; --flag-fg: #a50e0e; --card: #f8f9fb; --accent: #1a73e8;
  --link: #d2e3fc;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #15181d; --fg: #e6e9ee; --muted: #9aa4b2; --line: #30363f; --head: #1d2128;
    --weak: #3a1f1f; --weak-edge: #f28b82; --mark: #5c4d00; --lo: #f28b82; --mid: #fdd663;
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
#overview { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
#stats { min-width: 14rem; }
#stats p { margin: .15rem 0; }
#histogram { margin: 0; }
#histogram svg { display: block; max-width: 100%; height: auto; }
#histogram .bar { cursor: pointer; }
#histogram .bar:hover { opacity: .75; }
#histogram .axis { fill: var(--muted); font-size: 10px; }
#histogram .lo { fill: var(--lo); } #histogram .mid { fill: var(--mid); } #histogram .hi { fill: var(--hi); }
#histogram figcaption { color: var(--muted); font-size: .8rem; }
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

JS = r"""
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("selaras-data").textContent);
  // Row layout: data.columns names each cell (translate/review/html.py, PAGE_COLUMNS).
  var C = {};
  data.columns.forEach(function (name, i) { C[name] = i; });
  var POS = C.pos, SRC = C.src_ids, REF = C.ref_ids, BEAD = C.bead, SOURCE = C.source, MT = C.mt,
      REFERENCE = C.reference, ALIGN = C.align_score, CHRF = C.chrf, BLEU = C.bleu, FLAGS = C.flags,
      WORDS = C.word_alignment, STATUS = C.status, NOTE = C.note;
  // The reviewer's verdict as the page shows it (data.review: some row has one or a note).
  var VERDICT = { accepted: "\u2713 accepted", rejected: "\u2717 rejected", "": "pending" };
  // Python's str.split() whitespace: the word_alignment indexes count words split on it.
  var SPACE = /([\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+)/;
  var rows = data.rows;
  var SCORE_COLUMN = { chrf: CHRF, bleu: BLEU, align: ALIGN };
  var SORT_KEYS = {
    pos: function (r) { return r[POS]; },
    src: function (r) { return r[SRC].length ? r[SRC][0] : null; },
    ref: function (r) { return r[REF].length ? r[REF][0] : null; },
    align: function (r) { return r[ALIGN]; },
    chrf: function (r) { return r[CHRF]; },
    bleu: function (r) { return r[BLEU]; }
  };
  var state = { flag: "", scoreKey: "chrf", min: null, max: null, query: "",
                sortKey: data.sort.key, sortDir: data.sort.dir, page: 0 };
  var view = [];
  var haystack = null;
  var $ = function (id) { return document.getElementById(id); };
  var tbody = $("rows");

  function buildHaystack() {
    haystack = new Array(rows.length);
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      haystack[i] = (r[SOURCE] + "\n" + r[MT].join("") + "\n" + r[REFERENCE] + "\n" +
                     r[FLAGS].join(" ") + "\n" + (NOTE === undefined ? "" : r[NOTE])).toLowerCase();
    }
  }

  function keep(i) {
    var r = rows[i], flags = r[FLAGS];
    if (state.flag === "__any__") { if (!flags.length) return false; }
    else if (state.flag === "__none__") { if (flags.length) return false; }
    else if (state.flag && flags.indexOf(state.flag) < 0) return false;
    if (state.min !== null || state.max !== null) {
      var v = r[SCORE_COLUMN[state.scoreKey]];
      if (v === null) return false;
      if (state.min !== null && v < state.min) return false;
      if (state.max !== null && v > state.max) return false;
    }
    return true;
  }

  function sortView(v) {
    var key = SORT_KEYS[state.sortKey], dir = state.sortDir;
    var keys = rows.map(key);
    v.sort(function (a, b) {
      var ka = keys[a], kb = keys[b];
      if (ka === kb) return rows[a][POS] - rows[b][POS];
      if (ka === null) return 1;  // rows without a score go last either way
      if (kb === null) return -1;
      return (ka - kb) * dir;
    });
  }

  // Filter, then sort, then show the first page (or stay on the page with keepPage).
  function apply(keepPage) {
    var t0 = performance.now();
    var q = state.query.trim().toLowerCase();
    if (q && haystack === null) buildHaystack();
    var out = [];
    for (var i = 0; i < rows.length; i++) {
      if (!keep(i)) continue;
      if (q && haystack[i].indexOf(q) < 0) continue;
      out.push(i);
    }
    sortView(out);
    view = out;
    if (!keepPage) state.page = 0;
    render();
    api.lastMs = performance.now() - t0;
  }

  function fmt(v, digits) { return v === null ? "\u2013" : v.toFixed(digits); }

  function td(tr, text, cls) {
    var cell = document.createElement("td");
    if (cls) cell.className = cls;
    if (text === "") { cell.classList.add("empty"); text = "\u2014"; }
    cell.textContent = text;
    tr.appendChild(cell);
    return cell;
  }

  function band(v) {
    if (v === null) return "";
    return v < data.weak ? "lo" : (v < data.good ? "mid" : "hi");
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

  function rowElement(r) {
    var tr = document.createElement("tr");
    var chrf = r[CHRF];
    if (r[FLAGS].length || (chrf !== null && chrf < data.weak)) tr.classList.add("weak");
    var status = STATUS === undefined ? "" : r[STATUS];
    if (status) tr.classList.add(status);
    tr.dataset.pos = r[POS];
    td(tr, String(r[POS]), "num ids");
    td(tr, r[SRC].join(","), "ids");
    td(tr, r[REF].join(","), "ids");
    td(tr, r[BEAD], "ids");
    var links = WORDS === undefined ? [] : r[WORDS];
    if (links.length) {
      tr.links = links;
      var src = document.createElement("td");
      src.className = "src";
      addWords(src, [r[SOURCE]], "s");
      tr.appendChild(src);
      var aligned = document.createElement("td");
      aligned.className = "mt";
      addWords(aligned, r[MT], "t");
      tr.appendChild(aligned);
    } else td(tr, r[SOURCE], "src");
    var parts = r[MT];
    if (links.length) { /* drawn above */ }
    else if (parts.join("") === "") { td(tr, "", "mt"); }
    else {
      var mt = document.createElement("td");
      mt.className = "mt";
      for (var k = 0; k < parts.length; k++) {
        if (!parts[k]) continue;
        if (k % 2) {
          var m = document.createElement("mark");
          m.textContent = parts[k];
          mt.appendChild(m);
        } else {
          mt.appendChild(document.createTextNode(parts[k]));
        }
      }
      tr.appendChild(mt);
    }
    td(tr, r[REFERENCE], "ref");
    td(tr, fmt(r[ALIGN], 3), "num");
    td(tr, fmt(chrf, 1), "num chrf " + band(chrf));
    td(tr, fmt(r[BLEU], 1), "num");
    var flags = document.createElement("td");
    flags.className = "flags";
    r[FLAGS].forEach(function (f) {
      var s = document.createElement("span");
      s.className = "flag";
      s.textContent = f;
      flags.appendChild(s);
    });
    tr.appendChild(flags);
    if (data.review) {
      var cell = document.createElement("td");
      cell.className = "status";
      var mark = document.createElement("span");
      mark.className = status || "pending";
      mark.textContent = VERDICT[status] || status;
      cell.appendChild(mark);
      if (r[NOTE]) {
        var note = document.createElement("small");
        note.className = "note";
        note.textContent = r[NOTE];
        cell.appendChild(note);
      }
      tr.appendChild(cell);
    }
    return tr;
  }

  function pages() { return Math.max(1, Math.ceil(view.length / data.pageSize)); }

  function render() {
    var n = pages();
    if (state.page >= n) state.page = n - 1;
    var start = state.page * data.pageSize, end = Math.min(view.length, start + data.pageSize);
    var frag = document.createDocumentFragment();
    for (var i = start; i < end; i++) frag.appendChild(rowElement(rows[view[i]]));
    tbody.replaceChildren(frag);
    var count = $("count");
    count.dataset.count = view.length;
    count.textContent = view.length + " of " + rows.length + " rows match";
    var info = view.length ? ("rows " + (start + 1) + "\u2013" + end + ", page " + (state.page + 1) +
                               " of " + n) : "no row matches the filters";
    document.querySelectorAll(".pager").forEach(function (p) {
      p.querySelector(".info").textContent = info;
      p.querySelector(".first").disabled = p.querySelector(".prev").disabled = state.page === 0;
      p.querySelector(".next").disabled = p.querySelector(".last").disabled = state.page >= n - 1;
    });
    document.querySelectorAll("th[data-key]").forEach(function (th) {
      th.setAttribute("aria-sort", th.dataset.key !== state.sortKey ? "none" :
                      (state.sortDir > 0 ? "ascending" : "descending"));
    });
  }

  function number(id) {
    var raw = $(id).value.trim();
    if (raw === "") return null;
    var v = Number(raw);
    return isFinite(v) ? v : null;
  }

  function readControls() {
    state.flag = $("flag-filter").value;
    state.scoreKey = $("score-key").value;
    state.min = number("min-score");
    state.max = number("max-score");
    state.query = $("search").value;
    apply(false);
  }

  ["flag-filter", "score-key"].forEach(function (id) { $(id).addEventListener("change", readControls); });
  ["min-score", "max-score", "search"].forEach(function (id) { $(id).addEventListener("input", readControls); });
  $("reset").addEventListener("click", function () {
    $("flag-filter").value = ""; $("score-key").value = "chrf";
    $("min-score").value = ""; $("max-score").value = ""; $("search").value = "";
    state.sortKey = data.sort.key; state.sortDir = data.sort.dir;
    readControls();
  });
  document.querySelectorAll("th[data-key] button").forEach(function (b) {
    b.addEventListener("click", function () {
      var key = b.parentElement.dataset.key;
      if (state.sortKey === key) state.sortDir = -state.sortDir;
      else { state.sortKey = key; state.sortDir = 1; }
      apply(false);
    });
  });
  document.querySelectorAll(".pager").forEach(function (p) {
    var go = function (page) { state.page = page; render(); p.scrollIntoView({ block: "nearest" }); };
    p.querySelector(".first").addEventListener("click", function () { go(0); });
    p.querySelector(".prev").addEventListener("click", function () { go(Math.max(0, state.page - 1)); });
    p.querySelector(".next").addEventListener("click", function () { go(Math.min(pages() - 1, state.page + 1)); });
    p.querySelector(".last").addEventListener("click", function () { go(pages() - 1); });
  });
  document.querySelectorAll("#histogram .bar").forEach(function (bar) {
    bar.addEventListener("click", function () {
      $("score-key").value = "chrf";
      $("min-score").value = bar.dataset.lo;
      $("max-score").value = bar.dataset.hi;
      readControls();
    });
  });

  var api = {
    state: state,
    apply: apply,
    visible: function () { return view.length; },
    visiblePositions: function () {
      return Array.prototype.map.call(tbody.rows, function (tr) { return Number(tr.dataset.pos); });
    },
    lastMs: 0,
    readyMs: 0
  };
  window.selarasReview = api;
  apply(false);
  api.readyMs = performance.now();
  document.body.dataset.ready = "true";
})();
"""
