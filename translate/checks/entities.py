"""Names in the source that the MT may have dropped: capitalised words, folded spellings, exonyms.

Indonesian capitalises names, titles and the first word of a sentence; these helpers
pick the words worth looking for (:func:`entity_candidates`) and score how well the MT
renders each (:func:`entity_scores`), allowing for spelling across languages
(:func:`name_similarity`) and for exonyms (:data:`ID_EXONYMS`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from translate.checks.measures import ID_FUNCTION_WORDS, _lower_words
from translate.checks.thresholds import ENTITY_PREFIX, ENTITY_SIMILARITY

#: Capitalised Indonesian words whose English rendering shares no 5-letter prefix:
#: days, months, country exonyms, compass words and common titles. Values are folded
#: (see ``_fold``) English words, any of which counts as present.
ID_EXONYMS: dict[str, tuple[str, ...]] = {
    "senin": ("monday",),
    "selasa": ("tuesday",),
    "rabu": ("wednesday",),
    "kamis": ("thursday",),
    "jumat": ("friday",),
    "sabtu": ("saturday",),
    "minggu": ("sunday", "week"),
    "januari": ("january",),
    "februari": ("february",),
    "maret": ("march",),
    "mei": ("may",),
    "juni": ("june",),
    "juli": ("july",),
    "agustus": ("august",),
    "oktober": ("october",),
    "desember": ("december",),
    "as": ("us", "usa", "america", "american", "americans", "united", "states", "washington"),
    "amerika": ("us", "usa", "america", "american", "united", "states"),
    "serikat": ("united", "states", "us", "usa"),
    "pbb": ("un", "united", "nations"),
    "us": ("us", "usd", "dollar", "dollars", "america", "american"),
    "rp": ("rp", "rupiah", "rupiahs", "idr"),
    "wib": ("wib", "local", "time", "jakarta"),
    "wita": ("wita", "local", "time"),
    "wit": ("wit", "local", "time"),
    "ue": ("eu", "european", "europe"),
    "uni": ("union", "eu"),
    "eropa": ("europe", "european", "eu"),
    "inggris": ("britain", "british", "england", "english", "uk"),
    "belanda": ("netherlands", "dutch", "holland"),
    "jerman": ("germany", "german", "germans"),
    "prancis": ("france", "french"),
    "perancis": ("france", "french"),
    "tiongkok": ("china", "chinese"),
    "cina": ("china", "chinese"),
    "jepang": ("japan", "japanese"),
    "mesir": ("egypt", "egyptian"),
    "yunani": ("greece", "greek"),
    "spanyol": ("spain", "spanish"),
    "swiss": ("switzerland", "swiss"),
    "arab": ("arab", "arabia", "arabian", "arabic"),
    "selandia": ("zealand",),
    "baru": ("new",),
    "utara": ("north", "northern"),
    "selatan": ("south", "southern"),
    "barat": ("west", "western"),
    "timur": ("east", "eastern"),
    "tengah": ("central", "middle"),
    "menteri": ("minister", "ministry", "ministers"),
    "kementerian": ("ministry", "minister"),
    "luar": ("foreign",),
    "negeri": ("foreign", "home", "interior", "state"),
    "dalam": ("home", "interior"),
    "wakil": ("vice", "deputy"),
    "ketua": ("chairman", "chair", "chairwoman", "head", "leader", "speaker", "president"),
    "kepala": ("head", "chief"),
    "gubernur": ("governor",),
    "walikota": ("mayor",),
    "wali": ("mayor",),
    "kota": ("city", "mayor"),
    "jenderal": ("general",),
    "polisi": ("police",),
    "kepolisian": ("police",),
    "partai": ("party",),
    "mahkamah": ("court",),
    "agung": ("supreme", "great", "grand"),
    "dewan": ("council", "board", "house"),
    "bapak": ("mr",),
    "pak": ("mr",),
    "ibu": ("mrs", "ms", "madam", "mother"),
    "bu": ("mrs", "ms"),
    "tuhan": ("god", "lord"),
    "gunung": ("mount", "mountain"),
    "pulau": ("island",),
    "sungai": ("river",),
    "jalan": ("street", "road", "avenue"),
    "kabupaten": ("regency", "district"),
    "perang": ("war",),
    "dunia": ("world",),
    "bangsa": ("nations", "nation"),
    "perserikatan": ("united",),
    "hari": ("day",),
    "tahun": ("year",),
    "tn": ("mr",),
    "nn": ("ms", "miss"),
    "ny": ("mrs",),
    "sm": ("bc", "bce"),
    "bumi": ("earth",),
    "pemilu": ("election", "elections", "poll", "polls"),
    "biro": ("bureau",),
    "pdb": ("gdp",),
    "usg": ("ultrasound",),
    "denmark": ("danish", "dane", "danes"),
    "thailand": ("thai",),
    "skotlandia": ("scottish", "scots", "scot"),
    "islandia": ("iceland", "icelandic"),
    "finlandia": ("finnish", "finn", "finns"),
    "swedia": ("sweden", "swedish", "swede", "swedes"),
    "norwegia": ("norway", "norwegian"),
    "irlandia": ("ireland", "irish"),
    "belanda": ("netherlands", "dutch", "holland"),
    "venesia": ("venice", "venetian"),
    "ceko": ("czech",),
    "nugini": ("guinea",),
    "hindia": ("indian", "indies", "india"),
    "tionghoa": ("chinese", "china"),
    "yahudi": ("jew", "jews", "jewish"),
    "kristen": ("christian", "christians", "christianity"),
    "alkitab": ("bible", "biblical"),
    "kaisar": ("emperor", "empress", "caesar"),
    "paus": ("pope", "papal"),
    "uskup": ("bishop", "archbishop"),
    "pendeta": ("reverend", "priest", "pastor", "minister"),
    "raya": ("great", "grand"),
    "perdana": ("prime", "premier"),
    "hitam": ("black",),
    "merah": ("red",),
    "putih": ("white",),
    "buruh": ("labour", "labor"),
    "alpen": ("alps", "alpine"),
    "maladewa": ("maldives",),
    "troya": ("troy", "trojan"),
    "romawi": ("roman", "rome"),
    "perunggu": ("bronze",),
    "suci": ("holy", "sacred"),
    "pasca": ("post",),
    "tembok": ("wall",),
    "warisan": ("heritage",),
}

#: Capitalised Indonesian words that are not names and whose English counterpart
#: varies too much to look for: the polite pronoun, and nouns that head proper names
#: (``Rumah Sakit X`` = X Hospital, ``Laut Celtic`` = Celtic Sea), which the name
#: itself already covers.
ID_CAPITALISED_COMMON: frozenset[str] = frozenset(
    """anda beliau engkau kau bahasa laut samudra samudera sungai danau gunung pulau kepulauan
    teluk selat tanjung kota kabupaten provinsi desa kampung jalan rumah sakit musim dingin panas
    semi gugur negara bagian pemerintah presiden raja ratu pangeran putri sang sri santo nabi
    acara hari tahun abad""".split()
)

#: ``pe-…-an`` / ``ke-…-an`` nouns (Perjanjian, Pengadilan, Kepulauan, Kementerian),
#: Indonesian confixes that title words take and names rarely do.
_CONFIX_NOUN = re.compile(r"^(?:pe|ke)[^\W\d_]{3,}an$")
#: Roman numerals (Perang Dunia II) are numbers; the MT may write "Two".
_ROMAN = re.compile(r"^[IVXLC]+$")

_INITIAL_AFTER = set(".!?:;…•")
_OPENERS = set("“\"‘'«([{—–-")


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


def name_similarity(name: str, candidate: str) -> float:
    """How alike two folded spellings are as one name, 0-1.

    1.0 when equal or sharing an ``ENTITY_PREFIX``-letter prefix (Belarusia/Belarus);
    otherwise difflib's ratio, or 0.0 when either word is under 4 letters (short
    names and acronyms must match exactly).
    """
    if name == candidate:
        return 1.0
    if len(name) < 4 or len(candidate) < 4:
        return 0.0
    if min(len(name), len(candidate)) >= ENTITY_PREFIX and name[:ENTITY_PREFIX] == candidate[:ENTITY_PREFIX]:
        return 1.0
    return difflib.SequenceMatcher(None, name, candidate, autojunk=False).ratio()


_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def capitalised_tokens(text: str) -> list[tuple[str, bool]]:
    """Capitalised words of ``text`` (2+ letters) and whether each is sentence-initial.

    Initial means first in the text or after ``.!?:;`` with only spaces, quotes or
    brackets in between -- the places where Indonesian capitalises any word.
    """
    found: list[tuple[str, bool]] = []
    for match in _NAME_WORD.finditer(text):
        word = match.group(0)
        if len(word) < 2 or not word[0].isupper():
            continue
        k = match.start() - 1
        while k >= 0 and (text[k].isspace() or text[k] in _OPENERS):
            k -= 1
        found.append((word, k < 0 or text[k] in _INITIAL_AFTER))
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

    Left out: sentence-initial words (unless ``words.names`` has them), Indonesian
    function words and ``ID_CAPITALISED_COMMON`` (``Anda``, ``Bahasa``, ``Laut``),
    ``pe-…-an``/``ke-…-an`` nouns (``Perjanjian``, ``Kepulauan``: names rarely have
    that shape, title nouns often do) and words the document also writes in lower case.
    """
    found: list[str] = []
    for word, initial in capitalised_tokens(source):
        lower = word.lower()
        if (
            (initial and word not in words.names)
            or lower in ID_FUNCTION_WORDS
            or lower in ID_CAPITALISED_COMMON
            or lower in words.lower
            or _CONFIX_NOUN.match(lower)
            or _ROMAN.match(word)
            or word in found
        ):
            continue
        found.append(word)
    return found


def entity_scores(source: str, mt: str, words: DocumentWords = DocumentWords()) -> list[tuple[str, float]]:
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
        best = max((name_similarity(alt, w) for alt in alternatives for w in mt_words), default=0.0)
        scores.append((word, best))
    return scores


def missing_entities(
    source: str, mt: str, words: DocumentWords = DocumentWords(), *, similarity: float = ENTITY_SIMILARITY
) -> list[str]:
    """The capitalised source words whose best MT match is below ``similarity``."""
    return [word for word, best in entity_scores(source, mt, words) if best < similarity]
