"""Text people type into the workbench is checked once, at the edge (``rows.check_text``):
what an aligned TSV cannot hold is a 400 with its reason, never a row in memory, a
locked file or a 500 on every later request (the second reliability audit)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from selaras.errors import InputError
from selaras.review.server import create_app
from selaras.review.session import ReviewSession
from selaras.rows import AlignedRow, check_text, clean_cell, read_aligned_tsv, tsv_lines, write_aligned_tsv

TOKEN = "t" * 22
BASE = "http://127.0.0.1:8123"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}


@pytest.fixture
def tsv(tmp_path: Path) -> Path:
    path = tmp_path / "aligned.tsv"
    write_aligned_tsv(path, [
        AlignedRow((1,), (1,), "Saya suka kopi.", "I like coffee.", "I like coffee.", 0.9),
        AlignedRow((2,), (2,), "Dia membaca buku.", "She reads a book.", "She reads a book.", 0.8),
    ])
    return path


@pytest.fixture
def client(tsv: Path) -> Iterator[TestClient]:
    session, _ = ReviewSession.open(tsv)
    with TestClient(create_app(session, token=TOKEN, bound_host="127.0.0.1", port=8123, title=tsv.name), base_url=BASE) as c:
        yield c


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("I like\u0000 coffee.", "a control character (U+0000 at character 7)"),
        ("a \ud800 b", "a lone surrogate (U+D800 at character 3)"),
        ("bell\u0007", "a control character (U+0007"),
        ("c1\u0090", "a control character (U+0090"),
    ],
)
def test_an_edit_the_tsv_cannot_hold_is_400_and_changes_nothing(
    client: TestClient, tsv: Path, text: str, needle: str
) -> None:
    before = tsv.read_bytes()
    for op, body in (("edit", {"row": 0, "field": "mt", "text": text, "version": 0}),
                     ("status", {"row": 0, "status": "accepted", "note": text, "version": 0})):
        r = client.post(f"/api/{op}", content=json.dumps(body), headers=AUTH)
        assert r.status_code == 400, r.text
        assert needle in r.json()["error"] and "remove it" in r.json()["error"]
    assert tsv.read_bytes() == before
    rows = client.get("/api/rows", headers=AUTH)  # the session is not poisoned
    assert rows.status_code == 200 and rows.json()["rows"][0]["mt"] == "I like coffee."
    ok = client.post("/api/edit", content=json.dumps({"row": 0, "field": "mt", "text": "I love coffee.", "version": 0}), headers=AUTH)
    assert ok.status_code == 200, ok.text
    assert [r.mt for r in read_aligned_tsv(tsv)] == ["I love coffee.", "She reads a book."]


def test_a_clean_stop_after_refused_edits_leaves_a_file_every_command_reads(tsv: Path) -> None:
    """The audit's lock-out: a NUL written into the TSV made review, check and export refuse it."""
    session, _ = ReviewSession.open(tsv)
    with pytest.raises(InputError):
        session.edit(0, "mt", "I like\u0000 coffee.", session.version)
    session.edit(0, "mt", "I love coffee.", session.version)
    session.close()
    assert [r.mt for r in read_aligned_tsv(tsv)] == ["I love coffee.", "She reads a book."]


def test_check_text_passes_ordinary_text_and_every_writer_cleans_the_rest() -> None:
    assert check_text("Ça va? Ya — “kutipan” 😀\ttab", "mt") == "Ça va? Ya — “kutipan” 😀\ttab"
    assert clean_cell("a\u0000b\ud800c\td\ne") == "a b\ufffdc d e"
    row = AlignedRow((1,), (1,), "x\u0000y", "r\ud800", "m", 0.5)
    written = "".join(tsv_lines([row]))
    assert "\u0000" not in written and written.encode("utf-8")


@pytest.mark.parametrize("row", ["%C2%B2", "%D9%A3", "1e3", "-1", "%20%31", "99999999999999999999"])
def test_a_row_number_that_is_not_plain_digits_is_400(client: TestClient, row: str) -> None:
    """The audit: ``?row=²`` was a 500 (int() refuses what str.isdigit() takes) and
    Arabic-Indic digits were accepted as row numbers."""
    r = client.get(f"/api/pieces?row={row}", headers=AUTH)
    assert r.status_code == 400 and "row must be a 0-based row number" in r.json()["error"]
    assert client.get("/api/pieces?row=1", headers=AUTH).status_code == 200


def test_a_deeply_nested_body_is_400_not_a_recursion_error(client: TestClient) -> None:
    r = client.post("/api/edit", content=b"[" * 400_000, headers=AUTH)
    assert r.status_code == 400 and "nests too deeply" in r.json()["error"]
    assert client.get("/api/rows", headers=AUTH).status_code == 200
