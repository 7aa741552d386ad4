"""``selaras shortlist build`` as a job: load the engine, translate a corpus, save the map.

Apart from :mod:`selaras.backends.shortlist` (the map itself, which the CTranslate2
engine reads) because building one loads an engine through the registry, and the
engine imports the map: kept together they formed an import loop.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from selaras.backends.shortlist import (
    DEFAULT_PER_PIECE,
    DEFAULT_TOP,
    OFF,
    Shortlist,
    build_shortlist,
    check_sizes,
    default_shortlist_path,
    write_shortlist,
)
from selaras.errors import SAVE_SHORTLIST_ELSEWHERE, SHORTLIST_OFF, InputError

logger = logging.getLogger(__name__)

#: Fewest corpus sentences for a shortlist without a warning, and for a model's default
#: at all: the map can only allow pieces the corpus's translations used (1,000 news
#: sentences already hold most of a language's frequent words).
MIN_SENTENCES = 1000


def build_shortlist_file(
    corpus: str | os.PathLike[str],
    output: str | os.PathLike[str] | None,
    options: Any,
    *,
    top: int = DEFAULT_TOP,
    per_piece: int = DEFAULT_PER_PIECE,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[Shortlist, Path]:
    """``selaras shortlist build``: translate a corpus, map it, save the map.

    Args:
        corpus: UTF-8 Indonesian text, one sentence per line (blank lines are skipped).
        output: where to save it; ``None`` saves it as the model's default shortlist
            (:func:`~selaras.backends.shortlist.default_shortlist_path`), which CTranslate2 then uses for this model
            unless told ``--shortlist off``.
        options: :class:`selaras.backends.EngineOptions`; the backend must be
            ``ctranslate2`` or ``auto`` (a shortlist is CTranslate2's), and the engine
            decodes with the full vocabulary whatever its ``shortlist`` says.
        top, per_piece, on_progress: see :func:`~selaras.backends.shortlist.build_shortlist`.

    Returns:
        The shortlist and the file it was written to.

    Raises:
        InputError: a bad corpus or option, an output that is the corpus, or a
            corpus under :data:`MIN_SENTENCES` sentences for the model's default
            (with an output, it is only warned about).
        ModelUnavailableError, BackendError: the engine cannot be had.
    """
    from dataclasses import replace

    from selaras.backends.registry import load_backend
    from selaras.io import check_outputs, read_lines

    if options.backend == "transformers":
        raise InputError("a shortlist is built and used with CTranslate2; use backend ctranslate2 or auto")
    check_sizes(top, per_piece)
    sentences = [line for line in read_lines(corpus) if line.strip()]
    if not sentences:
        raise InputError(f"{corpus} has no text to build a shortlist from")
    if len(sentences) < MIN_SENTENCES:
        if output is None:
            # A default is used for every later translation with this model: one from
            # 3 sentences turned "She reads a book in the library." into "Thank.".
            raise InputError(
                f"{corpus} has {len(sentences)} sentences, too few for this model's default shortlist (at least "
                f"{MIN_SENTENCES}: every later translation with the model would use it); {SAVE_SHORTLIST_ELSEWHERE}"
            )
        logger.warning(
            "%s has %d sentences: a shortlist from fewer than %d allows few target pieces, so translations of other "
            "text lose words; build it from a corpus like the documents you will translate", corpus, len(sentences),
            MIN_SENTENCES,
        )
    if output is not None:
        check_outputs([output], [corpus])
    backend = load_backend(replace(options, backend="ctranslate2", shortlist=OFF))
    family = backend.describe().family
    if family != "marian":  # before any sentence is translated for it
        from selaras.backends.family import refuse_shortlist

        raise refuse_shortlist(family, building=True)
    shortlist = build_shortlist(
        backend,
        sentences,
        top=top,
        per_piece=per_piece,
        beams=options.beams,
        batch_size=options.batch_size or backend.default_batch_size,
        on_progress=on_progress,
    )
    if output is None:
        from selaras.backends.loading import resolve_model

        # The fingerprint load_ct2 looks the default up by (resolve_local_model's).
        source = resolve_model(options.model, required_files=("config.json", "source.spm", "target.spm", "vocab.json"))
        output = default_shortlist_path(source.fingerprint)
        output.parent.mkdir(parents=True, exist_ok=True)
        logger.warning(
            "saved as this model's default shortlist %s: CTranslate2 uses it for every translation with this model; %s",
            output, SHORTLIST_OFF,
        )
    write_shortlist(shortlist, output)
    return shortlist, Path(output)
