"""Is this text Indonesian or English? A small identifier that counts function words.

Selaras reads Indonesian sources and English references, and both get swapped or
mixed up in practice: the source pasted as the reference (it then scores 0.9994
against itself), or an English file given to ``translate``. Telling those two
languages apart needs no model: their most frequent words are closed-class
function words (``yang dan di untuk`` / ``the of in to``) that the other language
never writes in lower case, and a sentence of ten words holds three or four of them.

:func:`detect_language` counts them and names a language only when the evidence is
enough (``MIN_EVIDENCE`` function words) and one-sided (``MIN_SHARE``); otherwise it
returns ``lang=None`` rather than guess, so a heading, a name list or a mixed page is
"not known", never "wrong". It is pure, needs no dependency and reads at most
``max_words`` words from the start, so a whole-document call costs a few
milliseconds (7 ms for UD PUD's 1000 sentences, stopping at 5000 words).

Only Indonesian and English are told apart; a French text is ``None`` at best
(too few hits) and may read as English through borrowed words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from selaras.records import Lang

#: Frequent Indonesian function words, lower-case; seen in an English MT they mean
#: text was left untranslated. Words that are also common in English text ("para",
#: as in para-athletes) are left out; capitalised uses (the name "Dan") never count
#: in :mod:`selaras.checks`. 24 of the 30 most frequent words of UD Indonesian PUD
#: (``../shared/data/ud-pud``) are in it (the rest: tahun orang banyak besar selama bulan).
ID_FUNCTION_WORDS: frozenset[str] = frozenset(
    """yang dan di dengan untuk ini itu tidak akan dari ke pada dalam adalah juga atau oleh
    karena bahwa telah sudah bisa dapat lebih kami kita mereka saya ia dia sebuah seorang
    tersebut sebagai hanya masih belum antara setelah sebelum namun tetapi jika kata ada
    secara agar sehingga serta bagi tentang terhadap hingga sejak kepada""".split()
)

#: Indonesian words added for telling the languages apart: frequent in UD Indonesian
#: PUD and never English words, but left out of ``ID_FUNCTION_WORDS`` for the
#: ``untranslated`` check because an English MT may keep them ("para-athletes",
#: a quoted "tak").
ID_LANGUAGE_WORDS: frozenset[str] = ID_FUNCTION_WORDS | frozenset(
    """para tapi tak bukan saja lalu apa bagaimana aku sangat semua seperti saat pun lagi
    ujar bila sementara""".split()
)

#: Frequent English function words (determiners, prepositions, pronouns, auxiliaries,
#: conjunctions, quantifiers): 28 of the 30 most frequent words of UD English PUD
#: are in it (the rest: ``a`` and the ``s`` of ``'s``).
#: None is an Indonesian word; ``i`` and ``a`` are left out because Roman numerals
#: (``Perang Dunia I``) and initials write them in Indonesian text too.
EN_FUNCTION_WORDS: frozenset[str] = frozenset(
    """the of and to in is was that for on with as by at from this are were be been being
    have has had not but or an which who whom whose their its his her they he she we you
    it will would could should can there than then also into about after before when while
    these those what where because if our your my them him us me how why do does did may
    might must some such other only so just no all more most any each through without
    against between during under over out up""".split()
)

#: Function words needed before a language is named: with fewer, a short text
#: ("Ya.", "Foto: Reuters", "Terima kasih.") is ``None``. Three is what a plain
#: ten-word sentence holds: counted as :func:`count_function_words` does, the lists
#: cover 32% of UD PUD's Indonesian words and 42% of its English ones. Fewer would
#: let one or two quoted words decide.
MIN_EVIDENCE = 3
#: Share of the function words that must belong to one language (4 to 1); a mixed
#: text (an English quote inside Indonesian news) below it is ``None``.
MIN_SHARE = 0.8
#: Words read at most, so a whole book costs what its first pages cost; a page of
#: running text settles the question long before this.
MAX_WORDS = 5000

# Words with their inner hyphens and apostrophes, so "60-an" and "baru-baru" stay
# whole and are not looked up; "it's" is looked up as "it".
_TOKEN = re.compile(r"[\w'’-]+")
_APOSTROPHE = re.compile(r"['’]")
_QUOTES_AND_SPACE = " \t\n\"'“”‘’«»([—–-"


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """What :func:`detect_language` found.

    ``lang`` is ``"id"``, ``"en"`` or ``None`` (not enough or mixed evidence);
    ``id_words``/``en_words`` count the function words of each language seen;
    ``words`` is how many words were read.
    """

    lang: Lang | None
    id_words: int = 0
    en_words: int = 0
    words: int = 0

    @property
    def evidence(self) -> int:
        """Function words seen, of either language."""
        return self.id_words + self.en_words

    @property
    def share(self) -> float:
        """Share (0-1) of the function words that belong to the more frequent language; 0.0 with none."""
        return max(self.id_words, self.en_words) / self.evidence if self.evidence else 0.0

    def describe(self) -> str:
        """A short human summary: ``Indonesian (12 id vs 1 en function words)``."""
        name = {"id": "Indonesian", "en": "English", None: "unknown language"}[self.lang]
        return f"{name} ({self.id_words} id vs {self.en_words} en function words)"


def _starts_sentence(text: str, start: int) -> bool:
    """Whether only quotes and spaces stand between ``start`` and the text's start or a ``.!?``."""
    k = start - 1
    while k >= 0 and text[k] in _QUOTES_AND_SPACE:
        k -= 1
    return k < 0 or text[k] in ".!?…"


def count_function_words(texts: str | Sequence[str], *, max_words: int = MAX_WORDS) -> tuple[int, int, int]:
    """``(id_words, en_words, words)`` over the first ``max_words`` words of ``texts``.

    Words are counted when written in lower case or capitalised at a sentence start
    (``The``, ``Yang``); acronyms, single capitals (``AS``, ``I``) and capitalised
    words inside a sentence (names, English titles quoted in Indonesian) are read
    but never decide.
    """
    if isinstance(texts, str):
        texts = (texts,)
    id_words = en_words = words = 0
    for text in texts:
        for match in _TOKEN.finditer(text):
            head = _APOSTROPHE.split(match.group(0), 1)[0]
            if not head.isalpha():
                continue
            words += 1
            # Only lower-case words count, and a capitalised one that starts a sentence:
            # a mid-sentence capital is a name, an acronym or a title ("Over My Head").
            if head.islower() or (head[1:].islower() and _starts_sentence(text, match.start())):
                lower = head.casefold()
                if lower in ID_LANGUAGE_WORDS:
                    id_words += 1
                elif lower in EN_FUNCTION_WORDS:
                    en_words += 1
            if words >= max_words:
                return id_words, en_words, words
    return id_words, en_words, words


def detect_language(
    texts: str | Sequence[str],
    *,
    min_evidence: int = MIN_EVIDENCE,
    min_share: float = MIN_SHARE,
    max_words: int = MAX_WORDS,
) -> LanguageGuess:
    """Guess whether ``texts`` (one text, or a document's sentences) is Indonesian or English.

    Args:
        texts: a string, or a sequence of strings read in order as one text.
        min_evidence: function words needed before a language is named.
        min_share: share (0.5-1) of those words one language must have.
        max_words: words read at most (the rest is not looked at).

    Returns:
        A :class:`LanguageGuess`; ``lang`` is ``None`` when there are fewer than
        ``min_evidence`` function words or neither language reaches ``min_share``.
    """
    id_words, en_words, words = count_function_words(texts, max_words=max_words)
    evidence = id_words + en_words
    lang: Lang | None = None
    if evidence >= min_evidence:
        if id_words >= min_share * evidence:
            lang = "id"
        elif en_words >= min_share * evidence:
            lang = "en"
    return LanguageGuess(lang, id_words, en_words, words)


_NAMES = {"id": "Indonesian", "en": "English"}


def language_warning(texts: str | Sequence[str], expected: Lang, name: str) -> str | None:
    """One warning line when ``texts`` (one document) clearly are not in ``expected``.

    ``name`` says what the texts are (a file name, "the reference"). ``None`` when the
    language is the expected one or the evidence is too thin to say (short texts).
    """
    guess = detect_language(texts)
    if guess.lang is None or guess.lang == expected:
        return None
    return (
        f"{name} looks like {_NAMES[guess.lang]}, not {_NAMES[expected]} "
        f"({guess.id_words} Indonesian and {guess.en_words} English function words)"
    )
