"""Which kind of model a folder holds, and its languages: Opus-MT, NLLB-200 or M2M-100.

Why one module: both engines must agree on what a family needs (its tokenizer files,
its language codes, the token forced at the start of the output), and the family is
read from the model's own files, never guessed from its name (a fine-tuned NLLB may be
called anything). ``config.json``'s ``model_type`` says Marian or M2M-100 (NLLB-200 is
the M2M-100 architecture); ``tokenizer_config.json``'s ``tokenizer_class`` tells NLLB's
conventions from M2M-100's.

Languages. A Marian model translates one pair and takes no codes. NLLB and M2M-100
translate between many: the source starts with the source code token and the output
with the target code token, which the engines force (transformers'
``forced_bos_token_id``, CTranslate2's ``target_prefix``) and then remove from the text,
the scores and the word alignment. Defaults are Indonesian to English in each family's
spelling (FLORES-200 ``ind_Latn``/``eng_Latn`` for NLLB, ISO 639-1 ``id``/``en`` for M2M-100).
"""

from __future__ import annotations

import json
from collections.abc import Container, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from selaras.errors import DROP_LANGUAGES, KNOWN_LANGUAGE, USE_TRANSFORMERS, WITHOUT_SHORTLIST, BackendError, InputError

FamilyName = Literal["marian", "nllb", "m2m100"]
FAMILIES: tuple[FamilyName, ...] = ("marian", "nllb", "m2m100")

#: Indonesian -> English in each family's codes (Marian: the model is the pair).
DEFAULT_LANGUAGES: dict[FamilyName, tuple[str | None, str | None]] = {
    "marian": (None, None),
    "nllb": ("ind_Latn", "eng_Latn"),
    "m2m100": ("id", "en"),
}
#: Tokenizer files each family's folder holds besides weights (what a hub download fetches).
TOKENIZER_FILES: dict[FamilyName, tuple[str, ...]] = {
    "marian": ("config.json", "source.spm", "target.spm", "vocab.json"),
    "nllb": ("config.json", "tokenizer_config.json", "tokenizer.json"),
    "m2m100": ("config.json", "tokenizer_config.json", "vocab.json", "sentencepiece.bpe.model"),
}
#: How a code looks in each family, for messages.
_CODE_EXAMPLE: dict[FamilyName, str] = {"nllb": "FLORES-200 codes such as ind_Latn, eng_Latn", "m2m100": "codes such as id, en"}


def detect_family(config: Mapping[str, object], tokenizer_config: Mapping[str, object]) -> FamilyName:
    """The family of a model from its ``config.json`` and ``tokenizer_config.json`` contents.

    Raises:
        BackendError: a model type or tokenizer Selaras does not translate with.
    """
    model_type = config.get("model_type")
    if model_type == "marian":
        return "marian"
    if model_type == "m2m_100":
        tokenizer_class = str(tokenizer_config.get("tokenizer_class") or "")
        if tokenizer_class.startswith("Nllb"):
            return "nllb"
        if tokenizer_class.startswith("M2M100"):
            return "m2m100"
        raise BackendError(
            f"an M2M-100 architecture model with tokenizer {tokenizer_class or 'unnamed'!r}: Selaras knows the "
            "NLLB-200 (NllbTokenizer) and M2M-100 (M2M100Tokenizer) conventions only"
        )
    raise BackendError(
        f"model type {model_type!r} is not supported; Selaras translates with MarianMT (Opus-MT), "
        "NLLB-200 and M2M-100 models"
    )


def _read_json(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise BackendError(f"cannot read {path} ({exc}); re-download the model") from exc
    return data if isinstance(data, dict) else {}


def read_family(model_dir: str | Path) -> FamilyName:
    """The family of the model in a local folder (see :func:`detect_family`)."""
    folder = Path(model_dir)
    return detect_family(_read_json(folder / "config.json"), _read_json(folder / "tokenizer_config.json"))


def language_token(family: FamilyName, code: str) -> str:
    """The vocabulary token of a language code: ``eng_Latn`` in NLLB, ``__en__`` in M2M-100."""
    return f"__{code}__" if family == "m2m100" else code


def refuse_shortlist(family: str, *, building: bool = False) -> InputError:
    """The one line for a vocabulary shortlist asked of a multilingual model.

    Why refused: a shortlist maps source pieces to the target pieces decoding may use
    (CTranslate2's ``vmap``); it was designed and measured for Opus-MT, and with a
    forced language token and hundreds of language codes in the vocabulary it has not
    been checked, so it is not applied silently.
    """
    why = f"a vocabulary shortlist applies to MarianMT (Opus-MT) models, not to this {family} model"
    return InputError(why if building else f"{why}; {WITHOUT_SHORTLIST}")


def tokenizer_size(tokenizer: object) -> int:
    """Ids a transformers tokenizer knows: one past its largest. ``M2M100Tokenizer.get_vocab()``
    in transformers 5 leaves out the language tokens after the vocabulary, so they are
    counted from its ``lang_token_to_id``."""
    ids = list(tokenizer.get_vocab().values()) + list(getattr(tokenizer, "lang_token_to_id", {}).values())  # type: ignore[attr-defined]
    return max(ids) + 1


def language_ids(tokenizer: object) -> set[int]:
    """The ids of a multilingual tokenizer's language tokens (M2M-100's ``__xx__``, NLLB's codes)."""
    codes = getattr(tokenizer, "lang_token_to_id", None)
    if codes:
        return set(codes.values())
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    vocab = tokenizer.get_vocab()  # type: ignore[attr-defined]
    return {vocab[c] for c in FAIRSEQ_LANGUAGE_CODES if c in vocab}


def vocabulary_tokens(tokenizer: object) -> list[str]:
    """Every token of a multilingual tokenizer, by id, with no gaps.

    Raises:
        BackendError: two ids share a token or an id has none (the converted model's
            rows would not match the tokenizer's ids).
    """
    size = tokenizer_size(tokenizer)
    tokens = list(tokenizer.convert_ids_to_tokens(list(range(size))))  # type: ignore[attr-defined]
    if any(not t for t in tokens) or len(set(tokens)) != size:
        raise BackendError(f"the tokenizer's ids are not one token each from 0 up; {USE_TRANSFORMERS} for this model")
    return tokens


@dataclass(frozen=True, slots=True)
class Languages:
    """A model's family and the language pair it translates with.

    Attributes:
        family: ``marian``, ``nllb`` or ``m2m100``.
        src, tgt: the codes (``None`` for Marian, whose model is the pair).
    """

    family: FamilyName
    src: str | None = None
    tgt: str | None = None

    @property
    def src_token(self) -> str | None:
        return language_token(self.family, self.src) if self.src else None

    @property
    def tgt_token(self) -> str | None:
        """The token forced as the output's first, removed from everything returned."""
        return language_token(self.family, self.tgt) if self.tgt else None

    def as_json(self) -> dict[str, object]:
        return {"family": self.family, "src_lang": self.src, "tgt_lang": self.tgt}


def choose_languages(
    family: FamilyName, src_lang: str | None, tgt_lang: str | None, known: Container[str]
) -> Languages:
    """The language pair to translate with: the family's default, or the codes asked for.

    Args:
        family: the model's family.
        src_lang, tgt_lang: codes asked for, ``None`` for the default.
        known: the tokens of the model's vocabulary (language tokens among them).

    Raises:
        InputError: codes given for a Marian model, or a code the model does not know.
    """
    if family == "marian":
        if src_lang is not None or tgt_lang is not None:
            raise InputError(
                "source and target languages apply to multilingual models (NLLB-200, M2M-100); this MarianMT "
                f"model translates one fixed pair: {DROP_LANGUAGES}"
            )
        return Languages("marian")
    default_src, default_tgt = DEFAULT_LANGUAGES[family]
    chosen = {"source": src_lang or default_src, "target": tgt_lang or default_tgt}
    for side, code in chosen.items():
        assert code is not None  # the family's default is set
        if language_token(family, code) not in known:
            raise InputError(
                f"the {family} model does not know the {side} language {code!r}; "
                f"{KNOWN_LANGUAGE} ({_CODE_EXAMPLE[family]})"
            )
    return Languages(family, chosen["source"], chosen["target"])


__all__ = [
    "DEFAULT_LANGUAGES",
    "FAMILIES",
    "TOKENIZER_FILES",
    "FamilyName",
    "Languages",
    "choose_languages",
    "detect_family",
    "language_ids",
    "language_token",
    "read_family",
    "tokenizer_size",
    "vocabulary_tokens",
]
