"""The ``word_alignment`` column: Pharaoh links in the TSV and JSONL, filled by
``selaras run --word-alignment`` from the model's attention, and shown on the review
page (hover a word, its aligned words light up) in a real headless Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_review_browser import browser, make_rows, open_page  # noqa: F401  (a fixture, reused)
from typer.testing import CliRunner

from selaras.cli import app
from selaras.errors import InputError
from selaras.records import Bead, Translation
from selaras.rows import (
    AlignedRow,
    build_rows,
    read_aligned_tsv,
    read_jsonl,
    write_aligned_tsv,
    write_jsonl,
)
from selaras.wordlinks import word_links

runner = CliRunner()


def _row(**extra: Any) -> AlignedRow:
    return AlignedRow((1, 2), (1,), "Saya suka kopi. Dia minum teh.", "I like coffee. She drinks tea.", "I like coffee.", **extra)


# --------------------------------------------------------------------------- the column


def test_word_alignment_round_trips_through_tsv_and_jsonl(tmp_path: Path) -> None:
    rows = [_row(word_alignment=((0, 0), (1, 1), (2, 2), (5, 5))), _row()]
    write_aligned_tsv(tmp_path / "a.tsv", rows)
    lines = (tmp_path / "a.tsv").read_text(encoding="utf-8").splitlines()
    at = lines[0].split("\t").index("word_alignment")
    assert lines[1].split("\t")[at] == "0-0 1-1 2-2 5-5" and lines[2].split("\t")[at] == ""
    assert read_aligned_tsv(tmp_path / "a.tsv") == rows
    write_jsonl(tmp_path / "a.jsonl", rows)
    assert '"word_alignment": "0-0 1-1 2-2 5-5"' in (tmp_path / "a.jsonl").read_text(encoding="utf-8")
    assert read_jsonl(tmp_path / "a.jsonl") == rows


def test_an_older_tsv_without_the_column_reads_with_no_links(tmp_path: Path) -> None:
    header = "bead\tsrc_ids\tref_ids\tsource\tmt\treference\talign_score\tchrf\tbleu\n"
    (tmp_path / "old.tsv").write_text(header + "1-1\t1\t1\tSaya suka kopi.\tI like coffee.\tI like coffee.\t0.9\t100\t100\n", encoding="utf-8")
    (row,) = read_aligned_tsv(tmp_path / "old.tsv")
    assert row.word_alignment == () and row.mt == "I like coffee."


@pytest.mark.parametrize(
    ("cell", "message"),
    [("0-0 1:1", "must be word links like '0-0 1-2'"), ("0-0 6-1", "word link 6-1 points past"), ("0-6", "points past")],
)
def test_a_bad_word_alignment_cell_is_refused_with_its_line(tmp_path: Path, cell: str, message: str) -> None:
    write_aligned_tsv(tmp_path / "a.tsv", [_row()])
    header, line = (tmp_path / "a.tsv").read_text(encoding="utf-8").splitlines()
    cells = line.split("\t")
    cells[header.split("\t").index("word_alignment")] = cell
    (tmp_path / "a.tsv").write_text(header + "\n" + "\t".join(cells) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2") as error:
        read_aligned_tsv(tmp_path / "a.tsv")
    assert message in str(error.value)


def test_a_two_sentence_bead_shifts_the_second_sentences_links() -> None:
    source = ["Saya suka kopi.", "Dia minum teh."]
    mt = ["I like coffee.", "She drinks a tea."]
    rows = build_rows(source, ["I like coffee. She drinks tea."], mt, [Bead((0, 1), (0,))], word_links=[((0, 0), (2, 2)), ((2, 3),)])
    assert rows[0].word_alignment == ((0, 0), (2, 2), (5, 6))
    assert rows[0].source.split()[5] == "teh." and rows[0].mt.split()[6] == "tea."
    plain = build_rows(source, ["x"], mt, [Bead((0, 1), (0,))])
    assert plain[0].word_alignment == ()


def test_piece_links_become_word_links_and_weak_ones_are_dropped() -> None:
    translation = Translation(
        source="Saya suka kopinya.",
        text="I like the coffee.",
        alignment=((0, 0), (1, 1), (2, 2), (2, 3), (3, 4), (4, 5)),
        alignment_weights=(0.9, 0.9, 0.2, 0.8, 0.7, 0.9),
        source_pieces=("\u2581Saya", "\u2581suka", "\u2581kopi", "nya", "."),
        target_pieces=("\u2581I", "\u2581like", "\u2581the", "\u2581coffee", "\u2581", "."),
    )
    # "kopi"+"nya" and "." are one word; the bare "▁" piece links to nothing; 0.2 is unsure.
    assert word_links(translation) == ((0, 0), (1, 1), (2, 3))
    assert word_links(Translation(source="Saya.", text="I.")) is None  # no alignment asked for
    assert word_links(Translation(source="", text="")) == ()


# --------------------------------------------------------------------------- selaras run


@pytest.mark.slow
def test_run_word_alignment_links_kopi_to_coffee(aligning_model: Path, tmp_path: Path) -> None:
    source, reference = tmp_path / "a.id.txt", tmp_path / "a.en.txt"
    source.write_text("Saya suka kopi. Dia minum teh.\n", encoding="utf-8")
    reference.write_text("I like coffee. She drinks tea.\n", encoding="utf-8")
    common = ["run", str(source), "-r", str(reference), "--model", str(aligning_model), "--beams", "2", "--bootstrap", "0"]
    result = runner.invoke(app, [*common, "-o", str(tmp_path / "run"), "--word-alignment"])
    assert result.exit_code == 0, result.output
    rows = read_aligned_tsv(tmp_path / "run" / "aligned.tsv")
    assert [r.mt for r in rows] == ["I like coffee.", "She drinks tea."]
    first, second = rows
    assert first.source.split()[2] == "kopi." and first.mt.split()[2] == "coffee."
    assert (2, 2) in first.word_alignment and (1, 1) in first.word_alignment
    assert (2, 2) in second.word_alignment  # teh. -> tea.
    # Without the option the column stays empty; with an MT it did not make, it is refused.
    result = runner.invoke(app, [*common, "-o", str(tmp_path / "plain")])
    assert result.exit_code == 0, result.output
    assert all(r.word_alignment == () for r in read_aligned_tsv(tmp_path / "plain" / "aligned.tsv"))
    (tmp_path / "mt.txt").write_text("I like coffee.\nShe drinks tea.\n", encoding="utf-8")
    result = runner.invoke(app, [*common, "-o", str(tmp_path / "other"), "--mt", str(tmp_path / "mt.txt"), "--word-alignment"])
    assert result.exit_code == 2 and "word alignment needs an MT made by the model" in result.stderr


# --------------------------------------------------------------------------- the review page


@pytest.mark.slow
def test_hovering_a_source_word_lights_its_aligned_mt_words(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    rows = make_rows(6, seed=3, score=True)
    hostile = "<b>kopi</b>"
    rows[1] = AlignedRow((2,), (2,), f"Saya suka {hostile}.", "I like the coffee.", "I like coffee.",
                         word_alignment=((0, 0), (1, 1), (2, 2), (2, 3)))
    write_aligned_tsv(tmp_path / "aligned.tsv", rows)
    result = runner.invoke(app, ["review", str(tmp_path / "aligned.tsv"), "--html", str(tmp_path / "review.html")])
    assert result.exit_code == 0, result.output
    open_page(browser, tmp_path / "review.html")
    from selenium.webdriver.common.action_chains import ActionChains

    row = browser.find_element("css selector", '#rows tr[data-pos="2"]')
    words = row.find_elements("css selector", 'td.src .w[data-side="s"]')
    assert [w.text for w in words] == ["Saya", "suka", hostile + "."]  # text, not markup
    ActionChains(browser).move_to_element(words[2]).perform()
    lit = browser.execute_script(
        "const tr = document.querySelector('#rows tr[data-pos=\"2\"]');"
        "return [[...tr.querySelectorAll('.w-on')].map(e => e.textContent),"
        " [...tr.querySelectorAll('td.mt .w-linked')].map(e => e.textContent),"
        " document.querySelectorAll('#rows b').length]"
    )
    assert lit == [[hostile + "."], ["the", "coffee", "."], 0]  # "coffee" is marked: two parts of one word
    shot = tmp_path / "hover.png"
    assert browser.save_screenshot(str(shot))
    if os.environ.get("SELARAS_REVIEW_SCREENSHOT"):
        shutil.copy(shot, os.environ["SELARAS_REVIEW_SCREENSHOT"])
    # The other way round: an MT word lights its source word; leaving clears it.
    ActionChains(browser).move_to_element(row.find_elements("css selector", 'td.mt .w[data-side="t"]')[1]).perform()
    assert browser.execute_script(
        "return [...document.querySelectorAll('#rows td.src .w-linked')].map(e => e.textContent)"
    ) == ["suka"]
    ActionChains(browser).move_to_element(browser.find_element("css selector", "h1")).perform()
    assert browser.execute_script("return document.querySelectorAll('.w-on, .w-linked').length") == 0
    # Keyboard: focusing a word does the same; rows without links are plain text.
    browser.execute_script("document.querySelector('#rows tr[data-pos=\"2\"] td.src .w').focus()")
    assert browser.execute_script(
        "return [...document.querySelectorAll('#rows td.mt .w-linked')].map(e => e.textContent)"
    ) == ["I"]
    assert browser.execute_script("return document.querySelectorAll('#rows tr[data-pos=\"3\"] .w').length") == 0
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_editing_the_mt_in_the_workbench_drops_its_stale_links(tmp_path: Path) -> None:
    from selaras.review.session import ReviewSession

    write_aligned_tsv(tmp_path / "a.tsv", [_row(word_alignment=((0, 0), (2, 2)))])
    session, _ = ReviewSession.open(tmp_path / "a.tsv")
    session.edit(0, "reference", "I like coffee. She drinks tea.", 0)
    assert session.rows[0].word_alignment == ((0, 0), (2, 2))  # the MT is the one linked
    session.edit(0, "mt", "Coffee I like. She drinks tea.", 1)
    assert session.rows[0].word_alignment == ()


def test_merged_and_split_beads_have_no_links_and_undo_brings_them_back(tmp_path: Path) -> None:
    from selaras.review.session import ReviewSession

    second = AlignedRow((3,), (2,), "Budi pergi.", "Budi goes.", "Budi went.", word_alignment=((0, 0), (1, 1)))
    write_aligned_tsv(tmp_path / "a.tsv", [_row(word_alignment=((0, 0), (2, 2))), second])
    session, _ = ReviewSession.open(tmp_path / "a.tsv")
    session.split(0, 1, 1, 0)  # "Saya suka kopi." + "Dia minum teh.": the links were for the whole bead
    assert [row.word_alignment for row in session.rows] == [(), (), ((0, 0), (1, 1))]
    session.undo(1)
    assert session.rows[0].word_alignment == ((0, 0), (2, 2))
    session.merge(0, 2)
    assert [row.word_alignment for row in session.rows] == [()]
    session.undo(3)
    assert [row.word_alignment for row in read_aligned_tsv(tmp_path / "a.tsv")] == [((0, 0), (2, 2)), ((0, 0), (1, 1))]
