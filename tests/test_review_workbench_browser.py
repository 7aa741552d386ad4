"""The review workbench in a real headless Chromium against a real ``selaras review --serve``.

Same skip policy and browser setup as the static page's test (``test_review_browser``,
whose ``browser`` fixture and row maker this module reuses). The screenshots land in
the test's temporary folder (``workbench-*.png``).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_review_browser import browser, make_rows  # noqa: F401  (a fixture, reused)
from test_review_server import sample_rows, serving, split_url

from selaras.metrics import sentence_scores
from selaras.rows import read_aligned_tsv, write_aligned_tsv

pytestmark = pytest.mark.slow

#: Generous bound for one page action (brief: < 100 ms round trip on an idle machine;
#: scripts/bench_review.py measures it, this only catches a pathological regression).
MAX_ACTION_MS = 3000


def wait_for(predicate: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
    """Poll ``predicate`` until it is truthy (bounded in time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def version_of(driver: Any) -> int:
    return int(driver.execute_script("return document.body.dataset.version || -1"))


def press(driver: Any, keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(keys).perform()


def page_rows(driver: Any) -> list[dict]:
    return driver.execute_script("return window.selarasWorkbench.rows();")


def edit_mt(driver: Any, text: str, *, version: int) -> None:
    """Edit the current row's MT with the keyboard (e, type, Enter) and wait for ``version``."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    press(driver, "e")
    editor = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "tr.current td.mt textarea"), "the editor")[0]
    editor.clear()
    editor.send_keys(text)
    editor.send_keys(Keys.ENTER)
    wait_for(lambda: version_of(driver) == version, "the edit")


def test_keyboard_review_round_trip_matches_the_file(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    tsv = tmp_path / "aligned.tsv"
    write_aligned_tsv(tsv, sample_rows())
    with serving(tsv) as (proc, url):
        base, token = split_url(url)
        browser.get(url)
        wait_for(lambda: browser.execute_script("return document.body.dataset.ready === 'true'"), "the page")
        assert "token" not in browser.current_url  # traded for the cookie
        assert "0 of 5 reviewed" in browser.find_element(By.ID, "progress").text
        assert not browser.find_element(By.ID, "links-hint").is_displayed()  # no row has word links
        browser.save_screenshot(str(tmp_path / "workbench-open.png"))

        # Row 1: accept with the keyboard.
        press(browser, "a")
        wait_for(lambda: version_of(browser) == 1, "accept")
        assert "1 of 5 reviewed" in browser.find_element(By.ID, "progress").text

        # Row 2: edit its MT (j moves down, e opens the editor, Enter saves).
        press(browser, "j")
        edit_mt(browser, "Budi went to the market.", version=2)
        row2 = page_rows(browser)[1]
        assert row2["mt"] == "Budi went to the market." and row2["chrf"] == 100.0

        # Rows 3-4: merge, then split back at the same boundary.
        press(browser, "j")
        press(browser, "m")
        wait_for(lambda: version_of(browser) == 3, "merge")
        merged = page_rows(browser)[2]
        assert merged["src_ids"] == [4, 5] and merged["ref_ids"] == [4, 5]
        chrf, _ = sentence_scores(merged["mt"], merged["reference"])  # type: ignore[misc]
        assert merged["chrf"] == round(chrf, 2)
        browser.save_screenshot(str(tmp_path / "workbench-merged.png"))
        press(browser, "s")
        src_at = wait_for(lambda: browser.find_elements(By.ID, "split-src_at"), "the split form")[0]
        ref_at = browser.find_element(By.ID, "split-ref_at")
        for box in (src_at, ref_at):
            box.clear()
            box.send_keys("1")
        browser.save_screenshot(str(tmp_path / "workbench-split.png"))
        ref_at.send_keys(Keys.ENTER)
        wait_for(lambda: version_of(browser) == 4, "split")
        assert [r["src_ids"] for r in page_rows(browser)] == [[1, 2], [3], [4], [5], [6]]

        # Undo once: the split is taken back.
        press(browser, "u")
        wait_for(lambda: version_of(browser) == 5, "undo")
        assert [r["src_ids"] for r in page_rows(browser)] == [[1, 2], [3], [4, 5], [6]]

        action_ms = browser.execute_script("return window.selarasWorkbench.actionMs;")
        assert len(action_ms) == 5 and max(action_ms) < MAX_ACTION_MS

        # Reload: the page and the file on disk agree.
        browser.refresh()
        wait_for(lambda: browser.execute_script("return document.body.dataset.ready === 'true'"), "the reload")
        shown = page_rows(browser)
        on_disk = read_aligned_tsv(tsv)
        assert [(r["src_ids"], r["ref_ids"], r["mt"], r["status"]) for r in shown] == [
            (list(r.src_ids), list(r.ref_ids), r.mt, r.status) for r in on_disk
        ]
        assert on_disk[0].status == "accepted" and on_disk[1].mt == "Budi went to the market."
        texts = [tr.text for tr in browser.find_elements(By.CSS_SELECTOR, "#rows tr")]
        assert len(texts) == 4 and "accepted" in texts[0]

        # A stale tab: a script changes the file under the page; the page's next change is 409.
        r = httpx.post(f"{base}/api/status", json={"row": 3, "status": "rejected", "version": 5},
                       headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200
        press(browser, "x")
        message = wait_for(lambda: browser.find_element(By.ID, "message").text, "the 409 message")
        assert "Not saved" in message and "version 5" in message
        assert read_aligned_tsv(tsv)[0].status == "accepted"  # not overwritten
        browser.save_screenshot(str(tmp_path / "workbench-409.png"))


def test_page_without_token_is_403(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    tsv = tmp_path / "aligned.tsv"
    write_aligned_tsv(tsv, sample_rows())
    with serving(tsv) as (_, url):
        base, _ = split_url(url)
        browser.get(base + "/")
        assert "Forbidden" in browser.page_source
        assert browser.execute_script("return window.selarasWorkbench === undefined")


def test_hostile_text_stays_text(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    tsv = tmp_path / "aligned.tsv"
    write_aligned_tsv(tsv, make_rows(30, seed=3, score=False))  # row 1 holds markup and </script>
    with serving(tsv) as (_, url):
        browser.get(url)
        wait_for(lambda: browser.execute_script("return document.body.dataset.ready === 'true'"), "the page")
        assert browser.execute_script("return window.pwned === undefined")
        assert "<img" in browser.execute_script("return document.querySelector('#rows td.src').textContent")


def lit_words(driver: Any, pos: int) -> list[list[str]]:
    """The words lit in row ``pos`` (0-based): ``[hovered/focused, linked source, linked MT]``."""
    return driver.execute_script(
        "const tr = document.querySelector('#rows tr[data-pos=\"' + arguments[0] + '\"]');"
        "const text = sel => [...tr.querySelectorAll(sel)].map(e => e.textContent);"
        "return [text('.w-on'), text('td.src .w-linked'), text('td.mt .w-linked')];",
        pos,
    )


def test_word_links_light_up_and_go_with_an_edited_mt(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    rows = sample_rows()
    # "Budi pergi ke pasar." -> "Budi goes to the market.": pasar links to "the" and "market.".
    rows[1] = replace(rows[1], word_alignment=((0, 0), (1, 1), (2, 2), (3, 3), (3, 4)))
    rows[2] = replace(rows[2], word_alignment=((0, 2), (3, 5)))  # "Hujan turun sejak pagi." (merged below)
    tsv = tmp_path / "aligned.tsv"
    write_aligned_tsv(tsv, rows)
    browser.get_log("browser")  # reading empties it: earlier tests' 409s are not this test's
    with serving(tsv) as (_, url):
        browser.get(url)
        wait_for(lambda: browser.execute_script("return document.body.dataset.ready === 'true'"), "the page")
        assert browser.find_element(By.ID, "links-hint").is_displayed()
        row = browser.find_element(By.CSS_SELECTOR, '#rows tr[data-pos="1"]')
        source_words = row.find_elements(By.CSS_SELECTOR, 'td.src .w[data-side="s"]')
        assert [w.text for w in source_words] == ["Budi", "pergi", "ke", "pasar."]
        assert browser.execute_script("return document.querySelectorAll('#rows tr[data-pos=\"0\"] .w').length") == 0

        # Hover a source word of the current row: it and its linked MT words light up;
        # then the other way round.
        browser.execute_script("window.selarasWorkbench.select(1)")
        ActionChains(browser).move_to_element(source_words[3]).perform()
        assert lit_words(browser, 1) == [["pasar."], [], ["the", "market."]]
        shot = tmp_path / "workbench-links.png"
        assert browser.save_screenshot(str(shot))
        if os.environ.get("SELARAS_WORKBENCH_SCREENSHOT"):
            shutil.copy(shot, os.environ["SELARAS_WORKBENCH_SCREENSHOT"])
        ActionChains(browser).move_to_element(row.find_elements(By.CSS_SELECTOR, "td.mt .w")[1]).perform()
        assert lit_words(browser, 1) == [["goes"], ["pergi"], []]
        ActionChains(browser).move_to_element(browser.find_element(By.TAG_NAME, "h1")).perform()
        assert browser.execute_script("return document.querySelectorAll('.w-on, .w-linked').length") == 0
        # Keyboard: focusing a word does the same.
        browser.execute_script("document.querySelector('#rows tr[data-pos=\"1\"] td.src .w').focus()")
        assert lit_words(browser, 1) == [["Budi"], [], ["Budi"]]

        # Edit row 1's MT: the links were made for the old MT, so the row draws as plain text.
        edit_mt(browser, "Budi went to the market.", version=1)
        edited = browser.find_element(By.CSS_SELECTOR, '#rows tr[data-pos="1"]')
        assert edited.find_element(By.CSS_SELECTOR, "td.mt").text == "Budi went to the market."
        assert edited.find_elements(By.CSS_SELECTOR, ".w") == []
        ActionChains(browser).move_to_element(edited.find_element(By.CSS_SELECTOR, "td.src")).perform()
        assert browser.execute_script("return document.querySelectorAll('.w-on, .w-linked').length") == 0
        assert page_rows(browser)[1]["word_alignment"] == ""
        assert read_aligned_tsv(tsv)[1].word_alignment == ()

        # Undo brings back the old MT and its links.
        press(browser, "u")
        wait_for(lambda: version_of(browser) == 2, "undo")
        words = browser.find_elements(By.CSS_SELECTOR, '#rows tr[data-pos="1"] td.mt .w[data-side="t"]')
        assert [w.text for w in words] == ["Budi", "goes", "to", "the", "market."]

        # A merged bead has no links either.
        browser.execute_script("window.selarasWorkbench.select(2)")
        press(browser, "m")
        wait_for(lambda: version_of(browser) == 3, "merge")
        assert browser.execute_script("return document.querySelectorAll('#rows tr[data-pos=\"2\"] .w').length") == 0
        assert page_rows(browser)[2]["word_alignment"] == ""
        assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_tm_fuzzy_match_is_offered_taken_with_one_key_and_accept_fills_the_tm(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    """``review --serve --tm``: the current bead's fuzzy match is drawn under it with its
    differences marked, ``1`` takes it as the MT, and accepting adds the bead to the TM."""
    from selenium.webdriver.common.by import By

    from selaras.memory import MemoryEntry, TranslationMemory

    tm = tmp_path / "m.tm"
    with TranslationMemory(tm) as memory:
        memory.add([MemoryEntry("Budi pergi ke pasar ikan.", "Budi went to the fish market.", "tmx:old.tmx")])
    tsv = tmp_path / "aligned.tsv"
    write_aligned_tsv(tsv, sample_rows())
    with serving(tsv, "--tm", str(tm)) as (proc, url):
        browser.get(url)
        wait_for(lambda: browser.execute_script("return document.body.dataset.ready === 'true'"), "the page")
        press(browser, "j")  # row 2: "Budi pergi ke pasar."
        match = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "tr.tm-row .tm-match"), "the TM match")[0]
        assert "Budi went to the fish market." in match.text
        assert [e.text.strip() for e in match.find_elements(By.CSS_SELECTOR, "del")] == ["ikan"]
        assert "%" in match.find_element(By.CSS_SELECTOR, ".tm-score").text
        browser.save_screenshot(str(tmp_path / "workbench-tm.png"))
        version = version_of(browser)
        press(browser, "1")
        wait_for(lambda: version_of(browser) == version + 1, "taking the match")
        assert page_rows(browser)[1]["mt"] == "Budi went to the fish market."
        press(browser, "a")
        wait_for(lambda: version_of(browser) == version + 2, "the accept")
    taken = read_aligned_tsv(tsv)[1]
    assert (taken.mt, taken.origin, taken.status) == ("Budi went to the fish market.", "edited", "accepted")
    with TranslationMemory(tm) as memory:
        assert memory.exact(["Budi pergi ke pasar."]) == ["Budi went to the market."]  # its reference
    if os.environ.get("SELARAS_SCREENSHOTS"):  # a folder to keep the screenshot in, to look at
        shutil.copy(tmp_path / "workbench-tm.png", Path(os.environ["SELARAS_SCREENSHOTS"]) / "workbench-tm.png")
