"""The translation memory (``selaras.memory``, ``selaras tm``, ``--tm``): normalisation,
exact and fuzzy lookups, TMX in and out, and TM matches replacing the MT on the tiny
trained model (never sent to the engine, marked ``origin=tm``, resumable)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selaras.cli import app
from selaras.memory import MemoryEntry, TranslationMemory, match_key
from selaras.memory.diff import word_diff
from selaras.memory.tmx import export_tmx, import_tmx
from selaras.rows import AlignedRow, read_aligned_tsv, write_aligned_tsv

runner = CliRunner()
DTD = Path(__file__).resolve().parents[2] / "shared" / "data" / "tmx" / "tmx14.dtd"


# --------------------------------------------------------------------------- matching


def test_match_key_normalises_space_and_typographic_punctuation_but_keeps_case() -> None:
    assert match_key("  Dia  bilang\u00a0“ya” —  lalu pergi …  ") == 'Dia bilang "ya" - lalu pergi...'
    assert match_key("Saya suka kopi , kok .") == match_key("Saya suka kopi, kok.")
    assert match_key("( kata )") == "(kata)"
    assert match_key("Bank Dunia") != match_key("bank dunia")  # case is kept (see the module docstring)
    assert match_key("Dia datang.") != match_key("Dia datang?")


def test_exact_lookup_newest_translation_wins_and_duplicates_are_not_added(tmp_path: Path) -> None:
    with TranslationMemory(tmp_path / "m.tm") as tm:
        assert tm.add([MemoryEntry("Saya suka kopi.", "I like coffee."), MemoryEntry("Dia tidur.", "")]) == (1, 0)
        assert tm.add([MemoryEntry("Saya suka kopi.", "I love coffee.")]) == (1, 0)
        assert tm.exact(["Saya  suka kopi .", "saya suka kopi.", "Dia tidur.", ""]) == ["I love coffee.", None, None, None]
        assert tm.add([MemoryEntry("Saya suka kopi.", "I like coffee.")]) == (0, 1)  # known: now the newest
        assert tm.exact(["Saya suka kopi."]) == ["I like coffee."]
        assert len(tm) == 2


def test_fuzzy_lookup_finds_close_sentences_above_75_only(tmp_path: Path) -> None:
    with TranslationMemory(tmp_path / "m.tm") as tm:
        tm.add(
            [
                MemoryEntry("Dia membaca buku di perpustakaan.", "She reads a book in the library."),
                MemoryEntry("Mereka pergi ke pasar pagi ini.", "They went to the market this morning."),
            ]
        )
        found = tm.fuzzy("Dia membaca koran di perpustakaan.")
        assert [m.entry.target for m in found] == ["She reads a book in the library."]
        assert 75 <= found[0].score < 100
        assert tm.fuzzy("Dia membaca buku di perpustakaan.")[0].score == 100
        assert tm.fuzzy("Hujan turun sejak pagi tadi.") == []
        with pytest.raises(Exception, match="at least 75"):
            tm.fuzzy("x", threshold=50)


def test_fuzzy_lookup_agrees_with_a_full_scan(tmp_path: Path) -> None:
    """The length window is lossless: the best match is the one scanning every key finds."""
    from rapidfuzz import fuzz

    words = "saya dia mereka pergi ke pasar rumah kantor buku kopi teh minum makan pagi malam kota desa".split()
    import random

    rng = random.Random(1)
    sources = list(dict.fromkeys(" ".join(rng.choice(words) for _ in range(rng.randint(3, 12))) + "." for _ in range(400)))
    with TranslationMemory(tmp_path / "m.tm") as tm:
        tm.add(MemoryEntry(s, f"t{k}") for k, s in enumerate(sources))
        for query in sources[:40]:
            edited = query.replace(" ", " kota ", 1)
            best = max(fuzz.ratio(match_key(edited), match_key(s)) for s in sources)
            found = tm.fuzzy(edited, limit=1)
            assert (found[0].score if found else None) == (round(best, 1) if best >= 75 else None)


def test_word_diff_marks_what_differs() -> None:
    pieces = word_diff("Dia membaca buku di perpustakaan.", "Dia membaca koran di perpustakaan kota.")
    assert pieces == [
        ("equal", "Dia membaca "), ("delete", "buku"), ("insert", "koran"), ("equal", " di perpustakaan"),
        ("insert", " kota"), ("equal", "."),
    ]


def test_a_file_that_is_not_a_tm_is_refused(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.commit()
    with pytest.raises(Exception, match="not a Selaras translation memory"):
        TranslationMemory(other)
    with pytest.raises(Exception, match="no such translation memory"):
        TranslationMemory(tmp_path / "missing.tm", create=False)


# --------------------------------------------------------------------------- TMX


def test_tmx_round_trip_and_dtd_valid(tmp_path: Path) -> None:
    from lxml import etree

    entries = [
        MemoryEntry("Saya suka kopi.", "I like coffee.", "review", "src 1"),
        MemoryEntry("Harga naik 12,5% & <turun>.", "Prices rose 12.5% & <fell>.", "tmx:a.tmx"),
    ]
    with TranslationMemory(tmp_path / "a.tm") as tm:
        tm.add(entries)
        assert export_tmx(tm, tmp_path / "a.tmx") == 2
    if DTD.is_file():
        dtd = etree.DTD(str(DTD))
        assert dtd.validate(etree.parse(str(tmp_path / "a.tmx"))), dtd.error_log
    with TranslationMemory(tmp_path / "b.tm") as tm:
        assert import_tmx(tm, tmp_path / "a.tmx") == (2, 0)
        assert [(e.source, e.target) for e in tm.entries()] == [(e.source, e.target) for e in entries]
        assert tm.exact(["Harga naik 12,5% & <turun>."]) == ["Prices rose 12.5% & <fell>."]


def test_import_a_tmx_another_tool_wrote(tmp_path: Path) -> None:
    """A hand-written TMX 1.4b as OmegaT writes it: id-ID and EN-US variants, a third
    language, inline tags in a seg, a unit without English (skipped), a legacy ``in``."""
    tmx = tmp_path / "omegat.tmx"
    tmx.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext"
          creationtoolversion="6.0.0" segtype="sentence" srclang="id-ID"/>
  <body>
    <tu>
      <tuv xml:lang="id-ID"><seg>Dia membaca <bpt i="1" x="1">&lt;b&gt;</bpt>buku<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
      <tuv xml:lang="EN-US" changeid="ana" changedate="20240101T120000Z"><seg>She reads a book.</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>Elle lit un livre.</seg></tuv>
    </tu>
    <tu><tuv xml:lang="id-ID"><seg>Tanpa terjemahan.</seg></tuv></tu>
    <tu>
      <tuv xml:lang="in"><seg>Selamat pagi.</seg></tuv>
      <tuv xml:lang="en"><seg>Good morning.</seg></tuv>
    </tu>
  </body>
</tmx>
""",
        encoding="utf-8",
    )
    if DTD.is_file():
        from lxml import etree

        assert etree.DTD(str(DTD)).validate(etree.parse(str(tmx)))
    with TranslationMemory(tmp_path / "m.tm") as tm:
        assert import_tmx(tm, tmx) == (2, 0)
        assert tm.exact(["Dia membaca buku.", "Selamat pagi."]) == ["She reads a book.", "Good morning."]


def test_tm_commands(tmp_path: Path) -> None:
    rows = [
        AlignedRow((1,), (1,), "Saya suka kopi.", "I like coffee.", "I love coffee.", 0.9, status="accepted"),
        AlignedRow((2,), (2,), "Dia tidur.", "He sleeps.", "She sleeps.", 0.9),
        AlignedRow((3,), (3,), "Hujan turun.", "It rains.", "Rain falls.", 0.9, status="rejected"),
    ]
    tsv, tm = tmp_path / "reviewed.tsv", tmp_path / "m.tm"
    write_aligned_tsv(tsv, rows)
    result = runner.invoke(app, ["tm", "add", str(tsv), "--tm", str(tm), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 1
    result = runner.invoke(app, ["tm", "add", str(tsv), "--tm", str(tm), "--status", "any", "--pair", "mt"])
    assert result.exit_code == 0, result.output
    stats = json.loads(runner.invoke(app, ["tm", "stats", "--tm", str(tm), "--json"]).stdout)
    assert (stats["entries"], stats["sources"]) == (4, 3)
    assert runner.invoke(app, ["tm", "export", str(tmp_path / "m.tmx"), "--tm", str(tm)]).exit_code == 0
    again = runner.invoke(app, ["tm", "import", str(tmp_path / "m.tmx"), "--tm", str(tmp_path / "n.tm"), "--json"])
    assert json.loads(again.stdout)["added"] == 4
    bad = runner.invoke(app, ["tm", "add", str(tsv), "--tm", str(tm), "--status", "maybe"])
    assert bad.exit_code == 2 and "unknown review status" in bad.output
    missing = runner.invoke(app, ["tm", "stats", "--tm", str(tmp_path / "none.tm")])
    assert missing.exit_code == 2 and "no such translation memory" in missing.output
    into_itself = runner.invoke(app, ["tm", "export", str(tm), "--tm", str(tm)])
    assert into_itself.exit_code == 2


# --------------------------------------------------------------------------- TM before MT


class CountingEngine:
    """Wraps a loaded backend and records every text sent to it."""

    def __init__(self, backend) -> None:
        self.backend, self.sent = backend, []

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def translate_batch(self, texts, **kwargs):
        self.sent.extend(texts)
        return self.backend.translate_batch(texts, **kwargs)


def test_accept_add_translate_again_gives_the_human_translation(tiny_trained_model, tmp_path: Path, monkeypatch) -> None:
    """The issue's loop: a run, a bead accepted in the workbench session, ``tm add``, and
    the same sentence translated again comes from the TM (origin=tm, not sent to the engine)."""
    from selaras import backends
    from selaras.review.session import ReviewSession

    model, pairs = tiny_trained_model
    (src_a, mt_a), (src_b, mt_b) = pairs[0], pairs[1]
    doc, ref = tmp_path / "doc.id.txt", tmp_path / "ref.en.txt"
    doc.write_text(f"{src_a} {src_b}\n", encoding="utf-8")
    ref.write_text(f"Human one. Human two.\n", encoding="utf-8")
    args = ["run", str(doc), "-r", str(ref), "--model", str(model), "--embedder", "none", "--bootstrap", "0"]
    assert runner.invoke(app, [*args, "-o", str(tmp_path / "run1")]).exit_code == 0
    aligned = tmp_path / "run1" / "aligned.tsv"
    session, _ = ReviewSession.open(aligned)
    try:
        session.set_status(0, "accepted", session.version)
    finally:
        session.close()
    tm = tmp_path / "m.tm"
    assert runner.invoke(app, ["tm", "add", str(aligned), "--tm", str(tm)]).exit_code == 0

    real_load = backends.load_backend
    engines: list[CountingEngine] = []

    def counting_load(options):
        engines.append(CountingEngine(real_load(options)))
        return engines[-1]

    monkeypatch.setattr(backends, "load_backend", counting_load)
    result = runner.invoke(app, [*args, "-o", str(tmp_path / "run2"), "--tm", str(tm)])
    assert result.exit_code == 0, result.output
    rows = read_aligned_tsv(tmp_path / "run2" / "aligned.tsv")
    first = read_aligned_tsv(aligned)[0]
    assert (rows[0].mt, rows[0].origin, rows[0].mt_logprob) == (first.reference, "tm", None)
    assert (rows[1].mt, rows[1].origin) == (mt_b, "mt")
    assert engines[-1].sent == [src_b]
    metrics = json.loads((tmp_path / "run2" / "metrics.json").read_text())
    assert metrics["origin"] == {"mt": 1, "tm": 1} and metrics["tm"] == str(tm)

    out = runner.invoke(app, ["translate", str(doc), "--model", str(model), "--tm", str(tm), "--json"])
    assert out.exit_code == 0, out.output
    got = [(s["translation"], s["origin"]) for s in json.loads(out.stdout)]
    assert got == [(first.reference, "tm"), (mt_b, "mt")]
    assert engines[-1].sent == [src_b]

    plain = runner.invoke(app, ["run", *args[1:], "-o", str(tmp_path / "run3")])
    assert [r.origin for r in read_aligned_tsv(tmp_path / "run3" / "aligned.tsv")] == ["mt", "mt"]


def test_tm_with_given_mt_is_refused_and_a_missing_tm_before_the_model(tiny_trained_model, tmp_path: Path) -> None:
    model, pairs = tiny_trained_model
    doc = tmp_path / "doc.id.txt"
    doc.write_text(pairs[0][0] + "\n", encoding="utf-8")
    both = runner.invoke(app, ["run", str(doc), "-r", str(doc), "--no-mt", "--tm", str(tmp_path / "m.tm")])
    assert both.exit_code == 2 and "--tm" in both.output
    missing = runner.invoke(app, ["translate", str(doc), "--model", "no/such-model", "--tm", str(tmp_path / "m.tm")])
    assert missing.exit_code == 2 and "no such translation memory" in missing.output


def test_resume_with_a_tm_reuses_the_checkpoint(tiny_trained_model, tmp_path: Path) -> None:
    """A checkpoint written without the TM is reused for the sentences the TM does not answer."""
    from selaras import backends
    from selaras.backends import EngineOptions
    from selaras.checkpoint import Checkpoint
    from selaras.memory.apply import translate_with_memory

    model, pairs = tiny_trained_model
    texts = [s for s, _ in pairs[:4]]
    engine = CountingEngine(backends.load_backend(EngineOptions(model=str(model))))
    checkpoint = Checkpoint(tmp_path / "ckpt.jsonl")
    first = translate_with_memory(engine, texts, None, checkpoint=checkpoint)
    assert engine.sent and all(t.origin == "mt" for t in first)
    tm = tmp_path / "m.tm"
    with TranslationMemory(tm) as memory:
        memory.add([MemoryEntry(texts[1], "From the TM.")])
    engine.sent.clear()
    again = translate_with_memory(engine, texts, tm, checkpoint=Checkpoint(tmp_path / "ckpt.jsonl"))
    assert engine.sent == []  # everything else came from the checkpoint
    assert [t.text for t in again] == [first[0].text, "From the TM.", first[2].text, first[3].text]
    assert [t.origin for t in again] == ["mt", "tm", "mt", "mt"]


def test_corpus_uses_the_tm_and_fills_another(tiny_trained_model, tmp_path: Path, fresh_cache: Path) -> None:
    model, pairs = tiny_trained_model
    (src_a, _), (src_b, mt_b) = pairs[0], pairs[1]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "one.id.txt").write_text(f"{src_a}\n{src_b}\n", encoding="utf-8")
    (docs / "one.en.txt").write_text("Human one.\nHuman two.\n", encoding="utf-8")
    tm, filled = tmp_path / "m.tm", tmp_path / "filled.tm"
    with TranslationMemory(tm) as memory:
        memory.add([MemoryEntry(src_a, "From the TM.")])
    args = ["corpus", str(docs), "-o", str(tmp_path / "out"), "--model", str(model), "--embedder", "none", "--lines"]
    result = runner.invoke(app, [*args, "--bootstrap", "0", "--tm", str(tm), "--fill-tm", str(filled)])
    assert result.exit_code == 0, result.output
    assert "1 from the translation memory" in result.output
    rows = read_aligned_tsv(tmp_path / "out" / "docs" / "one" / "aligned.tsv")
    assert [(r.mt, r.origin) for r in rows] == [("From the TM.", "tm"), (mt_b, "mt")]
    with TranslationMemory(filled) as memory:
        assert memory.exact([src_a, src_b]) == ["Human one.", "Human two."]
    same = runner.invoke(app, [*args, "--tm", str(tm), "--fill-tm", str(tm)])
    assert same.exit_code == 2 and "must not be the one it translates with" in same.output


def test_workbench_merges_and_edits_keep_the_origin_honest(tmp_path: Path) -> None:
    from selaras.review.session import ReviewSession

    tsv = tmp_path / "a.tsv"
    write_aligned_tsv(
        tsv,
        [
            AlignedRow((1,), (1,), "Saya suka kopi.", "I love coffee.", "I love coffee.", 0.9, origin="tm"),
            AlignedRow((2,), (2,), "Dia tidur.", "He sleeps.", "She sleeps.", 0.9, origin="mt"),
            AlignedRow((), (3,), "", "", "Extra.", 0.1),
        ],
    )
    session, _ = ReviewSession.open(tsv)
    try:
        session.merge(1, session.version)
        assert session.rows[1].origin == "mt"  # a 0-1 bead brings no MT
        session.merge(0, session.version)
        assert session.rows[0].origin == "mixed"
        session.edit(0, "mt", "I love coffee. She sleeps.", session.version)
        assert session.rows[0].origin == "edited"
    finally:
        session.close()
    assert read_aligned_tsv(tsv)[0].origin == "edited"


def test_an_xliff_unit_the_tm_filled_says_so_in_its_note(tiny_trained_model, tmp_path: Path) -> None:
    model, _ = tiny_trained_model
    xlf = tmp_path / "s.xlf"
    xlf.write_bytes((Path(__file__).parent / "data" / "bilingual" / "sample-1.2.xlf").read_bytes())
    with TranslationMemory(tmp_path / "m.tm") as tm:
        tm.add([MemoryEntry("Saya suka kopi.", "Coffee, from the TM.")])
    out = tmp_path / "s.en.xlf"
    result = runner.invoke(app, ["translate", str(xlf), "--model", str(model), "--tm", str(tmp_path / "m.tm"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Coffee, from the TM.</target>" in text
    assert "From the translation memory (exact match)" in text and "Machine translation by" in text
    # The TM's unit is marked as leveraged from a TM (a human's), the engine's as an MT suggestion,
    # so reading the file back takes the TM's target as a reference, not as MT.
    assert 'state-qualifier="leveraged-tm">Coffee, from the TM.</target>' in text
    assert 'state-qualifier="mt-suggestion"' in text
