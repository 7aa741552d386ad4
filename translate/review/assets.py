"""The inline CSS and JavaScript of the HTML review page.

Kept as Python strings (not package data files) so the page can be built from any
install, editable or not, and is always one self-contained file: no CDN, no fonts or
scripts fetched, it opens from disk offline. The script builds every cell with
``textContent`` / ``createTextNode``, never ``innerHTML``, so sentence text cannot
inject markup; MT words that the reference contains arrive pre-split by
``selaras.review.mt_match_segments`` and are wrapped in ``<mark>`` elements.

What the workbench draws the same way (the table's style, text and flag cells, a row's
word links lit on hover or focus) comes from ``selaras.review.page``; this module adds
the overview and histogram style and the page's own script (sort, filter, paging).

Only one page of rows (``pageSize``, 200 by default) is in the DOM at a time, so a
10,000-row document sorts and filters in milliseconds: filtering and sorting work on an
index array, and rendering touches 200 rows.
"""

from __future__ import annotations

from selaras.review.page import CELLS_JS
from selaras.review.page import CSS as BASE_CSS

#: The shared table style plus the static page's overview and histogram.
CSS = BASE_CSS + """
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
"""

_PAGE_JS = r"""
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

  var cells = window.selarasCells, td = cells.td, fmt = cells.fmt;
  function band(v) { return cells.band(v, data.weak, data.good); }
  cells.watchLinks(tbody);

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
    cells.sentenceCells(tr, r[SOURCE], r[MT], WORDS === undefined ? [] : r[WORDS]);
    td(tr, r[REFERENCE], "ref");
    if (data.terms) cells.termCells(tr, data.terms[String(r[POS])]);
    td(tr, fmt(r[ALIGN], 3), "num");
    td(tr, fmt(chrf, 1), "num chrf " + band(chrf));
    td(tr, fmt(r[BLEU], 1), "num");
    cells.flagsCell(tr, r[FLAGS], r[C.flag_reasons]);
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

#: The shared cell script (``selaras.review.page``) in front of the page's own.
JS = CELLS_JS + _PAGE_JS
