"""Manifest edge cases from the second reliability audit: unknown columns and keys are
said, not silently dropped; a whole-number JSONL id is an id."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from selaras.corpus import read_manifest


def test_an_unknown_tsv_column_is_warned_about(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The audit: a column named ``ref`` was ignored and its documents ran without a reference, exit 0."""
    (tmp_path / "m.tsv").write_text("id\tsource\tref\na\ta.id.txt\ta.en.txt\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="selaras"):
        documents = read_manifest(tmp_path / "m.tsv")
    assert documents[0].references == ()
    assert "column 'ref' ignored" in caplog.text and "starts with 'reference'" in caplog.text


def test_known_columns_give_no_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "m.tsv").write_text("id\tsource\treference\treference2\na\ta.id.txt\ta.en.txt\t\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="selaras"):
        read_manifest(tmp_path / "m.tsv")
    assert caplog.text == ""


def test_an_unknown_jsonl_key_is_warned_about(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "m.jsonl").write_text('{"id": "a", "source": "a.id.txt", "ref": "a.en.txt"}\n', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="selaras"):
        read_manifest(tmp_path / "m.jsonl")
    assert "m.jsonl line 1: key 'ref' ignored" in caplog.text


def test_a_whole_number_jsonl_id_is_its_text(tmp_path: Path) -> None:
    """The audit: ``"id": 7`` was refused as "missing or empty"."""
    (tmp_path / "m.jsonl").write_text('{"id": 7, "source": "x.txt"}\n{"id": 8, "source": "y.txt"}\n', encoding="utf-8")
    assert [d.id for d in read_manifest(tmp_path / "m.jsonl")] == ["7", "8"]
