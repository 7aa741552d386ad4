"""The review workbench page: HTML shell, CSS and JavaScript (served by ``server``).

The page holds no data: its script fetches ``/api/rows`` (the cookie set on the
first load authenticates it) and draws one page of rows at a time, like the static
page, with the same table style, cells and word-link highlighting
(``selaras.review.page``), so 10,000 rows stay quick.
Each action posts to the API with the version the page last saw and applies the
splice the server answers; a 409 (another tab, a script, or the file changed on
disk) is shown in the page and nothing is applied. All text goes in with
``textContent``; the Content-Security-Policy (``server.CSP``) allows only these
two assets, so no inline script runs even if a sentence holds markup.

Keys: j/k or arrows move, a accept, x reject, p pending, e edit MT, r edit reference,
n note, m merge with the next bead, s split, u or Ctrl+Z undo, Shift+U or Ctrl+Y redo;
with a translation memory (``serve(..., tm=PATH)``), 1-3 take that fuzzy match as the
MT. The current bead's matches (``/api/matches``) are drawn in a row under it: score,
the TM source with what differs from this bead's source struck (``<del>``) or
underlined (``<ins>``), and the TM's translation.
"""

from __future__ import annotations

import html

from selaras.review import GOOD_CHRF, LOW_CHRF
from selaras.review.page import CELLS_JS, LINKS_HINT, page_html, table_html
from selaras.review.page import CSS as BASE_CSS

#: The review table's shared style (``selaras.review.page``) plus the workbench's own.
CSS = BASE_CSS + """
#top { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; justify-content: space-between; }
#progress { font-size: 1.05rem; }
#corpus { display: flex; flex-wrap: wrap; gap: .6rem; max-width: 44rem; }
#corpus .card { flex: 1 1 16rem; }
#corpus .sub { flex-basis: 100%; margin: 0; }
#progress .bar { display: block; height: 6px; width: 18rem; max-width: 100%; background: var(--line);
  border-radius: 3px; margin-top: .3rem; overflow: hidden; }
#progress .bar span { display: block; height: 100%; background: var(--hi); }
#message { min-height: 1.6rem; margin: .5rem 0; }
#message .error { border: 1px solid var(--weak-edge); background: var(--weak); border-radius: 6px;
  padding: .4rem .7rem; display: inline-block; }
#message .ok { color: var(--muted); }
#keys { color: var(--muted); font-size: .8rem; }
kbd { font: 11px ui-monospace, monospace; border: 1px solid var(--line); border-radius: 3px; padding: 0 .25rem;
  background: var(--card); }
tr.current td { background: color-mix(in srgb, var(--accent) 12%, var(--bg)); }
tr.current td:first-child { box-shadow: inset 4px 0 0 var(--accent); }
tr.current .w.w-linked { background: color-mix(in srgb, var(--accent) 35%, var(--bg)); }
td.actions { white-space: normal; }
td.actions button { font-size: .75rem; padding: .05rem .3rem; margin: 0 .15rem .15rem 0; }
td textarea, td input.note { width: 100%; font: inherit; color: var(--fg); background: var(--bg);
  border: 1px solid var(--accent); border-radius: 4px; padding: .2rem; }
td textarea { min-height: 4.5rem; resize: vertical; }
tr.splitter td { background: var(--card); }
.split-box { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.split-box ol { margin: .2rem 0; padding-left: 1.3rem; }
.split-box li.cut { border-top: 2px dashed var(--accent); }
col.c-status { width: 6.5rem; } col.c-actions { width: 9rem; }
tr.tm-row td { background: var(--card); font-size: .9rem; }
.tm-match { margin: .15rem 0; }
.tm-match .tm-score { font-weight: 600; margin: 0 .4rem; }
.tm-match del { background: var(--weak); text-decoration: line-through; }
.tm-match ins { background: color-mix(in srgb, var(--accent) 25%, var(--bg)); text-decoration: underline; }
.tm-match .tm-target { margin-left: .4rem; }
.tm-match button { font-size: .75rem; padding: .05rem .3rem; margin-left: .4rem; }
.tm-none { color: var(--muted); }
"""

_PAGE_JS = r"""
"use strict";
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var rows = [], view = [], version = 0, summary = null, flagNames = [];
  var state = { flag: "", status: "", query: "", sort: "pos", page: 0, cur: 0 };
  var PAGE = 200;
  // Colour bands of sentence chrF, as on the static page (selaras.review LOW_CHRF, GOOD_CHRF).
  var WEAK = Number(document.body.dataset.weak), GOOD = Number(document.body.dataset.good);
  var busy = false, editing = null;
  var api = { ready: false, lastMs: 0, actionMs: [], renderMs: 0 };
  window.selarasWorkbench = api;

  function msg(text, isError) {
    var box = $("message");
    box.replaceChildren();
    if (!text) return;
    var span = document.createElement("span");
    span.className = isError ? "error" : "ok";
    span.textContent = text;
    box.appendChild(span);
    if (isError) {
      var again = document.createElement("button");
      again.type = "button"; again.textContent = "Reload rows"; again.style.marginLeft = ".5rem";
      again.addEventListener("click", function () { load(); });
      box.appendChild(again);
    }
  }

  function request(method, path, body) {
    var opts = { method: method, headers: {}, credentials: "same-origin" };
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    return fetch(path, opts).then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data }; },
                           function () { return { status: r.status, data: { error: "HTTP " + r.status } }; });
    });
  }

  function load() {
    var t0 = performance.now();
    return request("GET", "/api/rows").then(function (res) {
      if (res.status !== 200) { msg(res.data.error || ("HTTP " + res.status), true); return; }
      rows = res.data.rows; version = res.data.version; summary = res.data; tmOn = !!res.data.tm;
      var seen = {};
      rows.forEach(function (r) { r.flags.forEach(function (f) { seen[f] = 1; }); });
      flagNames = Object.keys(seen).sort();
      fillFlagFilter();
      $("links-hint").hidden = !rows.some(function (r) { return r.word_alignment; });
      $("tm-hint").hidden = !tmOn;
      msg("");
      apply(true);
      drawSummary();
      api.loadMs = performance.now() - t0;
      if (!api.readyAt) api.readyAt = performance.now();
      api.ready = true;
      document.body.dataset.ready = "true";
      document.body.dataset.version = version;
    }, function (err) { msg("Cannot reach the workbench server: " + err, true); });
  }

  function fillFlagFilter() {
    var sel = $("flag-filter"), keep = sel.value;
    sel.replaceChildren();
    [["", "all rows"], ["__any__", "any flag"], ["__none__", "no flag"]].concat(
      flagNames.map(function (f) { return [f, f]; })).forEach(function (o) {
      var opt = document.createElement("option"); opt.value = o[0]; opt.textContent = o[1]; sel.appendChild(opt);
    });
    sel.value = keep;
  }

  function keep(r) {
    if (state.flag === "__any__") { if (!r.flags.length) return false; }
    else if (state.flag === "__none__") { if (r.flags.length) return false; }
    else if (state.flag && r.flags.indexOf(state.flag) < 0) return false;
    if (state.status && (r.status || "pending") !== state.status) return false;
    if (state.query) {
      var q = state.query;
      if ((r.source + "\n" + r.mt + "\n" + r.reference + "\n" + r.note + "\n" + r.flags.join(" "))
          .toLowerCase().indexOf(q) < 0) return false;
    }
    return true;
  }

  // Filter and sort into view (indices into rows); keep the current row where it can.
  function apply(resetPage, focusPos) {
    var t0 = performance.now();
    var out = [];
    for (var i = 0; i < rows.length; i++) if (keep(rows[i])) out.push(i);
    if (state.sort === "chrf") {
      out.sort(function (a, b) {
        var ka = rows[a].chrf, kb = rows[b].chrf;
        if (ka === kb) return a - b;
        if (ka === null) return 1;
        if (kb === null) return -1;
        return ka - kb;
      });
    }
    view = out;
    if (resetPage) { state.cur = 0; state.page = 0; }
    if (focusPos !== undefined) {
      var best = -1;
      for (var k = 0; k < view.length; k++) {
        if (view[k] === focusPos) { best = k; break; }
        if (best < 0 && view[k] > focusPos && state.sort === "pos") best = k;
      }
      state.cur = best < 0 ? Math.min(state.cur, Math.max(0, view.length - 1)) : best;
      state.page = Math.floor(state.cur / PAGE);
    }
    if (state.cur >= view.length) state.cur = Math.max(0, view.length - 1);
    render();
    api.renderMs = performance.now() - t0;
    showMatches();
  }

  var cells = window.selarasCells, td = cells.td, fmt = cells.fmt;
  function band(v) { return cells.band(v, WEAK, GOOD); }
  cells.watchLinks($("rows"));

  function button(parent, label, title, handler) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = label; b.title = title;
    b.addEventListener("click", function (ev) { ev.stopPropagation(); handler(); });
    parent.appendChild(b);
    return b;
  }

  function rowElement(i, viewIndex) {
    var r = rows[i], tr = document.createElement("tr");
    var cls = [];
    if (r.flags.length || (r.chrf !== null && r.chrf < WEAK)) cls.push("weak");
    if (r.status) cls.push(r.status);
    if (viewIndex === state.cur) cls.push("current");
    tr.className = cls.join(" ");
    tr.dataset.pos = i;
    td(tr, String(i + 1), "num ids");
    td(tr, r.src_ids.join(","), "ids");
    td(tr, r.ref_ids.join(","), "ids");
    td(tr, r.bead, "ids");
    // Word links, when the row has them (an edited MT, a merge or a split has none).
    cells.sentenceCells(tr, r.source, [r.mt], r.word_alignment);
    td(tr, r.reference, "ref");
    cells.termCells(tr, r.terms);  // glossary terms, when the server has a glossary
    td(tr, fmt(r.chrf, 1), "num chrf " + band(r.chrf));
    td(tr, fmt(r.bleu, 1), "num");
    cells.flagsCell(tr, r.flags, r.flag_reasons);
    var st = td(tr, r.status || "pending", "status");
    if (r.note) { var small = document.createElement("small"); small.textContent = r.note; st.appendChild(small); }
    var acts = document.createElement("td");
    acts.className = "actions";
    button(acts, "\u2713", "accept (a)", function () { select(viewIndex); act("status", { status: "accepted" }); });
    button(acts, "\u2717", "reject (x)", function () { select(viewIndex); act("status", { status: "rejected" }); });
    button(acts, "MT", "edit MT (e)", function () { select(viewIndex); startEdit("mt"); });
    button(acts, "ref", "edit reference (r)", function () { select(viewIndex); startEdit("reference"); });
    button(acts, "note", "note (n)", function () { select(viewIndex); startEdit("note"); });
    button(acts, "merge\u2193", "merge with next (m)", function () { select(viewIndex); act("merge", {}); });
    button(acts, "split", "split (s)", function () { select(viewIndex); startSplit(); });
    tr.appendChild(acts);
    tr.addEventListener("click", function () { if (!editing) select(viewIndex); });
    return tr;
  }

  function pages() { return Math.max(1, Math.ceil(view.length / PAGE)); }

  function render() {
    editing = null;
    var n = pages();
    if (state.page >= n) state.page = n - 1;
    var start = state.page * PAGE, end = Math.min(view.length, start + PAGE);
    var frag = document.createDocumentFragment();
    for (var k = start; k < end; k++) frag.appendChild(rowElement(view[k], k));
    $("rows").replaceChildren(frag);
    $("count").textContent = view.length.toLocaleString("en") + " of " + rows.length.toLocaleString("en") + " rows shown";
    var info = view.length ? ("rows " + (start + 1) + "\u2013" + end + ", page " + (state.page + 1) + " of " + n)
                           : "no row matches the filters";
    document.querySelectorAll(".pager").forEach(function (p) {
      p.querySelector(".info").textContent = info;
      p.querySelector(".prev").disabled = state.page === 0;
      p.querySelector(".next").disabled = state.page >= n - 1;
    });
  }

  function currentTr() { return $("rows").querySelector("tr.current"); }

  function select(viewIndex) {
    if (!view.length) return;
    viewIndex = Math.max(0, Math.min(view.length - 1, viewIndex));
    var page = Math.floor(viewIndex / PAGE);
    state.cur = viewIndex;
    if (page !== state.page) { state.page = page; render(); }
    else {
      var old = currentTr(); if (old) old.classList.remove("current");
      var tr = $("rows").querySelector('tr[data-pos="' + view[viewIndex] + '"]');
      if (tr) tr.classList.add("current");
    }
    var now = currentTr();
    if (now && now.scrollIntoView) now.scrollIntoView({ block: "nearest" });
    showMatches();
  }

  // Translation-memory matches of the current bead, in a row under it (served with a TM).
  var tmOn = false, matchSeq = 0, shownMatches = [];
  function showMatches() {
    var old = $("rows").querySelector("tr.tm-row");
    if (old) old.remove();
    shownMatches = [];
    if (!tmOn || !view.length) return;
    var pos = view[state.cur], seq = ++matchSeq;
    request("GET", "/api/matches?row=" + pos).then(function (res) {
      var tr = currentTr();
      if (seq !== matchSeq || res.status !== 200 || !tr || Number(tr.dataset.pos) !== pos) return;
      shownMatches = res.data.matches;
      var row = document.createElement("tr"), cell = document.createElement("td");
      row.className = "tm-row"; cell.colSpan = tr.children.length; row.appendChild(cell);
      if (!shownMatches.length) { cell.className = "tm-none"; cell.textContent = "No translation-memory match of 75% or more"; }
      shownMatches.forEach(function (m, k) {
        var div = document.createElement("div"), el;
        div.className = "tm-match";
        el = document.createElement("kbd"); el.textContent = String(k + 1); div.appendChild(el);
        el = document.createElement("span"); el.className = "tm-score"; el.textContent = "TM " + Math.round(m.score) + "%"; div.appendChild(el);
        var src = document.createElement("span"); src.className = "tm-source";
        m.diff.forEach(function (part) {
          var piece = document.createElement(part[0] === "insert" ? "ins" : part[0] === "delete" ? "del" : "span");
          piece.textContent = part[1]; src.appendChild(piece);
        });
        div.appendChild(src);
        el = document.createElement("span"); el.className = "tm-target"; el.textContent = "\u2192 " + m.target; div.appendChild(el);
        button(div, "take", "use as the MT (" + (k + 1) + ")", function () { takeMatch(k); });
        cell.appendChild(div);
      });
      tr.after(row);
      document.body.dataset.matches = String(shownMatches.length);
    });
  }
  function takeMatch(k) {
    if (k < shownMatches.length) act("edit", { field: "mt", text: shownMatches[k].target });
  }

  function drawSummary() {
    var s = summary;
    var reviewed = s.reviewed, total = s.total;
    var p = $("progress");
    p.replaceChildren();
    var strong = document.createElement("strong");
    strong.textContent = reviewed.toLocaleString("en") + " of " + total.toLocaleString("en") + " reviewed";
    p.appendChild(strong);
    p.appendChild(document.createTextNode(" \u00b7 " + s.accepted.toLocaleString("en") + " accepted, " +
      s.rejected.toLocaleString("en") + " rejected, " + s.flagged.toLocaleString("en") + " flagged"));
    var bar = document.createElement("span"); bar.className = "bar";
    var fill = document.createElement("span"); fill.style.width = (total ? 100 * reviewed / total : 0) + "%";
    bar.appendChild(fill); p.appendChild(bar);
    var warn = $("warnings");
    warn.replaceChildren();
    warn.hidden = !(s.warnings && s.warnings.length);
    if (!warn.hidden) {
      var head = document.createElement("strong"); head.textContent = "Warning"; warn.appendChild(head);
      var list = document.createElement("ul");
      s.warnings.forEach(function (w) { var li = document.createElement("li"); li.textContent = w; list.appendChild(li); });
      warn.appendChild(list);
    }
    var box = $("corpus");
    box.replaceChildren();
    var labels = { bleu: "BLEU", chrf: "chrF2" };
    ["chrf", "bleu"].forEach(function (key) {
      var card = document.createElement("div"); card.className = "card"; card.dataset.metric = key;
      var name = document.createElement("div"); name.className = "name"; name.textContent = "corpus " + labels[key];
      var value = document.createElement("div"); value.className = "value";
      value.textContent = s.corpus ? fmt(s.corpus[key], 2) : "\u2013";
      card.appendChild(name); card.appendChild(value);
      if (s.corpus) {
        var sig = document.createElement("code"); sig.textContent = s.corpus.signatures[key]; card.appendChild(sig);
      }
      box.appendChild(card);
    });
    var n = document.createElement("p"); n.className = "sub";
    n.textContent = s.corpus ? ("over " + s.corpus.n_sentences.toLocaleString("en") + " beads with MT and reference, " +
      "recomputed after every change") : "no bead has both an MT and a reference";
    box.appendChild(n);
    $("undo").disabled = !s.can_undo; $("redo").disabled = !s.can_redo;
    $("undo").title = s.can_undo + " step(s) to undo"; $("redo").title = s.can_redo + " step(s) to redo";
  }

  // Post one action for the current row (or none, for undo/redo) and apply the splice.
  function act(op, fields, noRow) {
    if (busy) return Promise.resolve();
    var body = { version: version };
    if (!noRow) {
      if (!view.length) return Promise.resolve();
      body.row = view[state.cur];
    }
    Object.keys(fields).forEach(function (k) { body[k] = fields[k]; });
    busy = true;
    var t0 = performance.now();
    return request("POST", "/api/" + op, body).then(function (res) {
      busy = false;
      if (res.status !== 200) {
        msg((res.status === 409 ? "Not saved: " : "Error: ") + (res.data.error || ("HTTP " + res.status)), true);
        document.body.dataset.lastError = res.status;
        return;
      }
      var c = res.data.change;
      var args = [c.at, c.remove].concat(c.rows);
      Array.prototype.splice.apply(rows, args);
      version = res.data.version; summary = res.data.summary;
      c.rows.forEach(function (r) { r.flags.forEach(function (f) {
        if (flagNames.indexOf(f) < 0) { flagNames.push(f); flagNames.sort(); fillFlagFilter(); } }); });
      // One row changed in place and still shown in file order: redraw only that row.
      var tr = c.remove === 1 && c.rows.length === 1 && state.sort === "pos" && keep(rows[c.at]) ?
        $("rows").querySelector('tr[data-pos="' + c.at + '"]') : null;
      if (tr) {
        var k = view.indexOf(c.at);
        state.cur = k;
        tr.replaceWith(rowElement(c.at, k));
        editing = null;
      } else {
        apply(false, c.at);
      }
      drawSummary();
      if (tr) showMatches();  // apply() shows them otherwise
      msg(op + " saved (version " + version + ")");
      document.body.dataset.version = version;
      var ms = performance.now() - t0;
      api.lastMs = ms; api.actionMs.push(ms);
    }, function (err) { busy = false; msg("Cannot reach the workbench server: " + err, true); });
  }

  function startEdit(field) {
    var tr = currentTr();
    if (!tr || editing) return;
    var r = rows[view[state.cur]];
    var cell = field === "note" ? tr.querySelector("td.status") : tr.querySelector(field === "mt" ? "td.mt" : "td.ref");
    var input = document.createElement(field === "note" ? "input" : "textarea");
    if (field === "note") { input.className = "note"; input.placeholder = "note"; }
    input.value = r[field];
    input.setAttribute("aria-label", "edit " + field);
    cell.replaceChildren(input);
    editing = field;
    input.focus();
    input.addEventListener("keydown", function (ev) {
      ev.stopPropagation();
      if (ev.key === "Escape") { ev.preventDefault(); render(); }
      else if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault();
        editing = null;
        if (field === "note") act("status", { status: r.status || "pending", note: input.value });
        else act("edit", { field: field, text: input.value });
      }
    });
  }

  function startSplit() {
    var tr = currentTr();
    if (!tr || editing) return;
    var pos = view[state.cur], r = rows[pos];
    if (r.src_ids.length + r.ref_ids.length < 2) { msg("a bead of one sentence cannot be split", true); return; }
    editing = "split";
    request("GET", "/api/pieces?row=" + pos).then(function (res) {
      if (res.status !== 200) { editing = null; msg(res.data.error, true); return; }
      var p = res.data;
      var box = document.createElement("tr"); box.className = "splitter";
      var cell = document.createElement("td"); cell.colSpan = 12; box.appendChild(cell);
      var wrap = document.createElement("div"); wrap.className = "split-box"; cell.appendChild(wrap);
      var inputs = {};
      var src = Math.min(1, r.src_ids.length), ref = r.ref_ids.length > 1 ? 1 : (src ? 0 : 1);
      if (r.src_ids.length > 1 && r.ref_ids.length > 1) { src = Math.floor(r.src_ids.length / 2); ref = Math.floor(r.ref_ids.length / 2); }
      else if (r.src_ids.length === 1 && r.ref_ids.length === 1) { src = 1; ref = 0; }
      var lists = {};
      [["src_at", "source", p.source, r.src_ids.length, src], ["ref_at", "reference", p.reference, r.ref_ids.length, ref]]
        .forEach(function (spec) {
          var div = document.createElement("div");
          var label = document.createElement("label");
          label.textContent = "first part keeps this many " + spec[1] + " sentences ";
          var input = document.createElement("input");
          input.type = "number"; input.min = 0; input.max = spec[3]; input.value = spec[4]; input.id = "split-" + spec[0];
          label.appendChild(input); div.appendChild(label);
          var ol = document.createElement("ol");
          spec[2].forEach(function (t) { var li = document.createElement("li"); li.textContent = t || "\u2014"; ol.appendChild(li); });
          div.appendChild(ol); wrap.appendChild(div);
          inputs[spec[0]] = input; lists[spec[0]] = ol;
        });
      function mark() {
        Object.keys(lists).forEach(function (k) {
          var at = Number(inputs[k].value);
          Array.prototype.forEach.call(lists[k].children, function (li, idx) { li.classList.toggle("cut", idx === at && idx > 0); });
        });
      }
      mark();
      var go = function () { act("split", { src_at: Number(inputs.src_at.value), ref_at: Number(inputs.ref_at.value) }); };
      var btns = document.createElement("div");
      button(btns, "Split", "split here (Enter)", go);
      button(btns, "Cancel", "cancel (Esc)", function () { render(); });
      wrap.appendChild(btns);
      Object.keys(inputs).forEach(function (k) {
        inputs[k].addEventListener("input", mark);
        inputs[k].addEventListener("keydown", function (ev) {
          ev.stopPropagation();
          if (ev.key === "Enter") { ev.preventDefault(); go(); }
          else if (ev.key === "Escape") { ev.preventDefault(); render(); }
        });
      });
      tr.after(box);
      inputs.src_at.focus();
    });
  }

  document.addEventListener("keydown", function (ev) {
    if (!api.ready || editing) return;
    var t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    var key = ev.key, ctrl = ev.ctrlKey || ev.metaKey;
    if (ctrl && (key === "z" || key === "Z")) { ev.preventDefault(); act(ev.shiftKey ? "redo" : "undo", {}, true); return; }
    if (ctrl && key === "y") { ev.preventDefault(); act("redo", {}, true); return; }
    if (ctrl || ev.altKey) return;
    var handled = true;
    if (key === "j" || key === "ArrowDown") select(state.cur + 1);
    else if (key === "k" || key === "ArrowUp") select(state.cur - 1);
    else if (key === "PageDown") select(state.cur + PAGE);
    else if (key === "PageUp") select(state.cur - PAGE);
    else if (key === "a") act("status", { status: "accepted" });
    else if (key === "x") act("status", { status: "rejected" });
    else if (key === "p") act("status", { status: "pending" });
    else if (key === "e") startEdit("mt");
    else if (key === "r") startEdit("reference");
    else if (key === "n") startEdit("note");
    else if (key === "m") act("merge", {});
    else if (key === "s") startSplit();
    else if (key === "u") act("undo", {}, true);
    else if (key === "U") act("redo", {}, true);
    else if (tmOn && (key === "1" || key === "2" || key === "3")) takeMatch(Number(key) - 1);
    else handled = false;
    if (handled) ev.preventDefault();
  });

  function readControls() {
    state.flag = $("flag-filter").value;
    state.status = $("status-filter").value;
    state.query = $("search").value.trim().toLowerCase();
    state.sort = $("sort").value;
    apply(true);
  }
  ["flag-filter", "status-filter", "sort"].forEach(function (id) { $(id).addEventListener("change", readControls); });
  $("search").addEventListener("input", readControls);
  $("undo").addEventListener("click", function () { act("undo", {}, true); });
  $("redo").addEventListener("click", function () { act("redo", {}, true); });
  document.querySelectorAll(".pager").forEach(function (p) {
    p.querySelector(".prev").addEventListener("click", function () { select(Math.max(0, state.page - 1) * PAGE); });
    p.querySelector(".next").addEventListener("click", function () { select(Math.min(pages() - 1, state.page + 1) * PAGE); });
  });
  api.act = act; api.select = select;
  api.state = state;
  api.rows = function () { return rows; };
  api.version = function () { return version; };
  load();
})();
"""


def workbench_html(title: str) -> str:
    """The page's HTML shell; the rows arrive from ``/api/rows``."""
    pager = (
        '<div class="pager"><span class="info"></span>'
        '<button type="button" class="prev">‹ prev</button><button type="button" class="next">next ›</button></div>'
    )
    headers = (
        ("#", "c-pos"), ("src", "c-ids"), ("ref", "c-ids"), ("bead", "c-bead"), ("source", "c-text"),
        ("MT", "c-text"), ("reference", "c-text"), ("chrF", "c-num"), ("BLEU", "c-num"), ("flags", "c-flags"),
        ("status", "c-status"), ("", "c-actions"),
    )
    table = table_html([(f"<th>{html.escape(label)}</th>", cls) for label, cls in headers], pager)
    esc_title = html.escape(title)
    body = f"""<header id="top">
<div><h1>Selaras review workbench</h1>
<p class="sub">{esc_title} · changes are saved to the TSV as you make them</p>
<div id="progress">Loading rows…</div></div>
<div id="warnings" class="warnings" role="alert" hidden></div>
<div id="corpus"></div>
</header>
<div id="message" role="alert" aria-live="polite"></div>
<section id="controls" aria-label="Filters">
<label>Flag<select id="flag-filter"><option value="">all rows</option></select></label>
<label>Status<select id="status-filter"><option value="">all</option><option value="pending">pending</option>
<option value="accepted">accepted</option><option value="rejected">rejected</option></select></label>
<label>Order<select id="sort"><option value="pos">file order</option><option value="chrf">lowest chrF first</option></select></label>
<label>Search text<input id="search" type="search" placeholder="source, MT, reference, note, flag"></label>
<button type="button" id="undo">Undo</button><button type="button" id="redo">Redo</button>
<span id="count"></span>
</section>
<p id="keys"><kbd>j</kbd>/<kbd>k</kbd> move · <kbd>a</kbd> accept · <kbd>x</kbd> reject · <kbd>p</kbd> pending ·
<kbd>e</kbd> edit MT · <kbd>r</kbd> edit reference · <kbd>n</kbd> note · <kbd>m</kbd> merge with next ·
<kbd>s</kbd> split · <kbd>u</kbd> undo · <kbd>U</kbd> redo · <kbd>Enter</kbd> save · <kbd>Esc</kbd> cancel
<span id="tm-hint" hidden>· <kbd>1</kbd>–<kbd>3</kbd> take a translation-memory match as the MT</span>
<span id="links-hint" hidden>· {html.escape(LINKS_HINT)}</span></p>
{table}<noscript><p>The workbench needs JavaScript.</p></noscript>
<script src="/assets/workbench.js"></script>
"""
    return page_html(
        f"Selaras workbench · {title}",
        head='<link rel="stylesheet" href="/assets/workbench.css">',
        body=body,
        body_attrs=f' data-weak="{LOW_CHRF:g}" data-good="{GOOD_CHRF:g}"',
    )


#: The shared cell script (``selaras.review.page``) in front of the workbench's own.
JS = CELLS_JS + _PAGE_JS


__all__ = ["CSS", "JS", "workbench_html"]
