"""The thresholds of every QA check, as named constants and one :class:`Thresholds` record.

They live apart from the measures so that each measure module and the checks in
:mod:`translate.checks` can share them without importing each other; every name is
also importable from :mod:`translate.checks`.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Sentence chrF (0-100) below which a row is ``low-score``. chrF is an F-score over
#: character 1-6-grams (Popović 2015); under 30 the MT shares few of them with the
#: reference. A review cue, not a verdict; the project default (``--low-chrf``).
LOW_CHRF = 30.0
#: Aligner confidence (0-1) below which a bead is ``low-alignment``; 0.5 is the
#: midpoint of the aligner's score range, i.e. "less sure than not".
LOW_ALIGN = 0.5
#: Unmatched number mentions a row may have before ``number-mismatch`` fires: any.
NUMBER_MISMATCH_MAX = 0
#: Lower-case Indonesian function words in the MT that make it ``untranslated``; two,
#: so one quoted word ("the so-called *tidak* vote") does not fire.
UNTRANSLATED_MIN_ID_WORDS = 2
#: Character similarity (difflib ratio, 0-1) of casefolded MT and source above which
#: the MT is a copy of the source.
UNTRANSLATED_COPY_RATIO = 0.9
#: Share of the MT's lower-case words that also occur in the source above which the
#: MT is mostly left in Indonesian (names are capitalised and numbers are not words,
#: so both are excluded); needs at least ``UNTRANSLATED_MIN_SHARED`` such words so
#: loanwords like "media" or "internet" in a short sentence do not fire.
UNTRANSLATED_SHARED_SHARE = 0.5
UNTRANSLATED_MIN_SHARED = 3
#: A 1-4-gram repeated this many times in a row is a loop (Marian's classic failure
#: on long inputs, e.g. "the the the" or "of the country, of the country, ...").
REPEAT_MIN_RUN = 3
#: Longest n-gram considered for consecutive repeats.
REPEAT_MAX_N = 4
#: Share of repeated word trigrams (1 - distinct/total) that marks a longer loop; needs
#: ``REPEAT_MIN_TRIGRAMS`` trigrams so a short sentence cannot reach it by chance.
REPEAT_TRIGRAM_SHARE = 0.4
REPEAT_MIN_TRIGRAMS = 10
#: Modified z-score above which a length ratio is an outlier (Iglewicz & Hoaglin 1993,
#: "How to Detect and Handle Outliers": |0.6745 (x - median) / MAD| > 3.5).
LENGTH_Z = 3.5
#: Minimum band: an MT is never ``length-ratio`` unless it is at least this factor
#: longer or shorter than the document's median ratio, so a short, clean document with
#: a tiny MAD does not fire on ordinary variation.
LENGTH_MIN_FACTOR = 2.0
#: Characters added to both lengths before the ratio (additive smoothing), so a
#: one-word heading ("Foto:" -> "Photo:") cannot be an outlier by itself.
LENGTH_SMOOTHING = 10
#: Rows needed to estimate the document's own ratio distribution; with fewer, the
#: centre is a neutral ratio of 1 and only ``LENGTH_MIN_FACTOR`` applies.
LENGTH_MIN_ROWS = 5
#: Source entities that may be missing from the MT before ``entity-missing`` fires.
ENTITY_MISSING_MAX = 0
#: Common-prefix length that counts as the same name across languages
#: (Belarusia/Belarus, Ukraina/Ukraine); shorter names must match exactly.
ENTITY_PREFIX = 5
#: difflib similarity (0-1) of folded spellings that counts as the same name when the
#: prefix differs: Irlandia/Ireland 0.80, Beograd/Belgrade 0.80, Roma/Rome 0.75,
#: Slowakia/Slovakia 0.88, while unrelated words stay far lower. The false-positive
#: rate this gives on UD PUD's professional translations is pinned in tests/test_checks.py.
ENTITY_SIMILARITY = 0.75


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every threshold the checks use; the defaults are the module constants above."""

    low_chrf: float = LOW_CHRF
    low_align: float = LOW_ALIGN
    number_mismatch_max: int = NUMBER_MISMATCH_MAX
    untranslated_min_id_words: int = UNTRANSLATED_MIN_ID_WORDS
    untranslated_copy_ratio: float = UNTRANSLATED_COPY_RATIO
    untranslated_shared_share: float = UNTRANSLATED_SHARED_SHARE
    untranslated_min_shared: int = UNTRANSLATED_MIN_SHARED
    repeat_min_run: int = REPEAT_MIN_RUN
    repeat_trigram_share: float = REPEAT_TRIGRAM_SHARE
    length_z: float = LENGTH_Z
    length_min_factor: float = LENGTH_MIN_FACTOR
    entity_missing_max: int = ENTITY_MISSING_MAX
    entity_similarity: float = ENTITY_SIMILARITY


DEFAULT_THRESHOLDS = Thresholds()
