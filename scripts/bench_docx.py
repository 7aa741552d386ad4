#!/usr/bin/env python
"""Time to translate a 50-page Word document on the benchmark model, phase by phase.

The document: ``--pages`` pages (default 50), each a heading, five paragraphs of five
UD PUD Indonesian sentences (about 500 words a page) with one bold and one italic
word each, and a 2x2 table; a header and a footer. The model: the random-weight
Marian with the exact opus-mt-id-en architecture (``selaras.devtools.marian``'s
``opus-mt-id-en`` preset), CTranslate2 int8, beam 4, output forced to ``--length``
tokens as in ``bench_translate.py`` (random weights would otherwise stop at once or
run to 512 tokens). Phases: reading the DOCX into units and sentences, translating
(with the word alignment the inline formatting needs, and without it, in that order),
placing the spans and writing the DOCX.

Usage::

    python scripts/bench_docx.py [--pages 50] [--work /tmp/bench-model] [--corpus FILE]

A measurement, not a test: timings depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "data" / "ud-pud" / "id-en.tsv"


def make_docx(sentences: list[str], pages: int) -> bytes:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Laporan tahunan"
    document.sections[0].footer.paragraphs[0].text = "Halaman kaki"
    k = 0
    for page in range(pages):
        document.add_heading(f"Bagian {page + 1}: " + sentences[k % len(sentences)][:40], 1)
        for _ in range(5):
            text = " ".join(sentences[(k + j) % len(sentences)] for j in range(5))
            k += 5
            words = text.split(" ")
            paragraph = document.add_paragraph(" ".join(words[:3]) + " ")
            paragraph.add_run(words[3]).bold = True
            paragraph.add_run(" " + " ".join(words[4:8]) + " ")
            paragraph.add_run(words[8]).italic = True
            paragraph.add_run(" " + " ".join(words[9:]))
        table = document.add_table(rows=2, cols=2)
        for cell, word in zip((c for row in table.rows for c in row.cells), ("Nama", "Jumlah", "Kota", "Tahun")):
            cell.text = word
        document.add_page_break()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--length", type=int, default=35, help="forced output length in tokens (default 35)")
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--work", type=Path, default=None, help="where the benchmark model is (built if missing)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--only", choices=["alignment", "plain"], default=None,
        help="time one variant only (run each in its own process, alternately, on a shared machine)",
    )
    args = parser.parse_args(argv)

    from selaras.backends.ct2 import load_ct2
    from selaras.formats.documents import rebuild_document, unit_sentences
    from selaras.formats.docx import DOCX
    from selaras.devtools.marian import build_random_marian, read_corpus
    from selaras.translator import translate_sentences

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-docx-"))
    model = work / "opus-mt-id-en-random"
    pairs = read_corpus(args.corpus)
    if not (model / "config.json").exists():
        build_random_marian(model, preset="opus-mt-id-en", corpus=pairs, seed=0)
    corpus = [p[0] if isinstance(p, tuple) else p for p in pairs]
    data = make_docx(corpus, args.pages)

    started = time.perf_counter()
    extracted = DOCX.extract(data, "bench.docx")
    sentences = unit_sentences(extracted)
    read_s = time.perf_counter() - started
    backend = load_ct2(str(model), device="cpu", min_decoding_length=args.length, max_decoding_length=args.length)
    texts = [s.text for s in sentences]
    timings: dict[bool, float] = {}
    variants = {None: (True, False), "alignment": (True,), "plain": (False,)}[args.only]
    aligned = None
    for alignment in variants:
        started = time.perf_counter()
        translations = translate_sentences(backend, texts, beams=args.beams, alignment=alignment)
        timings[alignment] = time.perf_counter() - started
        if alignment or aligned is None:
            aligned = translations
    started = time.perf_counter()
    out = rebuild_document(extracted, sentences, aligned, "alignment")
    write_s = time.perf_counter() - started
    words = sum(len(s.split()) for s in texts)
    import docx

    same = len(docx.Document(io.BytesIO(out)).paragraphs) == len(docx.Document(io.BytesIO(data)).paragraphs)
    if args.only:
        print(f"variant={args.only} sentences={len(texts)} translate_s={timings[args.only == 'alignment']:.1f} "
              f"read_s={read_s:.2f} place_and_write_s={write_s:.2f} same_paragraphs={same}")
        return 0
    print(
        f"pages={args.pages} docx_bytes={len(data)} units={len(extracted.units)} sentences={len(texts)} words={words} "
        f"beams={args.beams} forced_length={args.length}\n"
        f"read_s={read_s:.2f} translate_with_alignment_s={timings[True]:.1f} translate_without_alignment_s={timings[False]:.1f} "
        f"alignment_overhead={timings[True] / timings[False] - 1:+.0%} place_and_write_s={write_s:.2f} out_bytes={len(out)}\n"
        f"total_s={read_s + timings[True] + write_s:.1f} same_paragraphs={same}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
