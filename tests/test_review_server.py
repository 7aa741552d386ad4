"""The workbench server: the guard (token, Host, Origin, content type, size), the JSON
API, and a real ``selaras review --serve`` killed with SIGKILL and started again."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from selaras_process import start_selaras
from selaras.cli import app as cli_app
from selaras.review.server import MAX_BODY, create_app, host_allowed, is_loopback
from selaras.review.session import ReviewSession, journal_path
from selaras.rows import AlignedRow, read_aligned_tsv, write_aligned_tsv

TOKEN = "t" * 22
PORT = 8123
BASE = f"http://127.0.0.1:{PORT}"
runner = CliRunner()


def sample_rows() -> list[AlignedRow]:
    """Five 1-1 beads (the first holds two sentences each side), as ``selaras align`` writes them."""
    return [
        AlignedRow((1, 2), (1, 2), "Saya makan nasi. Dia minum teh.", "I eat rice. He drinks tea.",
                   "I eat rice. She drinks tea.", 0.9),
        AlignedRow((3,), (3,), "Budi pergi ke pasar.", "Budi goes to the market.", "Budi went to the market.", 0.8),
        AlignedRow((4,), (4,), "Hujan turun sejak pagi.", "It has been raining since morning.",
                   "Rain has fallen since the morning.", 0.7),
        AlignedRow((5,), (5,), "Kota itu ramai.", "The city is crowded.", "That city is busy.", 0.6),
        AlignedRow((6,), (6,), "Polisi datang.", "The police came.", "Police arrived.", 0.5),
    ]


@pytest.fixture
def tsv(tmp_path: Path) -> Path:
    path = tmp_path / "aligned.tsv"
    write_aligned_tsv(path, sample_rows())
    return path


@pytest.fixture
def client(tsv: Path) -> Iterator[TestClient]:
    session, _ = ReviewSession.open(tsv)
    asgi = create_app(session, token=TOKEN, bound_host="127.0.0.1", port=PORT, title=tsv.name)
    with TestClient(asgi, base_url=BASE) as c:
        yield c


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def post(client: TestClient, op: str, body: Any, **headers: str) -> httpx.Response:
    return client.post(f"/api/{op}", content=json.dumps(body), headers={**AUTH, "Content-Type": "application/json", **headers})


# --------------------------------------------------------------------------- guard


@pytest.mark.parametrize("path", ["/", "/assets/workbench.js", "/assets/workbench.css", "/api/rows", "/api/pieces?row=0"])
def test_every_path_needs_the_token(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 403
    assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get(path, headers=AUTH).status_code == 200


def test_post_without_token_is_refused_and_changes_nothing(client: TestClient, tsv: Path) -> None:
    before = tsv.read_bytes()
    r = client.post("/api/status", json={"row": 0, "status": "accepted", "version": 0})
    assert r.status_code == 403
    assert tsv.read_bytes() == before


def test_query_token_becomes_an_httponly_strict_cookie(client: TestClient) -> None:
    r = client.get(f"/?token={TOKEN}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN in cookie
    page = client.get("/")  # the client keeps the cookie
    assert page.status_code == 200 and "Selaras review workbench" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/api/rows").status_code == 200


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        (f"127.0.0.1:{PORT}", True),
        (f"localhost:{PORT}", True),
        (f"[::1]:{PORT}", True),
        (f"evil.example:{PORT}", False),  # DNS rebinding: a name that resolves to us
        ("127.0.0.1:9", False),
        ("127.0.0.1", False),
    ],
)
def test_host_header_check(host: str, allowed: bool) -> None:
    assert host_allowed(host, "127.0.0.1", PORT) is allowed


def test_a_wildcard_bind_accepts_ip_addresses_not_names() -> None:
    assert host_allowed(f"192.168.1.20:{PORT}", "0.0.0.0", PORT)
    assert not host_allowed(f"rebind.example:{PORT}", "0.0.0.0", PORT)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")


def test_rebinding_host_gets_403(client: TestClient) -> None:
    r = client.get("/api/rows", headers={**AUTH, "Host": f"evil.example:{PORT}"})
    assert r.status_code == 403


def test_post_rules_content_type_origin_size(client: TestClient, tsv: Path) -> None:
    body = {"row": 0, "status": "accepted", "version": 0}
    r = client.post("/api/status", content=json.dumps(body), headers={**AUTH, "Content-Type": "text/plain"})
    assert r.status_code == 415
    r = post(client, "status", body, Origin="http://evil.example")
    assert r.status_code == 403
    r = post(client, "status", {"row": 0, "status": "accepted", "version": 0, "note": "x" * (MAX_BODY + 10)})
    assert r.status_code == 413
    assert read_aligned_tsv(tsv)[0].status == ""
    r = post(client, "status", body, Origin=BASE)  # the page's own origin
    assert r.status_code == 200 and r.json()["version"] == 1


@pytest.mark.parametrize(
    ("op", "body", "needle"),
    [
        ("status", {"row": 99, "status": "accepted", "version": 0}, "row must be"),
        ("status", {"row": -1, "status": "accepted", "version": 0}, "row must be"),
        ("status", {"row": "0", "status": "accepted", "version": 0}, "row must be"),
        ("status", {"row": 0, "status": "maybe", "version": 0}, "status must be"),
        ("edit", {"row": 0, "field": "source", "text": "x", "version": 0}, "field must be"),
        ("merge", {"row": 4, "version": 0}, "last row"),
        ("split", {"row": 1, "src_at": 0, "ref_at": 0, "version": 0}, "empty bead"),
        ("split", {"row": 0, "src_at": 3, "ref_at": 1, "version": 0}, "src_at must be"),
        ("edit", {"row": 0, "version": 0}, "missing field"),
        ("merge", {"row": 0, "version": 0, "path": "/etc/passwd"}, "unknown field"),
        ("undo", {}, "nothing to undo"),
    ],
)
def test_bad_requests_get_400_with_a_message(client: TestClient, tsv: Path, op: str, body: dict, needle: str) -> None:
    before = tsv.read_bytes()
    r = post(client, op, body)
    assert r.status_code == 400, r.text
    assert needle in r.json()["error"]
    assert tsv.read_bytes() == before


def test_malformed_json_is_400(client: TestClient) -> None:
    r = client.post("/api/merge", content=b"{row: 1", headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 400 and "not valid JSON" in r.json()["error"]


# --------------------------------------------------------------------------- API


def test_api_round_trip_matches_the_file(client: TestClient, tsv: Path) -> None:
    data = client.get("/api/rows", headers=AUTH).json()
    assert data["version"] == 0 and data["total"] == 5 and len(data["rows"]) == 5
    assert all(r["status"] == "" for r in data["rows"])  # an older TSV reads as pending
    r = post(client, "edit", {"row": 1, "field": "mt", "text": "Budi went to the market.", "version": 0}).json()
    assert r["version"] == 1
    assert r["change"] == {"op": "edit", "at": 1, "remove": 1, "rows": r["change"]["rows"]}
    assert r["change"]["rows"][0]["chrf"] == 100.0
    r = post(client, "merge", {"row": 2, "version": 1}).json()
    assert r["change"]["remove"] == 2 and r["change"]["rows"][0]["src_ids"] == [4, 5]
    r = post(client, "split", {"row": 0, "src_at": 1, "ref_at": 1, "version": 2}).json()
    assert [row["source"] for row in r["change"]["rows"]] == ["Saya makan nasi.", "Dia minum teh."]
    r = post(client, "status", {"row": 0, "status": "accepted", "note": "checked", "version": 3}).json()
    assert r["summary"]["reviewed"] == 1
    r = post(client, "undo", {}).json()
    assert r["version"] == 5 and r["change"]["rows"][0]["status"] == ""
    r = post(client, "redo", {"version": 5}).json()
    assert r["version"] == 6
    on_disk = read_aligned_tsv(tsv)
    served = client.get("/api/rows", headers=AUTH).json()["rows"]
    assert [row["source"] for row in served] == [row.source for row in on_disk]
    assert on_disk[0].status == "accepted" and on_disk[0].note == "checked"


def _tsv_records(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and each row (column name -> cell) of a TSV, read as plain text."""
    header, *body = path.read_text(encoding="utf-8").splitlines()
    names = header.split("\t")
    return names, [dict(zip(names, line.split("\t"))) for line in body]


def test_a_users_own_columns_survive_edit_merge_split_undo_and_the_save(tsv: Path) -> None:
    from selaras.rows import COLUMN_NAMES

    # Another tool added ``domain`` (among Selaras' columns) and ``batch`` (at the end).
    header, *body = tsv.read_text(encoding="utf-8").splitlines()
    domains, batches = ["news", "news", "news", "sport", "sport"], ["b1", "b2", "b3", "b4", "b5"]
    lines = ["\t".join(["bead", "domain", *header.split("\t")[1:], "batch"])]
    for line, domain, batch in zip(body, domains, batches):
        bead, rest = line.split("\t", 1)
        lines.append("\t".join([bead, domain, rest, batch]))
    tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")

    session, _ = ReviewSession.open(tsv)
    asgi = create_app(session, token=TOKEN, bound_host="127.0.0.1", port=PORT, title=tsv.name)
    with TestClient(asgi, base_url=BASE) as client:
        version = 0

        def do(op: str, body: dict) -> None:
            nonlocal version
            r = post(client, op, {**body, "version": version})
            assert r.status_code == 200, r.text
            version = r.json()["version"]

        def extras() -> list[tuple[str, str]]:
            names, records = _tsv_records(tsv)
            assert names == [*COLUMN_NAMES, "domain", "batch"]  # after Selaras' columns, in their order
            return [(r["domain"], r["batch"]) for r in records]

        do("edit", {"row": 1, "field": "mt", "text": "Budi went to the market."})
        do("status", {"row": 4, "status": "rejected", "note": "wrong sense"})
        assert extras() == list(zip(domains, batches))
        do("merge", {"row": 2})  # news + sport: differing values are joined
        assert extras() == [("news", "b1"), ("news", "b2"), ("news sport", "b3 b4"), ("sport", "b5")]
        do("split", {"row": 0, "src_at": 1, "ref_at": 1})  # both halves keep the bead's values
        assert extras() == [("news", "b1"), ("news", "b1"), ("news", "b2"), ("news sport", "b3 b4"), ("sport", "b5")]
        do("undo", {})
        do("undo", {})  # the merge taken back: each bead has its own values again
        assert extras() == list(zip(domains, batches))
        assert _tsv_records(tsv)[1][1]["mt"] == "Budi went to the market."
    session.close()
    assert extras() == list(zip(domains, batches))
    assert [r.status for r in read_aligned_tsv(tsv)] == ["", "", "", "", "rejected"]  # other readers ignore them


def test_stale_version_is_409_and_nothing_is_overwritten(client: TestClient, tsv: Path) -> None:
    assert post(client, "edit", {"row": 1, "field": "mt", "text": "first tab", "version": 0}).status_code == 200
    before = tsv.read_bytes()
    r = post(client, "edit", {"row": 1, "field": "mt", "text": "second tab", "version": 0})
    assert r.status_code == 409
    assert "version 0" in r.json()["error"] and r.json()["version"] == 1
    assert tsv.read_bytes() == before
    assert read_aligned_tsv(tsv)[1].mt == "first tab"


def test_file_changed_on_disk_is_409_and_not_overwritten(client: TestClient, tsv: Path) -> None:
    other = sample_rows()[:2]
    write_aligned_tsv(tsv, other)  # another program rewrites the TSV
    r = post(client, "status", {"row": 0, "status": "accepted", "version": 0})
    assert r.status_code == 409 and "changed on disk" in r.json()["error"]
    assert read_aligned_tsv(tsv) == other


# --------------------------------------------------------------------------- the real command


@contextmanager
def serving(
    tsv: Path, *extra: str, timeout: float = 60.0, browser: str | None = None
) -> Iterator[tuple[subprocess.Popen, str]]:
    """``selaras review TSV --serve --no-open`` in a subprocess; yields it and its URL line.

    ``browser``: open one instead (``$BROWSER``, e.g. ``/bin/echo``), without ``--no-open``.
    """
    env = {"PYTHONUNBUFFERED": "1", **({"BROWSER": browser} if browser else {})}
    opening = [] if browser else ["--no-open"]
    proc = start_selaras(
        "review", str(tsv), "--serve", *opening, *extra, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline and not line:
            ready, _, _ = select.select([proc.stdout], [], [], 0.5)
            if ready:
                line = proc.stdout.readline().strip()  # type: ignore[union-attr]
            if proc.poll() is not None and not line:
                break
        if not line:
            proc.kill()
            raise AssertionError(f"no URL printed; stderr: {proc.stderr.read()}")  # type: ignore[union-attr]
        yield proc, line
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def split_url(url: str) -> tuple[str, str]:
    base, _, token = url.partition("/?token=")
    return base, token


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_prints_one_url_line_with_a_128_bit_token(tsv: Path, stop: signal.Signals) -> None:
    with serving(tsv) as (proc, url):
        base, token = split_url(url)
        assert base.startswith("http://127.0.0.1:") and int(base.rsplit(":", 1)[1]) > 0
        assert len(token) == 22  # 16 random bytes, URL-safe base64
        assert httpx.get(f"{base}/api/rows").status_code == 403
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{base}/api/rows", headers=headers).status_code == 200
        r = httpx.post(f"{base}/api/status", json={"row": 0, "status": "accepted", "version": 0}, headers=headers)
        assert r.status_code == 200 and journal_path(tsv).exists()
        proc.send_signal(stop)
        out, _ = proc.communicate(timeout=20)
    assert out == ""  # nothing after the URL line on stdout
    assert proc.returncode == 0
    assert not journal_path(tsv).exists()  # a clean stop leaves only the TSV
    assert read_aligned_tsv(tsv)[0].status == "accepted"


def test_kill_9_then_restart_keeps_every_acknowledged_change(tsv: Path) -> None:
    ops = [
        ("status", {"row": 0, "status": "accepted"}),
        ("edit", {"row": 1, "field": "mt", "text": "Budi went to the market."}),
        ("merge", {"row": 2}),
        ("split", {"row": 0, "src_at": 1, "ref_at": 1}),
        ("status", {"row": 4, "status": "rejected", "note": "wrong sense"}),
    ]
    with serving(tsv) as (proc, url):
        base, token = split_url(url)
        headers = {"Authorization": f"Bearer {token}"}
        version = 0
        for op, body in ops:
            before_last = tsv.read_bytes()
            r = httpx.post(f"{base}/api/{op}", json={**body, "version": version}, headers=headers)
            assert r.status_code == 200, r.text
            version = r.json()["version"]
        served = httpx.get(f"{base}/api/rows", headers=headers).json()["rows"]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    on_disk = read_aligned_tsv(tsv)  # parses: an answered change is on disk
    assert [r.source for r in on_disk] == [r["source"] for r in served]
    assert [(r.status, r.note) for r in on_disk] == [(r["status"], r["note"]) for r in served]
    assert journal_path(tsv).exists()

    # As if the kill had come after the journal's fsync but before the TSV's rename:
    # the restart replays the change from the journal, says so, and can undo it; the
    # temporary files such a kill leaves go when the restart holds the TSV's lock.
    tsv.write_bytes(before_last)
    leftovers = [tsv.with_name(".aligned.tsv.k1ll3d_9.tmp"), tsv.with_name(".aligned.tsv.journal.k1ll3d_9.tmp")]
    for leftover in leftovers:
        leftover.write_text("half a save\n", encoding="utf-8")
    with serving(tsv) as (proc, url):
        base, token = split_url(url)
        headers = {"Authorization": f"Bearer {token}"}
        data = httpx.get(f"{base}/api/rows", headers=headers).json()
        assert data["rows"] == served and data["version"] == len(ops) and data["can_undo"] == len(ops)
        assert read_aligned_tsv(tsv)[4].status == "rejected"
        assert not any(leftover.exists() for leftover in leftovers)
        r = httpx.post(f"{base}/api/undo", json={"version": len(ops)}, headers=headers)
        assert r.status_code == 200 and r.json()["change"]["rows"][0]["status"] == ""
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert "replayed 1 change(s)" in err
    assert read_aligned_tsv(tsv)[4].status == "" and not journal_path(tsv).exists()


def test_journal_of_another_file_version_is_refused(tsv: Path) -> None:
    session, _ = ReviewSession.open(tsv)
    session.set_status(0, "accepted", 0)
    write_aligned_tsv(tsv, sample_rows()[:3])  # another program, while changes are journalled
    result = runner.invoke(cli_app, ["review", str(tsv), "--serve", "--no-open"])
    assert result.exit_code == 2
    assert "changed by another program" in result.output and "Move the journal away" in result.output


def test_serve_refuses_options_of_the_static_views(tsv: Path) -> None:
    result = runner.invoke(cli_app, ["review", str(tsv), "--serve", "--html", "x.html"])
    assert result.exit_code == 2 and "cannot go with it" in result.output
    result = runner.invoke(cli_app, ["review", str(tsv), "--port", "80"])
    assert result.exit_code == 2 and "go with --serve" in result.output
    result = runner.invoke(cli_app, ["review", str(tsv), "--serve", "--checked-with", "--low-chrf"])
    assert result.exit_code == 2 and "pairs" in result.output
    result = runner.invoke(cli_app, ["review", str(tsv), "--serve", "--checked-with", "--low-chrf 300"])
    assert result.exit_code == 2 and "--checked-with: --low-chrf" in result.output


@pytest.mark.parametrize(("checked_with", "flagged"), [(None, False), ("--low-chrf 80", True)])
def test_changed_beads_are_flagged_with_the_thresholds_given(
    tmp_path: Path, checked_with: str | None, flagged: bool
) -> None:
    from selaras.checks import build_checks, check_rows

    tsv = tmp_path / "aligned.tsv"
    write_aligned_tsv(tsv, check_rows(sample_rows(), checks=build_checks({"low-score": {"min_chrf": 80}})))
    extra = ("--checked-with", checked_with) if checked_with else ()
    with serving(tsv, *extra) as (_, url):
        base, token = split_url(url)
        body = {"row": 1, "field": "mt", "text": "Budi goes to a market.", "version": 0}
        r = httpx.post(f"{base}/api/edit", json=body, headers={"Authorization": f"Bearer {token}"})
        row = r.json()["change"]["rows"][0]
    assert 30 < row["chrf"] < 80
    assert ("low-score" in row["flags"]) is flagged


def test_export_and_review_filter_by_status(tsv: Path, tmp_path: Path) -> None:
    session, _ = ReviewSession.open(tsv)
    session.set_status(0, "accepted", 0)
    session.set_status(2, "rejected", 1, note="wrong")
    session.close()
    out = tmp_path / "accepted.jsonl"
    result = runner.invoke(cli_app, ["export", str(tsv), "-f", "jsonl", "-o", str(out), "--status", "accepted"])
    assert result.exit_code == 0, result.output
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["src_ids"] for r in exported] == [[1, 2]] and exported[0]["status"] == "accepted"
    assert "1 of 5 beads have status accepted" in result.stderr
    result = runner.invoke(cli_app, ["review", str(tsv), "--status", "pending,rejected", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["position"] for r in data["selected"]] == [2, 3, 4, 5]
    assert data["selected"][1]["note"] == "wrong"
    result = runner.invoke(cli_app, ["review", str(tsv), "--status", "accepted", "--width", "120"])
    assert result.exit_code == 0 and "accepted" in result.stdout and "1 shown" in result.stdout
    result = runner.invoke(cli_app, ["export", str(tsv), "-f", "tsv", "-o", "-", "--status", "done"])
    assert result.exit_code == 2 and "unknown review status done" in result.output


def test_a_second_server_on_the_same_tsv_is_refused(tsv: Path) -> None:
    with serving(tsv):
        result = runner.invoke(cli_app, ["review", str(tsv), "--serve", "--no-open"])
    assert result.exit_code == 6 and "open in another review session" in result.output


def test_serve_needs_an_existing_file(tmp_path: Path) -> None:
    result = runner.invoke(cli_app, ["review", str(tmp_path / "missing" / "x.tsv"), "--serve", "--no-open"])
    assert result.exit_code == 2 and "is not a file" in result.output
    assert not (tmp_path / "missing").exists()


def test_serve_opens_the_browser_whose_output_stays_off_stdout(tsv: Path) -> None:
    with serving(tsv, browser="/bin/echo") as (proc, url):  # the "browser" prints the URL
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert out == "" and url in err  # stdout held the URL line only
