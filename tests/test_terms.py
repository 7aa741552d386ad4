"""Glossaries (#23): reading TSV/CSV/TBX, Indonesian term matching, the term-missing
check, and enforcement in the MT on the tiny test models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selaras.checks import TermMissingCheck, build_checks, check_rows
from selaras.errors import InputError
from selaras.records import Translation
from selaras.rows import AlignedRow
from selaras.terms import Term, TermMatcher, english_spans, has_english, make_glossary, parse_glossary_table, read_glossary
from selaras.terms.enforce import enforce_sentence, enforce_terms, enforcement_counts

runner = CliRunner()

TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en">
<text><body>
<termEntry id="c1">
  <langSet xml:lang="en"><tig><term>policy</term></tig><tig><term>policies</term></tig></langSet>
  <langSet xml:lang="id"><tig><term>kebijakan</term></tig></langSet>
</termEntry>
<termEntry id="c2">
  <descrip type="definition">anti-corruption agency</descrip>
  <langSet xml:lang="id"><tig><term>KPK</term></tig></langSet>
  <langSet xml:lang="en-US"><tig><term>KPK</term></tig></langSet>
</termEntry>
<termEntry id="c3">
  <langSet xml:lang="id"><tig><term>pemerintah</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>government</term></tig>
    <tig><term>regime</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet>
</termEntry>
</body></text></martif>
"""


def glossary(*pairs: tuple[str, str]):
    return make_glossary([Term(s, (t,), line=n) for n, (s, t) in enumerate(pairs, start=1)])


def found(text: str, *pairs: tuple[str, str], affixes: str = "clitics") -> list[str]:
    return [text[m.start : m.end] for m in TermMatcher(glossary(*pairs), affixes=affixes).find(text)]  # type: ignore[arg-type]


# --------------------------------------------------------------------------- reading


def test_tsv_with_header_notes_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text("source\ttarget\tnote\n# news terms\nkebijakan\tpolicy\tnot 'wisdom'\n\nKPK\tKPK\n", encoding="utf-8")
    g = read_glossary(path)
    assert [(t.source, t.target, t.note) for t in g.terms] == [("kebijakan", "policy", "not 'wisdom'"), ("KPK", "KPK", "")]
    assert g.terms[1].keep and not g.terms[0].keep


def test_csv_quoted(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text('kebijakan,policy\n"pemilihan umum","general election, national"\n', encoding="utf-8")
    assert [t.target for t in read_glossary(path).terms] == ["policy", "general election, national"]


def test_tbx_through_translate_toolkit(tmp_path: Path) -> None:
    path = tmp_path / "g.tbx"
    path.write_text(TBX, encoding="utf-8")
    g = read_glossary(path)
    assert [(t.source, t.targets) for t in g.terms] == [
        ("kebijakan", ("policy", "policies")), ("KPK", ("KPK",)), ("pemerintah", ("government",)),
    ]
    assert g.terms[1].note == "anti-corruption agency"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "has no glossary entries"),
        ("# only a comment\n", "has no glossary entries"),
        ("kebijakan\tpolicy\npemerintah\n", "line 2: expected a term, its English and an optional note"),
        ("a\tb\tc\td\n", "line 1: expected"),
        ("kebijakan\tpolicy\nx\ty\nKebijakan\tdecision\n", "line 3: 'Kebijakan' is given as 'decision' here but as 'policy' on line 1"),
        ("kebijakan\t \n", "line 1: an entry needs an Indonesian term and its English"),
    ],
)
def test_bad_glossary_is_one_line_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        parse_glossary_table(text, "g.tsv")
    assert "\n" not in str(info.value)


def test_same_entry_twice_is_kept_once() -> None:
    assert len(parse_glossary_table("kebijakan\tpolicy\nkebijakan\tpolicy\n")) == 1


def test_tbx_conflict_and_missing_english_name_the_entry_line(tmp_path: Path) -> None:
    path = tmp_path / "g.tbx"
    path.write_text(TBX.replace("<term>pemerintah</term>", "<term>kebijakan</term>"), encoding="utf-8")
    with pytest.raises(InputError, match=r"line 13: 'kebijakan' is given as 'government' here but as 'policy' on line 4"):
        read_glossary(path)
    path.write_text(TBX.replace('<langSet xml:lang="en-US"><tig><term>KPK</term></tig></langSet>', ""), encoding="utf-8")
    with pytest.raises(InputError, match=r"line 8 \(KPK\): the entry has no English term"):
        read_glossary(path)


def test_broken_tbx_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "g.tbx"
    path.write_text("<martif><text><body><termEntry>", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable TBX file"):
        read_glossary(path)


# --------------------------------------------------------------------------- Indonesian matching


def test_enclitics_case_and_reduplication() -> None:
    pair = ("kebijakan", "policy")
    assert found("Kebijakannya jelas.", pair) == ["Kebijakannya"]
    assert found("kebijakan-kebijakan baru", pair) == ["kebijakan-kebijakan"]
    assert found("KEBIJAKAN pemerintahlah", pair, ("pemerintah", "government")) == ["KEBIJAKAN", "pemerintahlah"]
    assert found("Kebijaksanaan itu", pair) == []  # another word, not an affixed form


def test_derivations_only_when_asked() -> None:
    pair = ("pajak", "tax")
    assert found("Perpajakan daerah", pair) == []
    assert found("Perpajakan daerah", pair, affixes="derivations") == ["Perpajakan"]
    assert found("Dia dipenjara.", ("penjara", "prison"), affixes="derivations") == ["dipenjara"]


def test_acronyms_keep_their_case_and_multiword_terms_win() -> None:
    assert found("dpr dan DPR-nya", ("DPR", "House of Representatives")) == ["DPR"]
    assert found("Pemilihan umum dan pemilihan kepala daerah", ("pemilihan", "selection"), ("pemilihan umum", "general election")) == [
        "Pemilihan umum", "pemilihan",
    ]
    assert found("pemilihan umumnya", ("pemilihan umum", "general election")) == ["pemilihan umumnya"]


def test_english_side_inflections() -> None:
    assert english_spans("New policies and the policy", "policy") == [(4, 12), (21, 27)]
    assert english_spans("Taxes rose", "tax") == [(0, 5)]
    assert english_spans("economic growth", "economy") and english_spans("tropical rainforests", "forest")
    assert not english_spans("syntax", "tax")  # short targets are never compound tails
    assert english_spans("the House of Representatives", "House of Representatives") == [(4, 28)]
    assert not has_english("the kpk said", Term("KPK", ("KPK",)))


# --------------------------------------------------------------------------- the check


def row(source: str, mt: str, reference: str = "") -> AlignedRow:
    return AlignedRow((1,), (1,) if reference else (), source, mt, reference)


def test_term_missing_fires_without_the_term_and_not_with_it() -> None:
    check = TermMissingCheck(glossary=glossary(("kebijakan", "policy")))
    missing = check.flag(row("Kebijakannya baru.", "Its wisdom is new.", "Its policy is new."))
    assert missing is not None and missing.detail == "kebijakan → policy"
    assert check.flag(row("Kebijakannya baru.", "Its policies are new.", "The policy is new.")) is None
    only_ref = check.flag(row("Kebijakan baru.", "A new policy.", "A new rule."))
    assert only_ref is not None and only_ref.detail == "kebijakan → policy (reference)"
    both = check.flag(row("Kebijakan baru.", "A new rule.", "A new decision."))
    assert both is not None and both.detail == "kebijakan → policy (MT and reference)"


def test_term_missing_keeps_names_and_is_off_without_glossary() -> None:
    check = TermMissingCheck(glossary=glossary(("air", "water")))
    assert check.flag(row("Pesawat Wings Air mendarat.", "The Wings Air plane landed.")) is None
    assert check.flag(row("Air itu dingin.", "It is cold.")) is not None  # sentence-initial: a word
    assert TermMissingCheck().flag(row("Air itu dingin.", "It is cold.")) is None


def test_term_missing_through_the_registry_and_parameter_errors() -> None:
    rows = check_rows([row("Kebijakan baru.", "A new rule.")], checks=build_checks({"term-missing": {"glossary": glossary(("kebijakan", "policy"))}}))
    assert rows[0].flags == ("term-missing",) and rows[0].flag_reasons == (("term-missing", "kebijakan → policy"),)
    with pytest.raises(InputError, match="term-missing: glossary must be a Glossary"):
        build_checks({"term-missing": {"glossary": "terms.tsv"}})
    with pytest.raises(InputError, match="term-missing: affixes must be one of"):
        build_checks({"term-missing": {"affixes": "all"}})


# --------------------------------------------------------------------------- enforcement


def test_unsure_alignment_leaves_the_mt_as_it_was() -> None:
    t = Translation(source="Saya suka kopi.", text="I like coffee.")  # no alignment at all
    result = enforce_sentence(t, TermMatcher(glossary(("kopi", "espresso"))))
    assert result.translation == t and [o.outcome for o in result.terms] == ["unsure"]
    present = enforce_sentence(t, TermMatcher(glossary(("kopi", "coffee"))))
    assert present.translation == t and [o.outcome for o in present.terms] == ["present"]


@pytest.mark.slow
def test_glossary_term_appears_where_its_source_term_is(aligning_model: Path) -> None:
    """The aligning test model: its attention is sure of kopi/teh/buku; the glossary's
    English replaces exactly those words (``scripts/eval_glossary_enforce.py``)."""
    from selaras.backends import EngineOptions, load_backend
    from selaras.translator import translate_sentences

    backend = load_backend(EngineOptions(backend="ctranslate2", model=str(aligning_model), beams=4))
    sentences = ["Saya suka kopi.", "Dia minum teh.", "Saya suka teh."]
    translations = translate_sentences(backend, sentences, beams=4, alignment=True)
    assert [t.text for t in translations] == ["I like coffee.", "She drinks tea.", "I like tea."]
    results = enforce_terms(translations, glossary(("kopi", "espresso"), ("teh", "chai")))
    assert [r.translation.text for r in results] == ["I like espresso.", "She drinks chai.", "I like chai."]
    assert enforcement_counts(results) == {"present": 0, "placed": 3, "unsure": 0}
    # A translation memory's human translation is trusted as it is, even where the
    # alignment would have been sure: neither changed nor counted.
    from dataclasses import replace

    from_tm = replace(translations[0], origin="tm")
    kept = enforce_terms([from_tm], glossary(("kopi", "espresso")))
    assert kept[0].translation == from_tm and kept[0].terms == ()


@pytest.mark.slow
def test_cli_translate_run_check_with_glossary(aligning_model: Path, tmp_path: Path) -> None:
    from selaras.cli import app

    (tmp_path / "doc.id.txt").write_text("Saya suka kopi. Dia minum teh.\n", encoding="utf-8")
    (tmp_path / "ref.en.txt").write_text("I like coffee. She drinks tea.\n", encoding="utf-8")
    (tmp_path / "istilah.tsv").write_text("kopi\tespresso\nteh\ttea\n", encoding="utf-8")
    model = ["--model", str(aligning_model), "--beams", "4"]
    result = runner.invoke(app, ["translate", str(tmp_path / "doc.id.txt"), *model, "--glossary", str(tmp_path / "istilah.tsv")])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "I like espresso.\nShe drinks tea."
    assert "1 term(s) already in the MT, 1 placed, 0 left" in result.stderr
    result = runner.invoke(app, ["translate", str(tmp_path / "doc.id.txt"), *model, "--glossary", str(tmp_path / "istilah.tsv"), "--json"])
    assert [s["terms"] for s in json.loads(result.stdout)] == [
        [{"term": "kopi", "target": "espresso", "outcome": "placed"}], [{"term": "teh", "target": "tea", "outcome": "present"}],
    ]
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", str(tmp_path / "doc.id.txt"), "-r", str(tmp_path / "ref.en.txt"), "-o", str(out),
                                 "--embedder", "none", "--glossary", str(tmp_path / "istilah.tsv"), *model])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["glossary"]["enforced"] == {"present": 1, "placed": 1, "unsure": 0}
    lines = (out / "aligned.tsv").read_text().splitlines()
    assert "I like espresso." in lines[1] and "term-missing: kopi → espresso (reference)" in lines[1]
    result = runner.invoke(app, ["check", str(out / "aligned.tsv"), "--glossary", str(tmp_path / "istilah.tsv"), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["counts"]["term-missing"] == 1
    (tmp_path / "bad.tsv").write_text("kopi\tespresso\nkopi\tcoffee\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(out / "aligned.tsv"), "--glossary", str(tmp_path / "bad.tsv")])
    assert result.exit_code == 2 and "line 2" in result.stderr and result.stderr.count("\n") == 1


def test_glossary_is_an_input_no_output_may_replace(tmp_path: Path) -> None:
    """Refused before any model loads (the model named does not even exist)."""
    from selaras.cli import app

    (tmp_path / "doc.id.txt").write_text("Saya suka kopi.\n", encoding="utf-8")
    glossary_file = tmp_path / "istilah.tsv"
    glossary_file.write_text("kopi\tespresso\n", encoding="utf-8")
    for args in (
        ["translate", str(tmp_path / "doc.id.txt"), "--model", str(tmp_path / "no-model"), "-o", str(glossary_file)],
        ["check", str(tmp_path / "doc.id.txt"), "-o", str(glossary_file)],
    ):
        result = runner.invoke(app, [*args, "--glossary", str(glossary_file)])
        assert result.exit_code == 2, result.output
    assert glossary_file.read_text(encoding="utf-8") == "kopi\tespresso\n"
    # A translation memory is an input too, for plain text and formatted documents alike.
    tm_file = tmp_path / "memori.tm"
    tm_file.write_bytes(b"kept")
    (tmp_path / "doc.md").write_text("# Judul\n\nSaya suka kopi.\n", encoding="utf-8")
    for doc in ("doc.id.txt", "doc.md"):
        args = ["translate", str(tmp_path / doc), "--model", str(tmp_path / "no-model"), "-o", str(tm_file)]
        result = runner.invoke(app, [*args, "--tm", str(tm_file)])
        assert result.exit_code == 2, result.output
    assert tm_file.read_bytes() == b"kept"


def test_workbench_session_rechecks_an_edited_mt_for_terms(tmp_path: Path) -> None:
    """What ``review --serve --glossary`` does when a reviewer edits the MT."""
    from selaras.review.session import ReviewSession
    from selaras.rows import read_aligned_tsv, write_aligned_tsv

    path = tmp_path / "aligned.tsv"
    write_aligned_tsv(path, [AlignedRow((1,), (1,), "Budi pergi ke pasar.", "Budi goes to the market.", "Budi went to the market.", 0.9)])
    checks = build_checks({"term-missing": {"glossary": glossary(("pasar", "market"))}})
    session, _ = ReviewSession.open(path, checks=checks)
    try:
        edited = session.edit(0, "mt", "Budi goes to the bazaar.", session.version).new[0]
        assert edited.flags == ("term-missing",) and edited.flag_reasons == (("term-missing", "pasar → market"),)
        fixed = session.edit(0, "mt", "Budi goes to the markets.", session.version).new[0]
        assert "term-missing" not in fixed.flags
    finally:
        session.close()
    assert read_aligned_tsv(path)[0].mt == "Budi goes to the markets."


@pytest.mark.slow
def test_xliff_note_names_a_missing_term(tiny_trained_model: tuple[Path, list], tmp_path: Path) -> None:
    """The memorising model's attention is never sure: the MT stays, and the translator's
    note says which glossary term it lacks."""
    from selaras.jobs.translate import translate_file

    source = tmp_path / "a.xlf"
    source.write_text(
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="id" '
        'datatype="plaintext"><body><trans-unit id="1"><source>Saya suka kopi.</source></trans-unit></body></file></xliff>',
        encoding="utf-8",
    )
    result = translate_file(source, tmp_path / "a.en.xlf", model=str(tiny_trained_model[0]), beams=4,
                            glossary=glossary(("kopi", "espresso")))
    assert result.terms == {"present": 0, "placed": 0, "unsure": 1}
    out = (tmp_path / "a.en.xlf").read_text(encoding="utf-8")
    assert "I like coffee." in out and "term-missing: kopi → espresso" in out


def test_terminal_table_underlines_terms() -> None:
    from rich.console import Console

    from selaras.review.terminal import review_table

    rows = [(1, row("Budi pergi ke pasar.", "Budi goes to the market.", "Budi went to the bazaar."))]
    console = Console(width=120, force_terminal=True, color_system="standard")
    with console.capture() as captured:
        console.print(review_table(rows, glossary=glossary(("pasar", "market"))))
    out = captured.get()
    assert "\x1b[1;4mpasar\x1b[0m" in out and "\x1b[1;4mmarket\x1b[0m" in out and "\x1b[1;4mbazaar" not in out
