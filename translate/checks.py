"""QA flags for aligned rows: pure measures over text, and thresholds that decide.

Each check follows OpusFilter's split (``opusfilter/filters.py``): ``score()`` turns a
row into plain numbers (an empty side gives a defined value, never an exception), and
``decide()`` compares those numbers with a threshold from :class:`Thresholds` and
returns a :class:`~translate.records.Flag` with a human detail, or ``None``. Nothing
here opens files or needs a model, so ``selaras check`` runs offline in milliseconds.

Commercial checkers (Xbench, Okapi CheckMate) run similar checks, but none knows
Indonesian number formats, which is why :func:`extract_numbers` exists.

**Indonesian numbers, the rule** (``id`` side; see :func:`parse_number`):

* ``.`` followed by groups of exactly three digits is a thousands separator:
  ``1.250`` = 1250, ``1.250.000`` = 1250000 (PUEBI, the Indonesian spelling guide,
  writes thousands with dots and decimals with a comma). A leading ``0`` group
  (``0.125``) is not a thousands group, so it is a decimal.
* Any other single ``.`` is an English-style decimal point, which Indonesian news
  also uses: ``1.5`` = 1.5, ``14.30`` = 14.3 (and also the time 14:30, below).
* A single ``,`` is a decimal comma: ``12,5`` = 12.5, and ``1,250`` = 1.25. Two or more
  three-digit comma groups (``1,250,000``) cannot be Indonesian, so they are English
  thousands.
* ``1.250,5`` is Indonesian (1250.5), ``1,250.5`` English (1250.5).

**English numbers** (``en`` side) use the mirror rule: ``,`` + three digits groups
thousands, ``.`` is the decimal point, so an MT that keeps Indonesian ``1.250`` is read
as 1.25 and flagged, because that is how an English reader takes it. Formats that are
impossible in English (``1.250.000``, ``12,5``) are read the Indonesian way, since the
value is what this check is about, not the format.

A number followed by a scale word is multiplied (``ribu``/``thousand``, ``juta``/
``million``, ``miliar``/``billion``, ``triliun``/``trillion``), so ``Rp 12,5 miliar``
= ``12.5 billion rupiah`` = ``12,500,000,000``. Times compare modulo 12 hours
(``14.00 WIB`` = ``14:00`` = ``2 p.m.``). Number words (``dua``, ``two``, ``kedua``,
``second``, ``twenty-five``) are *optional*: they can match a digit on the other side,
but an unmatched number word never fires, because ``satu-satunya`` ("the only") and
English ``one`` as a pronoun are not quantities.
"""

from __future__ import annotations

import difflib
import math
import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Literal, Protocol

from translate.records import AlignedRow, Flag

Lang = Literal["id", "en"]

# ---------------------------------------------------------------------------
# Thresholds

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

#: Every flag this module computes, in the stable order written to the ``flags`` column.
FLAG_NAMES: tuple[str, ...] = (
    "empty",
    "untranslated",
    "repetition",
    "number-mismatch",
    "entity-missing",
    "length-ratio",
    "low-alignment",
    "low-score",
)


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

# ---------------------------------------------------------------------------
# Numbers

@dataclass(frozen=True, slots=True)
class NumberMention:
    """One number in a text: what was written and every value it may stand for.

    ``optional`` mentions (number words) may match the other side but never fire.
    """

    text: str
    values: frozenset
    optional: bool = False


_SCALES_ID = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "milyar": 10**9, "triliun": 10**12}
_SCALES_EN = {
    "thousand": 10**3,
    "million": 10**6,
    "mln": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "bln": 10**9,
    "trillion": 10**12,
    "tn": 10**12,
}
_SCALE_AFTER = {
    "id": re.compile(r"\s*(" + "|".join(_SCALES_ID) + r")(?:nya)?\b", re.IGNORECASE),  # 15,5 jutanya
    "en": re.compile(r"\s*-?(" + "|".join(_SCALES_EN) + r")\b", re.IGNORECASE),
}
_SCALES = {"id": _SCALES_ID, "en": _SCALES_EN}

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_COLON_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")
_EN_AMPM = re.compile(r"(?<![\d.,:])(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)
_ID_CLOCK = re.compile(r"\b(?:pukul|jam)\s+(\d{1,2})(?:[.:](\d{2}))?(?![\d.,])", re.IGNORECASE)
_DOTTED_TIME = re.compile(r"^(\d{1,2})\.(\d{2})$")

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Number words: units/teens/tens add, "hundred"-like multipliers scale the last unit,
# scale words close a group. Indonesian "se-" forms are one word (seratus = 100).
_EN_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
_EN_UNITS.update({w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)})
_EN_MULT = {"hundred": 100}
_EN_ORDINALS = {
    w: i
    for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(), 1)
}
_EN_ORDINALS.update({"once": 1, "twice": 2})
_EN_ORDINALS.update(  # decades: "the Sixties" = "tahun 60-an"
    {
        w: 10 * i
        for i, w in enumerate("twenties thirties forties fifties sixties seventies eighties nineties".split(), 2)
    }
)
_ID_UNITS = {
    w: i for i, w in enumerate("nol satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas".split())
}
_ID_UNITS.update({"seratus": 100, "seribu": 1000, "sejuta": 10**6, "semiliar": 10**9})
_ID_MULT = {"puluh": 10, "ratus": 100, "belas": None}  # None: "dua belas" = 2 + 10
_ID_ORDINALS = {"pertama": 1, "kesatu": 1}
_ID_ORDINALS.update(
    {"ke" + w: i for w, i in _ID_UNITS.items() if 2 <= i <= 10}
)  # kedua, ketiga, ..., kesepuluh


def _grouped(text: str, sep: str) -> bool:
    """True for ``1.250`` / ``12.500.000``: 1-3 digits, then groups of exactly three."""
    parts = text.split(sep)
    return len(parts) > 1 and 1 <= len(parts[0]) <= 3 and parts[0] != "0" and all(len(p) == 3 for p in parts[1:])


def parse_number(token: str, lang: Lang) -> Decimal | None:
    """The value of a digit token such as ``1.250,5`` under ``lang``'s conventions.

    See the module docstring for the rule. Returns ``None`` for tokens that are not one
    number in either convention (``1.2.3``, a version string).
    """
    try:
        if token.isdigit():
            return Decimal(token)
        has_dot, has_comma = "." in token, "," in token
        if has_dot and has_comma:
            if token.rfind(",") > token.rfind("."):  # 1.250,5: Indonesian
                whole, frac = token.rsplit(",", 1)
                if "," not in whole and _grouped(whole, "."):
                    return Decimal(whole.replace(".", "") + "." + frac)
            else:  # 1,250.5: English
                whole, frac = token.rsplit(".", 1)
                if "." not in whole and _grouped(whole, ","):
                    return Decimal(whole.replace(",", "") + "." + frac)
            return None
        if has_dot:
            if _grouped(token, ".") and (lang == "id" or token.count(".") > 1):
                return Decimal(token.replace(".", ""))
            return Decimal(token) if token.count(".") == 1 else None
        # commas only
        if lang == "en" and _grouped(token, ","):
            return Decimal(token.replace(",", ""))
        if token.count(",") == 1:
            return Decimal(token.replace(",", "."))
        return Decimal(token.replace(",", "")) if _grouped(token, ",") else None
    except InvalidOperation:  # pragma: no cover - the regex only passes digits and separators
        return None


def _time(hour: int, minute: int) -> tuple | None:
    """A clock time compared modulo 12 hours (14:00 = 2 p.m.); ``None`` if not a time."""
    if 0 <= hour <= 24 and 0 <= minute < 60:
        return ("time", hour % 12, minute)
    return None


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _word_numbers(text: str, lang: Lang) -> list[NumberMention]:
    """Optional mentions for spelled-out numbers (``dua puluh lima``, ``twenty-five``)."""
    units, mults, ordinals = (
        (_EN_UNITS, _EN_MULT, _EN_ORDINALS) if lang == "en" else (_ID_UNITS, _ID_MULT, _ID_ORDINALS)
    )
    scales = _SCALES[lang]
    # Punctuation (not hyphens: "twenty-five") is a token too, so it ends a group.
    words = [m.group(0).lower() for m in re.finditer(r"[^\W\d_]+|[^\w\s-]", text)]
    mentions: list[NumberMention] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in ordinals:
            mentions.append(NumberMention(word, frozenset({Decimal(ordinals[word])}), optional=True))
            i += 1
            continue
        starts_group = word in units or (
            lang == "en" and word == "a" and i + 1 < len(words) and (words[i + 1] in mults or words[i + 1] in scales)
        )
        if not starts_group:
            i += 1
            continue
        total, current, last, used = 0, 0, 0, []
        while i < len(words):
            word = words[i]
            if word in units:
                current += units[word]
                last = units[word]
            elif word == "a" and not used:
                current, last = 1, 1
            elif word in mults and used:
                factor = mults[word]
                if factor is None:  # Indonesian "belas": teen
                    current += 10
                else:
                    current = current - last + max(last, 1) * factor
                last = 0
            elif word in scales and used:
                total += max(current, 1) * scales[word]
                current, last = 0, 0
            else:
                break
            used.append(word)
            i += 1
        mentions.append(NumberMention(" ".join(used), frozenset({Decimal(total + current)}), optional=True))
    return mentions


def extract_numbers(text: str, lang: Lang) -> list[NumberMention]:
    """Every number in ``text`` with the values it may stand for (see module docstring).

    Clock times are read first and blanked out so their digits are not counted twice;
    then digit tokens (with a following scale word); then optional number words.
    """
    mentions: list[NumberMention] = []
    work = text
    patterns = [_COLON_TIME, _EN_AMPM] if lang == "en" else [_COLON_TIME, _ID_CLOCK]
    for pattern in patterns:
        for match in pattern.finditer(work):
            hour, minute = int(match.group(1)), int(match.group(2) or 0)
            clock = _time(hour, minute)
            if clock is None:
                continue
            values: set = {clock}
            if minute == 0:
                values.add(Decimal(hour))
            mentions.append(NumberMention(match.group(0).strip(), frozenset(values)))
            work = _blank(work, match.start(), match.end())
    for match in _NUMBER.finditer(work):
        token = match.group(0)
        value = parse_number(token, lang)
        values = set()
        if value is None:
            values.add(("raw", token))
        else:
            scale = _SCALE_AFTER[lang].match(work, match.end())
            if scale:
                value = value * _SCALES[lang][scale.group(1).lower()]
                token = work[match.start() : scale.end()].strip()
            values.add(value)
            dotted = _DOTTED_TIME.match(match.group(0))
            if dotted and not scale:
                clock = _time(int(dotted.group(1)), int(dotted.group(2)))
                if clock is not None:
                    values.add(clock)
        mentions.append(NumberMention(token, frozenset(values)))
    mentions.extend(_word_numbers(work, lang))
    return mentions


@dataclass(frozen=True, slots=True)
class NumberComparison:
    """Number mentions of one side that nothing on the other side matches."""

    missing_in_mt: tuple[str, ...] = ()
    extra_in_mt: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.missing_in_mt) + len(self.extra_in_mt)


def compare_numbers(source: str, mt: str) -> NumberComparison:
    """Compare the numbers of an Indonesian source and its English MT.

    A digit mention is matched when any of its values appears among the other side's
    values (digit or word). Unmatched optional (word) mentions are ignored.
    """
    src, hyp = extract_numbers(source, "id"), extract_numbers(mt, "en")
    src_values = frozenset().union(*(m.values for m in src))
    hyp_values = frozenset().union(*(m.values for m in hyp))
    missing = tuple(m.text for m in src if not m.optional and not (m.values & hyp_values))
    extra = tuple(m.text for m in hyp if not m.optional and not (m.values & src_values))
    return NumberComparison(missing, extra)


# ---------------------------------------------------------------------------
# Untranslated text

#: Frequent Indonesian function words, lower-case; seen in an English MT they mean
#: text was left untranslated. Words that are also common in English text ("para",
#: as in para-athletes) are left out; capitalised uses (the name "Dan") never count.
ID_FUNCTION_WORDS: frozenset[str] = frozenset(
    """yang dan di dengan untuk ini itu tidak akan dari ke pada dalam adalah juga atau oleh
    karena bahwa telah sudah bisa dapat lebih kami kita mereka saya ia dia sebuah seorang
    tersebut sebagai hanya masih belum antara setelah sebelum namun tetapi jika kata ada
    secara agar sehingga serta bagi tentang terhadap hingga sejak kepada""".split()
)

def _lower_words(text: str) -> list[str]:
    """Lower-case alphabetic words as written (capitalised names and numbers dropped)."""
    return [w for w in _WORD.findall(text) if w.islower()]


@dataclass(frozen=True, slots=True)
class UntranslatedScore:
    """How much of the MT is still Indonesian."""

    id_words: int = 0
    copy_ratio: float = 0.0
    shared_words: int = 0
    shared_share: float = 0.0


def untranslated_score(source: str, mt: str) -> UntranslatedScore:
    """Measure untranslated text in ``mt``; an empty side scores all zeros.

    ``id_words`` counts lower-case Indonesian function words in the MT;
    ``copy_ratio`` is difflib's similarity of the casefolded strings, counted only when
    the source has a lower-case word (a sentence of names and numbers may be copied);
    ``shared_words``/``shared_share`` count the MT's lower-case words found in the source.
    """
    if not source.strip() or not mt.strip():
        return UntranslatedScore()
    mt_words = _lower_words(mt)
    src_words = set(_lower_words(source))
    id_words = sum(1 for w in mt_words if w in ID_FUNCTION_WORDS)
    copy_ratio = 0.0
    if src_words:
        a, b = " ".join(source.casefold().split()), " ".join(mt.casefold().split())
        copy_ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    shared = sum(1 for w in mt_words if w in src_words)
    share = shared / len(mt_words) if mt_words else 0.0
    return UntranslatedScore(id_words, copy_ratio, shared, share)


# ---------------------------------------------------------------------------
# Repetition


def max_repeat_run(text: str, max_n: int = REPEAT_MAX_N) -> tuple[int, str]:
    """Longest run of one 1..``max_n``-word n-gram repeated back to back, and that n-gram.

    Words are lower-cased and punctuation is ignored, so "of the country, of the
    country, of the country" is a run of 3. Empty text gives ``(0, "")``.
    """
    tokens = [w.lower() for w in re.findall(r"\w+", text)]
    best, best_gram = (1, "") if tokens else (0, "")
    for n in range(1, max_n + 1):
        for i in range(len(tokens) - 2 * n + 1):
            gram = tokens[i : i + n]
            run = 1
            while tokens[i + run * n : i + (run + 1) * n] == gram:
                run += 1
            if run > best:
                best, best_gram = run, " ".join(gram)
    return best, best_gram


def repeated_trigram_share(text: str) -> float:
    """Share of word trigrams that repeat an earlier one (1 - distinct/total).

    0.0 when the text has fewer than ``REPEAT_MIN_TRIGRAMS`` trigrams, so short text
    has a defined, harmless value.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    grams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    if len(grams) < REPEAT_MIN_TRIGRAMS:
        return 0.0
    return 1.0 - len(set(grams)) / len(grams)


# ---------------------------------------------------------------------------
# Length ratio


def length_log_ratio(source: str, mt: str) -> float | None:
    """Smoothed log(MT chars / source chars); ``None`` when either side is empty."""
    s, m = len(source.strip()), len(mt.strip())
    if not s or not m:
        return None
    return math.log((m + LENGTH_SMOOTHING) / (s + LENGTH_SMOOTHING))


@dataclass(frozen=True, slots=True)
class LengthStats:
    """The document's own length-ratio distribution: median and MAD of log ratios."""

    center: float = 0.0
    mad: float = 0.0
    n: int = 0

    @classmethod
    def of(cls, rows: Sequence[AlignedRow]) -> LengthStats:
        ratios = [r for r in (length_log_ratio(row.source, row.mt) for row in rows) if r is not None]
        if len(ratios) < LENGTH_MIN_ROWS:
            return cls(0.0, 0.0, len(ratios))
        center = statistics.median(ratios)
        return cls(center, statistics.median(abs(r - center) for r in ratios), len(ratios))

    def band(self, thresholds: Thresholds) -> float:
        """Allowed |log ratio - centre|: the modified-z limit or the minimum band."""
        return max(thresholds.length_z * self.mad / 0.6745, math.log(thresholds.length_min_factor))


# ---------------------------------------------------------------------------
# Entities

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


# ---------------------------------------------------------------------------
# Checks


@dataclass(frozen=True, slots=True)
class Document:
    """What some checks need to know about the whole document."""

    length: LengthStats = field(default_factory=LengthStats)
    words: DocumentWords = field(default_factory=DocumentWords)

    @classmethod
    def of(cls, rows: Sequence[AlignedRow]) -> Document:
        return cls(LengthStats.of(rows), DocumentWords.of([r.source for r in rows]))


class Check(Protocol):
    """A QA check: ``score`` measures, ``decide`` applies a threshold."""

    name: str

    def score(self, row: AlignedRow, doc: Document): ...

    def decide(self, score, thresholds: Thresholds) -> Flag | None: ...


class EmptyCheck:
    """A side that should have text is empty (MT empty for a non-empty source, too)."""

    name = "empty"

    def score(self, row: AlignedRow, doc: Document) -> tuple[str, ...]:
        sides = []
        if row.src_ids and not row.source.strip():
            sides.append("source")
        if row.ref_ids and not row.reference.strip():
            sides.append("reference")
        if row.source.strip() and not row.mt.strip():
            sides.append("mt")
        return tuple(sides)

    def decide(self, score: tuple[str, ...], thresholds: Thresholds) -> Flag | None:
        return Flag(self.name, "empty " + ", ".join(score)) if score else None


class UntranslatedCheck:
    name = "untranslated"

    def score(self, row: AlignedRow, doc: Document) -> UntranslatedScore:
        return untranslated_score(row.source, row.mt)

    def decide(self, score: UntranslatedScore, thresholds: Thresholds) -> Flag | None:
        if score.copy_ratio >= thresholds.untranslated_copy_ratio:
            return Flag(self.name, f"MT copies the source (similarity {score.copy_ratio:.2f})")
        if score.id_words >= thresholds.untranslated_min_id_words:
            return Flag(self.name, f"{score.id_words} Indonesian function words in the MT")
        if (
            score.shared_words >= thresholds.untranslated_min_shared
            and score.shared_share >= thresholds.untranslated_shared_share
        ):
            return Flag(self.name, f"{score.shared_share:.0%} of the MT's words are source words")
        return None


class RepetitionCheck:
    name = "repetition"

    def score(self, row: AlignedRow, doc: Document) -> tuple[tuple[int, str], float, tuple[int, str], float]:
        return (
            max_repeat_run(row.mt),
            repeated_trigram_share(row.mt),
            max_repeat_run(row.source),
            repeated_trigram_share(row.source),
        )

    def decide(self, score, thresholds: Thresholds) -> Flag | None:
        (run, gram), share, (src_run, _), src_share = score
        # The source repeating itself ("sangat, sangat, sangat") licenses the MT to.
        if run >= thresholds.repeat_min_run and run > src_run:
            return Flag(self.name, f"{gram!r} repeated {run} times")
        if share >= thresholds.repeat_trigram_share and src_share < thresholds.repeat_trigram_share:
            return Flag(self.name, f"{share:.0%} of trigrams repeat")
        return None


class NumberCheck:
    name = "number-mismatch"

    def score(self, row: AlignedRow, doc: Document) -> NumberComparison:
        if not row.source.strip() or not row.mt.strip():
            return NumberComparison()
        return compare_numbers(row.source, row.mt)

    def decide(self, score: NumberComparison, thresholds: Thresholds) -> Flag | None:
        if score.count <= thresholds.number_mismatch_max:
            return None
        parts = []
        if score.missing_in_mt:
            parts.append("source " + ", ".join(score.missing_in_mt) + " not in MT")
        if score.extra_in_mt:
            parts.append("MT " + ", ".join(score.extra_in_mt) + " not in source")
        return Flag(self.name, "; ".join(parts))


class EntityCheck:
    name = "entity-missing"

    def score(self, row: AlignedRow, doc: Document) -> list[tuple[str, float]]:
        return entity_scores(row.source, row.mt, doc.words)

    def decide(self, score: list[tuple[str, float]], thresholds: Thresholds) -> Flag | None:
        missing = [word for word, best in score if best < thresholds.entity_similarity]
        if len(missing) <= thresholds.entity_missing_max:
            return None
        return Flag(self.name, "not in MT: " + ", ".join(missing))


class LengthRatioCheck:
    name = "length-ratio"

    def score(self, row: AlignedRow, doc: Document) -> tuple[float | None, LengthStats]:
        return length_log_ratio(row.source, row.mt), doc.length

    def decide(self, score, thresholds: Thresholds) -> Flag | None:
        ratio, stats = score
        if ratio is None or abs(ratio - stats.center) <= stats.band(thresholds):
            return None
        return Flag(
            self.name,
            f"MT/source length {math.exp(ratio):.2f} vs document median {math.exp(stats.center):.2f}",
        )


class LowAlignmentCheck:
    name = "low-alignment"

    def score(self, row: AlignedRow, doc: Document) -> float | None:
        return row.align_score

    def decide(self, score: float | None, thresholds: Thresholds) -> Flag | None:
        if score is None or score >= thresholds.low_align:
            return None
        return Flag(self.name, f"alignment score {score:.2f} < {thresholds.low_align:g}")


class LowScoreCheck:
    name = "low-score"

    def score(self, row: AlignedRow, doc: Document) -> float | None:
        return row.chrf

    def decide(self, score: float | None, thresholds: Thresholds) -> Flag | None:
        if score is None or score >= thresholds.low_chrf:
            return None
        return Flag(self.name, f"chrF {score:.1f} < {thresholds.low_chrf:g}")


#: The checks in ``FLAG_NAMES`` order.
CHECKS: tuple[Check, ...] = (
    EmptyCheck(),
    UntranslatedCheck(),
    RepetitionCheck(),
    NumberCheck(),
    EntityCheck(),
    LengthRatioCheck(),
    LowAlignmentCheck(),
    LowScoreCheck(),
)


def find_flags(rows: Sequence[AlignedRow], *, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[list[Flag]]:
    """Run every check on every row; one list of :class:`Flag` (with details) per row.

    Args:
        rows: the aligned rows of one document (length ratios and names are judged
            against the document as a whole).
        thresholds: the limits; defaults are the module constants.

    Returns:
        For each row, the flags that fire, in ``FLAG_NAMES`` order.
    """
    doc = Document.of(rows)
    # A TSV aligned without any MT (``selaras run --no-mt``) has nothing to check but the
    # alignment: flagging every row ``empty`` would bury the one signal it has.
    checks = CHECKS if any(row.mt.strip() for row in rows) else (LowAlignmentCheck(),)
    results: list[list[Flag]] = []
    for row in rows:
        flags = []
        for check in checks:
            flag = check.decide(check.score(row, doc), thresholds)
            if flag is not None:
                flags.append(flag)
        results.append(flags)
    return results


def apply_flags(rows: Sequence[AlignedRow], flags: Sequence[Sequence[Flag]]) -> list[AlignedRow]:
    """Return ``rows`` with their ``flags`` set from :func:`find_flags` results.

    Flags this module knows are replaced by ``flags``, in ``FLAG_NAMES`` order; other
    flags already on a row (set by another tool or by hand) are kept after them, so
    checking twice gives the same file.
    """
    known = set(FLAG_NAMES)
    out: list[AlignedRow] = []
    for row, found in zip(rows, flags, strict=True):
        kept = tuple(f for f in row.flags if f not in known)
        out.append(replace(row, flags=tuple(f.name for f in found) + kept))
    return out


def check_rows(rows: Sequence[AlignedRow], *, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[AlignedRow]:
    """Return the rows with their ``flags`` recomputed (see :func:`apply_flags`)."""
    return apply_flags(rows, find_flags(rows, thresholds=thresholds))


def count_flags(rows: Sequence[AlignedRow]) -> dict[str, int]:
    """Rows per flag, ``FLAG_NAMES`` first (zeros included), then any other flags."""
    counts = dict.fromkeys(FLAG_NAMES, 0)
    for row in rows:
        for name in row.flags:
            counts[name] = counts.get(name, 0) + 1
    return counts
