"""An unsure word alignment puts a span around its sentence: "unsure" must mean unsure.

The audit (a newcomer's first Markdown link): ``Dia membaca buku di
[perpustakaan](https://x).`` came back as ``She reads a book [in](https://x) the
library.`` with the tiny test model, whose attention says nothing about words: one
strong link from the last piece of "per|pust|akaan" to "in" passed every check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from selaras.formats.inline import aligned_range
from selaras.records import Translation


def _translation(source: str, text: str, src_pieces, tgt_pieces, links) -> Translation:
    return Translation(
        source=source, text=text, source_pieces=tuple(src_pieces), target_pieces=tuple(tgt_pieces),
        alignment=tuple((s, t) for s, t, _ in links), alignment_weights=tuple(w for _, _, w in links),
    )


def test_one_strong_link_from_a_long_words_last_piece_is_unsure() -> None:
    source = "Dia membaca buku di perpustakaan."
    t = _translation(
        source, "She reads a book in the library.",
        ["▁Dia", "▁mem", "baca", "▁buku", "▁di", "▁per", "pust", "akaan", "."],
        ["▁She", "▁reads", "▁a", "▁book", "▁in", "▁the", "▁li", "brary", "."],
        [(0, 0, 0.9), (2, 1, 0.9), (3, 3, 0.9), (7, 4, 0.71), (8, 8, 0.9)],
    )
    start = source.index("perpustakaan")
    assert aligned_range(source, start, start + len("perpustakaan"), t) is None


def test_a_word_whose_attention_covers_its_neighbours_english_is_unsure() -> None:
    """"Dia" -> "She drinks": both links strong, both back into the span, but one word
    cannot be two English words (unless the first is an article)."""
    source = "Dia minum teh."
    t = _translation(source, "She drinks tea.", ["▁Dia", "▁minum", "▁teh", "."], ["▁She", "▁drinks", "▁tea", "."],
                     [(0, 0, 1.0), (0, 1, 1.0), (2, 2, 0.9), (3, 3, 0.9)])
    assert aligned_range(source, 0, 3, t) is None
    article = _translation("Dia membaca buku.", "She reads a book.", ["▁Dia", "▁membaca", "▁buku", "."],
                           ["▁She", "▁reads", "▁a", "▁book", "."], [(0, 0, 0.9), (1, 1, 0.9), (2, 2, 0.9), (2, 3, 0.9), (3, 4, 0.9)])
    at = "Dia membaca buku.".index("buku")
    found = aligned_range("Dia membaca buku.", at, at + 4, article)
    assert found is not None and "She reads a book."[found[0] : found[1]] == "a book"


def test_a_content_word_landing_on_an_article_alone_is_unsure() -> None:
    t = _translation("Dia membaca buku.", "She reads a book.", ["▁Dia", "▁membaca", "▁buku", "."],
                     ["▁She", "▁reads", "▁a", "▁book", "."], [(0, 0, 0.9), (1, 1, 0.9), (2, 2, 0.95), (3, 4, 0.9)])
    at = "Dia membaca buku.".index("buku")
    assert aligned_range("Dia membaca buku.", at, at + 4, t) is None


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("l.md", "Dia membaca buku di [perpustakaan](https://x).\n", "[She reads a book in the library.](https://x)\n"),
    ("l.html", '<p>Dia membaca buku di <a href="https://x">perpustakaan</a>.</p>\n',
     '<p><a href="https://x">She reads a book in the library.</a></p>\n'),
])
def test_the_newcomers_link_goes_around_its_sentence(tiny_trained_model, tmp_path: Path, name: str, text: str, expected: str) -> None:
    from selaras.backends import EngineOptions
    from selaras import translate_file

    model, _pairs = tiny_trained_model
    (tmp_path / name).write_text(text, encoding="utf-8")
    translate_file(tmp_path / name, tmp_path / f"out-{name}", options=EngineOptions(backend="transformers", model=str(model), device="cpu"))
    assert (tmp_path / f"out-{name}").read_text(encoding="utf-8") == expected
