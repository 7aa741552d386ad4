"""Job specs: one typed, checked description per job, built once by the CLI, a notebook
or the corpus job, owning its bounds.

* :class:`AlignSettings`: how sentences are aligned (``max_bead`` 2 to :data:`MAX_BEAD`,
  a lexicon, an embedder).
* Where a run's MT comes from, one case each: :class:`Translate` (an engine, from
  :class:`~selaras.backends.EngineOptions` or already loaded), :class:`GivenMt` (an MT
  file), :class:`Precomputed` (translations made elsewhere, e.g. the corpus job's
  sentence cache) or :class:`NoMt` (source-reference alignment only).
* :class:`RunSpec`: one ``selaras run``; :func:`run_spec` builds it from the notebook
  API's keywords (``selaras.run(..., max_bead=4, beams=2)``).
* :class:`Progress`: where a job reports its progress.

Light on purpose (no engine, no aligner): the CLI imports it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Union

from selaras.backends.options import EngineOptions, options_from_keywords, split_keywords
from selaras.errors import BEAD_LIMIT, MT_MADE_HERE, InputError
from selaras.records import Translation
from selaras.translator import ProgressCallback

#: Largest bead accepted: the aligner tries every shape with up to this many sentences,
#: so its work grows with the square of it, and beads of more than a dozen sentences
#: are not alignments anyone can review.
MAX_BEAD = 12



@dataclass(frozen=True)
class Progress:
    """Where a job reports progress, each as ``callback(done, total)`` (``None``: nowhere).

    Attributes:
        translate: model inputs translated (once before the first batch, then per batch).
        embed: sentences embedded for the aligner (both sides together).
    """

    translate: ProgressCallback | None = None
    embed: ProgressCallback | None = None


@dataclass(frozen=True)
class AlignSettings:
    """How a source is aligned with its references.

    Attributes:
        max_bead: most sentences in one bead, both sides together, 2 to
            :data:`MAX_BEAD`; ``None`` is the aligner's default (5).
        lexicon: a bilingual lexicon file for the aligner (``selaras.align.parse_lexicon``).
        embedder: sentence embeddings: ``auto``, ``e5``, ``none``, a
            sentence-transformers folder or hub id (``selaras.embed.load_embedder``), or
            an already-loaded ``selaras.embed.Embedder`` (``None``: lexical only).

    Raises:
        InputError: ``max_bead`` is not a whole number from 2 to :data:`MAX_BEAD`.
    """

    max_bead: int | None = None
    lexicon: str | Path | None = None
    embedder: Any = "auto"

    def __post_init__(self) -> None:
        value = self.max_bead
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"max bead must be a whole number of sentences, got {value!r}; {BEAD_LIMIT}")
        if not 2 <= value <= MAX_BEAD:
            raise InputError(f"max bead must be between 2 and {MAX_BEAD}, got {value}; {BEAD_LIMIT}")


# --------------------------------------------------------------------------- where the MT comes from
#
# Each case says what a run needs to know about it without asking which case it is:
# ``writes_mt`` (an ``mt.txt`` in the run folder), ``translates`` (the model runs here,
# resumably: the run folder's checkpoint is used) and ``files`` (inputs it reads). The
# one place that does different work per case is ``selaras.jobs.run._machine_translation``.


@dataclass(frozen=True)
class Translate:
    """Translate the source here, resumably: with ``backend`` (an engine already loaded
    from these options, as a corpus job does) or by loading one from ``options``."""

    options: EngineOptions = field(default_factory=EngineOptions)
    backend: Any = None

    writes_mt: ClassVar[bool] = True
    translates: ClassVar[bool] = True
    files: ClassVar[tuple[str | Path, ...]] = ()


@dataclass(frozen=True)
class GivenMt:
    """An existing MT file: one non-empty line per source sentence."""

    path: str | Path

    writes_mt: ClassVar[bool] = True
    translates: ClassVar[bool] = False

    @property
    def files(self) -> tuple[str | Path, ...]:
        """The MT file: an input of the run."""
        return (self.path,)


@dataclass(frozen=True)
class Precomputed:
    """The source's translations, already made (one per source sentence, in order);
    ``engine_info`` (``EngineInfo.as_json()`` of the engine that made them) goes into
    ``metrics.json`` as the MT's engine."""

    translations: Sequence[Translation]
    engine_info: Mapping[str, Any] | None = None

    writes_mt: ClassVar[bool] = True
    translates: ClassVar[bool] = False
    files: ClassVar[tuple[str | Path, ...]] = ()


@dataclass(frozen=True)
class NoMt:
    """No MT: align the source with its references only (no scores)."""

    writes_mt: ClassVar[bool] = False
    translates: ClassVar[bool] = False
    files: ClassVar[tuple[str | Path, ...]] = ()


MtSource = Union[Translate, GivenMt, Precomputed, NoMt]


# --------------------------------------------------------------------------- a run


@dataclass(frozen=True)
class RunSpec:
    """One ``selaras run``: segment, get the MT, align with each reference, flag, score.

    A template without files (``source=""``, no references) is completed per document
    with ``dataclasses.replace``, as the corpus job does.

    Attributes:
        source: the Indonesian document.
        references: its English reference translations (any segmentation; one path
            is one reference).
        out_dir: the run folder (``selaras.rundir``).
        mt: where the MT comes from (:data:`MtSource`).
        align: how sentences are aligned.
        lines: one sentence per non-empty line in the source and references.
        format: the inputs' document format (default: each by its extension).
        n_bootstrap: resamples for the metrics' 95% CIs (0: none, else at least 100).
        word_alignment: fill each row's source-word-to-MT-word links; needs an MT made
            by the model (:class:`Translate` or :class:`Precomputed`).
        tm: a translation memory (``selaras.memory``) whose exact matches replace the MT
            of their sentences (``origin`` = ``tm``); only when translating here.
        glossary: a :class:`selaras.terms.Glossary`: the MT the model makes here is made
            to use its English (``selaras.terms.enforce``; a given MT is left as it is),
            and every row gets the ``term-missing`` check.

    Raises:
        InputError: word alignment asked with a given MT or none.
    """

    source: str | Path
    references: tuple[str | Path, ...]
    out_dir: str | Path
    mt: MtSource = field(default_factory=Translate)
    align: AlignSettings = field(default_factory=AlignSettings)
    lines: bool = False
    format: str | None = None
    n_bootstrap: int = 1000
    word_alignment: bool = False
    tm: str | Path | None = None
    glossary: Any = None

    def __post_init__(self) -> None:
        refs = self.references
        object.__setattr__(self, "references", (refs,) if isinstance(refs, (str, os.PathLike)) else tuple(refs))
        if self.word_alignment and not isinstance(self.mt, (Translate, Precomputed)):
            raise InputError(f"word alignment needs an MT made by the model (it comes from its attention); {MT_MADE_HERE}")
        if self.tm is not None and not isinstance(self.mt, Translate):
            raise InputError(f"a translation memory replaces MT that is made here; {MT_MADE_HERE}")

    @property
    def inputs(self) -> list[str | Path]:
        """Every file the run reads (none may be written over)."""
        lexicon = () if self.align.lexicon is None else (self.align.lexicon,)
        tm = () if self.tm is None else (self.tm,)
        glossary = () if self.glossary is None else tuple(self.glossary.files)
        return [self.source, *self.references, *self.mt.files, *lexicon, *tm, *glossary]


#: The keywords of ``selaras.run`` besides its files and the engine's (:func:`run_spec`).
RUN_KEYWORDS: tuple[str, ...] = (
    "options", "lines", "mt", "translate", "max_bead", "lexicon", "n_bootstrap", "on_progress", "format",
    "backend", "translations", "engine_info", "embedder", "on_embed_progress", "word_alignment", "tm",
    "glossary",
)


def run_spec(
    source: str | Path, references: Sequence[str | Path], out_dir: str | Path, settings: Mapping[str, Any]
) -> tuple[RunSpec, Progress]:
    """The spec and progress of a keyword call of ``selaras.run`` (see its docstring).

    The MT source is the first that applies: ``mt`` (a file), ``translate=False`` (none),
    ``translations`` (precomputed, with ``engine_info``), else translating with
    ``options`` or the engine keywords (and ``backend`` if one is loaded).

    Raises:
        TypeError: an unknown keyword (the message lists the valid ones).
        InputError: a value out of range (a bead limit, an engine option).
    """
    own, engine = split_keywords(settings, RUN_KEYWORDS, caller="run")
    get = own.get
    mt: MtSource
    if get("mt") is not None:
        mt = GivenMt(own["mt"])
    elif not get("translate", True):
        mt = NoMt()
    elif get("translations") is not None:
        mt = Precomputed(own["translations"], get("engine_info"))
    else:
        mt = Translate(options_from_keywords(get("options"), engine), get("backend"))
    spec = RunSpec(
        source, tuple(references), out_dir, mt=mt,
        align=AlignSettings(max_bead=get("max_bead"), lexicon=get("lexicon"), embedder=get("embedder", "auto")),
        lines=get("lines", False), format=get("format"), n_bootstrap=get("n_bootstrap", 1000),
        word_alignment=get("word_alignment", False), tm=get("tm"), glossary=get("glossary"),
    )
    return spec, Progress(translate=get("on_progress"), embed=get("on_embed_progress"))


__all__ = [
    "MAX_BEAD",
    "RUN_KEYWORDS",
    "AlignSettings",
    "GivenMt",
    "MtSource",
    "NoMt",
    "Precomputed",
    "Progress",
    "ProgressCallback",
    "RunSpec",
    "Translate",
    "run_spec",
]
