"""``repetition``: MT that loops ("the the the", "of the country, of the country, ...")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from selaras.checks.base import Check
from selaras.records import Flag
from selaras.rows import AlignedRow

#: A 1-4-gram repeated this many times in a row is a loop (Marian's classic failure
#: on long inputs, e.g. "the the the" or "of the country, of the country, ...").
REPEAT_MIN_RUN = 3
#: Longest n-gram considered for consecutive repeats.
REPEAT_MAX_N = 4
#: Share of repeated word trigrams (1 - distinct/total) that marks a longer loop; needs
#: ``REPEAT_MIN_TRIGRAMS`` trigrams so a short sentence cannot reach it by chance.
REPEAT_TRIGRAM_SHARE = 0.4
REPEAT_MIN_TRIGRAMS = 10

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
#: Indonesian emphatic particles glued to a word (sangatlah, apakah, siapapun).
_PARTICLE = re.compile(r"(?<=[^\W\d_]{3})(?:lah|kah|pun)\b")


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


def repeated_trigram_share(text: str, min_trigrams: int = REPEAT_MIN_TRIGRAMS) -> float:
    """Share of word trigrams that repeat an earlier one (1 - distinct/total).

    0.0 when the text has fewer than ``min_trigrams`` trigrams, so short text has a
    defined, harmless value.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    grams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    if not grams or len(grams) < min_trigrams:
        return 0.0
    return 1.0 - len(set(grams)) / len(grams)


def most_repeated_trigram(text: str) -> str:
    """The word trigram of ``text`` that occurs most often (first such on a tie), or ""."""
    words = [w.lower() for w in _WORD.findall(text)]
    grams = [" ".join(words[i : i + 3]) for i in range(len(words) - 2)]
    if not grams:
        return ""
    counts: dict[str, int] = {}
    for gram in grams:
        counts[gram] = counts.get(gram, 0) + 1
    return max(counts, key=lambda g: counts[g])


@dataclass(frozen=True, slots=True)
class RepeatScore:
    """The longest back-to-back run and the repeated-trigram share, of MT and source."""

    run: int = 0
    gram: str = ""
    share: float = 0.0
    source_run: int = 0
    source_share: float = 0.0
    #: The MT's most repeated word trigram (for the flag's reason).
    trigram: str = ""


@dataclass(frozen=True, slots=True)
class RepetitionCheck(Check):
    """The MT repeats an n-gram ``min_run`` times in a row, or too many of its trigrams.

    The source repeating itself ("sangat, sangat, sangat") licenses the MT to.

    Args:
        min_run: back-to-back repeats that fire (at least 2).
        max_n: longest n-gram looked at (at least 1).
        trigram_share: share (0-1) of repeated trigrams that fires,
        min_trigrams: in an MT of at least this many trigrams.
    """

    name: ClassVar[str] = "repetition"
    min_run: int = REPEAT_MIN_RUN
    max_n: int = REPEAT_MAX_N
    trigram_share: float = REPEAT_TRIGRAM_SHARE
    min_trigrams: int = REPEAT_MIN_TRIGRAMS

    def __post_init__(self) -> None:
        self._require_count("min_run", 2)
        self._require_count("max_n", 1)
        self._require_range("trigram_share", 0, 1)
        self._require_count("min_trigrams", 1)

    def score(self, row: AlignedRow, stats: object = None) -> RepeatScore:
        run, gram = max_repeat_run(row.mt, self.max_n)
        # "sangat, sangat, sangatlah": the particles -lah/-kah/-pun do not end a repeat.
        source_run, _ = max_repeat_run(_PARTICLE.sub("", row.source), self.max_n)
        share = repeated_trigram_share(row.mt, self.min_trigrams)
        return RepeatScore(
            run,
            gram,
            share,
            source_run,
            repeated_trigram_share(row.source, self.min_trigrams),
            most_repeated_trigram(row.mt) if share >= self.trigram_share else "",
        )

    def decide(self, score: RepeatScore) -> Flag | None:
        if score.run >= self.min_run and score.run > score.source_run:
            return Flag(self.name, f"{score.gram!r} repeated {score.run} times")
        if score.share >= self.trigram_share and score.source_share < self.trigram_share:
            most = f" (most: {score.trigram!r})" if score.trigram else ""
            return Flag(self.name, f"{score.share:.0%} of trigrams repeat{most}")
        return None
