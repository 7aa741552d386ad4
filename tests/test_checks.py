"""QA flags (translate.checks) and ``selaras check``.

Every flag has a crafted hit and a near miss that must not fire. The UD PUD tests use
professional translations as the "MT": a flag that fires often there is noise.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.checks import (
    CHECKS,
    FLAG_NAMES,
    LOW_CHRF,
    DocumentWords,
    check_rows,
    compare_numbers,
    count_flags,
    entity_scores,
    extract_numbers,
    find_flags,
    length_log_ratio,
    max_repeat_run,
    missing_entities,
    parse_number,
    repeated_trigram_share,
    untranslated_score,
)
from translate.checks import (
    ConfidenceScore,
    NumberComparison,
    RepeatScore,
    RobustStats,
    UntranslatedScore,
)
from translate.cli import app
from translate.language import LanguageGuess
from translate.records import Flag
from translate.rows import read_aligned_tsv, write_aligned_tsv
from translate.rows import AlignedRow

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PUD = DATA / "ud-pud" / "id-en.tsv"


def row(source: str, mt: str, reference: str = "", **kwargs) -> AlignedRow:
    """A 1-1 row (1-0 when there is no reference) with the given texts."""
    ref_ids = kwargs.pop("ref_ids", (1,) if reference else ())
    src_ids = kwargs.pop("src_ids", (1,) if source else ())
    return AlignedRow(src_ids, ref_ids, source, mt, reference, **kwargs)


def flags_of(source: str, mt: str, **kwargs) -> list[str]:
    """Flag names of one row checked on its own."""
    return list(check_rows([row(source, mt, **kwargs)])[0].flags)


# ---------------------------------------------------------------------------
# Numbers


@pytest.mark.parametrize(
    ("token", "lang", "value"),
    [
        ("1.250.000", "id", "1250000"),
        ("1.250", "id", "1250"),  # a three-digit dot group is thousands in Indonesian
        ("1.5", "id", "1.5"),  # any other single dot is a decimal point
        ("0.125", "id", "0.125"),  # a leading 0 is never a thousands group
        ("12,5", "id", "12.5"),
        ("1,250", "id", "1.25"),  # a single comma is the Indonesian decimal comma
        ("1,250,000", "id", "1250000"),  # impossible in Indonesian: English thousands
        ("1.250,75", "id", "1250.75"),
        ("1,250", "en", "1250"),
        ("1.250", "en", "1.25"),  # how an English reader takes a kept Indonesian format
        ("1.250.000", "en", "1250000"),  # impossible in English: read the Indonesian way
        ("12,5", "en", "12.5"),
        ("1,250.75", "en", "1250.75"),
        ("2020", "en", "2020"),
    ],
)
def test_parse_number_follows_the_documented_rule(token: str, lang: str, value: str) -> None:
    assert parse_number(token, lang) == Decimal(value)


def test_parse_number_refuses_a_version_string() -> None:
    assert parse_number("1.2.3", "id") is None


@pytest.mark.parametrize(
    ("source", "mt"),
    [
        ("Harganya Rp 1.250.000 per gram.", "It costs Rp 1,250,000 per gram."),
        ("Inflasi mencapai 12,5 persen.", "Inflation reached 12.5%."),
        ("Inflasi mencapai 12,5%.", "Inflation reached 12.5 percent."),
        ("Rapat dimulai pukul 14.00 WIB.", "The meeting started at 2 p.m."),
        ("Rapat dimulai 14.00 WIB.", "The meeting started at 14:00 local time."),
        ("Rapat dimulai pukul 09.30 WIB.", "The meeting started at 9:30 a.m."),
        ("Dana Rp 12,5 miliar cair.", "Funds of 12.5 billion rupiah were paid."),
        ("Dana Rp 12,5 miliar cair.", "Funds of Rp12,500,000,000 were paid."),
        ("Sekitar 2,3 juta orang memilih.", "About 2.3 million people voted."),
        ("Anggaran Rp 1.250 triliun.", "A budget of Rp 1,250 trillion."),
        ("Sebanyak 42 juta euro, 15,5 jutanya untuk keamanan.", "42 million euros, 15.5 million for security."),
        ("Dia berusia 26 tahun pada 2020.", "He was 26 in 2020."),
        ("Abad ke-21.", "The 21st century."),
        ("Pada tahun 60-an.", "In the Sixties."),
        ("Satu-satunya negara.", "The only country."),
        ("Dua puluh lima orang tewas.", "25 people died."),
        ("Sebanyak 25 orang tewas.", "Twenty-five people died."),
        ("Dua juta tiga ratus ribu suara.", "2,300,000 votes."),
        ("Sejuta orang datang.", "A million people came."),
        ("Ia menjabat untuk kedua kalinya.", "He serves for the 2nd time."),
    ],
)
def test_number_formats_that_mean_the_same_do_not_fire(source: str, mt: str) -> None:
    assert compare_numbers(source, mt).count == 0
    assert "number-mismatch" not in flags_of(source, mt)


DIGIT_WORDS_ID = "nol satu dua tiga empat lima enam tujuh delapan sembilan sepuluh".split()
DIGIT_WORDS_EN = "zero one two three four five six seven eight nine ten".split()


@pytest.mark.parametrize("n", range(11))
def test_small_numbers_spelled_out_on_either_side_do_not_fire(n: int) -> None:
    assert compare_numbers(f"Ada {n} orang.", f"There were {DIGIT_WORDS_EN[n]} people.").count == 0
    assert compare_numbers(f"Ada {DIGIT_WORDS_ID[n]} orang.", f"There were {n} people.").count == 0


@pytest.mark.parametrize(
    ("source", "mt", "missing", "extra"),
    [
        ("Dana Rp 12,5 miliar cair.", "Funds of Rp 12.5 million were paid.", ("12,5 miliar",), ("12.5 million",)),
        ("Dia berusia 26 tahun.", "He is 62 years old.", ("26",), ("62",)),
        # MT kept the Indonesian format: an English reader sees 1.25 people.
        ("Ada 1.250 orang.", "There were 1.250 people.", ("1.250",), ("1.250",)),
        ("Rapat pukul 14.00 WIB.", "The meeting at 4 p.m.", ("pukul 14.00",), ("4 p.m.",)),
        ("Inflasi 12,5 persen.", "Inflation of 125 percent.", ("12,5",), ("125",)),
        ("Ada 3 orang.", "There were people.", ("3",), ()),
        # a number word is optional when unmatched, but a wrong digit still fires
        ("Ada tiga orang.", "There were 4 people.", (), ("4",)),
    ],
)
def test_number_mismatch_fires_and_says_which(source, mt, missing, extra) -> None:
    comparison = compare_numbers(source, mt)
    assert comparison.missing_in_mt == missing
    assert comparison.extra_in_mt == extra
    assert "number-mismatch" in flags_of(source, mt)


def test_extract_numbers_blanks_clock_times_so_digits_are_not_counted_twice() -> None:
    mentions = extract_numbers("Rapat pukul 14.00 WIB dihadiri 30 orang.", "id")
    assert [m.text for m in mentions if not m.optional] == ["pukul 14.00", "30"]


# ---------------------------------------------------------------------------
# Untranslated


def test_untranslated_fires_on_a_copy() -> None:
    source = "Polisi menangkap lima orang di pasar."
    assert untranslated_score(source, source).copy_ratio == 1.0
    assert "untranslated" in flags_of(source, source)


def test_untranslated_fires_on_indonesian_function_words() -> None:
    source = "Presiden mengatakan bahwa pemerintah akan segera mengambil langkah yang tegas."
    mt = "The president said that pemerintah akan segera mengambil langkah yang tegas."
    assert untranslated_score(source, mt).id_words == 2  # akan, yang
    assert "untranslated" in flags_of(source, mt)


def test_untranslated_fires_when_most_words_are_source_words() -> None:
    score = untranslated_score("Warga mengeluhkan harga beras naik.", "Residents mengeluhkan harga beras naik.")
    assert score.shared_words == 4 and score.id_words == 0
    assert "untranslated" in flags_of("Warga mengeluhkan harga beras naik.", "Residents mengeluhkan harga beras naik.")


@pytest.mark.parametrize(
    ("source", "mt"),
    [
        # names and numbers may be copied verbatim
        ("Vladimir Putin, 2020.", "Vladimir Putin, 2020."),
        # loanwords shared by both languages
        ("Media sosial dan internet berubah.", "Social media and the internet changed."),
        # one quoted Indonesian word is not an untranslated sentence
        ("Dia menyebutnya gerakan tidak.", "He called it the 'tidak' movement."),
    ],
)
def test_untranslated_near_misses_do_not_fire(source: str, mt: str) -> None:
    assert "untranslated" not in flags_of(source, mt)


# ---------------------------------------------------------------------------
# Repetition


@pytest.mark.parametrize(
    "mt",
    [
        "Russia is the the the neighbour of Belarus.",
        "The protests of the country, of the country, of the country continued.",
        # a loop longer than four words, caught by the share of repeated trigrams
        "The president said the security forces would act and the security forces would act "
        "and the security forces would act and the security forces would act today.",
    ],
)
def test_repetition_fires_on_loops(mt: str) -> None:
    assert "repetition" in flags_of("Presiden mengatakan pasukan keamanan akan bertindak hari ini.", mt)


def test_repetition_measures() -> None:
    assert max_repeat_run("a b c a b c a b c d") == (3, "a b c")
    assert max_repeat_run("") == (0, "")
    assert repeated_trigram_share("one two three") == 0.0  # too short to judge


@pytest.mark.parametrize(
    ("source", "mt"),
    [
        ("Dia sangat, sangat, sangat lelah.", "He was very, very, very tired."),  # the source repeats too
        ("Mereka bilang dia memang sudah lama pergi.", "They said that that man had had enough."),
        (
            "Kremlin mengatakan pada Sabtu bahwa Presiden Vladimir Putin dan Alexander Lukashenko setuju "
            "melalui telepon bahwa masalah di Belarusia akan diselesaikan dengan cepat.",
            "The Kremlin said on Saturday that President Vladimir Putin and Alexander Lukashenko agreed "
            "by phone that the problems in Belarus would be resolved quickly.",
        ),
    ],
)
def test_repetition_near_misses_do_not_fire(source: str, mt: str) -> None:
    assert "repetition" not in flags_of(source, mt)


# ---------------------------------------------------------------------------
# Length ratio


def _doc(pairs: list[tuple[str, str]]) -> list[AlignedRow]:
    return [AlignedRow((i,), (i,), s, m, m) for i, (s, m) in enumerate(pairs, start=1)]


NORMAL = [
    (
        "Polisi menangkap lima orang di pusat kota Minsk pada Minggu malam.",
        "Police arrested five people in central Minsk on Sunday night.",
    ),
    (
        "Ribuan warga turun ke jalan untuk memprotes hasil pemilihan.",
        "Thousands of citizens took to the streets to protest the election result.",
    ),
    ("Pemerintah menutup akses internet selama tiga hari.", "The government shut down internet access for three days."),
    ("Para pekerja pabrik bergabung dengan aksi mogok nasional.", "Factory workers joined the national strike."),
    ("Uni Eropa mengancam akan menjatuhkan sanksi baru.", "The European Union threatened new sanctions."),
    (
        "Oposisi menolak hasil resmi dan menuntut pemilihan ulang.",
        "The opposition rejected the official result and demanded a new vote.",
    ),
]


def test_length_ratio_fires_on_a_truncated_translation() -> None:
    truncated = ("Lukashenko, yang telah memimpin Belarusia selama 26 tahun terakhir, memiliki sejarah "
                 "menindak keras perbedaan pendapat dan protes di jalanan ibu kota.", "Lukashenko.")
    flagged = [r.flags for r in check_rows(_doc([*NORMAL, truncated]))]
    assert "length-ratio" in flagged[-1]
    assert all("length-ratio" not in f for f in flagged[:-1])


def test_length_ratio_is_relative_to_the_document() -> None:
    # Every MT is about 1.6 times the source: unusual, but the document's own norm.
    wordy = [(s, m + " " + m[: len(m) // 4]) for s, m in NORMAL]
    assert all("length-ratio" not in r.flags for r in check_rows(_doc(wordy)))


def test_length_ratio_short_clean_document_does_not_fire() -> None:
    # Three rows: too few for a distribution, so only the minimum band applies.
    short = [("Ya.", "Yes."), ("Foto: Reuters", "Photo: Reuters"), ("Terima kasih banyak.", "Thank you very much.")]
    assert all("length-ratio" not in r.flags for r in check_rows(_doc(short)))
    assert length_log_ratio("", "x") is None


# ---------------------------------------------------------------------------
# Entities


def test_entity_missing_fires_when_a_name_is_dropped() -> None:
    source = "Kremlin mengatakan Presiden Vladimir Putin berbicara dengan Alexander Lukashenko."
    mt = "The Kremlin said President Vladimir Putin spoke with Alexander."
    assert missing_entities(source, mt) == ["Lukashenko"]
    assert "entity-missing" in flags_of(source, mt)


@pytest.mark.parametrize(
    ("source", "mt"),
    [
        ("Dia tiba di Belarusia kemarin.", "He arrived in Belarus yesterday."),  # prefix of 5+
        ("Dia tiba di Rusia kemarin.", "He arrived in Russia yesterday."),  # doubled letters folded
        ("Dia terbang ke Moskow pada Sabtu.", "He flew to Moscow on Saturday."),  # c/k; day table
        ("Wakil Presiden Ma'ruf Amin hadir.", "Vice President Maruf Amin attended."),  # apostrophe
        ("Presiden Jokowi bertemu Zelenskyy.", "President Jokowi met ZELENSKYY."),  # case
        ("Dia lahir di Irlandia.", "She was born in Ireland."),  # similar spelling
        ("Ini terjadi di Amerika Serikat.", "It happened in the United States."),  # exonym table
        ("Dikatakan bahwa protes berlanjut.", "It was said that protests continued."),  # sentence-initial
        ("Saya tidak tahu, kata Anda.", "I don't know, you said."),  # capitalised pronoun
        ("Perjanjian Paris ditandatangani.", "The Paris Agreement was signed."),  # confix noun
    ],
)
def test_entity_near_misses_do_not_fire(source: str, mt: str) -> None:
    assert "entity-missing" not in flags_of(source, mt)


def test_sentence_initial_name_is_checked_when_the_document_knows_it() -> None:
    rows = _doc(
        [
            ("Lukashenko menolak mundur.", "The president refused to resign."),
            ("Protes melawan Lukashenko berlanjut.", "Protests against Lukashenko continued."),
        ]
    )
    assert "entity-missing" in check_rows(rows)[0].flags
    alone = DocumentWords()
    assert entity_scores("Lukashenko menolak mundur.", "The president refused.", alone) == []


def test_a_capitalised_word_the_document_also_writes_in_lower_case_is_not_a_name() -> None:
    words = DocumentWords.of(["Kata Pemerintah pusat.", "Kebijakan pemerintah berubah."])
    assert missing_entities("Kata Pemerintah pusat.", "The central Government said.", words) == []
    assert "Pemerintah" not in [w for w, _ in entity_scores("Kata Pemerintah pusat.", "x", words)]


# ---------------------------------------------------------------------------
# Empty, low-alignment, low-score


def test_empty_fires_for_an_empty_mt_or_a_side_the_bead_promises() -> None:
    translated = AlignedRow((2,), (2,), "Polisi datang.", "Police came.", "Police came.")
    missing_mt = AlignedRow((1,), (1,), "Polisi menangkap lima orang.", "", "Police arrested five people.")
    assert "empty" in check_rows([missing_mt, translated])[0].flags
    one_one_without_reference = AlignedRow((1,), (1,), "Polisi datang.", "Police came.", "")
    assert "empty" in check_rows([one_one_without_reference])[0].flags


def test_empty_near_misses_deletion_and_insertion_beads() -> None:
    deletion = AlignedRow((1,), (), "Polisi datang.", "Police came.", "")
    insertion = AlignedRow((), (1,), "", "", "An extra reference sentence.")
    assert [r.flags for r in check_rows([deletion, insertion])] == [(), ()]


def test_low_alignment_fires_below_the_threshold_only() -> None:
    assert "low-alignment" in flags_of("Polisi datang.", "Police came.", align_score=0.3)
    assert "low-alignment" not in flags_of("Polisi datang.", "Police came.", align_score=0.5)
    assert "low-alignment" not in flags_of("Polisi datang.", "Police came.", align_score=None)


def test_low_score_fires_below_the_threshold_only() -> None:
    assert "low-score" in flags_of("Polisi datang.", "Police came.", chrf=12.0)
    assert "low-score" not in flags_of("Polisi datang.", "Police came.", chrf=30.0)
    assert "low-score" not in flags_of("Polisi datang.", "Police came.", chrf=None)
    strict = {"low-score": {"min_chrf": 50.0}}
    assert [f.name for f in find_flags([row("Polisi datang.", "Police came.", chrf=40.0)], params=strict)[0]] == [
        "low-score"
    ]


# ---------------------------------------------------------------------------
# Row-level behaviour


def test_checks_are_in_flag_order_and_every_score_survives_empty_sides() -> None:
    assert tuple(c.name for c in CHECKS) == FLAG_NAMES
    nothing = AlignedRow((), (), "", "", "")  # a 0-0 row: no side promised
    promised = AlignedRow((1,), (1,), "", "", "")  # a 1-1 row whose texts are missing
    rows = [nothing, promised]
    none_stats = RobustStats(0.0, 0.0, 0)
    # What each check measures on both rows: a defined zero value, never an exception.
    expected_scores = {
        "empty": ((), ("source", "reference")),
        "wrong-language": (LanguageGuess(None), LanguageGuess(None)),
        "untranslated": (UntranslatedScore(), UntranslatedScore()),
        "repetition": (RepeatScore(), RepeatScore()),
        "number-mismatch": (NumberComparison(), NumberComparison()),
        "entity-missing": ([], []),
        "length-ratio": ((None, none_stats), (None, none_stats)),
        "low-confidence": (ConfidenceScore(None, none_stats), ConfidenceScore(None, none_stats)),
        "low-alignment": (None, None),
        "low-score": (None, None),
    }
    assert tuple(expected_scores) == FLAG_NAMES
    for check in CHECKS:
        stats = check.document_stats(rows)
        scores = tuple(check.score(r, stats) for r in rows)
        assert scores == expected_scores[check.name], check.name
        flags = [check.decide(score) for score in scores]
        if check.name == "empty":
            assert flags == [None, Flag("empty", "empty source, reference")]
        else:
            assert flags == [None, None], check.name
    assert [r.flags for r in check_rows(rows)] == [(), ()]  # no MT anywhere: only MT-free checks run
    with_mt = find_flags([nothing, promised, row("Polisi datang.", "Police came.", "Police came.")])
    assert with_mt[:2] == [[], [Flag("empty", "empty source, reference")]]


def test_check_rows_orders_flags_keeps_foreign_flags_and_is_idempotent() -> None:
    r = row(
        "Polisi menangkap 5 orang.",
        "Police arrested 6 people people people.",
        "Police arrested five people.",
        align_score=0.2,
        chrf=10.0,
        flags=("low-score", "reviewed"),
    )
    once = check_rows([r])
    assert once[0].flags == ("repetition", "number-mismatch", "low-alignment", "low-score", "reviewed")
    assert check_rows(once) == once
    assert count_flags(once)["reviewed"] == 1 and count_flags(once)["empty"] == 0


# ---------------------------------------------------------------------------
# UD PUD: professional translations should rarely be flagged


def _pud_rows() -> list[AlignedRow]:
    if not PUD.exists():
        pytest.skip(f"{PUD} not found (shared data is beside the repo, ../shared/data)")
    with PUD.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    return [AlignedRow((i,), (i,), r[1], r[2], r[2]) for i, r in enumerate(records, start=1)]


def test_flags_rarely_fire_on_professional_translations() -> None:
    rows = _pud_rows()
    counts = count_flags(check_rows(rows))
    # entity-missing is a review cue (3% allows exonyms the table lacks); the others
    # must essentially never fire on good translations.
    assert counts["entity-missing"] <= 0.03 * len(rows), counts
    for name in ("untranslated", "repetition", "number-mismatch", "length-ratio", "empty"):
        assert counts[name] <= 0.005 * len(rows), counts


def test_flags_catch_corrupted_professional_translations() -> None:
    rows = _pud_rows()[:200]
    copies = check_rows([replace(r, mt=r.source) for r in rows])
    assert sum("untranslated" in r.flags for r in copies) >= 0.95 * len(rows)
    with_digits = [r for r in rows if any(c.isdigit() for c in r.mt)]
    bumped = check_rows([replace(r, mt=r.mt + " 987654") for r in with_digits])
    assert all("number-mismatch" in r.flags for r in bumped)


# ---------------------------------------------------------------------------
# CLI


@pytest.fixture()
def aligned_tsv(tmp_path: Path) -> Path:
    path = tmp_path / "aligned.tsv"
    write_aligned_tsv(
        path,
        [
            row("Polisi menangkap 5 orang.", "Police arrested 5 people.", "Police arrested five people.",
                align_score=0.9, chrf=60.0, bleu=30.0),
            row("Harga Rp 12,5 miliar.", "Price Rp 12.5 million.", "It cost 12.5 billion rupiah.",
                align_score=0.8, chrf=40.0, bleu=10.0),
            AlignedRow((3,), (), "Kalimat tanpa pasangan.", "", ""),
        ],
    )
    return path


runner = CliRunner()


def test_cli_check_writes_the_tsv_to_stdout_and_counts_to_stderr(aligned_tsv: Path) -> None:
    result = runner.invoke(app, ["check", str(aligned_tsv)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[-1] == "flags"
    assert [line.split("\t")[-1] for line in lines[1:]] == ["", "number-mismatch", "empty"]
    assert "number-mismatch 1" in result.stderr and "empty 1" in result.stderr


def test_cli_check_output_and_in_place(aligned_tsv: Path, tmp_path: Path) -> None:
    out = tmp_path / "checked.tsv"
    assert runner.invoke(app, ["check", str(aligned_tsv), "-o", str(out)]).exit_code == 0
    assert read_aligned_tsv(out)[1].flags == ("number-mismatch",)
    assert read_aligned_tsv(aligned_tsv)[1].flags == ()
    result = runner.invoke(app, ["check", str(aligned_tsv), "--in-place", "--low-chrf", "50"])
    assert result.exit_code == 0, result.output
    assert read_aligned_tsv(aligned_tsv)[1].flags == ("number-mismatch", "low-score")
    assert result.stdout == ""
    assert list(tmp_path.glob(".*.tmp")) == []


def test_cli_check_json_parses(aligned_tsv: Path) -> None:
    result = runner.invoke(app, ["check", str(aligned_tsv), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["rows"] == 3 and payload["flagged"] == 2
    assert payload["counts"]["number-mismatch"] == 1
    flagged = payload["flagged_rows"]
    assert [f["row"] for f in flagged] == [2, 3]
    assert "12,5 miliar" in flagged[0]["details"]["number-mismatch"]


def test_cli_check_refuses_conflicting_options(aligned_tsv: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(aligned_tsv), "--in-place", "-o", str(tmp_path / "x.tsv")])
    assert result.exit_code == 1
    assert "not both" in result.stderr
    assert not (tmp_path / "x.tsv").exists()
    assert runner.invoke(app, ["check", str(aligned_tsv), "--low-align", "2"]).exit_code == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"bead\tsrc_ids\tsource\n1-1\t1\tx\n", "line 1: missing column(s)"),
        (
            b"bead\tsrc_ids\tref_ids\tsource\tmt\treference\talign_score\tchrf\tbleu\tflags\n1-1\t1\t1\tx\ty\n",
            "line 2: 5 columns",
        ),
        (
            b"bead\tsrc_ids\tref_ids\tsource\tmt\treference\talign_score\tchrf\tbleu\tflags\n"
            b"1-1\t1\t1\tBelarusia\t\xe9\tz\t\t\t\t\n",
            "not valid UTF-8 (line 2",
        ),
    ],
)
def test_cli_check_bad_input_names_the_line_and_writes_nothing(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(content)
    out = tmp_path / "out.tsv"
    result = runner.invoke(app, ["check", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not out.exists()
    assert bad.read_bytes() == content
    assert runner.invoke(app, ["check", str(bad), "--in-place"]).exit_code == 2
    assert bad.read_bytes() == content


def test_cli_check_help_has_examples() -> None:
    result = runner.invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and "selaras check aligned.tsv" in result.stdout


def test_document_without_any_mt_gets_only_alignment_flags():
    """An aligned TSV made without MT is not 'empty' on every row; weak beads still show."""
    rows = [
        AlignedRow(src_ids=(1,), ref_ids=(1,), source="Saya suka kopi.", mt="", reference="I like coffee.", align_score=0.9),
        AlignedRow(src_ids=(2,), ref_ids=(2,), source="Dia pergi.", mt="", reference="He left.", align_score=0.2),
    ]
    assert [r.flags for r in check_rows(rows)] == [(), ("low-alignment",)]
