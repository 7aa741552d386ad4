"""Markdown documents: structure from markdown-it-py, text replaced in place."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from selaras.formats.documents import rebuild_document, unit_sentences
from selaras.errors import InputError
from selaras.formats import format_name, load_format
from selaras.formats.base import unchanged
from selaras.formats.markdown import MARKDOWN
from selaras.records import Translation

from formats_helpers import translate_word_for_word

SOURCE = """---
title: Artikel *bukan* markdown
---
# Judul *miring* #

> Saya **suka** kopi.
> Dia [membaca](http://contoh.id/buku "Judul tautan") `kode_tetap`.

- satu <https://contoh.id>
- dua <b>tebal</b> ![gambar kucing](kucing.png)
  1. bersarang di sini

```python
print("kode tetap")
```

    kode berindentasi

<div>
blok HTML tetap
</div>

| kolom satu | kolom dua |
|---|---|
| isi satu | isi dua |

Judul dua
---------

Kalimat dengan rujukan [tautan][ref].

[ref]: http://contoh.id/ref
"""


def upper(extracted) -> bytes:
    return translate_word_for_word(extracted)


def token_types(text: str) -> list[str]:
    """Block and inline token types; a soft line break counts as text (a translated
    paragraph is written on one line) and adjacent text tokens as one."""
    md = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    out: list[str] = []
    for token in md.parse(text):
        out.append(token.type)
        for child in token.children or []:
            kind = "text" if child.type == "softbreak" else child.type
            if not (kind == "text" and out[-1:] == ["text"]):
                out.append(kind)
    return out


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_an_untranslated_round_trip_is_byte_identical(newline: str, bom: bytes) -> None:
    data = bom + SOURCE.replace("\n", newline).encode("utf-8")
    extracted = MARKDOWN.extract(data, "a.md")
    assert len(extracted.units) >= 10
    assert extracted.rebuild([unchanged(u) for u in extracted.units]) == data


def test_translated_text_keeps_every_token_and_every_untouchable_byte() -> None:
    out = upper(MARKDOWN.extract(SOURCE.encode(), "a.md")).decode()
    assert token_types(out) == token_types(SOURCE)
    for kept in (
        "---\ntitle: Artikel *bukan* markdown\n---\n",
        '```python\nprint("kode tetap")\n```',
        "    kode berindentasi",
        "<div>\nblok HTML tetap\n</div>",
        "`kode_tetap`",
        "<https://contoh.id>",
        "![gambar kucing](kucing.png)",
        "<b>",
        "[ref]: http://contoh.id/ref",
        '(http://contoh.id/buku "Judul tautan")',
    ):
        assert kept in out, kept
    for translated in ("# JUDUL *MIRING* #", "**SUKA**", "| KOLOM SATU | KOLOM DUA |", "| ISI SATU | ISI DUA |", "JUDUL DUA\n---"):
        assert translated in out, translated
    assert "Saya" not in out and "bersarang" not in out


def test_an_unsure_alignment_keeps_every_span_once_around_its_sentence() -> None:
    source = "Saya **suka** kopi. Dia [membaca](http://x.id) `kode`.\n"
    extracted = MARKDOWN.extract(source.encode(), "a.md")
    sentences = unit_sentences(extracted)
    plain = [Translation(s.text, s.text.upper()) for s in sentences]  # no alignment at all
    out = rebuild_document(extracted, sentences, plain, "alignment").decode()
    assert out.startswith("**SAYA SUKA KOPI.** [DIA MEMBACA")
    assert out.count("**") == 2 and out.count("](http://x.id)") == 1 and out.count("`kode`") == 1
    markup = lambda text: sorted(t for t in token_types(text) if t != "text")  # noqa: E731
    assert markup(out) == markup(source)


def test_markdown_characters_in_a_translation_are_escaped() -> None:
    extracted = MARKDOWN.extract(b"Saya suka kopi.\n", "a.md")
    sentences = unit_sentences(extracted)
    out = rebuild_document(extracted, sentences, [Translation(sentences[0].text, "# I *like* [coffee]")], "alignment")
    assert out == b"\\# I \\*like\\* \\[coffee\\]\n"
    assert token_types(out.decode()) == token_types("Saya suka kopi.\n")


def test_the_format_is_chosen_by_extension_or_by_name() -> None:
    assert format_name("a.md") == "md" and format_name("A.MARKDOWN") == "md"
    assert format_name("a.txt") == "txt" and format_name("notes") == "txt"
    assert format_name("a.txt", "markdown") == "md"
    assert load_format("md") is MARKDOWN and load_format("txt") is None
    with pytest.raises(InputError, match="unknown format 'pdf'"):
        format_name("a.pdf", "pdf")


def test_markdown_that_is_not_utf8_is_one_clear_error() -> None:
    with pytest.raises(InputError, match="not valid UTF-8"):
        MARKDOWN.extract("Saya suka kopi é.".encode("latin-1"), "a.md")
