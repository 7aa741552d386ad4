"""``entity-missing``: names in the source that the MT may have dropped.

Indonesian capitalises names, titles and the first word of a sentence; these helpers
pick the words worth looking for (:func:`entity_candidates`: not sentence-initial
words, not titles such as ``Kepala Dinas`` or ``Direktur Utama``, see
:data:`ID_TITLE_WORDS`) and score how well the MT renders each
(:func:`entity_scores`), allowing for spelling across languages
(:func:`name_similarity`) and for exonyms (:data:`ID_EXONYMS`);
:class:`EntityCheck` applies the threshold.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from selaras.checks.base import Check
from selaras.checks.lexicon import word_list, word_table
from selaras.checks.untranslated import ID_WORDS, _lower_words
from selaras.language import ID_FUNCTION_WORDS
from selaras.records import Flag
from selaras.rows import AlignedRow

#: Source entities that may be missing from the MT before ``entity-missing`` fires.
ENTITY_MISSING_MAX = 0
#: Common-prefix length that counts as the same name across languages
#: (Belarusia/Belarus, Ukraina/Ukraine); shorter names must match exactly.
ENTITY_PREFIX = 5
#: difflib similarity (0-1) of folded spellings that counts as the same name when the
#: prefix differs: Irlandia/Ireland 0.80, Beograd/Belgrade 0.80, Roma/Rome 0.75,
#: Slowakia/Slovakia 0.88, while unrelated words stay far lower. The false-alarm
#: rate this gives on UD PUD's professional translations is pinned in tests/test_checks.py
#: and reported by scripts/eval_checks.py.
ENTITY_SIMILARITY = 0.75

#: Capitalised Indonesian words whose English rendering shares no 5-letter prefix:
#: days, months, country and place exonyms and nationality forms (Suriah = Syria,
#: Syrian; Muenchen = Munich), compass words, institution nouns, acronyms with their
#: usual English rendering (SMA = high school, DPR = House, Polri = police) and a few
#: names with an English form (titles are not names: see ``ID_TITLE_WORDS``). Values are
#: English words, folded when compared (see ``_fold``), any of which counts as present.
#: Data: ``data/exonyms.tsv`` (see ``data/SOURCE.md``).
ID_EXONYMS: dict[str, tuple[str, ...]] = word_table("exonyms.tsv")

#: Capitalised Indonesian words that are not names and whose English counterpart
#: varies too much to look for: the polite pronoun, nouns that head proper names
#: (``Rumah Sakit X`` = X Hospital, ``Laut Celtic`` = Celtic Sea, ``Dinas Pendidikan``
#: = Education Office), which the name itself already covers, and company forms
#: translators drop (``PT`` = Ltd, ``Tbk`` = listed, ``Persero`` = state-owned).
ID_CAPITALISED_COMMON: frozenset[str] = word_list("capitalised-common.txt")

#: Indonesian titles, offices, ranks and honorifics. PUEBI (Pedoman Umum Ejaan Bahasa
#: Indonesia, 2015; Huruf Kapital, rules 4-5) capitalises a title of honour, descent,
#: religion or learning, and an office or rank, when it comes before a name, an
#: institution or a place (``Wakil Gubernur Jawa Barat``, ``Kepala Dinas``), so a
#: capital there marks a title, not a name; translators render it as an English
#: common noun (deputy governor, agency head, president director, regent) or leave it
#: out, and the name after it is checked on its own. Forms from KBBI (Kamus Besar
#: Bahasa Indonesia) and the usual news abbreviations (Kapolri, Dirut, Wagub).
ID_TITLE_WORDS: frozenset[str] = word_list("titles.txt")

#: Words that are part of a title only right after a title word (``Direktur Utama``,
#: ``Jaksa Agung``, ``Duta Besar``, ``Juru Bicara``, ``Pelaksana Tugas``,
#: ``Sekretaris Daerah``): elsewhere some are names (``Agung``) or other nouns.
ID_TITLE_MODIFIERS: frozenset[str] = word_list("title-modifiers.txt")

#: ``pe-…-an`` / ``ke-…-an`` nouns (Perjanjian, Pengadilan, Kepulauan, Kementerian),
#: Indonesian confixes that title words take and names rarely do.
_CONFIX_NOUN = re.compile(r"^(?:pe|ke)[^\W\d_]{3,}an$")
#: Roman numerals (Perang Dunia II) are numbers; the MT may write "Two".
_ROMAN = re.compile(r"^[IVXLC]+$")

_INITIAL_AFTER = set(".!?:;…•")
_OPENERS = set("“\"‘'«([{—–-")
#: An opening quote starts quoted speech, which Indonesian capitalises like a sentence
#: (berkata, "Ayo kita ..."): the word after it is initial.
#: An English contraction (Can't, We're) in a source quoting English: no name.
_EN_CONTRACTION = re.compile(r"(?:n['’]t|['’](?:re|ll|ve|m))$")
_QUOTES = set("“\"‘«")


# Order matters: "ch" before "c", "ck" before "c".
_TRANSLITERATIONS = (
    ("oe", "u"), ("ph", "f"), ("th", "t"), ("ch", "c"), ("ck", "k"),
    ("c", "k"), ("q", "k"), ("x", "ks"), ("y", "i"), ("z", "s"),
)  # fmt: skip


def _fold(word: str) -> str:
    """Casefold, strip diacritics and apostrophes, and map simple transliterations.

    ``ph``->``f``, ``th``->``t``, ``ch``->``c`` (Cina = China), ``c``/``q``->``k``, ``x``->``ks``, ``y``->``i``,
    ``z``->``s``, ``oe``->``u`` (old Indonesian spelling), then doubled letters
    collapse, so Rusia = Russia, Moskow = Moscow, Brasil = Brazil, Filipina ~
    Philippines, Soekarno = Sukarno.
    """
    text = unicodedata.normalize("NFKD", word.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and ch not in "'’")
    if text.endswith("s") and (word.endswith("'s") or word.endswith("’s")):
        text = text[:-1]
    for old, new in _TRANSLITERATIONS:
        text = text.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", text)


def name_similarity(name: str, candidate: str, prefix: int = ENTITY_PREFIX) -> float:
    """How alike two folded spellings are as one name, 0-1.

    1.0 when equal or sharing a ``prefix``-letter prefix (Belarusia/Belarus);
    otherwise difflib's ratio, or 0.0 when either word is under 4 letters (short
    names and acronyms must match exactly).
    """
    if name == candidate:
        return 1.0
    if len(name) < 4 or len(candidate) < 4:
        return 0.0
    if min(len(name), len(candidate)) >= prefix and name[:prefix] == candidate[:prefix]:
        return 1.0
    if candidate.startswith(name) and candidate[len(name) :] in _DEMONYM_ENDINGS:
        return 1.0  # Iran/Iranian, Israel/Israeli, Bali/Balinese
    return difflib.SequenceMatcher(None, name, candidate, autojunk=False).ratio()


_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
#: What English adds to a place name for its people or adjective (folded: see ``_fold``).
_DEMONYM_ENDINGS = frozenset({"an", "ian", "n", "i", "ese", "ish", "ite"})


def capitalised_tokens(text: str) -> list[tuple[str, bool]]:
    """Capitalised words of ``text`` (2+ letters) and whether each is sentence-initial.

    Initial means first in the text or after ``.!?:;`` with only spaces, quotes or
    brackets in between -- the places where Indonesian capitalises any word.
    """
    return [(word, initial) for word, initial, _ in _capitalised_in_titles(text)]


def _capitalised_in_titles(text: str) -> list[tuple[str, bool, bool]]:
    """:func:`capitalised_tokens` plus whether each word is part of a title.

    A title word is one of ``ID_TITLE_WORDS``, or one of ``ID_TITLE_MODIFIERS``
    right after a title word with only spaces between (``Kepala Pelaksana``,
    ``Direktur Utama``; ``Agung`` alone may be a name).
    """
    found: list[tuple[str, bool, bool]] = []
    previous_end, previous_title = -1, False
    for match in _NAME_WORD.finditer(text):
        word = match.group(0)
        lower = word.lower()
        follows = previous_title and text[previous_end : match.start()].isspace()
        in_title = word[0].isupper() and (
            lower in ID_TITLE_WORDS or (follows and lower in ID_TITLE_MODIFIERS)
        )
        previous_end, previous_title = match.end(), in_title
        if len(word) < 2 or not word[0].isupper():
            continue
        k = match.start() - 1
        quoted = False
        while k >= 0 and (text[k].isspace() or text[k] in _OPENERS):
            quoted = quoted or text[k] in _QUOTES
            k -= 1
        found.append((word, k < 0 or quoted or text[k] in _INITIAL_AFTER, in_title))
    return found


@dataclass(frozen=True, slots=True)
class DocumentWords:
    """What the whole source document says about its capitalised words.

    ``names``: written capitalised mid-sentence and never in lower case, so a
    sentence-initial ``Kremlin`` is checked when the text also says ``kata Kremlin``.
    ``lower``: every word the document writes in lower case; a capitalised word that
    also occurs in lower case (``Pemerintah``/``pemerintah``) is a common noun in a
    title, not a name, and is not checked.
    """

    names: frozenset[str] = frozenset()
    lower: frozenset[str] = frozenset()

    @classmethod
    def of(cls, sources: Sequence[str]) -> DocumentWords:
        lower = frozenset(w for text in sources for w in _lower_words(text))
        capitalised = {w for text in sources for w, initial in capitalised_tokens(text) if not initial}
        return cls(frozenset(w for w in capitalised if w.lower() not in lower), lower)


def entity_candidates(source: str, words: DocumentWords = DocumentWords()) -> list[str]:
    """The capitalised source words that ``entity-missing`` looks for in the MT.

    Left out: sentence-initial words (unless ``words.names`` has them), titles
    (``ID_TITLE_WORDS``, and ``ID_TITLE_MODIFIERS`` after one: ``Kepala Dinas``,
    ``Direktur Utama``; titles are not names), Indonesian
    function words and ``ID_CAPITALISED_COMMON`` (``Anda``, ``Bahasa``, ``Laut``),
    ``pe-…-an``/``ke-…-an`` nouns (``Perjanjian``, ``Kepulauan``: names rarely have
    that shape, title nouns often do) and words the document also writes in lower case.
    """
    found: list[str] = []
    for word, initial, in_title in _capitalised_in_titles(source):
        lower = word.lower()
        if (
            (initial and word not in words.names)
            or in_title
            or lower in ID_FUNCTION_WORDS
            or lower in ID_CAPITALISED_COMMON
            or lower in words.lower
            or _CONFIX_NOUN.match(lower)
            or (lower.endswith("nya") and lower[:-3] in ID_WORDS)
            or _EN_CONTRACTION.search(lower)
            or _ROMAN.match(word)
            or word in found
        ):
            continue
        found.append(word)
    return found


def entity_scores(
    source: str, mt: str, words: DocumentWords = DocumentWords(), *, prefix: int = ENTITY_PREFIX
) -> list[tuple[str, float]]:
    """Each capitalised source word (see :func:`entity_candidates`) and its best match in the MT.

    The match is the highest :func:`name_similarity` between the folded word (or one
    of its ``ID_EXONYMS``) and a folded MT word (see ``_fold``; a plural ``-s`` may be
    dropped): Belarusia/Belarus and Rusia/Russia score 1.0, Irlandia/Ireland 0.8,
    Sabtu/Saturday 1.0 through the table. An empty side gives ``[]``.
    """
    if not source.strip() or not mt.strip():
        return []
    mt_words: set[str] = set()
    for w in _NAME_WORD.findall(mt):
        folded = _fold(w)
        mt_words.add(folded)
        if len(folded) >= 3 and folded.endswith("s"):
            mt_words.add(folded[:-1])
    scores: list[tuple[str, float]] = []
    for word in entity_candidates(source, words):
        alternatives = (_fold(word), *(_fold(a) for a in ID_EXONYMS.get(word.lower(), ())))
        best = max((name_similarity(alt, w, prefix) for alt in alternatives for w in mt_words), default=0.0)
        scores.append((word, best))
    return scores


def missing_entities(
    source: str, mt: str, words: DocumentWords = DocumentWords(), *, similarity: float = ENTITY_SIMILARITY
) -> list[str]:
    """The capitalised source words whose best MT match is below ``similarity``."""
    return [word for word, best in entity_scores(source, mt, words) if best < similarity]


@dataclass(frozen=True, slots=True)
class EntityCheck(Check):
    """More than ``max_missing`` capitalised source words have no match in the MT.

    Args:
        similarity: :func:`name_similarity` (0-1) that counts as found.
        max_missing: missing names a row may have (at least 0).
        prefix: common-prefix length (at least 3) that counts as the same name.
    """

    name: ClassVar[str] = "entity-missing"
    similarity: float = ENTITY_SIMILARITY
    max_missing: int = ENTITY_MISSING_MAX
    prefix: int = ENTITY_PREFIX

    def __post_init__(self) -> None:
        self._require_range("similarity", 0, 1)
        self._require_count("max_missing", 0)
        self._require_count("prefix", 3)

    def document_stats(self, rows: Sequence[AlignedRow]) -> DocumentWords:
        """The document's own capitalised and lower-case words (see :class:`DocumentWords`)."""
        return DocumentWords.of([row.source for row in rows])

    def score(self, row: AlignedRow, stats: DocumentWords | None = None) -> list[tuple[str, float]]:
        """Each name looked for and its best match in the MT (:func:`entity_scores`)."""
        return entity_scores(row.source, row.mt, stats or DocumentWords(), prefix=self.prefix)

    def decide(self, score: list[tuple[str, float]]) -> Flag | None:
        missing = [word for word, best in score if best < self.similarity]
        if len(missing) <= self.max_missing:
            return None
        return Flag(self.name, "not in MT: " + ", ".join(missing))
