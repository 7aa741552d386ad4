"""NLLB-200 and M2M-100 beside Opus-MT (``selaras.backends.family``): the family is read
from the model's files, the language codes are defaulted, overridable and checked, and
the forced target-language token never reaches the text, the tokens, the scores or the
word alignment; both engines agree exactly (greedy, float32), the CTranslate2
conversion keeps the vocabulary id for id, and the seed command runs on both families.

The models are random or tiny trained ones built locally (``selaras.devtools.m2m``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selaras.backends.family import choose_languages, detect_family, language_token
from selaras.backends.options import EngineOptions
from selaras.backends.registry import load_backend
from selaras.cli import app
from selaras.errors import BackendError, InputError

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "belarus-2020.id.txt"
SENTENCES = ["Saya suka kopi.", "Terima kasih.", "Dia membaca buku di perpustakaan.", "Apa kabar?"]


@pytest.fixture(params=["nllb", "m2m100"])
def random_family_model(request: pytest.FixtureRequest) -> tuple[str, Path]:
    return request.param, request.getfixturevalue(f"random_{request.param}_dir")


def _engine(model: Path, backend: str, **extra: object):
    compute = {"compute_type": "float32"} if backend == "ctranslate2" else {}
    return load_backend(EngineOptions(backend=backend, model=str(model), device="cpu", **compute, **extra))  # type: ignore[arg-type]


def test_the_family_comes_from_the_config_and_tokenizer_class_not_the_name() -> None:
    assert detect_family({"model_type": "marian"}, {}) == "marian"
    assert detect_family({"model_type": "m2m_100"}, {"tokenizer_class": "NllbTokenizer"}) == "nllb"
    assert detect_family({"model_type": "m2m_100"}, {"tokenizer_class": "NllbTokenizerFast"}) == "nllb"
    assert detect_family({"model_type": "m2m_100"}, {"tokenizer_class": "M2M100Tokenizer"}) == "m2m100"
    with pytest.raises(BackendError, match="tokenizer 'T5Tokenizer'"):
        detect_family({"model_type": "m2m_100"}, {"tokenizer_class": "T5Tokenizer"})
    with pytest.raises(BackendError, match="model type 'bart' is not supported"):
        detect_family({"model_type": "bart"}, {"tokenizer_class": "NllbTokenizer"})


def test_languages_default_to_indonesian_english_and_unknown_codes_are_refused() -> None:
    known = {"ind_Latn", "eng_Latn", "fra_Latn"}
    assert (choose_languages("nllb", None, None, known).src, choose_languages("nllb", None, None, known).tgt) == (
        "ind_Latn", "eng_Latn",
    )
    assert choose_languages("nllb", None, "fra_Latn", known).tgt_token == "fra_Latn"
    assert language_token("m2m100", "en") == "__en__"
    assert choose_languages("m2m100", None, None, {"__id__", "__en__"}).as_json() == {
        "family": "m2m100", "src_lang": "id", "tgt_lang": "en",
    }
    with pytest.raises(InputError, match="does not know the target language 'xx_Latn'"):
        choose_languages("nllb", None, "xx_Latn", known)
    with pytest.raises(InputError, match="one fixed pair"):
        choose_languages("marian", "id", None, ())
    with pytest.raises(InputError, match="target language must be a language code"):
        EngineOptions(tgt_lang=" en")


def test_both_engines_agree_exactly_and_no_language_token_leaks(random_family_model) -> None:
    family, model = random_family_model
    transformers = _engine(model, "transformers")
    ct2 = _engine(model, "ctranslate2")
    codes = {language_token(family, c) for c in ("id", "en", "ind_Latn", "eng_Latn")}
    for alignment in (False, True):
        expected = transformers.translate_batch(SENTENCES, beams=1, alignment=alignment)
        got = ct2.translate_batch(SENTENCES, beams=1, alignment=alignment)
        for a, b in zip(expected, got):
            assert (b.text, b.tokens, b.length, b.alignment, b.source_tokens) == (
                a.text, a.tokens, a.length, a.alignment, a.source_tokens,
            )
            assert b.logprob == pytest.approx(a.logprob, abs=1e-4)
            assert a.tokens and not codes & set(a.tokens) and not any(c in a.text for c in codes)
            if alignment:  # indices into the pieces and source pieces, none for the codes
                assert [t for _, t in a.alignment] == list(range(len(a.tokens)))
                assert not codes & set(a.source_tokens) and a.source_tokens[-1] != "</s>"
                assert all(0 <= s < len(a.source_tokens) for s, _ in a.alignment)
    # The scored length is the pieces (+ </s> if chosen): the forced code is not counted.
    assert all(h.length in (len(h.tokens), len(h.tokens) + 1) for h in expected)


def test_a_tiny_trained_model_of_each_family_translates_the_pairs_on_both_engines(trained_model_of_each_family) -> None:
    model, pairs = trained_model_of_each_family
    for backend in ("transformers", "ctranslate2"):
        engine = _engine(model, backend)
        for beams in (1, 4):
            assert [h.text for h in engine.translate_batch([s for s, _ in pairs], beams=beams)] == [t for _, t in pairs]


def test_the_converted_vocabulary_is_the_tokenizers_id_for_id(random_m2m100_dir: Path, tmp_path: Path) -> None:
    """transformers 5's M2M100Tokenizer.get_vocab() leaves the language tokens out, so
    CTranslate2's own M2M-100 loader writes a vocabulary without ``__en__``: the
    conversion sets it id by id, and the check refuses a vocabulary that differs."""
    from transformers import M2M100ForConditionalGeneration, M2M100Tokenizer

    from selaras.backends import ct2_cache

    tokenizer = M2M100Tokenizer.from_pretrained(str(random_m2m100_dir))
    model = M2M100ForConditionalGeneration.from_pretrained(str(random_m2m100_dir))
    assert "__en__" not in tokenizer.get_vocab()  # the trap this guards against
    path, _ = ct2_cache.ensure_converted(random_m2m100_dir, "float32", cache_dir=tmp_path / "ct2", family="m2m100")
    vocabulary = ct2_cache.read_ct2_vocabulary(path)
    assert len(vocabulary) == model.config.vocab_size
    for token in ("<s>", "<pad>", "</s>", "<unk>", "__id__", "__en__"):
        assert vocabulary[tokenizer.convert_tokens_to_ids(token)] == token
    assert vocabulary[-8:] == [f"madeupword{i}" for i in range(8)]
    broken = tmp_path / "broken"
    shutil.copytree(path, broken)
    shifted = [t for t in vocabulary if t != "__en__"] + ["madeupword8"]
    (broken / "shared_vocabulary.json").write_text(json.dumps(shifted), encoding="utf-8")
    with pytest.raises(BackendError, match="converted vocabulary does not match"):
        ct2_cache._check_vocabulary(model, tokenizer, broken)


def test_describe_names_family_languages_and_a_changed_pair_changes_the_output(random_nllb_dir: Path) -> None:
    for backend in ("transformers", "ctranslate2"):
        english = _engine(random_nllb_dir, backend)
        french = _engine(random_nllb_dir, backend, tgt_lang="fra_Latn")
        info = english.describe().as_json()
        assert (info["family"], info["src_lang"], info["tgt_lang"]) == ("nllb", "ind_Latn", "eng_Latn")
        assert french.describe().tgt_lang == "fra_Latn" and french.fingerprint != english.fingerprint
        assert [h.text for h in french.translate_batch(SENTENCES, beams=1)] != [
            h.text for h in english.translate_batch(SENTENCES, beams=1)
        ]


def test_languages_and_shortlists_are_refused_in_one_line(random_model_dir: Path, random_nllb_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "a.id.txt"
    source.write_text("Terima kasih.\n", encoding="utf-8")
    marian = runner.invoke(app, ["translate", str(source), "--model", str(random_model_dir), "--tgt-lang", "en"])
    assert marian.exit_code != 0 and "drop --src-lang and --tgt-lang" in marian.stderr
    unknown = runner.invoke(app, ["translate", str(source), "--model", str(random_nllb_dir), "--src-lang", "xx"])
    assert unknown.exit_code != 0 and "does not know the source language 'xx'" in unknown.stderr
    assert "--src-lang/--tgt-lang" in unknown.stderr and len(unknown.stderr.strip().splitlines()) == 1
    shortlist = tmp_path / "s.json"
    shortlist.write_text("{}", encoding="utf-8")
    refused = runner.invoke(
        app, ["translate", str(source), "--model", str(random_nllb_dir), "--backend", "ctranslate2", "--shortlist", str(shortlist)]
    )
    assert refused.exit_code != 0 and "applies to MarianMT (Opus-MT) models" in refused.stderr
    build = runner.invoke(
        app, ["shortlist", "build", "--model", str(random_nllb_dir), "--corpus", str(source), "-o", str(tmp_path / "m.json")]
    )
    assert build.exit_code == 2 and "not to this nllb model" in build.stderr and not (tmp_path / "m.json").exists()


def test_run_metrics_name_the_family_and_languages(trained_model_of_each_family, tmp_path: Path) -> None:
    model, pairs = trained_model_of_each_family
    source, reference = tmp_path / "a.id.txt", tmp_path / "a.en.txt"
    source.write_text("\n".join(s for s, _ in pairs[2:5]) + "\n", encoding="utf-8")
    reference.write_text("\n".join(t for _, t in pairs[2:5]) + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["run", str(source), "-r", str(reference), "-o", str(tmp_path / "run"), "--model", str(model), "--bootstrap", "0"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "mt.txt").read_text(encoding="utf-8").splitlines() == [t for _, t in pairs[2:5]]
    mt = json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))["mt"]
    family = json.loads((model / "config.json").read_text(encoding="utf-8"))["model_type"]
    expected = {"marian": ("marian", None, None)}.get(family, None)
    if expected is None:
        expected = ("nllb", "ind_Latn", "eng_Latn") if (model / "tokenizer.json").exists() else ("m2m100", "id", "en")
    assert (mt["family"], mt.get("src_lang"), mt.get("tgt_lang")) == expected


@pytest.mark.parametrize("family", ["nllb", "m2m100"])
def test_the_seed_command_gives_the_same_translation_on_both_engines(family: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    model = request.getfixturevalue(f"random_{family}_dir")
    texts = {}
    for backend in ("transformers", "ctranslate2"):
        out = tmp_path / f"{backend}.txt"
        args = ["translate", str(SEED), "--model", str(model), "--backend", backend, "--beams", "1", "-o", str(out)]
        if backend == "ctranslate2":
            args += ["--compute-type", "float32"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        texts[backend] = out.read_text(encoding="utf-8")
    assert texts["transformers"] == texts["ctranslate2"] and texts["transformers"].strip()
    assert "eng_Latn" not in texts["transformers"] and "__en__" not in texts["transformers"]


@pytest.mark.parametrize("family", ["nllb", "m2m100"])
def test_a_hub_id_in_the_cache_loads_offline_with_its_revision(
    family: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The path users run, for each family's own tokenizer files: a hub id found in the
    Hugging Face cache with the hub offline; the commit is the reported revision."""
    from huggingface_hub import constants

    model = request.getfixturevalue(f"random_{family}_dir")
    commit = "1" * 40
    repo = tmp_path / "hub" / f"models--selaras-test--{family}"
    shutil.copytree(model, repo / "snapshots" / commit)
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit, encoding="utf-8")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    for backend in ("transformers", "ctranslate2"):
        engine = load_backend(EngineOptions(backend=backend, model=f"selaras-test/{family}", device="cpu"))  # type: ignore[arg-type]
        info = engine.describe().as_json()
        assert (info["family"], info["revision"]) == (family, commit)
        assert engine.translate_batch(["Terima kasih."], beams=1)[0].tokens
