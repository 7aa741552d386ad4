"""Put a unit's inline spans on its translation: by word alignment, or by length.

A unit (one paragraph, heading, cell) is split into sentences, each translated on its
own; the unit's English is the sentences' translations joined by spaces, with the
unit's leading and trailing whitespace kept. Each span (a bold run, a link, inline
code) then gets a range of that English:

* **By alignment** (inline markup): the span's source pieces, the target pieces the
  model's cross-attention links to them (``Translation.alignment``), widened to whole
  words. The link is trusted only when it is sure (:func:`aligned_range`): strong
  links from at least half of the span's pieces, a compact target range mostly linked
  back into the span, no more English words than the span has (plus an article), not
  only function words for a content word, and a position in the sentence close to the
  span's own (Indonesian and English mostly keep word order). **When it is unsure, the span goes around its whole sentence** (all the
  sentences it touches): never lost, never duplicated. An atomic span (inline code)
  keeps its source text: it replaces the words it aligns to, or, when unsure, is put
  in at the place its share of the sentence points to.
* **By length** (SRT cues, spans that cut the unit into consecutive parts): where a
  part starts in a source sentence maps to the same share of its translation, snapped
  to the nearest word boundary, and each part runs to the next one's start, so the
  parts share out the whole translation in the source's proportions.

Finally the ranges are made to nest as the source's did (a span inside its parent; two
that would cross become their union), so every format can write them back.
"""

from __future__ import annotations

from collections.abc import Sequence

from selaras.formats.base import Placement, Span, TranslatedUnit, Unit
from selaras.records import Sentence, Translation

#: A link counts only if the target piece gives at least this share of its attention
#: to that source piece (chosen, not tuned: half is "clearly more than anything else";
#: the tiny test model's links are mostly below it, see README).
MIN_LINK_WEIGHT = 0.5
#: Of the target pieces in a span's range, at least this share must link back into the
#: span (else the range swallows other words: unsure).
MIN_RANGE_SUPPORT = 0.5
#: Largest difference between a span's relative position in the source sentence and
#: its range's in the translation (0-1). Indonesian and English keep most word order;
#: noun-adjective swaps move a word by a little, a link across the sentence is noise.
MAX_DISTORTION = 0.3

#: Of the span's wordy source pieces, at least this share must have a strong link
#: (else one stray link from a long word's last piece decides: unsure).
MIN_SOURCE_COVERAGE = 0.5
#: Articles English adds before a noun Indonesian has bare ("buku" -> "a book").
ENGLISH_ARTICLES = frozenset({"a", "an", "the"})
#: English function words: a range of only these is no place for a content word.
ENGLISH_FUNCTION_WORDS = ENGLISH_ARTICLES | frozenset(
    "in on at of to for from by with into onto as and or but if than that this these those it its is are was were be "
    "been has have had do does did not no".split()
)
#: Indonesian function words (prepositions, conjunctions, particles): a span of only
#: these may rightly land on English function words ("di" -> "in").
INDONESIAN_FUNCTION_WORDS = frozenset(
    "di ke dari pada dalam untuk dengan oleh bagi dan atau tetapi tapi yang itu ini adalah ialah akan sudah telah "
    "belum tidak bukan juga pun lah kah nya se".split()
)
PUNCTUATION = ".,;:!?\"'()[]{}«»“”‘’—–-…"

WORD_START = "\u2581"


def piece_offsets(text: str, pieces: Sequence[str]) -> list[tuple[int, int]] | None:
    """Character range of each SentencePiece piece in ``text`` (``None`` if they do not fit).

    Pieces are found in order, whitespace skipped between them; a piece that does not
    occur next (normalised or ``<unk>``) makes the whole mapping unusable.
    """
    offsets: list[tuple[int, int]] = []
    pos = 0
    for piece in pieces:
        core = piece.replace(WORD_START, " ").strip()
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if not core:
            offsets.append((pos, pos))
            continue
        if not text.startswith(core, pos):
            return None
        offsets.append((pos, pos + len(core)))
        pos += len(core)
    return offsets


def _is_wordy(piece: str) -> bool:
    return any(ch.isalnum() for ch in piece)


def aligned_range(source: str, start: int, end: int, translation: Translation) -> tuple[int, int] | None:
    """Where ``source[start:end]`` went in ``translation.text``, or ``None`` when unsure.

    ``source`` is the sentence as translated; the result is a character range of
    whole words in the translation.
    """
    if translation.alignment is None or not translation.target_pieces:
        return None
    src = piece_offsets(source, translation.source_pieces)
    tgt = piece_offsets(translation.text, translation.target_pieces)
    if src is None or tgt is None or not src or not tgt:
        return None
    inside = {i for i, (a, b) in enumerate(src) if a < end and start < b}
    if not inside:
        return None
    link_of = {t: s for s, t in translation.alignment}
    strong = sorted(
        t for (s, t), w in zip(translation.alignment, translation.alignment_weights) if s in inside and w >= MIN_LINK_WEIGHT
    )
    strong = [t for t in strong if 0 <= t < len(tgt) and tgt[t][1] > tgt[t][0]]
    if not strong:
        return None
    first, last = strong[0], strong[-1]
    pieces = translation.target_pieces
    # Widen to whole words (a piece without the word-start mark continues the word
    # before it), but not onto punctuation that follows a word.
    while first > 0 and not pieces[first].startswith(WORD_START) and _is_wordy(pieces[first]) and _is_wordy(pieces[first - 1]):
        first -= 1
    while last + 1 < len(pieces) and not pieces[last + 1].startswith(WORD_START) and _is_wordy(pieces[last + 1]):
        last += 1
    span_pieces = range(first, last + 1)
    support = sum(1 for t in span_pieces if link_of.get(t) in inside) / len(span_pieces)
    if support < MIN_RANGE_SUPPORT:
        return None
    if not _well_covered(inside, translation):
        return None
    if not _plausible_words(source[start:end], translation.text[tgt[first][0] : tgt[last][1]]):
        return None
    source_centre = (min(inside) + max(inside) + 1) / 2 / len(src)
    target_centre = (first + last + 1) / 2 / len(tgt)
    if abs(source_centre - target_centre) > MAX_DISTORTION:
        return None
    return tgt[first][0], tgt[last][1]


def _well_covered(inside: set[int], translation: Translation) -> bool:
    """Whether at least :data:`MIN_SOURCE_COVERAGE` of the span's wordy source pieces
    have a strong link: one strong link from the last piece of "per|pust|akaan" is the
    attention drifting on, not the word's place."""
    pieces = translation.source_pieces
    wordy = [i for i in inside if i < len(pieces) and _is_wordy(pieces[i])]
    linked = {s for (s, _), w in zip(translation.alignment or (), translation.alignment_weights) if w >= MIN_LINK_WEIGHT}
    return bool(wordy) and sum(1 for i in wordy if i in linked) / len(wordy) >= MIN_SOURCE_COVERAGE


def _plausible_words(source: str, target: str) -> bool:
    """Whether the English range can be the span's translation by its words alone:
    no more words than the span has, plus a leading article ("buku" -> "a book"), and
    not only function words for a span that has a content word ("perpustakaan" ->
    "in"). A single source piece whose attention covers its neighbour's English too
    ("Dia" -> "She drinks") is the commonest confident mistake."""
    src_words = [w.strip(PUNCTUATION).lower() for w in source.split()]
    tgt_words = [w.strip(PUNCTUATION).lower() for w in target.split()]
    src_words, tgt_words = [w for w in src_words if w], [w for w in tgt_words if w]
    if not tgt_words:
        return False
    allowed = len(src_words) + (1 if tgt_words[0] in ENGLISH_ARTICLES else 0)
    if len(tgt_words) > allowed:
        return False
    content_source = any(w not in INDONESIAN_FUNCTION_WORDS for w in src_words)
    return not (content_source and all(w in ENGLISH_FUNCTION_WORDS for w in tgt_words))


def _word_boundaries(text: str) -> list[int]:
    """Positions where a word starts or the text ends (for snapping)."""
    return [0, *(k for k in range(1, len(text)) if text[k - 1].isspace() and not text[k].isspace()), len(text)]


def _by_length(position: float, boundaries: Sequence[int]) -> int:
    return min(boundaries, key=lambda b: (abs(b - position), b))


def place_spans(
    unit: Unit, sentences: Sequence[Sentence], translations: Sequence[Translation], placement: Placement = "alignment"
) -> TranslatedUnit:
    """The unit's translation with its spans placed (see the module docstring).

    Args:
        unit: the source unit.
        sentences: its sentences (``start``/``end`` offsets into ``unit.text``).
        translations: one per sentence, with ``alignment`` for ``"alignment"`` placement.
        placement: ``"alignment"`` (inline markup) or ``"length"`` (cues).
    """
    text = unit.text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :] if text.strip() else ""
    parts: list[str] = []
    ranges: list[tuple[int, int]] = []  # target range of each sentence
    pos = len(lead)
    for translation in translations:
        if parts:
            pos += 1
        ranges.append((pos, pos + len(translation.text)))
        parts.append(translation.text)
        pos += len(translation.text)
    body = " ".join(parts)
    english = lead + body + trail
    bounds = [(s.start or 0, s.end if s.end is not None else len(text)) for s in sentences]
    boundaries = _word_boundaries(english)

    def by_length(position: int) -> int:
        """A source position's place in the English, by its share of its sentence."""
        for (ss, se), (ts, te) in zip(bounds, ranges):
            if position <= ss:
                return ts
            if position < se:
                share = (position - ss) / max(1, se - ss)
                local = [b for b in boundaries if ts <= b <= te]
                return _by_length(ts + share * (te - ts), local or [ts])
        return ranges[-1][1] if ranges else len(lead)

    def touched(span: Span) -> list[int]:
        return [k for k, (ss, se) in enumerate(bounds) if ss < span.end and span.start < se]

    if placement == "length":
        # The spans cut the unit into parts (cues): each part runs to where the next
        # begins, so no word between them is lost.
        cuts = [len(lead)] + [by_length(span.start) for span in unit.spans[1:]] + [len(lead) + len(body)]
        _give_every_part_a_word(cuts, [b for b in boundaries if len(lead) < b < len(lead) + len(body)])
        return TranslatedUnit(
            text=english,
            spans=tuple(Span(cuts[k], cuts[k + 1], span.tag, span.atomic) for k, span in enumerate(unit.spans)),
        )
    placed: list[tuple[int, int]] = []
    for span in unit.spans:
        hit = touched(span)
        if not hit:
            placed.append((by_length(span.start), by_length(span.end)) if span.end > span.start else (by_length(span.start),) * 2)
            continue
        found = None
        if len(hit) == 1:
            k = hit[0]
            ss, _ = bounds[k]
            found = aligned_range(text[ss : bounds[k][1]], span.start - ss, span.end - ss, translations[k])
        if found is not None:
            placed.append((ranges[hit[0]][0] + found[0], ranges[hit[0]][0] + found[1]))
        elif span.atomic:
            at = by_length(span.start)
            placed.append((at, at))
        else:
            placed.append((ranges[hit[0]][0], ranges[hit[-1]][1]))
    placed = _nest_like_source(unit.spans, placed, bounds, ranges, touched, by_length)
    return _with_atomic_text(unit, english, placed)


def _give_every_part_a_word(cuts: list[int], starts: Sequence[int]) -> None:
    """Move the inner ``cuts`` (in place) to word starts so that no part is empty while
    there are words enough (a cue left without text would show nothing)."""
    import bisect

    for k in range(1, len(cuts) - 1):  # forwards: each cut after the one before
        if cuts[k] <= cuts[k - 1]:
            i = bisect.bisect_right(starts, cuts[k - 1])
            cuts[k] = starts[i] if i < len(starts) else cuts[-1]
    for k in range(len(cuts) - 2, 0, -1):  # backwards: each cut before the one after
        if cuts[k] >= cuts[k + 1]:
            i = bisect.bisect_left(starts, cuts[k + 1]) - 1
            cuts[k] = starts[i] if i >= 0 and starts[i] > cuts[k - 1] else cuts[k - 1]
    for k in range(1, len(cuts)):
        cuts[k] = max(cuts[k], cuts[k - 1])


def _crossing(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[0] < a[1] < b[1] or b[0] < a[0] < b[1] < a[1]


def _nest_like_source(spans, placed, bounds, ranges, touched, by_length) -> list[tuple[int, int]]:
    """Ranges that nest as the source spans do: inside their parent, never crossing."""
    from selaras.formats.base import nested

    placed = list(placed)
    index = {id(s): k for k, s in enumerate(spans)}

    def whole(k: int) -> tuple[int, int]:
        hit = touched(spans[k])
        if spans[k].atomic or not hit:
            return placed[k]
        return ranges[hit[0]][0], ranges[hit[-1]][1]

    def clamp(nodes, outer: tuple[int, int] | None) -> None:
        for span, children in nodes:
            k = index[id(span)]
            a, b = placed[k]
            if outer is not None and not (outer[0] <= a and b <= outer[1]):
                a, b = max(a, outer[0]), min(b, outer[1])
                placed[k] = (a, b) if a < b or span.atomic or spans[k].start == spans[k].end else outer
                if span.atomic and a > b:
                    placed[k] = (outer[0], outer[0])
            clamp(children, placed[k])

    clamp(nested(spans), None)
    # Crossing pairs: every span of the sentences involved goes around its sentence(s).
    n = len(spans)
    for i in range(n):
        for j in range(i + 1, n):
            if _crossing(placed[i], placed[j]):
                hit = set(touched(spans[i])) | set(touched(spans[j]))
                for k in range(n):
                    if set(touched(spans[k])) & hit:
                        placed[k] = whole(k)
    clamp(nested(spans), None)
    for _ in range(n * n):  # last resort: crossing ranges become their union (bounded)
        pair = next(((i, j) for i in range(n) for j in range(i + 1, n) if _crossing(placed[i], placed[j])), None)
        if pair is None:
            break
        i, j = pair
        union = (min(placed[i][0], placed[j][0]), max(placed[i][1], placed[j][1]))
        placed[i] = placed[j] = union
    return placed


def _with_atomic_text(unit: Unit, english: str, placed: list[tuple[int, int]]) -> TranslatedUnit:
    """Put each atomic span's source text into the English at its range (replacing the
    words there, or inserted between words), shifting the other ranges to match: a span
    that held the atomic one in the source holds it again, one that did not stays out."""
    from selaras.formats.base import ancestors

    above = ancestors(unit.spans)
    atomic = sorted((k for k, s in enumerate(unit.spans) if s.atomic), key=lambda k: (placed[k], k))
    out: list[str] = []
    # (old start, old end, where the insertion begins, new start, new end, padding after, span)
    edits: list[tuple[int, int, int, int, int, int, int]] = []
    final = list(placed)
    cursor = 0
    length = 0
    for k in atomic:
        a = max(placed[k][0], cursor)
        b = max(a, placed[k][1])
        span = unit.spans[k]
        content = unit.text[span.start : span.end]
        if content and not content.strip() and a == b and a > cursor and english[a - 1].isspace():
            a -= 1  # a tab or break put between words takes the place of the space there
        out.append(english[cursor:a])
        length += a - cursor
        spaced_before = span.start == 0 or unit.text[span.start - 1].isspace() or content[:1].isspace()
        spaced_after = span.end >= len(unit.text) or unit.text[span.end].isspace() or content[-1:].isspace()
        # Inserted between words (never inside one: positions snap to word starts).
        glued_before = a > 0 and not english[a - 1].isspace()
        glued_after = a < len(english) and not english[a].isspace()
        # Text the model saw (inline code) is a word of its own; bare markup (an inline
        # tag) is spaced as in the source.
        before = " " if a == b and glued_before and (spaced_before or (content and english[a - 1].isalnum())) else ""
        after = " " if a == b and glued_after and (spaced_after or (content and english[a].isalnum())) else ""
        out.append(before + content + after)
        new_a = length + len(before)
        final[k] = (new_a, new_a + len(content))
        length += len(before) + len(content) + len(after)
        edits.append((a, b, new_a - len(before), new_a, new_a + len(content), len(after), k))
        cursor = b
    out.append(english[cursor:])
    for k, span in enumerate(unit.spans):
        if not span.atomic:
            start = _moved(placed[k][0], edits, k, above, unit.spans, is_end=False)
            final[k] = (start, max(start, _moved(placed[k][1], edits, k, above, unit.spans, is_end=True)))
    return TranslatedUnit(
        text="".join(out),
        spans=tuple(Span(start=a, end=b, tag=s.tag, atomic=s.atomic) for s, (a, b) in zip(unit.spans, final)),
    )


def _moved(
    x: int,
    edits: Sequence[tuple[int, int, int, int, int, int, int]],
    owner: int,
    above: Sequence[set[int]],
    source: Sequence[Span],
    *,
    is_end: bool,
) -> int:
    """Where an edge ``x`` of span ``owner`` lands after the atomic edits: at an atomic
    span's place, the edge goes around it if the owner held it in the source, else
    before or after it as the owner was in the source."""
    shift = 0
    for old_a, old_b, begins, new_a, new_b, padding, k in edits:
        holds = owner in above[k]
        if x < old_a or (x == old_a and old_a < old_b and not holds and is_end):
            return x + shift
        if old_a <= x <= old_b:
            if holds:
                return new_b if is_end else new_a
            came_before = source[owner].end <= source[k].start and source[owner].start < source[k].end or (
                source[owner].start == source[owner].end == source[k].start and owner < k
            )
            if is_end or came_before:
                return begins
            return new_b + padding
        shift = new_b + padding - old_b
    return x + shift


__all__ = ["MAX_DISTORTION", "MIN_LINK_WEIGHT", "MIN_RANGE_SUPPORT", "aligned_range", "piece_offsets", "place_spans"]
