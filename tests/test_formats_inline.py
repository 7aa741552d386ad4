"""Placing inline spans on a translation (selaras.formats.inline): hand-built records."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from selaras.formats.base import Span, Unit, nested, render_spans
from selaras.formats.inline import aligned_range, piece_offsets, place_spans
from selaras.records import Translation
from selaras.segment import split_sentences

COFFEE = Translation(
    source="Saya suka kopi.",
    text="I like coffee.",
    alignment=((0, 0), (1, 1), (2, 2), (3, 3)),
    alignment_weights=(0.9, 0.8, 0.9, 0.95),
    source_pieces=("▁Saya", "▁suka", "▁kopi", "."),
    target_pieces=("▁I", "▁like", "▁coffee", "."),
)


def _place(unit: Unit, translations: list[Translation]):
    return place_spans(unit, split_sentences(unit.text, "id"), translations)


def _texts(done) -> list[str]:
    return [done.text[s.start : s.end] for s in done.spans]


def test_piece_offsets_follow_the_text_and_refuse_what_does_not_fit() -> None:
    assert piece_offsets("I like coffee.", ("▁I", "▁like", "▁coff", "ee", ".")) == [(0, 1), (2, 6), (7, 11), (11, 13), (13, 14)]
    assert piece_offsets("I like coffee.", ("▁I", "▁love")) is None


def test_a_bold_word_lands_on_its_aligned_english_word() -> None:
    unit = Unit("Saya suka kopi.", (Span(10, 14, "b"),))
    done = _place(unit, [COFFEE])
    assert done.text == "I like coffee."
    assert _texts(done) == ["coffee"]


def test_an_unsure_alignment_puts_the_span_around_the_whole_sentence() -> None:
    # "kopi" linked weakly, and to a word at the other end of the sentence: unsure.
    weak = Translation(
        **{**{f: getattr(COFFEE, f) for f in ("source", "text", "source_pieces", "target_pieces")}},
        alignment=((2, 0), (1, 1), (0, 2), (3, 3)),
        alignment_weights=(0.9, 0.9, 0.9, 0.9),
    )
    unit = Unit("Saya suka kopi. Saya suka kopi.", (Span(26, 30, "b"),))
    done = _place(unit, [COFFEE, weak])
    assert done.text == "I like coffee. I like coffee."
    assert _texts(done) == ["I like coffee."]
    assert done.spans[0].start == 15  # the second sentence, not the first
    assert aligned_range("Saya suka kopi.", 10, 14, weak) is None
    no_alignment = Translation(source="Saya suka kopi.", text="I like coffee.")
    assert _texts(_place(Unit("Saya suka kopi.", (Span(10, 14, "b"),)), [no_alignment])) == ["I like coffee."]


def test_an_atomic_span_keeps_its_source_text() -> None:
    unit = Unit("Saya suka kopi.", (Span(10, 14, "code", atomic=True),))
    done = _place(unit, [COFFEE])
    assert done.text == "I like kopi."
    assert _texts(done) == ["kopi"]
    unsure = Translation(source="Saya suka kopi.", text="I like coffee.")
    done = _place(unit, [unsure])
    assert _texts(done) == ["kopi"] and done.text.count("kopi") == 1 and "coffee" in done.text


def test_a_span_over_two_sentences_covers_both_translations() -> None:
    unit = Unit("Saya suka kopi. Saya suka kopi.", (Span(5, 20, "i"),))
    done = _place(unit, [COFFEE, COFFEE])
    assert _texts(done) == ["I like coffee. I like coffee."]


def test_whitespace_around_the_unit_is_kept() -> None:
    done = _place(Unit("\n  Saya suka kopi.\n"), [COFFEE])
    assert done.text == "\n  I like coffee.\n"


def test_length_placement_shares_a_sentence_out_by_length() -> None:
    unit = Unit("Saya suka kopi dan teh.", (Span(0, 14, 0), Span(15, 23, 1)))
    english = Translation(source=unit.text, text="I like coffee and tea very much.")
    done = place_spans(unit, split_sentences(unit.text, "id"), [english], "length")
    parts = [t.strip() for t in _texts(done)]
    assert " ".join(parts) == english.text
    assert all(parts)


words = st.sampled_from(["Saya", "suka", "kopi", "dan", "teh", "manis."])


@st.composite
def units(draw):
    """A unit with random nested spans (some atomic, some empty) and a random alignment."""
    tokens = draw(st.lists(words, min_size=1, max_size=8))
    text = " ".join(tokens) + "."
    n = len(tokens)
    starts = [sum(len(t) + 1 for t in tokens[:k]) for k in range(n)]
    spans: list[Span] = []
    free = [(0, n)]
    for tag in range(draw(st.integers(0, 4))):
        lo, hi = free[draw(st.integers(0, len(free) - 1))]
        a = draw(st.integers(lo, hi))
        b = draw(st.integers(a, hi))
        start = starts[a] if a < n else len(text)
        end = starts[b - 1] + len(tokens[b - 1]) if b > a else start
        atomic = draw(st.booleans())
        spans.append(Span(start, end, tag, atomic=atomic))
        if not atomic:
            free.append((a, b))
        free = [(x, y) for x, y in free if not (x < a < y or x < b < y) or (x, y) == (a, b) or (x <= a and b <= y)]
    target = draw(st.lists(st.sampled_from(["I", "like", "coffee", "and", "sweet", "tea"]), min_size=1, max_size=9))
    pairs = tuple((draw(st.integers(0, n - 1)), t) for t in range(len(target)))
    weights = tuple(draw(st.floats(0, 1)) for _ in target)
    translation = Translation(
        source=text,
        text=" ".join(target) + ".",
        alignment=pairs,
        alignment_weights=weights,
        source_pieces=tuple("▁" + t for t in tokens),
        target_pieces=tuple("▁" + t for t in target),
    )
    return Unit(text, tuple(spans)), translation


@settings(max_examples=300, deadline=None)
@given(units())
def test_every_span_is_placed_once_and_they_nest(case) -> None:
    unit, translation = case
    sentences = split_sentences(unit.text, "id")
    translations = [translation] + [Translation(source=s.text, text="Tea.") for s in sentences[1:]]
    done = place_spans(unit, sentences, translations)
    assert [s.tag for s in done.spans] == [s.tag for s in unit.spans]  # each once, in order
    for span, source in zip(done.spans, unit.spans):
        assert 0 <= span.start <= span.end <= len(done.text)
        if source.atomic:
            assert done.text[span.start : span.end] == unit.text[source.start : source.end]
    for a in done.spans:
        for b in done.spans:
            assert not (a.start < b.start < a.end < b.end), (a, b)
    rendered = render_spans(done, text=str, open_tag=lambda t: f"<{t}>", close_tag=lambda t: f"</{t}>", atomic=lambda t: f"<{t}/>")
    for span in unit.spans:
        marker = f"<{span.tag}/>" if span.atomic else f"<{span.tag}>"
        assert rendered.count(marker) == 1
    assert len(nested(done.spans)) <= len(done.spans)
