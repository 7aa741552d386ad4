"""The HTML review page in a real headless Chromium (Selenium + Debian chromium-driver).

Skip policy: CI installs ``chromium`` and ``chromium-driver`` in ``.ci/run``, so there
this test must run. It skips (with the reason) only when ``/usr/bin/chromium`` or
``/usr/bin/chromedriver`` is absent *and* the ``CI`` environment variable is unset,
i.e. on a developer machine without the browser; with ``CI`` set and no browser, it
fails. Install locally with ``apt-get install chromium chromium-driver``.

One browser session serves the whole module (module-scoped fixture) to keep it quick.
Set ``SELARAS_REVIEW_SCREENSHOT=path.png`` to also copy the screenshot somewhere.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from selaras.cli import app
from selaras.rows import read_aligned_tsv, write_aligned_tsv
from selaras.metrics import sentence_scores
from selaras.rows import AlignedRow
from selaras.metrics import score_rows
from selaras.rundir import scored_digest

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("number-mismatch", "untranslated", "repetition", "length-ratio", "entity-missing")
XSS = '<img src=x onerror="window.pwned=1"> </script><script>window.pwned=2</script>'
#: Generous bound for loading or re-sorting the 10,000-row page (brief: well under 2 s).
MAX_MS = 2000

WORDS_ID = "presiden pemerintah rakyat protes kota pemilihan polisi hari malam jaringan internet".split()
WORDS_EN = "president government people protest city election police day night network internet the a of".split()

runner = CliRunner()


def make_rows(n: int, seed: int, *, score: bool) -> list[AlignedRow]:
    """``n`` rows of seeded pseudo-sentences; every 5th row flagged; the first is hostile.

    ``score=True`` computes sentence chrF/BLEU with sacrebleu; otherwise (the 10,000-row
    document, where only rendering speed matters) they are seeded draws, to keep setup quick.
    """
    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        source = " ".join(rng.choices(WORDS_ID, k=rng.randint(4, 14))).capitalize() + "."
        reference = " ".join(rng.choices(WORDS_EN, k=rng.randint(4, 14))).capitalize() + "."
        mt = " ".join(rng.choices(reference.rstrip(".").split() + WORDS_EN, k=rng.randint(4, 14))) + "."
        if i == 1:
            source, mt, reference = XSS, XSS + " Presiden.", XSS
        flags = (FLAGS[(i // 5) % len(FLAGS)],) if i % 5 == 0 else ()
        chrf, bleu = sentence_scores(mt, reference) if score else (rng.uniform(0, 100), rng.uniform(0, 100))  # type: ignore[misc]
        rows.append(AlignedRow((i,), (i,), source, mt, reference, rng.random(), chrf, bleu, flags))
    return rows


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module; skip or fail per the policy in the docstring."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        reason = f"{CHROMIUM} or {CHROMEDRIVER} missing (apt-get install chromium chromium-driver)"
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(f"CI is set but {reason}; .ci/run must install them")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = Path(tempfile.mkdtemp(prefix="selaras-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    # An explicit driver path: Selenium Manager never runs, so nothing is downloaded.
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[AlignedRow], dict]:
    """A 50-row page rendered by ``selaras review --html`` (corpus scores recomputed)."""
    folder = tmp_path_factory.mktemp("review-small")
    write_aligned_tsv(folder / "aligned.tsv", make_rows(50, seed=1, score=True))
    rows = read_aligned_tsv(folder / "aligned.tsv")  # scores as the page sees them (2 decimals)
    result = runner.invoke(app, ["review", str(folder / "aligned.tsv"), "--html", str(folder / "review.html")])
    assert result.exit_code == 0, result.output
    metrics = score_rows(rows, n_bootstrap=0)
    assert metrics is not None
    return folder / "review.html", rows, metrics


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 10,000-row page; corpus scores come from a metrics.json as ``selaras run`` writes."""
    folder = tmp_path_factory.mktemp("review-large")
    rows = make_rows(10_000, seed=2, score=False)
    write_aligned_tsv(folder / "aligned.tsv", rows)
    metrics = score_rows(rows[:50], n_bootstrap=0)
    digest = scored_digest(read_aligned_tsv(folder / "aligned.tsv"))
    run_metrics = {"references": [{"aligned": "aligned.tsv", "scored_sha256": digest, "metrics": metrics}]}
    (folder / "metrics.json").write_text(json.dumps(run_metrics), encoding="utf-8")
    args = ["review", str(folder / "aligned.tsv"), "--html", str(folder / "review.html")]
    result = runner.invoke(app, [*args, "--metrics", str(folder / "metrics.json")])
    assert result.exit_code == 0, result.output
    return folder / "review.html"


def open_page(driver: Any, path: Path) -> None:
    driver.get(path.resolve().as_uri())
    assert driver.execute_script("return document.body.dataset.ready") == "true", driver.get_log("browser")


def visible(driver: Any) -> dict:
    """Positions and chrF cells of the drawn rows, and the match count."""
    return driver.execute_script(
        """
        const rows = [...document.querySelectorAll('#rows tr')];
        return {
          positions: rows.map(tr => Number(tr.dataset.pos)),
          chrf: rows.map(tr => tr.querySelector('td.chrf').textContent),
          flags: rows.map(tr => [...tr.querySelectorAll('.flag')].map(s => s.textContent)),
          count: Number(document.getElementById('count').dataset.count),
        };
        """
    )


def test_small_page_renders_rows_metrics_and_escaped_text(browser: Any, small: tuple, tmp_path: Path) -> None:
    page, rows, metrics = small
    open_page(browser, page)
    shown = visible(browser)
    assert shown["count"] == 50 and shown["positions"] == list(range(1, 51))
    # One decimal on screen (JS rounds ties up, Python to even: compare numerically).
    assert all(abs(float(text) - r.chrf) <= 0.05 + 1e-9 for text, r in zip(shown["chrf"], rows, strict=True))
    cards = browser.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('.card')].map("
        "c => [c.dataset.metric, [c.querySelector('.value').textContent, c.querySelector('code').textContent]]))"
    )
    for key in ("bleu", "chrf", "chrfpp", "ter"):
        assert cards[key] == [f"{metrics[key]:.2f}", metrics["signatures"][key]]
    # Hostile text shows as text and runs nothing.
    first = browser.execute_script(
        "const tr = document.querySelector('#rows tr');"
        "return [tr.querySelector('td.src').textContent, tr.querySelector('td.ref').textContent,"
        " document.querySelectorAll('#rows img, #rows script').length, window.pwned === undefined]"
    )
    assert first == [XSS, XSS, 0, True]
    # MT words found in the reference are marked, and only those.
    marks = browser.execute_script(
        "return [...document.querySelectorAll('#rows tr')].slice(1, 6).map(tr =>"
        " [[...tr.querySelectorAll('td.mt mark')].map(m => m.textContent), tr.querySelector('td.ref').textContent])"
    )
    assert any(words for words, _ in marks)
    for words, reference in marks:
        assert all(w.lower() in reference.lower().replace(".", "").split() for w in words)
    # Nothing fetched, nothing logged as an error (a CSP violation would be).
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    shot = tmp_path / "review.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("SELARAS_REVIEW_SCREENSHOT"):
        shutil.copy(shot, os.environ["SELARAS_REVIEW_SCREENSHOT"])


def test_a_reviewed_page_shows_status_marks_and_escaped_notes(browser: Any, tmp_path: Path) -> None:
    from dataclasses import replace

    rows = make_rows(6, seed=3, score=True)
    rows[1] = replace(rows[1], status="accepted", note="tense fixed later")
    rows[2] = replace(rows[2], status="rejected", note=XSS)
    write_aligned_tsv(tmp_path / "aligned.tsv", rows)
    page = tmp_path / "review.html"
    result = runner.invoke(app, ["review", str(tmp_path / "aligned.tsv"), "--html", str(page)])
    assert result.exit_code == 0, result.output
    open_page(browser, page)
    shown = browser.execute_script(
        "return [...document.querySelectorAll('#rows tr')].map(tr => {"
        " const cell = tr.querySelector('td.status'), note = cell.querySelector('small');"
        " return [tr.className, cell.firstChild.textContent, note ? note.textContent : null,"
        "  getComputedStyle(tr.querySelector('td.src')).textDecorationLine]; })"
    )
    assert shown[1][1:] == ["\u2713 accepted", "tense fixed later", "none"] and "accepted" in shown[1][0]
    assert shown[2][1:] == ["\u2717 rejected", XSS, "line-through"] and "rejected" in shown[2][0]
    assert [s[1:3] for s in shown[3:]] == [["pending", None]] * 3
    assert browser.execute_script("return document.querySelectorAll('#rows img, #rows script').length") == 0
    assert browser.execute_script("return window.pwned === undefined")
    counts = browser.find_element("css selector", "#review-counts").text
    assert counts == "1 accepted · 1 rejected · 4 pending · 2 with a note"
    browser.find_element("css selector", "#search").send_keys("tense fixed")  # notes are searched too
    assert browser.execute_script("return document.getElementById('count').dataset.count") == "1"
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_small_page_sorts_by_header_click(browser: Any, small: tuple) -> None:
    page, rows, _ = small
    open_page(browser, page)
    before = visible(browser)["positions"]
    browser.find_element("css selector", 'th[data-key="chrf"] button').click()
    ascending = visible(browser)
    expected = [p for p, _ in sorted(enumerate(rows, start=1), key=lambda item: (round(item[1].chrf, 2), item[0]))]
    assert ascending["positions"] == expected != before
    browser.find_element("css selector", 'th[data-key="chrf"] button').click()
    descending = [float(c) for c in visible(browser)["chrf"]]
    assert descending == sorted(descending, reverse=True)
    assert browser.find_element("css selector", 'th[data-key="chrf"]').get_attribute("aria-sort") == "descending"
    browser.find_element("css selector", 'th[data-key="pos"] button').click()
    assert visible(browser)["positions"] == before


def test_small_page_filters_by_flag_score_and_text(browser: Any, small: tuple) -> None:
    from selenium.webdriver.support.ui import Select

    page, rows, _ = small
    open_page(browser, page)
    flag = "untranslated"
    Select(browser.find_element("id", "flag-filter")).select_by_value(flag)
    shown = visible(browser)
    expected = [i for i, r in enumerate(rows, start=1) if flag in r.flags]
    assert 0 < shown["count"] == len(expected) < 50
    assert shown["positions"] == expected and all(flag in f for f in shown["flags"])

    Select(browser.find_element("id", "flag-filter")).select_by_value("")
    browser.find_element("id", "min-score").send_keys("40")
    browser.find_element("id", "max-score").send_keys("70")
    shown = visible(browser)
    expected = [i for i, r in enumerate(rows, start=1) if 40 <= round(r.chrf, 2) <= 70]
    assert 0 < shown["count"] == len(expected) < 50 and shown["positions"] == expected

    browser.find_element("id", "reset").click()
    browser.find_element("id", "search").send_keys("POLISI")
    expected = [i for i, r in enumerate(rows, start=1) if "polisi" in (r.source + r.mt + r.reference).lower()]
    assert 0 < visible(browser)["count"] == len(expected) < 50


def test_10k_rows_load_sort_and_filter_quickly(browser: Any, large: Path) -> None:
    open_page(browser, large)
    timing = browser.execute_script(
        """
        const api = window.selarasReview;
        const ready = api.readyMs;
        const drawn = document.querySelectorAll('#rows tr').length;
        let t = performance.now();
        document.querySelector('th[data-key="chrf"] button').click();
        const sortMs = performance.now() - t;
        const firstChrf = [...document.querySelectorAll('#rows td.chrf')].slice(0, 5).map(td => Number(td.textContent));
        const sel = document.getElementById('flag-filter');
        sel.value = 'repetition';
        t = performance.now();
        sel.dispatchEvent(new Event('change'));
        const filterMs = performance.now() - t;
        const search = document.getElementById('search');
        search.value = 'internet';
        t = performance.now();
        search.dispatchEvent(new Event('input'));
        const searchMs = performance.now() - t;
        return {ready, drawn, sortMs, filterMs, searchMs, firstChrf,
                count: Number(document.getElementById('count').dataset.count)};
        """
    )
    print(
        f"\n10k rows: ready {timing['ready']:.0f} ms after navigation, sort {timing['sortMs']:.1f} ms, "
        f"flag filter {timing['filterMs']:.1f} ms, text search {timing['searchMs']:.1f} ms"
    )
    assert timing["drawn"] == 200  # one page in the DOM, not 10,000 rows
    assert timing["firstChrf"] == sorted(timing["firstChrf"])
    assert 0 < timing["count"] < 10_000
    for key in ("ready", "sortMs", "filterMs", "searchMs"):
        assert timing[key] < MAX_MS, (key, timing)
    # Paging reaches the last rows.
    browser.find_element("id", "reset").click()
    browser.find_element("css selector", ".pager .last").click()
    assert visible(browser)["positions"][-1] == 10_000
