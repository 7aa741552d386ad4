"""Library advice in plain words -> the CLI flags that carry it out.

The library says how to fix a problem in words that also work in a notebook ("give
a local model folder instead"); the command line names the flag ("pass --model PATH
to a local copy"). The phrases are the library's own constants
(``selaras.errors.ADVICE``), imported here, so a reworded phrase cannot silently
stop being rewritten: a test checks each has its flag. Everything else in a message
is left as it is, so a CLI error is still one line saying what is wrong and how to
fix it.
"""

from __future__ import annotations

from selaras.errors import (
    BEAD_LIMIT,
    BUILD_SHORTLIST,
    DROP_LANGUAGES,
    KNOWN_LANGUAGE,
    OVERWRITE_BILINGUAL_ONLY,
    RETRANSLATE,
    MT_MADE_HERE,
    RETRY_CTRANSLATE2,
    SAVE_SHORTLIST_ELSEWHERE,
    SHORTLIST_OFF,
    USE_CPU_OR_TRANSFORMERS,
    USE_LOCAL_MODEL,
    USE_REFERENCE_PAIR,
    USE_SAVED_MODEL_FOLDER,
    USE_TRANSFORMERS,
    WITHOUT_SHORTLIST,
    SelarasError,
)

#: Each library phrase and what the CLI says instead.
FLAG_ADVICE: dict[str, str] = {
    USE_LOCAL_MODEL: "pass --model PATH to a local copy",
    USE_SAVED_MODEL_FOLDER: "point --model at a folder saved with save_pretrained",
    USE_TRANSFORMERS: "use --backend transformers",
    USE_CPU_OR_TRANSFORMERS: "use --device cpu or --backend transformers",
    RETRY_CTRANSLATE2: "run with --backend ctranslate2 to retry",
    USE_REFERENCE_PAIR: "use --pair reference (the default) or align with --mt",
    BUILD_SHORTLIST: "build one with: selaras shortlist build --model MODEL --corpus FILE.id.txt -o SHORTLIST",
    WITHOUT_SHORTLIST: "run without --shortlist",
    SHORTLIST_OFF: "--shortlist off decodes over the full vocabulary",
    SAVE_SHORTLIST_ELSEWHERE: "write it with -o FILE and pass --shortlist FILE when you want it",
    MT_MADE_HERE: "drop --mt/--no-mt",
    BEAD_LIMIT: "pass --max-bead 2 to 12, or leave it out for the default",
    RETRANSLATE: "pass --overwrite to translate them again",
    OVERWRITE_BILINGUAL_ONLY: "--overwrite applies to XLIFF and PO files only",
    DROP_LANGUAGES: "drop --src-lang and --tgt-lang",
    KNOWN_LANGUAGE: "pass --src-lang/--tgt-lang with a code the model knows",
}


def cli_text(text: str) -> str:
    """``text`` with every library advice phrase replaced by its flags (longest phrase
    first, so one that contains another is rewritten whole)."""
    for phrase in sorted(FLAG_ADVICE, key=len, reverse=True):
        text = text.replace(phrase, FLAG_ADVICE[phrase])
    return text


def cli_message(exc: SelarasError) -> str:
    """The one line the CLI prints for a library error: its message, advice in flags."""
    return cli_text(str(exc))


__all__ = ["FLAG_ADVICE", "cli_message", "cli_text"]
