"""Word documents: every paragraph translated; styles, runs, tables, images kept; bad files refused."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.shared import Inches

from selaras.errors import InputError
from selaras.formats import docx as docx_format
from selaras.formats.base import unchanged
from selaras.formats.docx import DOCX

from formats_helpers import translate_word_for_word

FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:id="1"><w:p><w:r><w:t>Catatan kaki di sini.</w:t></w:r></w:p></w:footnote></w:footnotes>'
)


def png() -> bytes:
    """A 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


def with_footnotes(data: bytes) -> bytes:
    """The package with a footnotes part (python-docx cannot write one)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            if item.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFoot" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
                )
            target.writestr(item, content)
        target.writestr("word/footnotes.xml", FOOTNOTES)
    return out.getvalue()


def make_document() -> bytes:
    document = docx.Document()
    document.add_heading("Judul laporan", 1)
    paragraph = document.add_paragraph("Saya ")
    paragraph.add_run("suka").bold = True
    paragraph.add_run(" kopi. Dia membaca ")
    paragraph.add_run("buku").italic = True
    paragraph.add_run(".")
    document.add_paragraph("Butir pertama", style="List Bullet")
    document.add_paragraph("Butir kedua", style="List Number")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Sel satu"
    table.cell(0, 1).text = "Sel dua"
    document.add_picture(io.BytesIO(png()), width=Inches(1))
    document.sections[0].header.paragraphs[0].text = "Kepala halaman"
    document.sections[0].footer.paragraphs[0].text = "Kaki halaman"
    out = io.BytesIO()
    document.save(out)
    return with_footnotes(out.getvalue())


def shape(data: bytes) -> list[tuple[str, list[tuple[bool | None, bool | None]]]]:
    """Each body paragraph's style and its text runs' bold/italic."""
    document = docx.Document(io.BytesIO(data))
    return [(p.style.name, [(r.bold, r.italic) for r in p.runs if r.text]) for p in document.paragraphs]


def texts(data: bytes) -> dict[str, list[str]]:
    document = docx.Document(io.BytesIO(data))
    notes = zipfile.ZipFile(io.BytesIO(data)).read("word/footnotes.xml").decode()
    return {
        "body": [p.text for p in document.paragraphs],
        "cells": [c.text for row in document.tables[0].rows for c in row.cells],
        "header": [p.text for p in document.sections[0].header.paragraphs],
        "footer": [p.text for p in document.sections[0].footer.paragraphs],
        "footnotes": [notes],
    }


def test_an_untranslated_round_trip_keeps_every_part() -> None:
    data = make_document()
    extracted = DOCX.extract(data, "a.docx")
    out = extracted.rebuild([unchanged(u) for u in extracted.units])
    assert texts(out) == texts(data) and shape(out) == shape(data)
    before, after = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(out))
    assert sorted(before.namelist()) == sorted(after.namelist())
    media = [n for n in before.namelist() if n.startswith("word/media/")]
    assert media and all(before.read(n) == after.read(n) for n in media)


def test_every_paragraph_is_translated_and_the_formatting_kept() -> None:
    data = make_document()
    out = translate_word_for_word(DOCX.extract(data, "a.docx"))
    found = texts(out)
    assert found["body"][:4] == ["JUDUL LAPORAN", "SAYA SUKA KOPI. DIA MEMBACA BUKU.", "BUTIR PERTAMA", "BUTIR KEDUA"]
    assert found["cells"] == ["SEL SATU", "SEL DUA"]
    assert found["header"] == ["KEPALA HALAMAN"] and found["footer"] == ["KAKI HALAMAN"]
    assert "CATATAN KAKI DI SINI." in found["footnotes"][0]
    assert shape(out) == shape(data)  # styles, and the runs' bold/italic in order
    runs = docx.Document(io.BytesIO(out)).paragraphs[1].runs
    assert [r.text for r in runs if r.bold] == ["SUKA"] and [r.text for r in runs if r.italic] == ["BUKU"]
    assert len(docx.Document(io.BytesIO(out)).inline_shapes) == 1  # the image is still there


def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_bad_documents_are_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    archive = zipfile.ZipFile(io.BytesIO(make_document()))
    good = {name: archive.read(name) for name in archive.namelist()}
    cases = [
        (b"Saya suka kopi.", "is not a .docx"),
        (docx_format.OLE_MAGIC + b"\x00" * 100, "is encrypted"),
        (zipped({"a.txt": b"x"}), "not a Word document"),
        (
            zipped({**good, "[Content_Types].xml": good["[Content_Types].xml"].replace(b"document.main+xml", b"document.macroEnabled.main+xml")}),
            "contains macros",
        ),
        (zipped({**good, "word/vbaProject.bin": b"\x00"}), "contains macros"),
        (
            zipped({**good, "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                    + good["word/document.xml"].split(b"?>", 1)[1]}),
            "part word/document.xml declares a DTD or entities",
        ),
        (zipped({**good, "word/bomb.xml": b"\x00" * (5 * 1024 * 1024)}), "part word/bomb.xml expands"),
    ]
    for data, message in cases:
        with pytest.raises(InputError, match=message):
            DOCX.extract(data, "a.docx")
    monkeypatch.setattr(docx_format, "MAX_ENTRIES", 5)
    with pytest.raises(InputError, match="zip entries"):
        DOCX.extract(zipped(good), "a.docx")
    monkeypatch.setattr(docx_format, "MAX_ENTRIES", 10_000)
    monkeypatch.setattr(docx_format, "MAX_UNCOMPRESSED", 1000)
    with pytest.raises(InputError, match="expands to more than"):
        DOCX.extract(zipped(good), "a.docx")


def test_a_saved_document_is_read_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(make_document())
    from selaras.jobs.inputs import read_sentences

    sentences = read_sentences(path, "id", lines=False)
    assert sentences[0].text == "Judul laporan"
    assert "Catatan kaki di sini." in [s.text for s in sentences]


def test_tabs_and_breaks_inside_a_run_are_kept_and_its_texts_translated() -> None:
    document = docx.Document()
    run = document.add_paragraph().add_run("Halaman")
    run.add_tab()
    run.add_text("satu")
    run.add_break()
    run.add_text("dua")
    out = io.BytesIO()
    document.save(out)
    translated = translate_word_for_word(DOCX.extract(out.getvalue(), "a.docx"))
    xml = zipfile.ZipFile(io.BytesIO(translated)).read("word/document.xml").decode()
    assert xml.count("<w:tab/>") == 1 and xml.count("<w:br/>") == 1
    paragraph = docx.Document(io.BytesIO(translated)).paragraphs[0]
    assert paragraph.text == "HALAMAN\tSATU\nDUA"


def test_a_text_box_inside_a_paragraph_is_translated_too() -> None:
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    v = "urn:schemas-microsoft-com:vml"
    document = docx.Document()
    paragraph = document.add_paragraph("Teks di luar kotak.")
    run = etree.SubElement(paragraph._p, f"{{{w}}}r")
    shape = etree.SubElement(etree.SubElement(run, f"{{{w}}}pict"), f"{{{v}}}shape")
    box = etree.SubElement(etree.SubElement(shape, f"{{{v}}}textbox"), f"{{{w}}}txbxContent")
    inner = etree.SubElement(etree.SubElement(box, f"{{{w}}}p"), f"{{{w}}}r")
    etree.SubElement(inner, f"{{{w}}}t").text = "Teks di dalam kotak."
    out = io.BytesIO()
    document.save(out)
    translated = translate_word_for_word(DOCX.extract(out.getvalue(), "a.docx"))
    xml = zipfile.ZipFile(io.BytesIO(translated)).read("word/document.xml").decode()
    assert "TEKS DI LUAR KOTAK." in xml and "TEKS DI DALAM KOTAK." in xml and "kotak" not in xml
    assert xml.count("txbxContent>") == 2  # the box, once (open and close tags)


def test_a_docx_is_not_written_to_a_terminal(tmp_path: Path) -> None:
    """Without -o a .docx would be zip bytes on the user's screen: refused before any
    model loads (redirecting stdout to a file still works, that is not a terminal)."""
    import os
    import pty
    import subprocess

    from selaras_process import run_selaras

    path = tmp_path / "laporan.docx"
    path.write_bytes(make_document())
    before = path.read_bytes()
    leader, follower = pty.openpty()
    try:
        result = run_selaras("translate", str(path), "--model", str(tmp_path / "none"), stdout=follower, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 2
    assert result.stderr.strip() == "Error: a .docx is a binary file: give -o FILE.docx (or redirect stdout)"
    assert path.read_bytes() == before


def _lying_entry(entries: dict[str, bytes], liar: str, declared: int) -> bytes:
    """A zip whose headers (local and central) claim ``declared`` bytes for ``liar``,
    which holds far more: the sizes a zip bomb lies about."""
    import struct

    data = bytearray(zipped(entries))
    name = liar.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while data[at + name_at : at + name_at + len(name)] != name:
            at = data.find(signature, at + 4)
        struct.pack_into("<I", data, at + size_at, declared)
    return bytes(data)


def test_a_zip_bomb_whose_headers_lie_is_refused_without_inflating_it() -> None:
    """A part declared as 60 kB that holds 64 MiB: refused, with memory far below the
    hidden size (it was inflated whole before: 2.1 GB for a 1 GiB part)."""
    import tracemalloc

    archive = zipfile.ZipFile(io.BytesIO(make_document()))
    good = {name: archive.read(name) for name in archive.namelist()}
    body = good["word/document.xml"].replace(b"</w:body>", b" " * (64 * 1024 * 1024) + b"</w:body>")
    data = _lying_entry({**good, "word/document.xml": body}, "word/document.xml", 60_000)
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="damaged zip|not well-formed|cannot be read"):
            DOCX.extract(data, "bomb.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"peak {peak} bytes while checking a lying zip"


def test_many_small_parts_that_each_expand_1000x_are_a_zip_bomb() -> None:
    """Each part under 1 MiB (the old per-part floor), together far over the ratio."""
    archive = zipfile.ZipFile(io.BytesIO(make_document()))
    good = {name: archive.read(name) for name in archive.namelist()}
    small = {f"word/media/pad{k}.xml": b"\x00" * 200_000 for k in range(40)}
    with pytest.raises(InputError, match="expand over .*x together; refused as a zip bomb"):
        DOCX.extract(zipped({**good, **small}), "a.docx")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_dtd_in_a_utf16_or_utf32_part_is_refused(encoding: str) -> None:
    """``<!DOCTYPE`` hidden from a byte search by another of XML's encodings (the audit's
    UTF-16 part came back as "How are you? " with the entity's sentence gone, exit 0)."""
    archive = zipfile.ZipFile(io.BytesIO(make_document()))
    good = {name: archive.read(name) for name in archive.namelist()}
    text = good["word/document.xml"].decode("utf-8").split("?>", 1)[1]
    declared = encoding.split("-")[0].upper() + "-" + encoding.split("-")[1] if "-" in encoding else encoding
    xml = f'<?xml version="1.0" encoding="{declared}"?><!DOCTYPE x [<!ENTITY xxe "boom">]>' + text
    with pytest.raises(InputError, match="declares a DTD or entities"):
        DOCX.extract(zipped({**good, "word/document.xml": xml.encode(encoding)}), "a.docx")


def test_a_part_in_an_encoding_the_check_cannot_read_is_refused() -> None:
    archive = zipfile.ZipFile(io.BytesIO(make_document()))
    good = {name: archive.read(name) for name in archive.namelist()}
    xml = good["word/document.xml"].replace(b"encoding='UTF-8'", b"encoding='UTF-7'", 1)
    assert xml != good["word/document.xml"]
    with pytest.raises(InputError, match="declares the encoding UTF-7"):
        DOCX.extract(zipped({**good, "word/document.xml": xml}), "a.docx")
