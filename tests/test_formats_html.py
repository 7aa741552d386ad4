"""HTML pages: text nodes and readable attributes translated, the rest of the DOM kept."""

from __future__ import annotations

import lxml.html
import pytest

from selaras.errors import InputError
from selaras.formats.base import unchanged
from selaras.formats.html import HTML, declared_charset

from formats_helpers import translate_word_for_word

PAGE = """<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>Judul halaman</title><style>p { color: red; }</style></head>
<body>
<h1>Berita <i>hari</i> ini</h1>
<p>Saya <b>suka</b> kopi. Dia membaca <code>ls -l</code> buku.<br>Baris dua <a href="x.html" title="Tautan ke sana">di sini</a>.</p>
<div>Teks div <p>Paragraf dalam</p> ekor div</div>
<img src="a.png" alt="Gambar kucing"><input placeholder="Cari berita" aria-label="Kotak cari">
<p translate="no">Jangan terjemahkan ini</p>
<pre>kode   tetap
  di sini</pre>
<p>Tekan <kbd>Ctrl</kbd> sekarang.</p>
<script>var x = "Saya suka kopi";</script>
<!-- komentar tetap -->
</body></html>
"""


def dom(data: bytes) -> list[tuple[str, tuple[str, ...]]]:
    """Every element's tag and attribute names, in document order."""
    root = lxml.html.document_fromstring(data)
    return [(str(e.tag), tuple(sorted(e.attrib))) for e in root.iter()]


def test_an_untranslated_round_trip_is_identical() -> None:
    extracted = HTML.extract(PAGE.encode(), "a.html")
    assert extracted.rebuild([unchanged(u) for u in extracted.units]) == PAGE.encode()


def test_text_and_attributes_are_translated_and_the_dom_is_kept() -> None:
    out = translate_word_for_word(HTML.extract(PAGE.encode(), "a.html"))
    assert dom(out) == dom(PAGE.encode())
    page = out.decode()
    root = lxml.html.document_fromstring(out)
    assert root.get("lang") == "en"
    assert root.findtext(".//title") == "JUDUL HALAMAN"
    assert "<h1>BERITA <i>HARI</i> INI</h1>" in page
    assert "<b>SUKA</b>" in page and '<a href="x.html" title="TAUTAN KE SANA">DI SINI</a>' in page
    assert 'alt="GAMBAR KUCING"' in page and 'placeholder="CARI BERITA"' in page and 'aria-label="KOTAK CARI"' in page
    for kept in (
        "<code>ls -l</code>",
        "<kbd>Ctrl</kbd>",
        '<p translate="no">Jangan terjemahkan ini</p>',
        "<pre>kode   tetap\n  di sini</pre>",
        '<script>var x = "Saya suka kopi";</script>',
        "<style>p { color: red; }</style>",
        "<!-- komentar tetap -->",
    ):
        assert kept in page, kept
    assert "TEKS DIV <p>PARAGRAF DALAM</p> EKOR DIV" in page


def test_the_declared_charset_is_read_and_written() -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Kafe di Bogor, cukup.</p></body></html>'
    data = page.encode("iso-8859-1")
    assert declared_charset(data) == "iso8859-1"
    out = translate_word_for_word(HTML.extract(data, "a.html"), change=lambda w: w.replace("Kafe", "Café"))
    assert "Café".encode("iso-8859-1") in out
    assert out.decode("iso-8859-1").count("<p>") == 1


def test_a_page_not_in_its_declared_charset_is_one_clear_error() -> None:
    data = '<html><head><meta charset="utf-8"></head><body><p>Kafé</p></body></html>'.encode("iso-8859-1")
    with pytest.raises(InputError, match=r"declares the charset utf-8 but is not written in it \(line 1"):
        HTML.extract(data, "a.html")
    with pytest.raises(InputError, match="unknown charset"):
        HTML.extract(b'<meta charset="klingon"><p>Halo</p>', "a.html")


def test_a_fragment_stays_a_fragment() -> None:
    data = "<p>Saya <em>suka</em> kopi.</p>\n<p>Dia membaca.</p>".encode()
    extracted = HTML.extract(data, "a.html")
    assert extracted.rebuild([unchanged(u) for u in extracted.units]) == data
    assert translate_word_for_word(extracted) == "<p>SAYA <em>SUKA</em> KOPI.</p>\n<p>DIA MEMBACA.</p>".encode()


def test_external_entities_are_never_fetched(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("RAHASIA")
    data = f'<!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]><html><body><p>Halo &x; teman.</p></body></html>'.encode()
    out = translate_word_for_word(HTML.extract(data, "a.html"))
    assert b"RAHASIA" not in out


def test_a_real_page_keeps_its_dom_and_scripts(tmp_path) -> None:
    """Selaras' own review page: forms, buttons, an SVG, inline script and style."""
    import re
    from pathlib import Path

    from typer.testing import CliRunner

    from selaras.cli import app

    aligned = Path(__file__).resolve().parents[1] / "alignments" / "belarus-2020" / "aligned.tsv"
    page = tmp_path / "review.html"
    result = CliRunner().invoke(app, ["review", str(aligned), "--html", str(page)])
    assert result.exit_code == 0, result.output
    data = page.read_bytes()
    out = translate_word_for_word(HTML.extract(data, "review.html"))
    assert dom(out) == dom(data)
    scripts = re.compile(rb"<(script|style)\b.*?</\1>", re.DOTALL)
    assert [m.group() for m in scripts.finditer(out)] == [m.group() for m in scripts.finditer(data)]


@pytest.mark.parametrize("depth", [260, 10_000])
@pytest.mark.parametrize("page", [True, False], ids=["page", "fragment"])
def test_markup_nested_deeper_than_the_parser_reads_is_refused_not_cut_short(depth: int, page: bool) -> None:
    """The audit: 10,000 nested divs came back as 254 with the inner text and the next
    paragraph gone, exit 0; 260 without earlier text said "no text to translate"."""
    body = "<div>" * depth + "Dia membaca buku." + "</div>" * depth + "<p>Saya suka kopi.</p>"
    text = f"<html><body>{body}</body></html>" if page else body
    with pytest.raises(InputError, match=r"nests elements more than 255 deep .*the text inside would be lost"):
        HTML.extract(text.encode(), "deep.html")


def test_markup_nested_within_the_limit_keeps_every_sentence() -> None:
    body = "<div>" * 200 + "Dia membaca buku." + "</div>" * 200 + "<p>Saya suka kopi.</p>"
    out = translate_word_for_word(HTML.extract(f"<html><body>{body}</body></html>".encode(), "ok.html")).decode()
    assert "DIA MEMBACA BUKU." in out and "SAYA SUKA KOPI." in out


def test_a_page_without_a_doctype_gains_none() -> None:
    """lxml reports an implied HTML 4.0 Transitional DOCTYPE; the output keeps the input's (none)."""
    page = '<html lang="id"><body><p>Saya suka kopi.</p></body></html>'
    out = translate_word_for_word(HTML.extract(page.encode(), "a.html")).decode()
    assert "DOCTYPE" not in out.upper() and "SAYA SUKA KOPI." in out
    with_one = "<!DOCTYPE html>\n" + page
    assert translate_word_for_word(HTML.extract(with_one.encode(), "a.html")).decode().startswith("<!DOCTYPE html>")
