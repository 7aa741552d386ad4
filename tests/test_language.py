"""selaras.language: Indonesian vs English by function words.

UD PUD gives 1000 professional sentence pairs: paragraphs of them must be told apart
without a miss, and single sentences must never be named the wrong language
(``None`` is allowed: short texts are not guessed).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from selaras.checks import ID_FUNCTION_WORDS as CHECKS_ID_WORDS
from selaras.language import (
    EN_FUNCTION_WORDS,
    ID_FUNCTION_WORDS,
    ID_LANGUAGE_WORDS,
    MAX_WORDS,
    LanguageGuess,
    count_function_words,
    detect_language,
)

PUD = Path(__file__).resolve().parents[2] / "shared" / "data" / "ud-pud" / "id-en.tsv"


def _pud_pairs() -> list[tuple[str, str]]:
    if not PUD.exists():
        pytest.skip(f"{PUD} not found (shared data is beside the repo, ../shared/data)")
    with PUD.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    return [(r[1], r[2]) for r in records]


def test_word_lists_do_not_overlap_and_checks_reuse_them() -> None:
    assert not ID_LANGUAGE_WORDS & EN_FUNCTION_WORDS
    assert ID_FUNCTION_WORDS <= ID_LANGUAGE_WORDS
    assert CHECKS_ID_WORDS is ID_FUNCTION_WORDS


def test_pud_paragraphs_are_told_apart_without_a_miss() -> None:
    pairs = _pud_pairs()
    size = 5
    for start in range(0, len(pairs), size):
        chunk = pairs[start : start + size]
        assert detect_language([s for s, _ in chunk]).lang == "id", chunk
        assert detect_language([e for _, e in chunk]).lang == "en", chunk


def test_pud_sentences_are_never_named_the_wrong_language() -> None:
    pairs = _pud_pairs()
    source = [detect_language(s).lang for s, _ in pairs]
    english = [detect_language(e).lang for _, e in pairs]
    assert "en" not in source and "id" not in english
    # Most single sentences hold enough evidence; the rest are None, not guesses.
    assert source.count("id") >= 0.75 * len(pairs)
    assert english.count("en") >= 0.9 * len(pairs)


def test_a_whole_pud_document_is_cheap_and_clear() -> None:
    pairs = _pud_pairs()
    indonesian = detect_language([s for s, _ in pairs])
    english = detect_language([e for _, e in pairs])
    assert (indonesian.lang, english.lang) == ("id", "en")
    assert indonesian.words == english.words == MAX_WORDS  # reading stops at the cap
    assert indonesian.share > 0.95 and english.share > 0.95


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Polisi datang ke rumah itu dan pergi.", "id"),
        ("The police came to the house and left.", "en"),
        ('"Yang benar saja," kata dia.', "id"),  # a capitalised function word opening a sentence counts
        ("It's what they said to him.", "en"),  # "it's" is read as "it"
        # too little evidence: None, never a guess
        ("", None),
        ("Ya.", None),
        ("Terima kasih banyak.", None),
        ("Police came.", None),
        ("Foto: Reuters/Ahmad Yusuf", None),
        ("Joko Widodo, Jakarta, 2020", None),
        ("Ini terjadi di Amerika Serikat.", None),  # two function words only
        # capitals inside a sentence are names and titles, not evidence
        ("Kata AS, Dan Brown datang.", None),
        ('Lagu "Over My Head Is The Way" diputar.', None),
        # mixed: neither language has 80% of the evidence
        ("Dia bilang the deal is done dan akan diumumkan.", None),
    ],
)
def test_short_texts(text: str, lang: str | None) -> None:
    assert detect_language(text).lang == lang


def test_a_text_and_its_sentences_give_the_same_guess() -> None:
    sentences = ["Polisi datang ke rumah itu.", "Mereka tidak menemukan apa-apa di sana."]
    assert detect_language(sentences) == detect_language(" ".join(sentences))
    assert detect_language(sentences).lang == "id"


def test_guess_fields_and_summary() -> None:
    guess = detect_language("Presiden mengatakan bahwa pemerintah akan mengambil langkah yang tegas.")
    assert guess == LanguageGuess("id", id_words=3, en_words=0, words=9)
    assert guess.evidence == 3 and guess.share == 1.0
    assert guess.describe() == "Indonesian (3 id vs 0 en function words)"
    assert LanguageGuess(None).share == 0.0
    assert LanguageGuess(None).describe() == "unknown language (0 id vs 0 en function words)"


def test_thresholds_can_be_tightened_and_reading_is_capped() -> None:
    text = "Polisi datang ke rumah itu dan pergi."
    assert detect_language(text, min_evidence=4).lang is None
    assert detect_language(text, min_evidence=3).lang == "id"
    mixed = "Dia datang ke rumah itu and the dog."  # 3 id vs 2 en
    assert detect_language(mixed, min_share=0.6).lang == "id"
    assert detect_language(mixed).lang is None
    assert count_function_words(["yang dan di"] * 100, max_words=10) == (10, 0, 10)
