"""Vocabulary shortlists: the map, its file, its model check, and decoding with it.

The promises a user relies on: a map built from the model's own translations keeps
those translations; a map covering the whole vocabulary changes nothing; a map for
another model, or a damaged file, is one clear error before anything translates; and
the map is really applied (an empty one leaves nothing to say).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selaras.backends import EngineOptions, load_backend
from selaras.cli import app
from selaras.errors import InputError
from selaras.backends.shortlist import (
    FORMAT,
    Shortlist,
    check_vocabulary,
    model_dir_with_vmap,
    read_shortlist,
    shortlist_from_pairs,
    tokens_by_id,
    vocabulary_fingerprint,
    write_shortlist,
)

runner = CliRunner()
VOCAB = {"</s>": 0, "<unk>": 1, "▁saya": 2, "▁kopi": 3, "▁I": 4, "▁coffee": 5, "▁like": 6, ".": 7, "▁tea": 8, "<pad>": 9}


#: Conversions and default shortlists go to this test's own cache, never the user's.
pytestmark = pytest.mark.usefixtures("fresh_cache")


# --------------------------------------------------------------------------- the map


def test_map_keeps_frequent_pieces_always_and_cooccurring_ones_per_source_piece() -> None:
    pairs = [
        (["▁saya", "▁kopi", "</s>"], ["▁I", "▁like", "▁coffee", ".", "</s>"]),
        (["▁saya", "</s>"], ["▁I", ".", "</s>"]),
        (["▁kopi", "</s>"], ["▁coffee", "▁tea", ".", "</s>"]),
    ]
    shortlist = shortlist_from_pairs(pairs, VOCAB, top=2, per_piece=1)
    assert shortlist.always == (".", "▁I")  # 3 and 2 occurrences ("▁coffee" also 2: ties by piece)
    # Per source piece: the most co-occurring piece not already allowed; specials are never keys.
    assert shortlist.pieces == {"▁saya": ("▁coffee",), "▁kopi": ("▁coffee",)}
    assert shortlist.vocabulary == vocabulary_fingerprint(tokens_by_id(VOCAB))
    assert shortlist.settings["sentences"] == 3
    wider = shortlist_from_pairs(pairs, VOCAB, top=2, per_piece=5)
    assert wider.pieces["▁kopi"] == ("▁coffee", "▁like", "▁tea")  # 2 sentences, then ties by frequency/piece
    # CTranslate2's vmap.txt: the always-allowed line has an empty source.
    assert wider.vmap_text().splitlines() == ["\t. ▁I", "▁kopi\t▁coffee ▁like ▁tea", "▁saya\t▁coffee ▁like"]


def test_sizes_out_of_range_are_refused() -> None:
    with pytest.raises(InputError, match="top must be"):
        shortlist_from_pairs([(["▁saya"], ["▁I"])], VOCAB, top=-1)
    with pytest.raises(InputError, match="per-piece"):
        shortlist_from_pairs([(["▁saya"], ["▁I"])], VOCAB, per_piece=10**6)
    with pytest.raises(InputError, match="no sentences"):
        shortlist_from_pairs([], VOCAB)


def test_file_round_trips_and_names_its_vocabulary(tmp_path: Path) -> None:
    shortlist = shortlist_from_pairs([(["▁saya", "</s>"], ["▁I", ".", "</s>"])], VOCAB, top=1, per_piece=3, model="m")
    path = tmp_path / "s.json"
    write_shortlist(shortlist, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and data["vocabulary"] == {"sha256": shortlist.vocabulary, "size": len(VOCAB)}
    assert read_shortlist(path) == shortlist
    check_vocabulary(shortlist, VOCAB)  # its own vocabulary: fine


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: d["pieces"].update({"▁saya": ["▁tea"]}), "checksum"),
        (lambda d: d.update({"format": "something-else"}), "format marker"),
        (lambda d: d.update({"version": 99}), "format version 99"),
        (lambda d: d.update({"always": "▁I ."}), "not a list of pieces"),
    ],
)
def test_a_damaged_file_is_one_clear_error(tmp_path: Path, damage, message: str) -> None:
    shortlist = shortlist_from_pairs([(["▁saya", "</s>"], ["▁I", ".", "</s>"])], VOCAB, top=1, per_piece=3)
    path = tmp_path / "s.json"
    write_shortlist(shortlist, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    damage(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        read_shortlist(path)
    assert "\n" not in str(caught.value) and "selaras shortlist build" in str(caught.value)


def test_a_truncated_or_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    write_shortlist(shortlist_from_pairs([(["▁saya"], ["▁I"])], VOCAB), path)
    path.write_text(path.read_text(encoding="utf-8")[:40], encoding="utf-8")
    with pytest.raises(InputError, match="not JSON"):
        read_shortlist(path)
    with pytest.raises(InputError, match="no such shortlist"):
        read_shortlist(tmp_path / "missing.json")


def test_a_map_for_another_vocabulary_is_refused() -> None:
    shortlist = shortlist_from_pairs([(["▁saya"], ["▁I"])], VOCAB, model="other-model")
    other = {**VOCAB, "▁teh": 10}
    with pytest.raises(InputError, match="built for another model \\(other-model\\)"):
        check_vocabulary(shortlist, other)
    swapped = {**VOCAB, "▁I": 5, "▁coffee": 4}  # same pieces, other ids: also another model
    with pytest.raises(InputError, match="another model"):
        check_vocabulary(shortlist, swapped)


# --------------------------------------------------------------------------- decoding with it


def _full_vocabulary_shortlist(model_dir: Path) -> Shortlist:
    vocab = json.loads((model_dir / "vocab.json").read_text(encoding="utf-8"))
    tokens = tokens_by_id(vocab)
    return Shortlist(
        vocabulary=vocabulary_fingerprint(tokens),
        vocabulary_size=len(tokens),
        model=str(model_dir),
        always=tuple(t for t in tokens if t not in ("</s>", "<unk>", "<pad>")),
        pieces={},
    )


def _ct2(model_dir: Path, shortlist: str | None):
    return load_backend(EngineOptions(backend="ctranslate2", model=str(model_dir), device="cpu", shortlist=shortlist))


def test_a_map_covering_the_whole_vocabulary_gives_identical_output(tmp_path: Path, random_model_dir: Path) -> None:
    path = tmp_path / "full.json"
    write_shortlist(_full_vocabulary_shortlist(random_model_dir), path)
    texts = ["Saya suka kopi.", "Dia membaca buku di perpustakaan.", "Hujan turun sejak pagi.", "Apa kabar?"]
    plain, mapped = _ct2(random_model_dir, "off"), _ct2(random_model_dir, str(path))
    assert mapped.decoding_options()["use_vmap"] is True and "use_vmap" not in plain.decoding_options()
    for beams in (1, 4):
        expected = plain.translate_batch(texts, beams=beams)
        got = mapped.translate_batch(texts, beams=beams)
        assert [h.tokens for h in got] == [h.tokens for h in expected]
        assert [h.score for h in got] == pytest.approx([h.score for h in expected], abs=1e-4)
    assert "full.json" in mapped.describe().as_json()["shortlist"]
    assert "shortlist" not in plain.describe().as_json()
    assert mapped.fingerprint != plain.fingerprint  # checkpoints of the two never mix


def test_the_map_is_really_applied(tmp_path: Path, tiny_trained_model) -> None:
    """A map of one piece leaves only it, ``</s>`` and ``<unk>``: if use_vmap were
    ignored, the model would still say its sentences. (An empty map is refused.)"""
    model_dir, pairs = tiny_trained_model
    shortlist = _full_vocabulary_shortlist(model_dir)
    one = Shortlist(shortlist.vocabulary, shortlist.vocabulary_size, "", (".",), {})
    path = tmp_path / "one.json"
    write_shortlist(one, path)
    hypotheses = _ct2(model_dir, str(path)).translate_batch([s for s, _ in pairs], beams=1)
    assert {t for h in hypotheses for t in h.tokens} <= {".", "</s>", "<unk>"}


def test_a_shortlist_built_from_the_model_keeps_its_translations(tmp_path: Path, tiny_trained_model) -> None:
    model_dir, pairs = tiny_trained_model
    corpus = tmp_path / "corpus.id.txt"
    corpus.write_text("\n".join(s for s, _ in pairs) + "\n\n", encoding="utf-8")
    out = tmp_path / "tiny.shortlist.json"
    args = ["shortlist", "build", "--model", str(model_dir), "--corpus", str(corpus), "-o", str(out)]
    result = runner.invoke(app, [*args, "--top", "5", "--per-piece", "40", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["path"] == str(out) and summary["sentences"] == len(pairs) and summary["always"] == 5
    shortlist = read_shortlist(out)
    allowed = set(shortlist.always).union(*shortlist.pieces.values())
    assert 0 < len(allowed) < shortlist.vocabulary_size / 2  # a real restriction, yet the same output
    source = tmp_path / "in.id.txt"
    source.write_text("\n".join(s for s, _ in reversed(pairs)) + "\n", encoding="utf-8")
    for beams in ("1", "4"):
        result = runner.invoke(
            app,
            ["translate", str(source), "--lines", "--model", str(model_dir), "--backend", "ctranslate2",
             "--beams", beams, "--shortlist", str(out)],
        )
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == [t for _, t in reversed(pairs)]


def test_wrong_model_shortlist_is_one_error_line_before_translating(tmp_path: Path, tiny_trained_model) -> None:
    model_dir, pairs = tiny_trained_model
    other = tmp_path / "other.shortlist.json"
    write_shortlist(shortlist_from_pairs([(["▁saya"], ["▁I"])], VOCAB, model="other-model"), other)
    source = tmp_path / "in.id.txt"
    source.write_text(pairs[0][0] + "\n", encoding="utf-8")
    out = tmp_path / "out.en.txt"
    result = runner.invoke(
        app,
        ["translate", str(source), "--lines", "--model", str(model_dir), "--backend", "ctranslate2",
         "--shortlist", str(other), "-o", str(out)],
    )
    assert result.exit_code == 2
    assert result.output.startswith("Error: shortlist") and "another model" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not out.exists()
    # Also through auto: a wrong map is the user's error, not a reason to fall back.
    with pytest.raises(InputError, match="another model"):
        load_backend(EngineOptions(backend="auto", model=str(model_dir), device="cpu", shortlist=str(other)))


def test_transformers_refuses_a_shortlist_in_one_line(tmp_path: Path, tiny_trained_model) -> None:
    model_dir, pairs = tiny_trained_model
    path = tmp_path / "s.json"
    write_shortlist(_full_vocabulary_shortlist(model_dir), path)
    source = tmp_path / "in.id.txt"
    source.write_text(pairs[0][0] + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["translate", str(source), "--lines", "--model", str(model_dir), "--backend", "transformers",
              "--shortlist", str(path)],
    )
    assert result.exit_code == 2 and result.output.startswith("Error: a shortlist is a CTranslate2 setting")
    assert len(result.output.strip().splitlines()) == 1
    missing = runner.invoke(app, ["translate", str(source), "--lines", "--shortlist", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "no such shortlist" in missing.output


def test_a_built_default_is_used_for_its_model_until_turned_off(
    tmp_path: Path, tiny_trained_model, monkeypatch: pytest.MonkeyPatch
) -> None:
    model_dir, pairs = tiny_trained_model
    monkeypatch.setattr("selaras.jobs.shortlist.MIN_SENTENCES", len(pairs))  # the tiny model knows six sentences
    corpus = tmp_path / "corpus.id.txt"
    corpus.write_text("\n".join(s for s, _ in pairs) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["shortlist", "build", "--model", str(model_dir), "--corpus", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    cached = Path(json.loads(result.stdout)["path"])
    assert cached.is_relative_to(tmp_path / "cache")
    by_default = _ct2(model_dir, None)
    assert by_default.shortlist == read_shortlist(cached)
    assert _ct2(model_dir, "off").shortlist is None
    # The cached default does not bother the transformers engine (it has no shortlist).
    assert load_backend(EngineOptions(backend="transformers", model=str(model_dir), device="cpu")).name == "transformers"
    assert [h.text for h in by_default.translate_batch([s for s, _ in pairs], beams=1)] == [t for _, t in pairs]


def test_the_vmap_folder_links_the_cached_model(tmp_path: Path) -> None:
    model = tmp_path / "entry"
    model.mkdir()
    (model / "model.bin").write_bytes(b"weights")
    (model / "config.json").write_text("{}", encoding="utf-8")
    shortlist = shortlist_from_pairs([(["▁saya"], ["▁I"])], VOCAB)
    folder = model_dir_with_vmap(model, shortlist)
    assert (folder / "model.bin").read_bytes() == b"weights"
    assert (folder / "vmap.txt").read_text(encoding="utf-8") == shortlist.vmap_text()
    assert model_dir_with_vmap(model, shortlist) == folder  # made once
    assert sorted(p.name for p in model.iterdir()) == ["config.json", "model.bin"]  # the entry is untouched


def test_build_refuses_bad_input_in_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.id.txt"
    empty.write_text("\n\n", encoding="utf-8")
    result = runner.invoke(app, ["shortlist", "build", "--corpus", str(empty), "-o", str(tmp_path / "s.json")])
    assert result.exit_code == 2 and "no text" in result.output
    result = runner.invoke(app, ["shortlist", "build", "--corpus", str(empty), "--top", "-3"])
    assert result.exit_code == 2 and result.output.startswith("Error: top must be")
    result = runner.invoke(app, ["shortlist", "build", "--corpus", str(empty), "-o", str(empty)])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert empty.read_text(encoding="utf-8") == "\n\n"
    assert runner.invoke(app, ["shortlist", "build", "--help"]).output.count("Examples") == 1


def test_a_run_records_the_shortlist_it_used(tmp_path: Path, tiny_trained_model) -> None:
    import selaras

    model_dir, pairs = tiny_trained_model
    shortlist = tmp_path / "s.json"
    write_shortlist(_full_vocabulary_shortlist(model_dir), shortlist)
    source, reference = tmp_path / "doc.id.txt", tmp_path / "doc.en.txt"
    source.write_text("\n".join(s for s, _ in pairs) + "\n", encoding="utf-8")
    reference.write_text("\n".join(t for _, t in pairs) + "\n", encoding="utf-8")
    options = EngineOptions(backend="ctranslate2", model=str(model_dir), device="cpu", shortlist=str(shortlist))
    selaras.run(source, [reference], tmp_path / "run", options=options, lines=True, n_bootstrap=0)
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))
    assert "s.json" in json.dumps(metrics)  # the engine record names the map
    assert (tmp_path / "run" / "mt.txt").read_text(encoding="utf-8").splitlines() == [t for _, t in pairs]


def test_a_map_that_allows_nothing_is_refused_when_built_and_when_used() -> None:
    """The audit: --top 0 --per-piece 0 was accepted and every translated line came out empty."""
    with pytest.raises(InputError, match="allow no target piece"):
        shortlist_from_pairs([(["▁saya"], ["▁I"])], VOCAB, top=0, per_piece=0)
    empty = Shortlist(vocabulary=vocabulary_fingerprint(tokens_by_id(VOCAB)), vocabulary_size=len(VOCAB), model="", always=(), pieces={})
    with pytest.raises(InputError, match="allows no target piece"):
        check_vocabulary(empty, VOCAB)


def test_a_checksum_valid_map_of_pieces_the_model_lacks_is_refused() -> None:
    shortlist = shortlist_from_pairs([(["▁saya"], ["▁I"])], VOCAB, top=1, per_piece=1)
    foreign = Shortlist(
        vocabulary=shortlist.vocabulary, vocabulary_size=shortlist.vocabulary_size, model="",
        always=("▁zzz",), pieces={"▁saya": ("▁qqq",)},
    )
    with pytest.raises(InputError, match=r"lists 2 target pieces not in this model's vocabulary \(e.g. '▁qqq'\)"):
        check_vocabulary(foreign, VOCAB)


@pytest.mark.parametrize("size", ["abc", -3, 1.5, True])
def test_a_damaged_vocabulary_size_is_one_clear_error(tmp_path: Path, size: object) -> None:
    """The audit: vocabulary.size = "abc" was a ValueError traceback."""
    path = tmp_path / "s.json"
    write_shortlist(shortlist_from_pairs([(["▁saya"], ["▁I"])], VOCAB), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["vocabulary"]["size"] = size
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="is not a count"):
        read_shortlist(path)


def test_a_folder_given_as_shortlist_says_it_is_a_folder(tmp_path: Path) -> None:
    from selaras.backends import EngineOptions

    with pytest.raises(InputError, match="is a folder, not a shortlist file"):
        EngineOptions(backend="ctranslate2", shortlist=str(tmp_path))


def test_a_small_corpus_never_becomes_the_models_default_and_is_warned_about(tmp_path: Path, tiny_trained_model) -> None:
    """The audit: 3 sentences, no -o, no warning: the model's default from then on
    turned "She reads a book in the library." into "Thank."."""
    model_dir, pairs = tiny_trained_model
    corpus = tmp_path / "corpus.id.txt"
    corpus.write_text("\n".join(s for s, _ in pairs[:3]) + "\n", encoding="utf-8")
    base = ["shortlist", "build", "--model", str(model_dir), "--corpus", str(corpus)]
    result = runner.invoke(app, base)
    assert result.exit_code == 2 and "3 sentences, too few for this model's default shortlist" in result.stderr
    assert "write it with -o FILE" in result.stderr
    assert _ct2(model_dir, None).shortlist is None  # nothing became the default
    result = runner.invoke(app, [*base, "-o", str(tmp_path / "small.json")])
    assert result.exit_code == 0, result.output
    assert "warning: " in result.stderr and "has 3 sentences: a shortlist from fewer than 1000" in result.stderr
