"""Where a glossary's terms occur: Indonesian terms in the source, English targets in the MT.

**Indonesian.** Words are runs of letters and digits; a hyphen separates words, so a
reduplicated plural (*kebijakan-kebijakan*) is two matches of *kebijakan*, joined into
one. A word matches a term's word when they are equal ignoring case, or when the word
is the term's word plus an enclitic: *-nya*, *-lah*, *-kah*, *-tah*, *-pun*, *-ku*,
*-mu* (*kebijakannya*, *pemerintahlah*). Enclitics only attach, they never change the
word's meaning, so the English the glossary asks for still applies.

Derivational affixes (*meN-*, *di-*, *ber-*, *ter-*, *ke-…-an*, *pe-…-an*, *-kan*, *-i*)
are not stripped by default: they make another word with another English rendering
(*pajak* "tax", *perpajakan* "taxation"; *ajar* "teach", *pelajaran* "lesson"), so a
glossary entry for the root would then demand the wrong English. Measured on
gareng-dev's real sentences with ``scripts/eval_glossary.py`` (README, *Glossary*):
``affixes="derivations"`` adds matches whose reference holds the glossary's English far
less often than the enclitic matches do. A user whose glossary lists roots of verbs can
still ask for it (``affixes="derivations"``).

Terms of several words match word by word, the enclitic allowed on the last. A term in
capitals (*DPR*, *KPK*: an acronym) matches only in capitals; every other term ignores
case. Overlapping matches keep the longest, then the leftmost.

**English.** The check and the enforcement look for a target in English text word by
word, ignoring case (an acronym keeps its case), each word allowed a plural or
third-person *-s*/*-es*/*-ies* (*policy* in *policies*, *tax* in *taxes*), *-ed*/*-ing*,
and the adjective of a noun (*economic*, *agricultural*, *policemen*): a term used as a
modifier is rendered so, and the check must not call that a missing term. A word ending
in a target word of five letters or more is its compound (*rainforest*).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from selaras.terms.glossary import Glossary, Term

#: Indonesian enclitics (pronominal and particle clitics written joined to their
#: host; Sneddon et al., *Indonesian: A Comprehensive Grammar*, 2nd ed., §3.4, §9.12);
#: longest first so *-nyalah* is tried before *-nya*.
ENCLITICS: tuple[str, ...] = ("nyalah", "nyakah", "nyapun", "nya", "lah", "kah", "tah", "pun", "ku", "mu")
#: Derivational suffixes and prefixes tried by ``affixes="derivations"`` (Sneddon et
#: al., chapters 2-3); meN-/peN- restore the root's first consonant (*memukul* -> *pukul*).
SUFFIXES: tuple[str, ...] = ("kan", "an", "i")
PREFIXES: tuple[str, ...] = ("di", "ter", "ber", "be", "ke", "se", "per", "pe", "me")
NASAL_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("meny", ("s",)), ("peny", ("s",)), ("meng", ("k", "")), ("peng", ("k", "")),
    ("mem", ("p", "")), ("pem", ("p", "")), ("men", ("t", "")), ("pen", ("t", "")),
)

#: English endings accepted after a target word's stem (see :func:`_english_variants`).
ENGLISH_DERIVATIONS: tuple[str, ...] = (
    "ed", "d", "ing", "ic", "ical", "ial", "al", "ally", "ary", "ist", "ists", "men", "man",
)
#: A word ending in a target word of at least this many letters is a compound of it
#: (*rainforest*, *socioeconomic*); shorter words end too many others (*tax*, *oil*).
MIN_COMPOUND_TAIL = 5

Affixes = Literal["clitics", "derivations"]
AFFIX_CHOICES: tuple[str, ...] = ("clitics", "derivations")

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class TermMatch:
    """One occurrence of ``term`` at ``text[start:end]``."""

    term: Term
    start: int
    end: int


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _derived_roots(word: str) -> set[str]:
    """Roots ``word`` may be derived from by one prefix and/or one suffix (lower case)."""
    roots = {word}
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            roots.add(word[: -len(suffix)])
    for stem in list(roots):
        for prefix in PREFIXES:
            if stem.startswith(prefix) and len(stem) - len(prefix) >= 3:
                roots.add(stem[len(prefix):])
        for prefix, restored in NASAL_PREFIXES:
            if stem.startswith(prefix) and len(stem) - len(prefix) >= 2:
                roots.update(first + stem[len(prefix):] for first in restored)
    roots.discard(word)
    return roots


def _word_matches(word: str, term_word: str, *, last: bool, affixes: Affixes, single: bool) -> bool:
    if _is_acronym(term_word):
        return word == term_word or (last and any(word == term_word + c for c in ENCLITICS))
    w, t = word.lower(), term_word.lower()
    if w == t:
        return True
    if last:
        for clitic in ENCLITICS:
            if w.endswith(clitic) and w[: -len(clitic)] == t:
                return True
    if affixes == "derivations" and single and len(t) >= 4:
        for clitic in ("", *ENCLITICS):
            if clitic and not w.endswith(clitic):
                continue
            host = w[: len(w) - len(clitic)]
            if t in _derived_roots(host):
                return True
    return False


class TermMatcher:
    """Finds a glossary's terms in Indonesian text (built once per glossary)."""

    def __init__(self, glossary: Glossary, *, affixes: Affixes = "clitics") -> None:
        if affixes not in AFFIX_CHOICES:
            raise ValueError(f"affixes must be one of {AFFIX_CHOICES}, got {affixes!r}")
        self.glossary = glossary
        self.affixes = affixes
        self._terms = [(term, [w for w, _, _ in _words(term.source)]) for term in glossary.terms]
        self._terms = [(t, ws) for t, ws in self._terms if ws]
        # Index by the first word's first letter (lower case): a sentence's words only
        # meet the terms that can start with them.
        self._by_initial: dict[str, list[tuple[Term, list[str]]]] = {}
        for term, words in self._terms:
            initials = {words[0][0].lower()}
            if affixes == "derivations" and len(words) == 1:
                initials = {"*"}
            for initial in initials:
                self._by_initial.setdefault(initial, []).append((term, words))
        for entries in self._by_initial.values():
            entries.sort(key=lambda e: -len(e[1]))

    def find(self, text: str) -> list[TermMatch]:
        """Every term occurrence in ``text``, in text order, without overlaps."""
        words = _words(text)
        found: list[TermMatch] = []
        k = 0
        while k < len(words):
            match = self._longest_at(words, k)
            if match is None:
                k += 1
                continue
            term, n = match
            start, end = words[k][1], words[k + n - 1][2]
            if found and found[-1].term is term and text[found[-1].end : start] == "-":
                start = found.pop().start  # kebijakan-kebijakan: one occurrence
            found.append(TermMatch(term, start, end))
            k += n
        return found

    def _longest_at(self, words: Sequence[tuple[str, int, int]], k: int) -> tuple[Term, int] | None:
        candidates = self._by_initial.get(words[k][0][0].lower(), []) + self._by_initial.get("*", [])
        # The word itself (or with an enclitic) first; a derivation only when no term matches so.
        modes: tuple[Affixes, ...] = ("clitics", "derivations") if self.affixes == "derivations" else ("clitics",)
        for affixes in modes:
            best: tuple[Term, int] | None = None
            for term, term_words in candidates:
                n = len(term_words)
                if k + n > len(words) or (best is not None and n <= best[1]):
                    continue
                if all(
                    _word_matches(words[k + i][0], tw, last=i == n - 1, affixes=affixes, single=n == 1)
                    for i, tw in enumerate(term_words)
                ):
                    best = (term, n)
            if best is not None:
                return best
        return None


def _english_variants(word: str) -> set[str]:
    """``word`` and its inflected and derived forms that keep its meaning in a check:
    plurals and verb forms, and the adjectives English makes of a noun (*economy* →
    *economic*, *agriculture* → *agricultural*, *police* → *policemen*): on gareng-dev
    a glossary noun was mostly rendered as such an adjective where the MT lacked it."""
    stems = {word}
    if len(word) > 4 and word[-1] in "ye":
        stems.add(word[:-1])
    if word.endswith("ity") and len(word) > 6:
        stems.add(word[:-3])  # electricity → electric(al)
    forms = {word + "s", word + "es"}
    if word.endswith("y") and len(word) > 2:
        forms.add(word[:-1] + "ies")
    for stem in stems:
        forms.add(stem)
        if len(stem) >= 4:
            forms.update(stem + suffix for suffix in ENGLISH_DERIVATIONS)
    return forms


def _english_word_matches(word: str, target_word: str) -> bool:
    if _is_acronym(target_word):
        return word == target_word or word == target_word + "s"
    w, t = word.lower(), target_word.lower()
    if w == t or t in _english_variants(w):
        return True
    variants = _english_variants(t)
    return w in variants or any(len(v) >= MIN_COMPOUND_TAIL and w.endswith(v) for v in variants | {t})


def english_spans(text: str, target: str) -> list[tuple[int, int]]:
    """Where ``target`` (an English term) occurs in ``text``: character ranges, in order."""
    target_words = [w for w, _, _ in _words(target)]
    if not target_words:
        return []
    words = _words(text)
    spans: list[tuple[int, int]] = []
    n = len(target_words)
    k = 0
    while k + n <= len(words):
        if all(_english_word_matches(words[k + i][0], tw) for i, tw in enumerate(target_words)):
            spans.append((words[k][1], words[k + n - 1][2]))
            k += n
        else:
            k += 1
    return spans


def has_english(text: str, term: Term) -> bool:
    """Whether ``text`` holds any of ``term``'s English renderings."""
    return any(english_spans(text, target) for target in term.targets)


__all__ = [
    "AFFIX_CHOICES",
    "ENCLITICS",
    "Affixes",
    "TermMatch",
    "TermMatcher",
    "english_spans",
    "has_english",
]
