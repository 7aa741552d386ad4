"""Tests for selaras.review (terminal table, HTML page) and ``selaras review``.

The HTML page is checked here as text (self-contained, escaped, data blob intact);
tests/test_review_browser.py drives it in a real headless Chromium.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from selaras.checks import LOW_CHRF
from selaras.cli import app
from selaras.metrics import score_rows, sentence_scores
from selaras.review import (
    chrf_histogram,
    document_warnings,
    fill_sentence_scores,
    is_weak,
    mt_match_segments,
    rows_for_review,
)
from selaras.review.html import json_for_script, render_html
from selaras.review.terminal import review_table, summary_line
from selaras.rows import AlignedRow, read_aligned_tsv, write_aligned_tsv
from selaras.rundir import scored_digest

runner = CliRunner()

XSS = "<img src=x onerror=alert(1)> </script><script>alert(2)</script> <!-- & done"

SENTENCES = [
    (
        "Presiden mengatakan bahwa pemerintah akan terus mendukung rakyat di seluruh negeri.",
        "The president said that the government would continue to support people across the country.",
        "The President said the government will keep supporting the people throughout the nation.",
    ),
    (
        "Protes berlanjut di ibu kota setelah pemilihan umum yang disengketakan pada bulan Agustus.",
        "Protests continued in the capital after the disputed general election in August.",
        "Protests went on in the capital following the contested August election.",
    ),
    (
        "Sekitar 200 orang ditahan oleh polisi pada hari Minggu malam.",
        "About 20 people were detained by police on Sunday night.",
        "Some 200 people were detained by the police on Sunday evening.",
    ),
    (
        "Jaringan internet diputus selama tiga hari berturut-turut.",
        "Jaringan internet diputus selama tiga hari berturut-turut.",
        "The internet was cut off for three days in a row.",
    ),
]


def make_rows() -> list[AlignedRow]:
    """Hand-built rows: scored 1-1 beads, a 2-1 bead, a 1-0 bead, flags, hostile text."""
    rows = []
    for n, (src, mt, ref) in enumerate(SENTENCES, start=1):
        chrf, bleu = sentence_scores(mt, ref)  # type: ignore[misc]
        flags: tuple[str, ...] = ()
        if n == 3:
            flags = ("number-mismatch",)
        if n == 4:
            flags = ("untranslated", "low-score")
        rows.append(AlignedRow((n,), (n,), src, mt, ref, 0.9 - n / 10, chrf, bleu, flags))
    rows.append(AlignedRow((5, 6), (5,), "Dua kalimat. Digabung.", "Two sentences. Joined.", "Two joined sentences.", 0.7))
    rows.append(AlignedRow((7,), (), "Kalimat tanpa pasangan.", "A sentence without a partner.", "", 0.0))
    rows.append(AlignedRow((8,), (6,), XSS, XSS, XSS, 0.5, None, None, ("entity-missing",)))
    return rows


# --- pure helpers ---------------------------------------------------------------


def test_mt_match_marks_words_the_reference_has_case_insensitively() -> None:
    parts = mt_match_segments("The President said: NO.", "the president did not say no")
    assert "".join(parts) == "The President said: NO."
    assert parts[1::2] == ["The", "President", "NO"]


@given(st.text(max_size=60), st.text(max_size=60))
def test_mt_match_segments_rejoin_to_the_mt(mt: str, reference: str) -> None:
    parts = mt_match_segments(mt, reference)
    assert "".join(parts) == mt
    ref_words = {w.casefold() for w in re.findall(r"\w+", reference)}
    assert all(p.casefold() in ref_words for p in parts[1::2])


def test_rows_for_review_filters_sorts_weakest_first_and_keeps_positions() -> None:
    rows = fill_sentence_scores(make_rows())
    flagged = rows_for_review(rows, only_flagged=True)
    assert [p for p, _ in flagged] == [3, 4, 7]
    by_score = rows_for_review(rows, sort="score")
    scored = [r.chrf for _, r in by_score if r.chrf is not None]
    assert scored == sorted(scored)
    assert by_score[-1][1].chrf is None  # the 1-0 bead has nothing to compare: last
    assert [p for p, _ in rows_for_review(rows, sort="score", limit=2)] == [p for p, _ in by_score[:2]]
    assert rows_for_review(rows, limit=0) == []


def test_fill_sentence_scores_computes_only_missing_scorable_rows() -> None:
    rows = make_rows()
    filled = fill_sentence_scores(rows)
    assert filled[0] == rows[0]  # already scored: untouched
    assert (filled[4].chrf, filled[4].bleu) == sentence_scores(rows[4].mt, rows[4].reference)
    assert filled[5].chrf is None  # 1-0 bead stays unscored


def test_is_weak_for_flags_or_low_chrf() -> None:
    row = AlignedRow((1,), (1,), "a", "b", "c", chrf=LOW_CHRF + 1)
    assert not is_weak(row)
    assert is_weak(AlignedRow((1,), (1,), "a", "b", "c", chrf=LOW_CHRF - 1))
    assert is_weak(AlignedRow((1,), (1,), "a", "b", "c", chrf=99.0, flags=("repetition",)))


def test_histogram_counts_every_scored_row_with_100_in_the_last_bin() -> None:
    rows = [AlignedRow((1,), (1,), "", "", "", chrf=c) for c in (0.0, 4.99, 5.0, 100.0)]
    rows.append(AlignedRow((2,), (), "", "", "", chrf=None))
    counts = chrf_histogram(rows)
    assert len(counts) == 20
    assert (counts[0], counts[1], counts[-1], sum(counts)) == (2, 1, 1, 4)


def test_json_for_script_cannot_close_the_script_element() -> None:
    payload = {"text": XSS, "n": [1.5, None]}
    blob = json_for_script(payload)
    assert "</script" not in blob.lower() and "<!--" not in blob and "<" not in blob and "&" not in blob
    assert json.loads(blob) == payload


# --- terminal -------------------------------------------------------------------


def table_cells(text: str) -> list[list[str]]:
    """Rebuild each body row's cell texts from a ``box.SQUARE`` table rendering."""
    rows: list[list[str]] = []
    current: list[list[str]] | None = None
    separators = 0
    for line in text.splitlines():
        if line.startswith(("├", "└")):
            separators += 1
            if current is not None:
                rows.append([" ".join(" ".join(parts).split()) for parts in current])
            current = None
        elif line.startswith("│") and separators >= 1:
            cells = line.split("│")[1:-1]
            if current is None:
                current = [[] for _ in cells]
            for parts, cell in zip(current, cells):
                parts.append(cell.strip())
    return rows


def squash(text: str) -> str:
    return "".join(text.split())


def test_table_fits_100_columns_and_keeps_every_text() -> None:
    rows = fill_sentence_scores(make_rows())
    console = Console(width=100, record=True, file=open("/dev/null", "w"), color_system=None)  # noqa: SIM115
    console.print(review_table(rows_for_review(rows)))
    text = console.export_text()
    lines = text.splitlines()
    assert lines and max(cell_len(line) for line in lines) <= 100
    cells = table_cells(text)
    assert len(cells) == len(rows)
    for row, (ids, source, mt, reference, score) in zip(rows, cells):
        # Folding may break a long token anywhere, so compare the text without whitespace.
        assert [squash(c) for c in (source, mt, reference)] == [squash(t) for t in (row.source, row.mt, row.reference)]
        src = ",".join(map(str, row.src_ids)) or "-"
        ref = ",".join(map(str, row.ref_ids)) or "-"
        assert ids == f"{src}→{ref} {row.bead}"
        assert score.split()[0] == ("-" if row.chrf is None else f"{row.chrf:.1f}")
        assert score.split()[1:] == list(row.flags)


def test_table_highlights_weak_rows_only() -> None:
    rows = fill_sentence_scores(make_rows())
    console = Console(width=120, record=True, file=open("/dev/null", "w"), force_terminal=True, color_system="standard")  # noqa: SIM115
    console.print(review_table(rows_for_review(rows)))
    ansi = console.export_text(styles=True)
    red_ids = [f"\x1b[1;31m{','.join(map(str, r.src_ids)) or '-'}→" in ansi for r in rows]
    assert red_ids == [is_weak(r) for r in rows]
    assert any(red_ids) and not all(red_ids)


def test_summary_line_counts_rows_flags_and_shows_corpus_scores() -> None:
    rows = make_rows()
    metrics = score_rows(rows)
    assert metrics is not None
    line = summary_line(rows, metrics, shown=2)
    assert line.startswith("7 rows · 2 shown · 3 flagged · 6 scored beads (MT + reference)")
    assert f"chrF2 {metrics['chrf']:.2f}" in line and f"BLEU {metrics['bleu']:.2f}" in line


# --- HTML (as text) ---------------------------------------------------------------


def test_html_is_self_contained_and_escapes_text() -> None:
    rows = fill_sentence_scores(make_rows())
    metrics = score_rows(rows)
    page = render_html(rows_for_review(rows), metrics=metrics, title="<b>doc</b>.tsv")
    assert "<img" not in page and "alert(1)" not in page.split('id="selaras-data">')[0]
    assert "&lt;b&gt;doc&lt;/b&gt;.tsv" in page
    assert not re.search(r"https?://|//cdn|<link rel=.stylesheet|<script[^>]+src=", page)
    assert page.count("</script>") == 2  # the data blob and the inline script: nothing else
    blob = page.split('<script type="application/json" id="selaras-data">')[1].split("</script>")[0]
    data = json.loads(blob)
    assert len(data["rows"]) == len(rows)
    xss_row = dict(zip(data["columns"], data["rows"][-1]))
    assert xss_row["source"] == XSS and "".join(xss_row["mt"]) == XSS and xss_row["reference"] == XSS
    assert metrics is not None
    for key in ("bleu", "chrf", "chrfpp", "ter"):
        assert metrics["signatures"][key] in page
        assert f">{metrics[key]:.2f}<" in page


def test_html_shows_each_beads_status_and_note_once_reviewed() -> None:
    from dataclasses import replace

    rows = fill_sentence_scores(make_rows())
    fresh = render_html(rows_for_review(rows), metrics=None, title="t")
    assert "<th>review</th>" not in fresh and 'id="review-counts"' not in fresh  # nobody reviewed: as before
    reviewed = [replace(rows[0], status="accepted"), replace(rows[1], status="rejected", note="<b>wrong</b> & sense"),
                *rows[2:]]
    page = render_html(rows_for_review(reviewed), metrics=None, title="t")
    assert "<th>review</th>" in page and '<col class="c-status">' in page
    assert (f'<p id="review-counts"><strong>1</strong> accepted · <strong>1</strong> rejected · '
            f"<strong>{len(rows) - 2}</strong> pending · <strong>1</strong> with a note</p>") in page
    assert "<b>wrong</b>" not in page  # the note travels escaped, in the data blob only
    data = json.loads(page.split('id="selaras-data">')[1].split("</script>")[0])
    assert data["review"] is True
    second = dict(zip(data["columns"], data["rows"][1]))
    assert (second["status"], second["note"]) == ("rejected", "<b>wrong</b> & sense")


def test_html_survives_nan_scores() -> None:
    row = AlignedRow((1,), (1,), "a", "b", "c", align_score=float("nan"), chrf=10.0, bleu=1.0)
    page = render_html([(1, row)], metrics=None, title="t")
    blob = page.split('id="selaras-data">')[1].split("</script>")[0]
    data = json.loads(blob)
    assert dict(zip(data["columns"], data["rows"][0]))["align_score"] is None
    assert "No corpus score" in page


# --- CLI ------------------------------------------------------------------------------


@pytest.fixture
def aligned_tsv(tmp_path: Path) -> Path:
    path = tmp_path / "aligned.tsv"
    write_aligned_tsv(path, make_rows())
    return path


def test_cli_table_at_width_100(aligned_tsv: Path) -> None:
    result = runner.invoke(app, ["review", str(aligned_tsv), "--width", "100"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 100
    assert lines[-1].startswith("7 rows · 3 flagged · 6 scored beads (MT + reference) · corpus chrF2 ")
    assert len(table_cells(result.stdout)) == 7


def test_cli_json_only_flagged_sorted_by_score(aligned_tsv: Path) -> None:
    result = runner.invoke(app, ["review", str(aligned_tsv), "--only-flagged", "--sort", "score", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["rows"], data["flagged"], data["shown"]) == (7, 3, 3)
    assert all(row["flags"] for row in data["selected"])
    chrfs = [row["chrf"] for row in data["selected"]]
    assert chrfs == sorted(chrfs)
    assert data["metrics"] == score_rows(make_rows(), n_bootstrap=0)  # the review's default: no bootstrap


def test_cli_terminal_view_skips_the_ter_it_does_not_show(aligned_tsv: Path, monkeypatch) -> None:
    """TER is the slow metric (about 40 of 45 s on 10,000 beads); the terminal summary
    shows chrF and BLEU only, so only --json and --html pay for it."""
    from sacrebleu.metrics import TER

    calls: list[int] = []
    real = TER._extract_corpus_statistics

    def counting(self, hypotheses, references):
        calls.append(len(hypotheses))
        return real(self, hypotheses, references)

    monkeypatch.setattr(TER, "_extract_corpus_statistics", counting)
    expected = score_rows(make_rows(), n_bootstrap=0)
    calls.clear()
    result = runner.invoke(app, ["review", str(aligned_tsv), "--width", "100"])
    assert result.exit_code == 0, result.output
    assert calls == []
    assert f"corpus chrF2 {expected['chrf']:.2f} · corpus BLEU {expected['bleu']:.2f}" in result.stdout

    result = runner.invoke(app, ["review", str(aligned_tsv), "--json"])
    assert result.exit_code == 0, result.output
    assert calls == [6] and json.loads(result.stdout)["metrics"]["ter"] == expected["ter"]


def test_cli_limit(aligned_tsv: Path) -> None:
    result = runner.invoke(app, ["review", str(aligned_tsv), "--limit", "2", "--json"])
    assert result.exit_code == 0, result.output
    assert [row["position"] for row in json.loads(result.stdout)["selected"]] == [1, 2]


def _run_metrics(tsv: Path, scores: dict | None) -> dict:
    """A run's metrics.json that describes ``tsv`` (by the digest of its scored text)."""
    return {"references": [{"aligned": tsv.name, "scored_sha256": scored_digest(read_aligned_tsv(tsv)), "metrics": scores}]}


def test_cli_html_with_saved_metrics(aligned_tsv: Path, tmp_path: Path) -> None:
    metrics = score_rows(make_rows()[:2])  # other numbers than the file's own: the page must show these
    assert metrics is not None
    metrics_path = tmp_path / "metrics.json"
    metrics_path.write_text(json.dumps(_run_metrics(aligned_tsv, metrics)), encoding="utf-8")
    out = tmp_path / "out" / "review.html"
    result = runner.invoke(app, ["review", str(aligned_tsv), "--html", str(out), "--metrics", str(metrics_path)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert f">{metrics['chrf']:.2f}<" in page and "from metrics.json" in page
    assert f"corpus chrF2 {metrics['chrf']:.2f}" in result.stdout
    assert "┌" not in result.stdout  # --html replaces the table with the page
    assert not list(out.parent.glob(".*.tmp"))  # atomic write left no temp file


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"bleu": 1, "chrf": 2}', "does not say which aligned TSV"),
        ("described, no chrf", "no numeric 'chrf'"),
    ],
)
def test_cli_bad_metrics_file_is_a_clear_error(aligned_tsv: Path, tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "metrics.json"
    if content == "described, no chrf":
        content = json.dumps(_run_metrics(aligned_tsv, {"bleu": 1.0}))
    bad.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["review", str(aligned_tsv), "--metrics", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and message in result.stderr


def test_cli_missing_or_malformed_tsv(tmp_path: Path) -> None:
    result = runner.invoke(app, ["review", str(tmp_path / "nope.tsv")])
    assert result.exit_code == 2 and "no such file" in result.stderr
    bad = tmp_path / "bad.tsv"
    bad.write_text("source\tmt\nx\ty\n", encoding="utf-8")
    result = runner.invoke(app, ["review", str(bad)])
    assert result.exit_code == 2 and "missing column" in result.stderr


def test_cli_help_has_examples() -> None:
    result = runner.invoke(app, ["review", "--help"])
    assert result.exit_code == 0
    assert "selaras review aligned.tsv --html review.html" in result.stdout


def test_cli_html_to_stdout_keeps_stdout_a_page(aligned_tsv: Path) -> None:
    result = runner.invoke(app, ["review", str(aligned_tsv), "--html", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>") and result.stdout.rstrip().endswith("</html>")
    assert "7 rows" in result.stderr
    result = runner.invoke(app, ["review", str(aligned_tsv), "--html", "-", "--json"])
    assert result.exit_code == 2 and "give --html a file name" in result.stderr


def test_review_of_a_run_without_mt(tmp_path: Path) -> None:
    """`selaras run --no-mt` output: no MT column, and its metrics.json (no scores) is accepted."""
    from selaras.rows import write_aligned_tsv

    rows = [
        AlignedRow((1,), (1,), "Saya suka kopi.", "", "I like coffee.", align_score=0.9),
        AlignedRow((2,), (2,), "Dia pergi.", "", "He left.", align_score=0.8),
    ]
    tsv = tmp_path / "aligned.tsv"
    write_aligned_tsv(tsv, rows)
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps({"mt": None, **_run_metrics(tsv, None)}))
    result = CliRunner().invoke(app, ["review", str(tsv), "--metrics", str(metrics), "--width", "100"])
    assert result.exit_code == 0, result.output
    assert "MT" not in result.stdout.split("\n")[2] and "reference" in result.stdout
    assert "no corpus score" in result.stdout
    html = tmp_path / "review.html"
    result = CliRunner().invoke(app, ["review", str(tsv), "--metrics", str(metrics), "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert html.exists()


@pytest.fixture()
def two_reference_run(tmp_path: Path) -> Path:
    """A real ``selaras run --mt`` with two references whose scores differ (the second
    reference is the MT itself), so picking the wrong entry shows."""
    source, mt, ref = (tmp_path / name for name in ("src.txt", "mt.txt", "ref.txt"))
    source.write_text("".join(f"{s}\n" for s, _, _ in SENTENCES), encoding="utf-8")
    mt.write_text("".join(f"{m}\n" for _, m, _ in SENTENCES), encoding="utf-8")
    ref.write_text("".join(f"{r}\n" for _, _, r in SENTENCES), encoding="utf-8")
    out = tmp_path / "run"
    args = ["run", str(source), "-r", str(ref), "-r", str(mt), "--mt", str(mt), "-o", str(out), "--lines", "--bootstrap", "0"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("tsv", ["aligned.tsv", "aligned.ref2.tsv"])
def test_cli_saved_metrics_are_those_of_the_reviewed_tsv(two_reference_run: Path, tsv: str) -> None:
    """`review aligned.ref2.tsv --metrics metrics.json` shows the second reference's
    scores (metrics.json's top level holds the first's): the same as review computes."""
    out = two_reference_run
    saved = runner.invoke(app, ["review", str(out / tsv), "--metrics", str(out / "metrics.json"), "--json"])
    computed = runner.invoke(app, ["review", str(out / tsv), "--json"])
    assert saved.exit_code == 0 and computed.exit_code == 0, saved.output + computed.output
    saved_scores, computed_scores = json.loads(saved.stdout)["metrics"], json.loads(computed.stdout)["metrics"]
    for key in ("bleu", "chrf", "chrfpp", "ter"):
        assert saved_scores[key] == pytest.approx(computed_scores[key], abs=1e-4), key
    top_level = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert (saved_scores["chrf"] == pytest.approx(top_level["chrf"])) == (tsv == "aligned.tsv")


def test_cli_saved_metrics_for_another_tsv_is_a_clear_error(two_reference_run: Path, tmp_path: Path) -> None:
    """Scores belong to content, not to a file name: a copy of a run's TSV under another
    name keeps its scores; a TSV whose MT differs has none in that metrics.json."""
    out = two_reference_run
    renamed = tmp_path / "copy.tsv"
    renamed.write_bytes((out / "aligned.ref2.tsv").read_bytes())
    assert runner.invoke(app, ["review", str(renamed), "--metrics", str(out / "metrics.json")]).exit_code == 0
    changed = tmp_path / "mine.tsv"
    rows = read_aligned_tsv(out / "aligned.ref2.tsv")
    write_aligned_tsv(changed, [replace(rows[0], mt="Something else entirely."), *rows[1:]])
    result = runner.invoke(app, ["review", str(changed), "--metrics", str(out / "metrics.json")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "mine.tsv" in result.stderr and "aligned.tsv" in result.stderr and "aligned.ref2.tsv" in result.stderr


def test_document_warnings_come_from_the_tsv_alone() -> None:
    """A reviewer with only the TSV is told what `selaras align` would have said."""
    good = [AlignedRow((i,), (i,), f"Kalimat {i}.", "", f"The sentence {i} is in the text.", align_score=0.9) for i in (1, 2)]
    assert document_warnings(good) == []
    unrelated = [replace(row, align_score=0.05) for row in good]
    assert ["does not look like a translation" in w for w in document_warnings(unrelated)] == [True]
    indonesian = [replace(row, reference="Dia tidak akan pergi ke pasar dengan adiknya.") for row in good]
    assert ["looks like Indonesian" in w for w in document_warnings(indonesian)] == [True]
    assert document_warnings([replace(row, align_score=None) for row in good]) == []  # a hand-made TSV


def test_cli_review_warns_and_the_page_shows_it(tmp_path: Path) -> None:
    rows = [AlignedRow((i,), (i,), f"Kalimat {i}.", f"Sentence {i}.", f"Sentence {i}.", align_score=0.01) for i in (1, 2, 3)]
    tsv = tmp_path / "aligned.tsv"
    write_aligned_tsv(tsv, rows)
    result = runner.invoke(app, ["review", str(tsv), "--html", str(tmp_path / "r.html"), "--json"])
    assert result.exit_code == 0, result.output
    warned = [line.removeprefix("warning: ") for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warned and json.loads(result.stdout)["warnings"] == warned
    assert 'class="warnings"' in (tmp_path / "r.html").read_text(encoding="utf-8")
