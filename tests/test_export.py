"""Parallel-corpus export (selaras.export) and ``selaras export``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selaras import __version__
from selaras.cli import app
from selaras.cli.export import summary_line
from selaras.errors import USE_REFERENCE_PAIR, FileError, InputError
from selaras.export import (
    ExportSummary,
    build_tmx,
    export_rows,
    read_moses,
    read_tmx,
    select_rows,
    write_moses,
    write_tmx,
)
from selaras.rows import AlignedRow, read_aligned_tsv, read_jsonl, write_aligned_tsv

DTD_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "tmx" / "tmx14.dtd"

TRICKY_SOURCE = 'Dia berkata: "A & B <tag>\tdan \'kutipan\'" 😀 — ü'
TRICKY_TARGET = 'He said: "A & B <tag>\tand \'quote\'" 😀 — ü ]]> &amp;'

ROWS = [
    AlignedRow((1,), (1,), "Kremlin mengatakan pada Sabtu.", "The Kremlin said on Saturday.",
               "The Kremlin said Saturday.", 0.91, 71.5, 40.25),
    AlignedRow((2,), (2,), TRICKY_SOURCE, "He said A and B.", TRICKY_TARGET, 0.8, 55.0, 20.0, ("number-mismatch",)),
    AlignedRow((3,), (), "Kalimat tanpa pasangan.", "A sentence without a pair.", "", None, None, None),
    AlignedRow((), (3,), "", "", "A reference sentence alone.", None, None, None),
    AlignedRow((4, 5), (4,), "Dua kalimat. Digabung.", "Two sentences. Joined.", "Two sentences joined.",
               0.6, 25.0, 5.0, ("low-score",)),
    AlignedRow((6,), (5,), "Kremlin mengatakan pada Sabtu.", "The Kremlin said on Saturday.",
               "The Kremlin said Saturday.", 0.9, 71.5, 40.25),
]


def pairs(rows: list[AlignedRow], pair: str = "reference") -> list[tuple[str, str]]:
    return [(r.source, r.reference if pair == "reference" else r.mt) for r in rows]


# ---------------------------------------------------------------------------
# Selection


def test_select_rows_counts_each_skip_reason_once() -> None:
    kept, summary = select_rows(ROWS, fmt="tmx", min_chrf=30, exclude_flags=["number-mismatch"], dedupe=True)
    assert summary == ExportSummary(exported=1, skipped_empty=2, skipped_low_chrf=1, skipped_flagged=1,
                                    skipped_duplicate=1)
    assert kept == [ROWS[0]]
    assert summary_line(summary) == (
        "exported 1, skipped 5 (empty side: 2, below --min-chrf: 1, flagged: 1, duplicate: 1)"
    )


def test_select_rows_pair_mt_changes_which_side_can_be_empty() -> None:
    _, by_reference = select_rows(ROWS, fmt="moses", pair="reference")
    _, by_mt = select_rows(ROWS, fmt="moses", pair="mt")
    assert by_reference.skipped_empty == 2  # the 1-0 bead has no reference, the 0-1 bead no source
    assert by_mt.skipped_empty == 1  # the 1-0 bead has an MT


def test_select_rows_keeps_empty_sides_in_record_formats() -> None:
    kept, summary = select_rows(ROWS, fmt="jsonl")
    assert kept == ROWS and summary.skipped == 0


# ---------------------------------------------------------------------------
# TMX


def test_tmx_validates_against_the_tmx14_dtd(tmp_path: Path) -> None:
    if not DTD_PATH.exists():
        pytest.skip(f"{DTD_PATH} not found (shared data is beside the repo, ../shared/data)")
    from lxml import etree

    control = AlignedRow((1,), (1,), "Bel\x07 berbunyi\x00.", "x", "The bell\x1b rang\ufffe.", 0.9, 50.0, 10.0,
                         ("a", "b"))
    path = tmp_path / "out.tmx"
    write_tmx(path, [*select_rows(ROWS, fmt="tmx")[0], control])
    dtd = etree.DTD(str(DTD_PATH))
    tree = etree.parse(str(path))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    assert read_tmx(path)[-1] == ("Bel berbunyi.", "The bell rang.")


def test_tmx_header_and_props(tmp_path: Path) -> None:
    tree = build_tmx([ROWS[1]])
    header = tree.getroot().find("header")
    assert dict(header.attrib) == {
        "creationtool": "Selaras",
        "creationtoolversion": __version__,
        "segtype": "sentence",
        "o-tmf": "Selaras TSV",
        "adminlang": "en",
        "srclang": "id",
        "datatype": "plaintext",
    }
    tu = tree.getroot().find("body/tu")
    props = {p.get("type"): p.text for p in tu.findall("prop")}
    assert props == {
        "x-bead": "1-1",
        "x-src-ids": "2",
        "x-ref-ids": "2",
        "x-align-score": "0.8000",
        "x-chrf": "55.00",
        "x-bleu": "20.00",
        "x-flags": "number-mismatch",
    }
    langs = [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tu.findall("tuv")]
    assert langs == ["id", "en"]


def test_tmx_is_deterministic(tmp_path: Path) -> None:
    write_tmx(tmp_path / "a.tmx", ROWS[:2])
    write_tmx(tmp_path / "b.tmx", ROWS[:2])
    assert (tmp_path / "a.tmx").read_bytes() == (tmp_path / "b.tmx").read_bytes()


def test_read_tmx_reports_malformed_xml(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx version='1.4'>\n<body><tu></body></tmx>\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        read_tmx(bad)


# ---------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("pair", ["reference", "mt"])
def test_tmx_round_trip(tmp_path: Path, pair: str) -> None:
    path = tmp_path / "out.tmx"
    summary = export_rows(ROWS, path, fmt="tmx", pair=pair)
    kept, _ = select_rows(ROWS, fmt="tmx", pair=pair)
    assert read_tmx(path) == pairs(kept, pair)
    assert summary.exported == len(kept)
    assert (TRICKY_SOURCE, TRICKY_TARGET) in read_tmx(path) or pair == "mt"


def test_moses_round_trip(tmp_path: Path) -> None:
    summary = export_rows(ROWS, tmp_path / "corpus", fmt="moses")
    kept, _ = select_rows(ROWS, fmt="moses")
    assert read_moses(tmp_path / "corpus") == pairs(kept)
    assert summary.exported == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.en", "corpus.id"]


def test_moses_puts_each_segment_on_one_line(tmp_path: Path) -> None:
    broken = AlignedRow((1,), (1,), "Baris satu\nbaris dua\u2028tiga", "x", "Line one\r\nline two", 1.0, 50.0, 9.0)
    write_moses(tmp_path / "c", [broken, ROWS[0]])
    assert read_moses(tmp_path / "c") == [
        ("Baris satu baris dua tiga", "Line one line two"),
        (ROWS[0].source, ROWS[0].reference),
    ]


def test_read_moses_refuses_files_of_different_length(tmp_path: Path) -> None:
    (tmp_path / "c.id").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "c.en").write_text("a\n", encoding="utf-8")
    with pytest.raises(InputError, match="line-parallel"):
        read_moses(tmp_path / "c")


def test_jsonl_round_trip_keeps_every_field(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    export_rows(ROWS, path, fmt="jsonl")
    assert read_jsonl(path) == ROWS
    first = path.read_text(encoding="utf-8").splitlines()[1]
    assert "😀" in first  # ensure_ascii=False
    obj = json.loads(first)
    assert list(obj) == sorted(obj)
    assert obj["bead"] == "1-1" and obj["src_ids"] == [2] and obj["flags"] == ["number-mismatch"]


def test_read_jsonl_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = json.dumps({"src_ids": [1], "ref_ids": [1], "source": "a", "mt": "b", "reference": "c"})
    path.write_text(good + "\n" + '{"src_ids": [1]}\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2: missing key"):
        read_jsonl(path)
    path.write_text(good + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: not valid JSON"):
        read_jsonl(path)


def test_tsv_export_is_the_filtered_tsv(tmp_path: Path) -> None:
    path = tmp_path / "out.tsv"
    summary = export_rows(ROWS, path, fmt="tsv", exclude_flags=["low-score"])
    back = read_aligned_tsv(path)
    assert summary.skipped_flagged == 1 and len(back) == len(ROWS) - 1
    # a TSV cell cannot hold a tab: it becomes a space, everything else survives
    assert back[1].source == TRICKY_SOURCE.replace("\t", " ")
    assert [(r.src_ids, r.ref_ids, r.flags) for r in back] == [
        (r.src_ids, r.ref_ids, r.flags) for r in ROWS if "low-score" not in r.flags
    ]


# ---------------------------------------------------------------------------
# Atomic writes


def test_a_failed_moses_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import selaras.export.moses as export  # where write_moses finds one_line

    calls = {"n": 0}

    def failing_one_line(text: str) -> str:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return text

    monkeypatch.setattr(export, "one_line", failing_one_line)
    with pytest.raises(FileError, match=r"cannot write .*corpus\.id, .*corpus\.en: disk full"):
        write_moses(tmp_path / "corpus", ROWS[:2])
    assert list(tmp_path.iterdir()) == []


def test_a_failed_moses_write_keeps_the_previous_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import selaras.export.moses as export  # where write_moses finds one_line

    write_moses(tmp_path / "corpus", ROWS[:1])
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    monkeypatch.setattr(export, "one_line", lambda text: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(FileError):
        write_moses(tmp_path / "corpus", ROWS[:2])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# ---------------------------------------------------------------------------
# CLI

runner = CliRunner()


@pytest.fixture()
def aligned_tsv(tmp_path: Path) -> Path:
    path = tmp_path / "aligned.tsv"
    write_aligned_tsv(path, ROWS)
    return path


@pytest.mark.parametrize("fmt", ["tmx", "moses", "jsonl", "tsv"])
def test_cli_export_each_format(aligned_tsv: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out" / f"corpus.{fmt}"
    result = runner.invoke(app, ["export", str(aligned_tsv), "--format", fmt, "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    expected_skipped = 2 if fmt in ("tmx", "moses") else 0
    assert payload["skipped_empty"] == expected_skipped
    assert payload["exported"] == len(ROWS) - expected_skipped
    for path in payload["outputs"]:
        assert Path(path).exists()
    assert f"exported {payload['exported']}, skipped {expected_skipped} (empty side: {expected_skipped}," in (
        result.stderr
    )


def test_cli_export_filters(aligned_tsv: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.tmx"
    args = ["export", str(aligned_tsv), "-f", "tmx", "-o", str(out), "--min-chrf", "30",
            "--exclude-flags", "number-mismatch", "--dedupe", "--pair", "mt", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert (payload["skipped_empty"], payload["skipped_low_chrf"], payload["skipped_flagged"],
            payload["skipped_duplicate"]) == (1, 2, 1, 1)
    assert read_tmx(out) == [(ROWS[0].source, ROWS[0].mt)]


def test_cli_export_warns_about_an_unknown_flag(aligned_tsv: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(aligned_tsv), "-f", "tsv", "-o", str(tmp_path / "o.tsv"),
                                 "--exclude-flags", "numbr-mismatch"])
    assert result.exit_code == 0
    assert "Warning: no row has flag(s) numbr-mismatch" in result.stderr


def test_cli_export_refuses_moses_to_stdout(aligned_tsv: Path) -> None:
    result = runner.invoke(app, ["export", str(aligned_tsv), "-f", "moses", "-o", "-"])
    assert result.exit_code == 1
    assert "two files" in result.stderr


def test_cli_export_tsv_to_stdout(aligned_tsv: Path) -> None:
    result = runner.invoke(app, ["export", str(aligned_tsv), "-f", "tsv", "-o", "-"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("bead\tsrc_ids")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"bead\tsource\n1-1\tx\n", "line 1: missing column(s)"),
        (
            b"bead\tsrc_ids\tref_ids\tsource\tmt\treference\talign_score\tchrf\tbleu\n1-1\t1\t1\tx\n",
            "line 2: 4 columns",
        ),
        (
            b"bead\tsrc_ids\tref_ids\tsource\tmt\treference\talign_score\tchrf\tbleu\n"
            b"1-1\t1\t1\tok\tok\tok\t\t\t\n1-1\t2\t2\tcaf\xe9\tx\ty\t\t\t\n",
            "not valid UTF-8 (line 3",
        ),
    ],
)
@pytest.mark.parametrize("fmt", ["tmx", "moses"])
def test_cli_export_bad_input_names_the_line_and_writes_nothing(
    tmp_path: Path, content: bytes, message: str, fmt: str
) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(content)
    out = tmp_path / "out" / "corpus"
    result = runner.invoke(app, ["export", str(bad), "-f", fmt, "-o", str(out)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_cli_export_help_has_examples() -> None:
    result = runner.invoke(app, ["export", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and "selaras export aligned.tsv --format tmx" in result.stdout


def test_read_tmx_honours_the_declared_encoding(tmp_path: Path) -> None:
    path = tmp_path / "utf16.tmx"
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<tmx version="1.4"><header/><body>'
        '<tu><tuv xml:lang="ID-id"><seg>Halo <ph>x</ph>dunia</seg></tuv>'
        '<tuv xml:lang="en-US"><seg>Hello world</seg></tuv></tu>'
        '<tu><tuv xml:lang="fr"><seg>Bonjour</seg></tuv></tu></body></tmx>'
    )
    path.write_bytes(text.encode("utf-16"))
    assert read_tmx(path) == [("Halo dunia", "Hello world")]  # a <ph>'s native code is not a word


def test_moses_files_get_the_mode_a_plain_open_would(tmp_path: Path) -> None:
    import os

    write_moses(tmp_path / "c", ROWS[:1])
    mask = os.umask(0)
    os.umask(mask)
    for suffix in (".id", ".en"):
        assert (tmp_path / f"c{suffix}").stat().st_mode & 0o777 == 0o666 & ~mask


def _rows_without_mt() -> list[AlignedRow]:
    """What ``selaras run --no-mt`` or ``selaras align`` without ``--mt`` writes: no MT text."""
    return [AlignedRow(r.src_ids, r.ref_ids, r.source, "", r.reference, r.align_score) for r in ROWS]


def test_export_rows_refuses_pair_mt_without_mt(tmp_path: Path) -> None:
    out = tmp_path / "c.tmx"
    with pytest.raises(InputError) as err:
        export_rows(_rows_without_mt(), out, fmt="tmx", pair="mt", name="no-mt.tsv")
    # The library says it in words; the CLI names --pair (test below).
    assert str(err.value) == f"no-mt.tsv has no MT column content; {USE_REFERENCE_PAIR}"
    assert not out.exists()
    assert export_rows([], out, fmt="tmx", pair="mt").exported == 0  # an empty TSV is no error


@pytest.mark.parametrize("fmt", ["tmx", "moses", "jsonl", "tsv"])
def test_cli_export_pair_mt_without_mt_is_an_error_and_writes_nothing(tmp_path: Path, fmt: str) -> None:
    tsv = tmp_path / "aligned.tsv"
    write_aligned_tsv(tsv, _rows_without_mt())
    out = tmp_path / "out" / "corpus"
    result = runner.invoke(app, ["export", str(tsv), "-f", fmt, "-o", str(out), "--pair", "mt"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("Error: aligned.tsv has no MT column content; use --pair reference")
    assert not out.parent.exists() or list(out.parent.iterdir()) == []
    # The default pair exports the same file.
    result = runner.invoke(app, ["export", str(tsv), "-f", fmt, "-o", str(out), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["exported"] > 0, result.output
