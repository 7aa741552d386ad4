"""Numbers in Indonesian and English text: parse them, find them, compare both sides.

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

**What real MT does to numbers** (gareng-dev, Google NMT): it keeps a number as written
(``$5,520`` in a list copied from English, ``10,000``): the *same digit string* on both
sides always matches, with the same scale word, except an Indonesian thousands number
(``64.846``, ``1.250``) kept with its dot in the English of an Indonesian sentence, which
an English reader takes for a decimal. It adds a space after a colon (``1:39.694`` →
``1: 39.694``), which keeps the value and does not fire, while ``1: 41780`` (a lap time
broken into two numbers) does, as does ``Rp8, 5 billion`` for ``Rp8,5 miliar``. Lap and
race times ``M:SS.fff`` are one number. Degree codes (``S1``-``S3``, ``D3``: a PhD is
"S3") are not numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from selaras.checks.base import Check
from selaras.checks.untranslated import ID_WORDS, _lower_words
from selaras.records import Flag, Lang
from selaras.rows import AlignedRow

#: Unmatched number mentions a row may have before ``number-mismatch`` fires: any.
NUMBER_MISMATCH_MAX = 0


@dataclass(frozen=True, slots=True)
class NumberMention:
    """One number in a text: what was written and every value it may stand for.

    ``optional`` mentions (number words) may match the other side but never fire.
    """

    text: str
    values: frozenset
    optional: bool = False
    #: The number as written (digits and separators) and its scale factor (1 without a
    #: scale word): the same string and scale on the other side always match.
    written: tuple[str, int] | None = None
    #: Where it starts in the text (for reporting in order).
    at: int = -1


_SCALES_ID = {
    "ribu": 10**3,
    "juta": 10**6,
    "miliar": 10**9,
    "milyar": 10**9,
    "triliun": 10**12,
    "trilyun": 10**12,
    "trilliun": 10**12,  # a common misspelling (gareng-dev: "12 trilliun watts")
}
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
    "id": re.compile(r"\s*(" + "|".join(_SCALES_ID) + r")(?:nya|an)?\b", re.IGNORECASE),  # 15,5 jutanya, 20 ribuan
    "en": re.compile(r"\s*-?(" + "|".join(_SCALES_EN) + r")s?\b", re.IGNORECASE),  # 100 millions
}
_SCALES = {"id": _SCALES_ID, "en": _SCALES_EN}

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
#: A lap or race time, minutes:seconds and a fraction (1:47.632, 1:47,632): one value.
_LAP_TIME = re.compile(r"(?<![\d:.,])(\d{1,2}):([0-5]\d)[.,](\d{1,3})(?![\d.,:])")
#: A space after the colon of a time (MT's "1: 39.694", "21: 00"): closed before reading.
_COLON_SPACE = re.compile(r"(?<=\d):[ \t]+(?=\d{2}(?!\d))")
#: Indonesian degree codes glued to a letter: S1 (bachelor), S2, S3 (PhD), D3 (diploma).
_DEGREE = re.compile(r"\b[SD][1-4]\b")
_COLON_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")
_EN_AMPM = re.compile(r"(?<![\d.,:])(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)
_ID_CLOCK = re.compile(r"\b(?:pukul|jam)\s+(\d{1,2})(?:[.:](\d{2}))?(?![\d.,])", re.IGNORECASE)
_DOTTED_TIME = re.compile(r"^(\d{1,2})\.(\d{2})$")

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
    work = _DEGREE.sub(lambda m: " " * len(m.group(0)), _COLON_SPACE.sub(":", text))
    for match in _LAP_TIME.finditer(work):
        minutes, seconds, fraction = match.groups()
        value = ("lap", int(minutes), int(seconds), fraction.ljust(3, "0"))
        mentions.append(NumberMention(match.group(0), frozenset({value}), at=match.start()))
        work = _blank(work, match.start(), match.end())
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
            mentions.append(NumberMention(match.group(0).strip(), frozenset(values), at=match.start()))
            work = _blank(work, match.start(), match.end())
    for match in _NUMBER.finditer(work):
        token = match.group(0)
        value = parse_number(token, lang)
        values = set()
        factor = 1
        if value is None:
            values.add(("raw", token))
        else:
            scale = _SCALE_AFTER[lang].match(work, match.end())
            if scale:
                factor = _SCALES[lang][scale.group(1).lower()]
                value = value * factor
                token = work[match.start() : scale.end()].strip()
            values.add(value)
            dotted = _DOTTED_TIME.match(match.group(0))
            if dotted and not scale:
                clock = _time(int(dotted.group(1)), int(dotted.group(2)))
                if clock is not None:
                    values.add(clock)
        mentions.append(NumberMention(token, frozenset(values), written=(match.group(0), factor), at=match.start()))
    mentions.sort(key=lambda m: m.at)
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


def _kept_thousands_dot(written: tuple[str, int] | None, source: str) -> bool:
    """An Indonesian thousands number (``64.846``) in an Indonesian sentence: kept as
    written in English it reads as a decimal, so the same string is no match."""
    if written is None or "," in written[0] or not _grouped(written[0], "."):
        return False
    return any(w in ID_WORDS for w in _lower_words(source))


def compare_numbers(source: str, mt: str) -> NumberComparison:
    """Compare the numbers of an Indonesian source and its English MT.

    A digit mention is matched when any of its values appears among the other side's
    values (digit or word), or when the other side writes the same digit string with
    the same scale (an MT keeps ``$5,520`` or ``10,000`` as the source wrote it), unless
    that string is an Indonesian thousands number kept with its dot in an Indonesian
    sentence (``Kapasitas: 64.846``). Unmatched optional (word) mentions are ignored.
    """
    src, hyp = extract_numbers(source, "id"), extract_numbers(mt, "en")
    src_values = frozenset().union(*(m.values for m in src))
    hyp_values = frozenset().union(*(m.values for m in hyp))
    src_written = {m.written for m in src if m.written and not _kept_thousands_dot(m.written, source)}
    hyp_written = {m.written for m in hyp if m.written and not _kept_thousands_dot(m.written, source)}
    missing = tuple(
        m.text for m in src if not m.optional and not (m.values & hyp_values) and m.written not in hyp_written
    )
    extra = tuple(
        m.text for m in hyp if not m.optional and not (m.values & src_values) and m.written not in src_written
    )
    return NumberComparison(missing, extra)


@dataclass(frozen=True, slots=True)
class NumberCheck(Check):
    """More than ``max_mismatches`` source or MT numbers have no match on the other side."""

    name: ClassVar[str] = "number-mismatch"
    max_mismatches: int = NUMBER_MISMATCH_MAX

    def __post_init__(self) -> None:
        self._require_count("max_mismatches", 0)

    def score(self, row: AlignedRow, stats: object = None) -> NumberComparison:
        """:func:`compare_numbers` of source and MT; an empty side compares nothing."""
        if not row.source.strip() or not row.mt.strip():
            return NumberComparison()
        return compare_numbers(row.source, row.mt)

    def decide(self, score: NumberComparison) -> Flag | None:
        if score.count <= self.max_mismatches:
            return None
        return Flag(self.name, describe_numbers(score))


def describe_numbers(score: NumberComparison) -> str:
    """The changed numbers: paired in order (``2.318 → 2,381``) when both sides have as
    many unmatched, else listed (``source 1:41.780 not in MT; MT 1, 41780 not in source``)."""
    pairs = len(score.missing_in_mt) if len(score.missing_in_mt) == len(score.extra_in_mt) else 0
    parts = [
        f"{a} → {b}" if a != b else f"{a} kept with the Indonesian thousands dot (an English reader sees a decimal)"
        for a, b in zip(score.missing_in_mt[:pairs], score.extra_in_mt[:pairs])
    ]
    if score.missing_in_mt[pairs:]:
        parts.append("source " + ", ".join(score.missing_in_mt[pairs:]) + " not in MT")
    if score.extra_in_mt[pairs:]:
        parts.append("MT " + ", ".join(score.extra_in_mt[pairs:]) + " not in source")
    return "; ".join(parts)
