"""Glossary terms highlighted on the static review page and in the workbench (#23), in a
real headless Chromium (``test_review_browser``'s fixture and skip policy).

Set ``SELARAS_TERMS_SCREENSHOT=folder`` to keep the two screenshots.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from test_review_browser import browser  # noqa: F401  (a fixture, reused)
from test_review_server import sample_rows, serving
from typer.testing import CliRunner

from selaras.cli import app
from selaras.rows import AlignedRow, write_aligned_tsv
from selaras.terms import parse_glossary_table
from selaras.terms.marks import term_marks
from selaras.terms.match import TermMatcher

pytestmark = pytest.mark.slow

runner = CliRunner()
GLOSSARY = "source\ttarget\npasar\tmarket\nteh\ttea\nnasi\tsteamed rice\n"


def test_marks_are_utf16_ranges_of_terms_and_their_english() -> None:
    matcher = TermMatcher(parse_glossary_table(GLOSSARY))
    row = AlignedRow((1,), (1,), "😀 Budi pergi ke pasarnya.", "😀 Budi goes to the markets.", "Budi went to market.")
    marks = term_marks(row, matcher)
    # "😀" is two UTF-16 code units: JavaScript indexes strings so
    assert marks == {"source": [[17, 25]], "mt": [[20, 27]], "reference": [[13, 19]]}  # code points 16-24, 19-26


def _save(driver: Any, name: str, tmp_path: Path) -> Path:
    shot = tmp_path / name
    driver.save_screenshot(str(shot))
    if os.environ.get("SELARAS_TERMS_SCREENSHOT"):
        shutil.copy(shot, Path(os.environ["SELARAS_TERMS_SCREENSHOT"]) / name)
    return shot


def _terms(driver: Any) -> list[tuple[str, str]]:
    return [tuple(pair) for pair in driver.execute_script(
        "return Array.from(document.querySelectorAll('#rows .term')).map("
        "function (e) { return [e.closest('td').className.split(' ')[0], e.textContent]; });"
    )]


def test_static_page_highlights_terms(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    write_aligned_tsv(tmp_path / "aligned.tsv", sample_rows())
    (tmp_path / "istilah.tsv").write_text(GLOSSARY, encoding="utf-8")
    result = runner.invoke(app, ["review", str(tmp_path / "aligned.tsv"), "--html", str(tmp_path / "review.html"),
                                 "--glossary", str(tmp_path / "istilah.tsv")])
    assert result.exit_code == 0, result.output
    browser.get((tmp_path / "review.html").resolve().as_uri())
    assert browser.execute_script("return document.body.dataset.ready") == "true"
    found = _terms(browser)
    assert ("src", "pasar") in found and ("mt", "market") in found and ("ref", "market") in found
    assert ("src", "nasi") in found and ("src", "teh") in found and ("mt", "tea") in found
    assert not any(text in ("rice", "steamed rice") for _, text in found)  # "rice" is not the glossary's English
    # the cell text is unchanged by the marks
    mt = browser.execute_script("return document.querySelector('#rows td.mt').textContent")
    assert mt == "I eat rice. He drinks tea."
    note = browser.execute_script("return document.getElementById('terms-note').textContent")
    assert note.startswith("Glossary istilah.tsv (3 terms)")
    assert _save(browser, "terms-static.png", tmp_path).stat().st_size > 0


def test_workbench_highlights_terms(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    write_aligned_tsv(tmp_path / "aligned.tsv", sample_rows())
    (tmp_path / "istilah.tsv").write_text(GLOSSARY, encoding="utf-8")
    with serving(tmp_path / "aligned.tsv", "--glossary", str(tmp_path / "istilah.tsv")) as (_, url):
        browser.get(url)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not _terms(browser):
            time.sleep(0.2)
        found = _terms(browser)
        assert ("src", "pasar") in found and ("mt", "market") in found and ("ref", "tea") in found
        _save(browser, "terms-workbench.png", tmp_path)
