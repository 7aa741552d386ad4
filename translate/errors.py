"""Selaras' one error hierarchy.

Every message says what went wrong *and how to fix it*; the CLI prints it on one line
(``Error: …``) and exits with ``exit_code``. Library code never prints or exits.
"""

from __future__ import annotations


class SelarasError(Exception):
    """Base class: a problem the user can fix. ``exit_code`` is what the CLI returns."""

    exit_code: int = 1


class InputError(SelarasError):
    """Unreadable, empty, binary, non-UTF-8 or malformed input."""

    exit_code = 2


class NothingSelectedError(SelarasError):
    """Filters that leave nothing (an export whose every row was left out): nothing is
    written, so an earlier export is not replaced by an empty one."""

    exit_code = 1


class ModelUnavailableError(SelarasError):
    """The translation model cannot be loaded (offline, typo, no weights)."""

    exit_code = 3


class EmbedderError(ModelUnavailableError):
    """The sentence encoder for alignment cannot be had (not installed, not a sentence encoder)."""


class BackendError(SelarasError):
    """A translation backend is missing or failed (e.g. CTranslate2 conversion)."""

    exit_code = 4


class FileError(SelarasError):
    """An output (or lock) cannot be written: permissions, a full disk, a folder in the way."""

    exit_code = 5


class LockedError(SelarasError):
    """Another Selaras run holds the output or checkpoint this run needs."""

    exit_code = 6


class ConflictError(SelarasError):
    """A review change was made on a stale version, or the file changed on disk meanwhile."""

    exit_code = 7


# Advice in plain words. Library messages say how to fix a problem in words that work
# in a notebook as well as on the command line, never with a CLI flag; each phrase
# below is used word for word, and ``selaras.cli.hints`` rewrites it into the flag
# that does it, so a CLI user still reads ``--model PATH``. Change a phrase here and
# the CLI follows (a test checks every phrase has its flag).

#: A local copy of the model instead of a hub id (the CLI's ``--model PATH``).
USE_LOCAL_MODEL = "give a local model folder instead"
#: A folder ``from_pretrained`` can load (the CLI's ``--model``).
USE_SAVED_MODEL_FOLDER = "give a folder saved with save_pretrained"
#: The PyTorch engine (the CLI's ``--backend transformers``).
USE_TRANSFORMERS = "use the transformers backend"
#: The CPU, or the PyTorch engine (``--device cpu`` or ``--backend transformers``).
USE_CPU_OR_TRANSFORMERS = "use the CPU or the transformers backend"
#: An explicit CTranslate2 backend, which retries a remembered failed conversion
#: (``auto`` does not; the CLI's ``--backend ctranslate2``).
RETRY_CTRANSLATE2 = "choose the ctranslate2 backend by name, not auto, to retry"
#: Export the reference side, or make an MT first (``--pair reference``, ``--mt``).
USE_REFERENCE_PAIR = "export the reference pair (the default), or align with an MT"

#: A shortlist is missing or belongs to another model (``selaras shortlist build``).
BUILD_SHORTLIST = "build one for this model from an Indonesian corpus with selaras shortlist build"
#: A shortlist's map is built from full-vocabulary translations (no ``--shortlist``).
WITHOUT_SHORTLIST = "load the engine without a shortlist"
#: Turning a model's cached default shortlist off (``--shortlist off``).
SHORTLIST_OFF = "shortlist 'off' decodes over the full vocabulary"
#: A small corpus's shortlist must not become a model's default (``-o FILE``).
SAVE_SHORTLIST_ELSEWHERE = "save it to a file of its own and pass that file when you want it"
#: Word links come from the model's attention: not with a given MT or none.
MT_MADE_HERE = "translate here instead of giving an MT or aligning without one"
#: A bead limit out of range (``selaras.jobs.spec.AlignSettings``; the CLI's ``--max-bead``).
BEAD_LIMIT = "give a bead limit from 2 to 12 sentences, or none for the aligner's default"
#: An XLIFF or PO file whose units are all translated (``translate_file(overwrite=True)``; the CLI's ``--overwrite``).
RETRANSLATE = "ask to overwrite the existing translations to translate them again"
#: Overwriting asked for a file that has no translations to overwrite (the CLI's ``--overwrite``).
OVERWRITE_BILINGUAL_ONLY = "overwriting existing translations applies to XLIFF and PO files only"
#: Languages given for a one-pair (Marian) model (the CLI's ``--src-lang``/``--tgt-lang``).
DROP_LANGUAGES = "leave the source and target languages out"
#: A language code the multilingual model does not know (``--src-lang``/``--tgt-lang``).
KNOWN_LANGUAGE = "give a language code the model knows"

#: Every phrase above, for the CLI's table and its test.
ADVICE: tuple[str, ...] = (
    USE_LOCAL_MODEL,
    USE_SAVED_MODEL_FOLDER,
    USE_TRANSFORMERS,
    USE_CPU_OR_TRANSFORMERS,
    RETRY_CTRANSLATE2,
    USE_REFERENCE_PAIR,
    BUILD_SHORTLIST,
    WITHOUT_SHORTLIST,
    SHORTLIST_OFF,
    SAVE_SHORTLIST_ELSEWHERE,
    MT_MADE_HERE,
    BEAD_LIMIT,
    RETRANSLATE,
    OVERWRITE_BILINGUAL_ONLY,
    DROP_LANGUAGES,
    KNOWN_LANGUAGE,
)
