"""The workbench's editing model: operations, scores and flags, undo/redo, the journal,
on-disk change detection; and random operation sequences (Hypothesis), on the model
and through the HTTP API, that must keep every sentence exactly once and in order."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from test_review_server import sample_rows

from selaras.checks import check_rows
from selaras.errors import ConflictError, InputError
from selaras.metrics import score_rows, sentence_scores
from selaras.review import fill_sentence_scores
from selaras.review.server import create_app
from selaras.review.session import ReviewSession, journal_path, sentence_pieces
from selaras.rows import AlignedRow, read_aligned_tsv, write_aligned_tsv


def write(tmp: Path, rows: list[AlignedRow] | None = None) -> Path:
    path = tmp / "aligned.tsv"
    # Sentence scores as selaras align writes them (the session fills missing ones on open).
    write_aligned_tsv(path, fill_sentence_scores(rows if rows is not None else sample_rows()))
    return path


def ids_in_order(rows: list[AlignedRow]) -> tuple[list[int], list[int]]:
    return [i for r in rows for i in r.src_ids], [j for r in rows for j in r.ref_ids]


def test_older_tsv_without_status_reads_as_pending(tmp_path: Path) -> None:
    path = tmp_path / "old.tsv"
    path.write_text(
        "bead\tsrc_ids\tref_ids\tsource\tmt\treference\talign_score\tchrf\tbleu\n"
        "1-1\t1\t1\tSaya makan.\tI eat.\tI eat.\t0.9000\t100.00\t100.00\n",
        encoding="utf-8",
    )
    rows = read_aligned_tsv(path)
    assert rows[0].status == "" and rows[0].note == ""
    session, report = ReviewSession.open(path)
    assert report.replayed == 0 and session.summary()["reviewed"] == 0


def test_bad_status_cell_is_one_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path)
    text = path.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].rsplit("\t", 2)[0] + "\tmaybe\t"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: column status must be accepted, rejected or empty"):
        read_aligned_tsv(path)


def test_edit_recomputes_sentence_scores_flags_and_corpus(tmp_path: Path) -> None:
    path = write(tmp_path, check_rows(sample_rows()))  # a checked TSV: flags follow edits
    session, _ = ReviewSession.open(path)
    before = session.summary()["corpus"]
    change = session.edit(1, "mt", "Budi went to the market.", 0)
    row = change.new[0]
    assert (row.chrf, row.bleu) == (100.0, 100.0)
    assert session.summary()["corpus"]["chrf"] > before["chrf"]
    on_disk = read_aligned_tsv(path)
    assert on_disk[1].mt == "Budi went to the market." and on_disk[1].chrf == 100.0
    assert session.summary()["corpus"]["chrf"] == pytest.approx(score_rows(on_disk, n_bootstrap=0, keys=["chrf"])["chrf"])
    emptied = session.edit(2, "mt", "", 1).new[0]
    assert "empty" in emptied.flags and emptied.chrf is None


def test_merge_then_split_gives_back_the_sentences(tmp_path: Path) -> None:
    session, _ = ReviewSession.open(write(tmp_path))
    merged = session.merge(2, 0).new[0]
    assert merged.bead == "2-2" and merged.source == "Hujan turun sejak pagi. Kota itu ramai."
    assert merged.chrf == round(sentence_scores(merged.mt, merged.reference)[0], 2)  # type: ignore[index]
    halves = session.split(2, 1, 1, 1).new
    original = sample_rows()[2:4]
    assert [(h.source, h.mt, h.reference) for h in halves] == [(o.source, o.mt, o.reference) for o in original]


def test_split_into_one_zero_and_zero_one(tmp_path: Path) -> None:
    session, _ = ReviewSession.open(write(tmp_path))
    halves = session.split(1, 1, 0, 0).new
    assert [h.bead for h in halves] == ["1-0", "0-1"]
    assert halves[0].reference == "" and halves[1].mt == "" and halves[1].reference == "Budi went to the market."
    assert halves[0].chrf is None and halves[1].chrf is None


def test_split_of_a_bead_read_from_the_file_uses_the_sentence_splitter(tmp_path: Path) -> None:
    session, _ = ReviewSession.open(write(tmp_path))
    first, second = session.split(0, 1, 1, 0).new
    assert (first.source, first.mt, first.reference) == ("Saya makan nasi.", "I eat rice.", "I eat rice.")
    assert (second.source, second.mt, second.reference) == ("Dia minum teh.", "He drinks tea.", "She drinks tea.")


def test_sentence_pieces_never_lose_text() -> None:
    assert sentence_pieces("Satu. Dua. Tiga.", 3, "id") == ["Satu.", "Dua.", "Tiga."]
    pieces = sentence_pieces("no sentence end here at all", 2, "en")  # fewer sentences than ids
    assert len(pieces) == 2 and " ".join(pieces) == "no sentence end here at all" and all(pieces)
    pieces = sentence_pieces("A. B. C. D.", 2, "en")  # more sentences than ids
    assert len(pieces) == 2 and " ".join(pieces) == "A. B. C. D."
    assert sentence_pieces("", 3, "en") == ["", "", ""]


def test_undo_redo_many_steps(tmp_path: Path) -> None:
    path = write(tmp_path)
    session, _ = ReviewSession.open(path)
    original = list(session.rows)
    session.set_status(0, "accepted", 0, note="fine")
    session.merge(1, 1)
    session.edit(1, "reference", "Rain.", 2)
    session.split(1, 1, 1, 3)
    after = list(session.rows)
    for version in range(4, 8):
        session.undo(version)
    assert session.rows == original and read_aligned_tsv(path) == original
    with pytest.raises(InputError, match="nothing to undo"):
        session.undo()
    for _ in range(4):
        session.redo()
    assert session.rows == after and read_aligned_tsv(path) == after
    session.undo()
    session.set_status(0, "rejected", session.version)  # a new change drops what could be redone
    with pytest.raises(InputError, match="nothing to redo"):
        session.redo()


def test_stale_version_raises_conflict_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path)
    session, _ = ReviewSession.open(path)
    session.set_status(0, "accepted", 0)
    before = path.read_bytes()
    with pytest.raises(ConflictError, match="made on version 0, but the file is at version 1"):
        session.set_status(0, "rejected", 0)
    assert path.read_bytes() == before and session.version == 1


def test_file_changed_by_another_program_is_never_overwritten(tmp_path: Path) -> None:
    path = write(tmp_path)
    session, _ = ReviewSession.open(path)
    session.set_status(0, "accepted", 0)
    path.write_text(path.read_text(encoding="utf-8").replace("Polisi", "Tentara"), encoding="utf-8")
    changed = path.read_bytes()
    with pytest.raises(ConflictError, match="changed on disk by another program"):
        session.set_status(1, "accepted", 1)
    with pytest.raises(ConflictError):
        session.close()
    assert path.read_bytes() == changed and journal_path(path).exists()
    with pytest.raises(InputError, match="changed by another program since"):
        ReviewSession.open(path)


def test_journal_replays_what_the_tsv_missed(tmp_path: Path) -> None:
    path = write(tmp_path)
    session, _ = ReviewSession.open(path)
    session.set_status(0, "accepted", 0)
    before_second = path.read_bytes()
    session.merge(1, 1)
    expected = list(session.rows)
    path.write_bytes(before_second)  # the rename of the last change never happened
    reopened, report = ReviewSession.open(path)
    assert report.replayed == 1 and "replayed 1 change(s)" in report.notes[0]
    assert reopened.rows == expected and read_aligned_tsv(path) == expected
    assert reopened.version == 2 and len(reopened.undo_stack) == 2
    reopened.undo(2)
    assert read_aligned_tsv(path)[1].bead == "1-1"


def test_a_replayed_journal_keeps_the_users_own_columns(tmp_path: Path) -> None:
    from dataclasses import replace

    from selaras.rows import format_row, header_line, parse_tsv

    rows = [replace(r, extras=(("domain", f"d{k}"),)) for k, r in enumerate(fill_sentence_scores(sample_rows()))]
    path = tmp_path / "aligned.tsv"
    path.write_text(header_line(["domain"]) + "".join("\t".join(format_row(r, ["domain"])) + "\n" for r in rows))
    session, _ = ReviewSession.open(path)
    session.set_status(0, "accepted", 0)
    before_merge = path.read_bytes()
    session.merge(1, 1)
    path.write_bytes(before_merge)  # killed before the merge's rename
    reopened, report = ReviewSession.open(path)
    assert report.replayed == 1
    kept = parse_tsv(path.read_text().splitlines(), "aligned.tsv", keep_extras=True)
    assert [dict(r.extras)["domain"] for r in kept] == ["d0", "d1 d2", "d3", "d4"]
    reopened.undo(2)
    kept = parse_tsv(path.read_text().splitlines(), "aligned.tsv", keep_extras=True)
    assert [r.extras for r in kept] == [(("domain", f"d{k}"),) for k in range(5)]  # undo gives each its own


def test_torn_last_journal_line_is_not_acknowledged_and_skipped(tmp_path: Path) -> None:
    path = write(tmp_path)
    session, _ = ReviewSession.open(path)
    session.set_status(0, "accepted", 0)
    with open(journal_path(path), "a", encoding="utf-8") as handle:
        handle.write('{"at": 3, "op": "merge", "old": [')  # a kill in the middle of an append
    reopened, report = ReviewSession.open(path)
    assert report.replayed == 0 and reopened.rows[0].status == "accepted"


def test_clean_close_removes_the_journal(tmp_path: Path) -> None:
    path = write(tmp_path)
    session, _ = ReviewSession.open(path)
    session.set_status(0, "accepted", 0)
    assert journal_path(path).exists()
    session.close()
    assert not journal_path(path).exists() and read_aligned_tsv(path)[0].status == "accepted"


# --------------------------------------------------------------------------- fuzz

Op = tuple[str, int, int, int]
ops = st.lists(
    st.tuples(
        st.sampled_from(["edit_mt", "edit_ref", "status", "merge", "split", "undo", "redo", "stale"]),
        st.integers(-1, 8),
        st.integers(0, 3),
        st.integers(0, 3),
    ),
    max_size=25,
)


def many_rows() -> list[AlignedRow]:
    rows = sample_rows()
    rows.append(AlignedRow((7,), (), "Tanpa terjemahan.", "Without translation.", "", 0.2))
    rows.append(AlignedRow((), (7, 8), "", "", "Extra one. Extra two.", 0.1))
    return rows


def run_op(session: ReviewSession, op: Op) -> None:
    kind, row, a, b = op
    v = session.version
    try:
        if kind == "edit_mt":
            session.edit(row, "mt", f"text {a}\tand\nline {b}", v)
        elif kind == "edit_ref":
            session.edit(row, "reference", f"reference {a}. Two {b}.", v)
        elif kind == "status":
            session.set_status(row, ["accepted", "rejected", "pending"][a % 3], v, note=f"n{b}" if b else None)
        elif kind == "merge":
            session.merge(row, v)
        elif kind == "split":
            session.split(row, a, b, v)
        elif kind == "undo":
            session.undo(v)
        elif kind == "redo":
            session.redo()
        else:
            session.set_status(0, "accepted", v - 1)
    except (InputError, ConflictError):
        pass


def assert_invariants(path: Path, session: ReviewSession, n_src: int, n_ref: int) -> None:
    on_disk = read_aligned_tsv(path)  # always parses
    assert on_disk == session.rows
    src, ref = ids_in_order(on_disk)
    assert src == list(range(1, n_src + 1)) and ref == list(range(1, n_ref + 1))
    assert all(r.src_ids or r.ref_ids for r in on_disk)  # no 0-0 bead
    corpus = session.summary()["corpus"]
    full = score_rows(on_disk, n_bootstrap=0, keys=["chrf", "bleu"])
    assert (corpus is None) == (full is None)
    if full is not None:
        assert corpus["chrf"] == pytest.approx(full["chrf"]) and corpus["bleu"] == pytest.approx(full["bleu"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_fuzz_operations_keep_every_sentence_once_and_in_order(sequence: list[Op]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="selaras-fuzz-"))
    try:
        path = write(folder, many_rows())
        session, _ = ReviewSession.open(path)
        for op in sequence:
            run_op(session, op)
            assert_invariants(path, session, 7, 8)
        reopened, report = ReviewSession.open(path)  # as after a kill: history comes back
        assert reopened.rows == session.rows and report.replayed == 0
        assert len(reopened.undo_stack) == len(session.undo_stack)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_fuzz_the_http_api(sequence: list[Op]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="selaras-fuzz-api-"))
    try:
        path = write(folder, many_rows())
        session, _ = ReviewSession.open(path)
        headers = {"Authorization": "Bearer " + "k" * 22, "Content-Type": "application/json"}
        app = create_app(session, token="k" * 22, bound_host="127.0.0.1", port=9)
        with TestClient(app, base_url="http://127.0.0.1:9") as client:
            for kind, row, a, b in sequence:
                version = client.get("/api/rows", headers=headers).json()["version"]
                body: dict = {"row": row, "version": version}
                route = {"edit_mt": "edit", "edit_ref": "edit", "stale": "status"}.get(kind, kind)
                if kind in ("edit_mt", "edit_ref"):
                    body.update(field="mt" if kind == "edit_mt" else "reference", text=f"t{a} <b>{b}</b>")
                elif kind in ("status", "stale"):
                    body.update(status=["accepted", "rejected", "pending"][a % 3], note=f"n{b}")
                    if kind == "stale":
                        body["version"] = version + 1
                elif kind == "split":
                    body.update(src_at=a, ref_at=b)
                elif kind in ("undo", "redo"):
                    body = {"version": version}
                r = client.post(f"/api/{route}", content=json.dumps(body), headers=headers)
                assert r.status_code in (200, 400, 409), r.text
                assert "error" in r.json() if r.status_code != 200 else r.json()["version"] == version + 1
                assert_invariants(path, session, 7, 8)
                served = client.get("/api/rows", headers=headers).json()["rows"]
                assert [x["src_ids"] for x in served] == [list(x.src_ids) for x in session.rows]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
