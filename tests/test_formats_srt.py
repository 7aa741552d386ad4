"""SRT subtitles: numbers and timings kept, text shared out by length and wrapped."""

from __future__ import annotations

import re

import pytest

from selaras.formats.documents import rebuild_document, unit_sentences
from selaras.errors import InputError
from selaras.formats.base import unchanged
from selaras.formats.srt import MAX_LINE, SRT, parse_srt, wrap_cue
from selaras.records import Translation

from formats_helpers import translate_word_for_word

SUBTITLES = """1
00:00:01,000 --> 00:00:03,000
Saya suka kopi dan
teh manis

2
00:00:03,500 --> 00:00:05,000 X1:10 X2:20
di pagi hari.

3
00:00:06,000 --> 00:00:08,250
Dia membaca buku.
"""
TIMING = re.compile(r"^\d\d:\d\d:\d\d,\d{3} --> .*$", re.MULTILINE)


def test_an_untranslated_round_trip_is_identical() -> None:
    for text in (SUBTITLES, SUBTITLES.replace("\n", "\r\n")):
        data = b"\xef\xbb\xbf" + text.encode()
        extracted = SRT.extract(data, "a.srt")
        assert extracted.rebuild([unchanged(u) for u in extracted.units]) == data


def test_a_sentence_over_two_cues_is_translated_once_and_shared_out() -> None:
    extracted = SRT.extract(SUBTITLES.encode(), "a.srt")
    sentences = unit_sentences(extracted)
    assert [s.text for s in sentences] == ["Saya suka kopi dan teh manis di pagi hari.", "Dia membaca buku."]
    english = {
        sentences[0].text: "I like coffee and sweet tea in the morning, every single day of the week.",
        sentences[1].text: "She reads a book.",
    }
    out = rebuild_document(extracted, sentences, [Translation(s.text, english[s.text]) for s in sentences], "length")
    text = out.decode()
    assert TIMING.findall(text) == TIMING.findall(SUBTITLES)  # timings (and position settings) unchanged
    cues = parse_srt(text, "out.srt")
    assert [c.number for c in cues] == [1, 2, 3]
    assert " ".join(c.text for c in cues[:2]) == english[sentences[0].text]  # every word once, in order
    assert cues[0].text and cues[1].text
    assert len(cues[0].text) > len(cues[1].text)  # the first cue had more of the source
    assert cues[2].text == "She reads a book."
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")[2:]
        assert 1 <= len(lines) <= 2 and all(len(line) <= MAX_LINE for line in lines)


def test_wrapping_keeps_two_balanced_lines_of_at_most_42() -> None:
    assert wrap_cue("Short line.") == ["Short line."]
    two = wrap_cue("It has been raining since the early morning, so the streets are wet.")
    assert len(two) == 2 and all(len(line) <= 42 for line in two)
    assert abs(len(two[0]) - len(two[1])) < 12
    long = wrap_cue("word " * 30)
    assert len(long) > 2 and all(len(line) <= 42 for line in long) and " ".join(long) == ("word " * 30).strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1\n00:00:01,000 -> 00:00:02,000\nHalo\n", r"line 2: broken timing"),
        ("1\n00:00:61,000 --> 00:00:62,000\nHalo\n", r"line 2: broken timing"),
        ("satu\n00:00:01,000 --> 00:00:02,000\nHalo\n", r"line 1: expected a cue number"),
        ("1\n00:00:05,000 --> 00:00:02,000\nHalo\n", r"line 2: cue 1 ends before it starts"),
        ("1\n00:00:01,000 --> 00:00:02,000\nHalo\n\n2\n", r"line 5: cue 2 has no timing line"),
        ("", r"no subtitle cues"),
    ],
)
def test_broken_subtitles_are_one_clear_error_with_the_line(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        SRT.extract(text.encode(), "a.srt")


def test_markup_around_a_whole_cue_is_kept_and_not_translated() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>Saya suka\nkopi.</i>\n\n2\n00:00:03,000 --> 00:00:04,000\n<font color=\"red\">Terima kasih.</font>\n"
    extracted = SRT.extract(text.encode(), "a.srt")
    sentences = unit_sentences(extracted)
    assert [s.text for s in sentences] == ["Saya suka kopi.", "Terima kasih."]
    english = {"Saya suka kopi.": "I like coffee.", "Terima kasih.": "Thank you."}
    out = rebuild_document(extracted, sentences, [Translation(s.text, english[s.text]) for s in sentences], "length").decode()
    assert "{\\an8}<i>I like coffee.</i>\n" in out and '<font color="red">Thank you.</font>\n' in out
    assert extracted.rebuild([unchanged(u) for u in extracted.units]) == text.encode()


def test_every_cue_gets_a_word_when_there_are_enough() -> None:
    text = "".join(
        f"{k}\n00:00:0{k},000 --> 00:00:0{k},900\n{words}\n\n"
        for k, words in enumerate(["Hujan turun sejak pagi yang sangat dingin dan", "jadi", "basah."], start=1)
    )
    extracted = SRT.extract(text.encode(), "a.srt")
    sentences = unit_sentences(extracted)
    out = rebuild_document(extracted, sentences, [Translation(sentences[0].text, "It rained, so wet.")], "length")
    cues = parse_srt(out.decode(), "b.srt")
    assert all(c.text for c in cues) and " ".join(c.text for c in cues) == "It rained, so wet."


def test_a_cue_after_a_missing_blank_line_is_still_a_cue() -> None:
    """The audit: cue 2's number and timing were read as text of cue 1, one cue came out, exit 0."""
    text = "1\n00:00:01,000 --> 00:00:02,000\nSaya suka kopi.\n2\n00:00:03,000 --> 00:00:04,000\nDia membaca buku.\n"
    extracted = SRT.extract(text.encode(), "a.srt")
    assert [u.text for u in extracted.units] == ["Saya suka kopi.", "Dia membaca buku."]
    out = translate_word_for_word(extracted).decode()
    assert out == text.replace("Saya suka kopi.", "SAYA SUKA KOPI.").replace("Dia membaca buku.", "DIA MEMBACA BUKU.")
