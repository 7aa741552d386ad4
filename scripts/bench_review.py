"""Measure the review workbench at 10,000 rows: server start, page open, action latency.

Builds a checked 10,000-row aligned TSV of seeded pseudo-sentences in a temporary
folder, starts ``selaras review --serve --no-open`` on it, opens the page in headless
Chromium (``/usr/bin/chromium``, ``/usr/bin/chromedriver``) and times:

- server start: from launching the command to the URL line (reading, scoring, flags);
- page open: from ``driver.get`` to the first rows drawn (fetch of all rows + render),
  and the page's own ``performance.now()`` at that moment;
- each action's round trip as the page sees it (key press or call to the request
  answered and the table redrawn): accept, edit MT, merge, split, undo, redo;
- the same actions over plain HTTP (httpx), i.e. the server's share.

Usage::

    PYTHONPATH=. python scripts/bench_review.py [--rows 10000] [--repeats 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS_ID = "presiden pemerintah rakyat protes kota pemilihan polisi hari malam jaringan internet".split()
WORDS_EN = "president government people protest city election police day night network internet the a of".split()


def build_tsv(path: Path, n: int, seed: int = 7) -> None:
    from selaras.checks import check_rows
    from selaras.review import fill_sentence_scores
    from selaras.rows import AlignedRow, write_aligned_tsv

    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        src = " ".join(rng.choices(WORDS_ID, k=rng.randint(4, 14))).capitalize() + "."
        ref = " ".join(rng.choices(WORDS_EN, k=rng.randint(4, 14))).capitalize() + "."
        mt = " ".join(rng.choices(ref.rstrip(".").split() + WORDS_EN, k=rng.randint(4, 14))).capitalize() + "."
        rows.append(AlignedRow((i,), (i,), src, mt, ref, round(rng.random(), 4)))
    write_aligned_tsv(path, check_rows(fill_sentence_scores(rows)))


def start_server(tsv: Path) -> tuple[subprocess.Popen, str, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from selaras.cli import main; main()", "review", str(tsv), "--serve", "--no-open"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            return proc, proc.stdout.readline().strip(), time.perf_counter() - t0  # type: ignore[union-attr]
        if proc.poll() is not None:
            break
    proc.kill()
    raise SystemExit(f"the server did not start: {proc.stderr.read()}")  # type: ignore[union-attr]


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="selaras-bench-chromium-")
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(driver, script: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.execute_script(script):
            return
        time.sleep(0.005)
    raise SystemExit(f"timed out: {script}")


def page_action(driver, js_call: str) -> float:
    """Run one action in the page, wait for the new version, return the page-measured ms."""
    before = int(driver.execute_script("return window.selarasWorkbench.version();"))
    driver.execute_script(js_call)
    wait(driver, f"return Number(document.body.dataset.version) === {before + 1}")
    return float(driver.execute_script("return window.selarasWorkbench.lastMs;"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5, help="times each action is measured")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import httpx

    with tempfile.TemporaryDirectory(prefix="selaras-bench-review-") as folder:
        tsv = Path(folder) / "aligned.tsv"
        t0 = time.perf_counter()
        build_tsv(tsv, args.rows)
        build_s = time.perf_counter() - t0
        proc, url, start_s = start_server(tsv)
        base, _, token = url.partition("/?token=")
        headers = {"Authorization": f"Bearer {token}"}
        driver = browser()
        try:
            t0 = time.perf_counter()
            driver.get(url)
            wait(driver, "return document.body.dataset.ready === 'true'")
            open_ms = (time.perf_counter() - t0) * 1000
            page_ready_ms = float(driver.execute_script("return window.selarasWorkbench.readyAt;"))
            fetch_render_ms = float(driver.execute_script("return window.selarasWorkbench.loadMs;"))
            page: dict[str, list[float]] = {k: [] for k in ("accept", "edit", "merge", "split", "undo", "redo")}
            for k in range(args.repeats):
                row = 10 + 3 * k
                driver.execute_script(f"window.selarasWorkbench.select({row});")
                page["accept"].append(page_action(driver, "window.selarasWorkbench.act('status', {status: 'accepted'});"))
                page["edit"].append(page_action(driver, "window.selarasWorkbench.act('edit', {field: 'mt', text: 'The president of the people.'});"))
                page["merge"].append(page_action(driver, "window.selarasWorkbench.act('merge', {});"))
                page["split"].append(page_action(driver, "window.selarasWorkbench.act('split', {src_at: 1, ref_at: 1});"))
                page["undo"].append(page_action(driver, "window.selarasWorkbench.act('undo', {}, true);"))
                page["redo"].append(page_action(driver, "window.selarasWorkbench.act('redo', {}, true);"))
            http: dict[str, list[float]] = {k: [] for k in ("rows", "accept", "edit", "merge", "split", "undo")}
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                for k in range(args.repeats):
                    t = time.perf_counter()
                    version = client.get("/api/rows").json()["version"]
                    http["rows"].append((time.perf_counter() - t) * 1000)
                    row = 500 + 3 * k
                    for op, body in (
                        ("accept", ("status", {"row": row, "status": "accepted"})),
                        ("edit", ("edit", {"row": row, "field": "mt", "text": "The people of the city."})),
                        ("merge", ("merge", {"row": row})),
                        ("split", ("split", {"row": row, "src_at": 1, "ref_at": 1})),
                        ("undo", ("undo", {})),
                    ):
                        t = time.perf_counter()
                        r = client.post(f"/api/{body[0]}", json={**body[1], "version": version})
                        http[op].append((time.perf_counter() - t) * 1000)
                        assert r.status_code == 200, r.text
                        version = r.json()["version"]
        finally:
            driver.quit()
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)
        result = {
            "rows": args.rows,
            "repeats": args.repeats,
            "build_tsv_s": round(build_s, 2),
            "server_start_s": round(start_s, 2),
            "page_open_ms": round(open_ms, 1),
            "page_ready_at_ms": round(page_ready_ms, 1),
            "fetch_and_render_ms": round(fetch_render_ms, 1),
            "page_action_ms": {k: {"median": round(statistics.median(v), 1), "max": round(max(v), 1)} for k, v in page.items()},
            "http_ms": {k: {"median": round(statistics.median(v), 1), "max": round(max(v), 1)} for k, v in http.items()},
        }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{args.rows} rows; TSV built in {build_s:.1f} s; server ready (URL printed) after {start_s:.1f} s")
    print(f"page open: {open_ms:.0f} ms from driver.get to rows drawn (page clock {page_ready_ms:.0f} ms; "
          f"fetch + render of all rows {fetch_render_ms:.0f} ms)")
    for name, table in (("in the page (round trip + redraw)", result["page_action_ms"]), ("over HTTP", result["http_ms"])):
        print(f"actions {name}: " + ", ".join(f"{k} {v['median']:.0f} ms (max {v['max']:.0f})" for k, v in table.items()))


if __name__ == "__main__":
    main()
