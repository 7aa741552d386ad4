"""Tests for selaras.segment (sentence splitting) and ``selaras segment``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from selaras.cli import app
from selaras.errors import InputError
from selaras.segment import split_sentences

SEG_BENCH = Path(__file__).resolve().parents[2] / "shared" / "data" / "seg-bench"
runner = CliRunner()


def texts(text: str, lang: str = "id") -> list[str]:
    return [s.text for s in split_sentences(text, lang)]  # type: ignore[arg-type]


# --- Indonesian abbreviations -------------------------------------------------------

TITLES = ["dr.", "Dr.", "Prof.", "Ir.", "H.", "Jl.", "Jln.", "Kec.", "Kab.", "PT.", "Sdr.", "Tn.", "Ny.", "Nn.", "a.n."]


@pytest.mark.parametrize("title", TITLES)
def test_title_before_a_name_never_ends_a_sentence(title: str) -> None:
    text = f"Kemarin kami bertemu {title} Budi Santoso di kantor. Dia sehat."
    assert texts(text) == [f"Kemarin kami bertemu {title} Budi Santoso di kantor.", "Dia sehat."]


def test_chain_of_titles_and_initials() -> None:
    text = "Rektor Prof. Dr. Ir. H. B. J. Habibie meresmikan gedung di Jln. Sudirman, Kec. Cibinong. Acara selesai."
    assert len(texts(text)) == 2


@pytest.mark.parametrize("prefix", ["No.", "hlm.", "s.d."])
def test_number_prefix_before_a_number(prefix: str) -> None:
    text = f"Lihat halaman 3 {prefix} 25 untuk contoh. Lalu baca lagi."
    assert texts(text) == [f"Lihat halaman 3 {prefix} 25 untuk contoh.", "Lalu baca lagi."]


def test_no_at_the_end_of_an_address_can_end_a_sentence() -> None:
    assert texts("Kantornya di Jalan Kramat Raya no. Lebih dari seribu orang datang.") == [
        "Kantornya di Jalan Kramat Raya no.",
        "Lebih dari seribu orang datang.",
    ]


def test_tbk_mid_sentence_and_sentence_final() -> None:
    assert texts("PT Telkom Indonesia Tbk. mengumumkan laba. Sahamnya naik.") == [
        "PT Telkom Indonesia Tbk. mengumumkan laba.",
        "Sahamnya naik.",
    ]
    assert texts("Laba naik di PT Telkom Indonesia Tbk. Sahamnya juga naik.") == [
        "Laba naik di PT Telkom Indonesia Tbk.",
        "Sahamnya juga naik.",
    ]


@pytest.mark.parametrize("abbr", ["dll.", "dsb.", "dkk."])
def test_list_abbreviation_mid_sentence_stays(abbr: str) -> None:
    text = f"Dia membeli buku, pensil, {abbr} untuk sekolah."
    assert texts(text) == [text]


@pytest.mark.parametrize("abbr", ["dll.", "dsb.", "dkk."])
def test_sentence_final_abbreviation_splits_before_a_capital(abbr: str) -> None:
    assert texts(f"Dia membeli buku, pensil, {abbr} Kemudian dia pulang.") == [
        f"Dia membeli buku, pensil, {abbr}",
        "Kemudian dia pulang.",
    ]


def test_company_suffix_continues_the_name() -> None:
    text = "Kontrak diteken dengan Hyundai Merchant Marine Co. Ltd. dari Korea Selatan. Nilainya besar."
    assert texts(text) == ["Kontrak diteken dengan Hyundai Merchant Marine Co. Ltd. dari Korea Selatan.", "Nilainya besar."]


def test_initial_versus_unit_after_a_number() -> None:
    assert texts("Suhu naik 2 C. Banyak ilmuwan khawatir.") == ["Suhu naik 2 C.", "Banyak ilmuwan khawatir."]
    assert texts("Kota itu berdiri pada abad ke-6 M. Di akhir abad ke-8 kota itu runtuh.") == [
        "Kota itu berdiri pada abad ke-6 M.",
        "Di akhir abad ke-8 kota itu runtuh.",
    ]


# --- numbers, quotes, ellipses ----------------------------------------------------------


def test_decimal_and_thousand_numbers() -> None:
    text = "Harganya Rp1.250.000 atau 15.432,50 dolar, dibayar pukul 09.30 WIB. Semua lunas."
    assert texts(text) == ["Harganya Rp1.250.000 atau 15.432,50 dolar, dibayar pukul 09.30 WIB.", "Semua lunas."]


def test_number_at_sentence_end_splits() -> None:
    assert texts("Dia lahir pada tahun 1945. Ayahnya guru.") == ["Dia lahir pada tahun 1945.", "Ayahnya guru."]


def test_curly_closing_quote_belongs_to_the_sentence() -> None:
    text = "Dia berkata, “Ayo cepat.” Dia pun berlari."
    result = split_sentences(text)
    assert [s.text for s in result] == ["Dia berkata, “Ayo cepat.”", "Dia pun berlari."]
    assert text[result[0].end - 1] == "”"


def test_straight_closing_quote_belongs_to_the_sentence() -> None:
    assert texts('Dia berkata, "Ayo cepat." Dia pun berlari.') == ['Dia berkata, "Ayo cepat."', "Dia pun berlari."]


def test_question_in_quotes_followed_by_speech_verb_stays() -> None:
    text = "“Siapa yang datang?” tanya ibu kepada kami."
    assert texts(text) == [text]


def test_opening_quote_starts_a_new_sentence() -> None:
    assert texts("Dia diam. “Kami menolak,” katanya.") == ["Dia diam.", "“Kami menolak,” katanya."]


@pytest.mark.parametrize("ellipsis", ["...", "…"])
def test_mid_sentence_ellipsis(ellipsis: str) -> None:
    text = f"Saya pikir{ellipsis} mungkin dia tidak datang."
    assert texts(text) == [text]


def test_exclamation_and_question_marks() -> None:
    assert texts("Sakit? Ya! Benar sekali.") == ["Sakit?", "Ya!", "Benar sekali."]


# --- paragraphs and offsets ---------------------------------------------------------------


def test_paragraphs_are_hard_boundaries_with_offsets() -> None:
    text = "  Judul tanpa titik\n\nBudi pergi. Dia pulang.\n \t\n\n\nAkhir cerita"
    result = split_sentences(text)
    assert [(s.text, s.paragraph) for s in result] == [
        ("Judul tanpa titik", 0),
        ("Budi pergi.", 1),
        ("Dia pulang.", 1),
        ("Akhir cerita", 2),
    ]
    for s in result:
        assert text[s.start : s.end] == s.text


def test_single_newline_inside_a_paragraph_is_a_space() -> None:
    text = "Budi pergi ke\npasar. Dia pulang."
    result = split_sentences(text)
    assert [s.text for s in result] == ["Budi pergi ke pasar.", "Dia pulang."]
    assert text[result[0].start : result[0].end] == "Budi pergi ke\npasar."


def test_empty_text_gives_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t") == []


def test_unknown_language_is_an_input_error() -> None:
    with pytest.raises(InputError, match="'id' or 'en'"):
        split_sentences("Halo.", "fr")  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab AZ.!?…\"”“'()12,\n\t", max_size=80))
def test_offsets_cover_the_text_in_order(text: str) -> None:
    result = split_sentences(text)
    position = 0
    for s in result:
        assert position <= s.start < s.end <= len(text)
        assert " ".join(text[s.start : s.end].split()) == s.text
        assert text[position : s.start].strip() == ""  # only whitespace between sentences
        position = s.end
    assert text[position:].strip() == ""
    assert [s.paragraph for s in result] == sorted(s.paragraph for s in result)


def test_huge_line_without_punctuation_is_one_sentence_in_linear_time() -> None:
    text = "kata " * 400_000 + "akhir"
    start = time.perf_counter()
    result = split_sentences(text)
    assert len(result) == 1 and result[0].end == len(text)
    # Quadratic behaviour would take minutes on 2 MB; linear takes well under a second.
    assert time.perf_counter() - start < 10


def test_long_runs_of_punctuation_do_not_backtrack() -> None:
    text = "." * 200_000 + '"' * 200_000 + "x"
    start = time.perf_counter()
    assert len(split_sentences(text)) == 1
    assert time.perf_counter() - start < 10


# --- English ----------------------------------------------------------------------------


def test_english_titles_and_acronyms() -> None:
    text = "Mr. Smith met Dr. Jones at the U.S. Army base. He arrived at 3.5 p.m. today."
    assert texts(text, "en") == ["Mr. Smith met Dr. Jones at the U.S. Army base.", "He arrived at 3.5 p.m. today."]


def test_english_acronym_at_sentence_end() -> None:
    assert texts("She moved to the U.S. The rate was 3.14 percent.", "en") == [
        "She moved to the U.S.",
        "The rate was 3.14 percent.",
    ]


def test_english_eg_ie_etc_and_initials() -> None:
    text = "Fruit, e.g. Apples, i.e. Fuji, etc. The author J. R. R. Tolkien liked them."
    assert texts(text, "en") == ["Fruit, e.g. Apples, i.e. Fuji, etc.", "The author J. R. R. Tolkien liked them."]


def test_english_company_abbreviation_before_a_name() -> None:
    text = "Apple Inc. Chief Executive Tim Cook spoke. Shares rose."
    assert texts(text, "en") == ["Apple Inc. Chief Executive Tim Cook spoke.", "Shares rose."]


# --- CLI --------------------------------------------------------------------------------

DOC = "Dr. Budi pergi. Dia pulang.\n\n\n\nParagraf dua, dll. Kemudian selesai.\n"


def test_cli_writes_one_sentence_per_line_with_one_blank_line_between_paragraphs(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    result = runner.invoke(app, ["segment", str(doc)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Dr. Budi pergi.\nDia pulang.\n\nParagraf dua, dll.\nKemudian selesai.\n"


def test_cli_reads_stdin() -> None:
    result = runner.invoke(app, ["segment", "-", "--lang", "en"], input="Mr. Smith left. He came back.")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Mr. Smith left.\nHe came back.\n"


def test_cli_json_parses_with_ids_paragraphs_and_offsets(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    result = runner.invoke(app, ["segment", str(doc), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == [1, 2, 3, 4]
    assert [r["paragraph"] for r in rows] == [0, 0, 1, 1]
    for r in rows:
        assert set(r) == {"id", "paragraph", "text", "start", "end"}
        assert DOC[r["start"] : r["end"]] == r["text"]


def test_cli_output_file_is_written_atomically(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    out = tmp_path / "out" / "sentences.txt"
    result = runner.invoke(app, ["segment", str(doc), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").splitlines() == ["Dr. Budi pergi.", "Dia pulang.", "", "Paragraf dua, dll.", "Kemudian selesai."]
    assert sorted(p.name for p in out.parent.iterdir()) == ["sentences.txt"]  # no temp file left
    # A failed run leaves the previous output untouched.
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9\n")
    failed = runner.invoke(app, ["segment", str(bad), "-o", str(out)])
    assert failed.exit_code != 0
    assert out.read_text(encoding="utf-8").startswith("Dr. Budi pergi.\n")


def test_cli_json_to_file(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    out = tmp_path / "sentences.json"
    result = runner.invoke(app, ["segment", str(doc), "--json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 4


@pytest.mark.parametrize("content", [b"", b"\n \n\t\n"])
def test_cli_empty_file_fails_clearly(tmp_path: Path, content: bytes) -> None:
    doc = tmp_path / "empty.txt"
    doc.write_bytes(content)
    result = runner.invoke(app, ["segment", str(doc)])
    assert result.exit_code != 0
    assert "empty" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("content", [b"caf\xe9 au lait.\n", b"\x00\x01\x02binary"])
def test_cli_non_utf8_or_binary_fails_with_one_line(tmp_path: Path, content: bytes) -> None:
    doc = tmp_path / "latin1.txt"
    doc.write_bytes(content)
    result = runner.invoke(app, ["segment", str(doc)])
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error: ")


def test_cli_help_has_examples() -> None:
    result = runner.invoke(app, ["segment", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and "--lang" in result.stdout


# --- benchmark --------------------------------------------------------------------------


@pytest.mark.skipif(not SEG_BENCH.is_dir(), reason=f"seg-bench data not found at {SEG_BENCH}")
def test_seg_bench_scores_beat_the_targets() -> None:
    from selaras.devtools import seg_bench

    rows, _ = seg_bench.run(SEG_BENCH, with_baselines=False)
    by_treebank = {row.treebank: row for row in rows}
    assert set(by_treebank) == set(seg_bench.TREEBANKS)
    for treebank, target in seg_bench.TARGET_F1.items():
        assert by_treebank[treebank].f1 >= target, (treebank, by_treebank[treebank])
    # The GSD target (pysbd 94.3) was measured with raw scoring; beat it that way too.
    assert by_treebank["gsd"].f1_raw >= seg_bench.TARGET_F1["gsd"]
    # Speed target is 100k sentences/s (measured in the report); here only a floor far
    # below it, so a shared CI machine cannot fail it but a quadratic/per-character
    # regression would.
    assert all(row.sentences_per_s > 10_000 for row in rows)
