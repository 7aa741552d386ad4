"""How sure the aligner is: per-bead evidence of translation, and one number per document.

The search (``costs``, ``dp``) only ranks alignments *relative to each other*: a bead is
kept when it beats leaving its sentences unaligned. That ranking is right even for an
unrelated reference, so its relative gain says nothing about whether the two sides are
translations at all (an unrelated English text scored a mean 0.77 with it alone). So
``Bead.score`` also asks for *absolute* evidence, from the same features the search used:

* **similarity above the document's background.** The bead's cosine in the evidence
  view (MT vs reference char n-grams with an MT; cross-lingual anchors without) is
  compared with the cosines of random sentence pairs of the same document that the path
  does not link (``background``): a translation is more similar than a random pair of
  the document; an unrelated reference is not.
* **not a copy.** Identical text on both sides (the source given as its own reference)
  shares every anchor, but a sentence copied verbatim is not evidence of translation:
  word overlap (Jaccard of the normalised word sets) near 1 cancels the bead's evidence.

``Bead.score = relative * evidence * (1 - copied)``: each factor is in [0, 1], so a
bead needs all three to be confident. The beads the search picks do not change.

``document_confidence`` sums this up per document (a float, compared with
``DOCUMENT_CONFIDENCE_MIN``); ``alignment_confidence`` adds its parts and a reason that a
caller can print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import sparse

from selaras.align.anchors import normalise
from selaras.records import Bead

EvidenceMode = Literal["mt", "anchors", "dense"]

#: Random sentence pairs drawn to estimate a document's background similarity; 4,000
#: keep the MT-mode mean and sd within 0.004 of those of all off-path pairs (seed and
#: three Text+Berg test documents), and cost a few milliseconds whatever the size.
BACKGROUND_PAIRS = 4000

#: Pairs closer than this (in target sentences) to the path's partner of their source
#: sentence are not background: they may be the true partner of a merged bead.
BACKGROUND_GAP = 2

#: Evidence curve per mode: a bead's cosine ``cos`` gives the evidence
#: ``sigmoid((cos - (mean + sds * sd + offset)) / width)``, with ``mean`` and ``sd`` the
#: background's. Chosen on the seed article (close and free references, with and
#: without a stand-in MT) against UD PUD English sentences as an unrelated reference,
#: and checked on Text+Berg test and UD PUD stress documents against the reference of
#: another document (numbers in ``DOCUMENT_CONFIDENCE_MIN``):
#:
#: * with MT, char n-gram cosines of unrelated same-language pairs spread widely (seed:
#:   mean 0.09, sd 0.04; Text+Berg: 0.06-0.09, sd 0.05-0.07) and the search picks the
#:   best of several, so the bar is three background sds above the mean (two let 25% of
#:   an unrelated reference's beads through, three 10%); true pairs sit far above it
#:   (seed 0.68-0.97; Text+Berg google MT median 0.45).
#: * without MT, anchors of random pairs are nearly always 0 (UD PUD: 98% of shuffled
#:   pairs), but a few shared names spread the sd (seed 0.034) while true pairs score as
#:   little as 0.06, so the bar is the mean plus 0.02 and the curve is steep. A true
#:   pair with no anchor at all (16% of UD PUD's) has no evidence and scores low.
#: * with sentence embeddings (``dense``, centred per document), random pairs of a
#:   document have mean 0.00 and sd 0.10-0.16 (Text+Berg dev and three test documents,
#:   two UD PUD stress documents), gold 1-1 pairs a median of 0.56-0.72 and a 10th
#:   percentile of 0.32-0.65: the bar is two sds above the mean.
EVIDENCE_CURVES: dict[str, tuple[float, float, float]] = {
    # mode: (sds, offset, width)
    "mt": (3.0, 0.0, 0.03),
    "anchors": (0.0, 0.02, 0.015),
    "dense": (2.0, 0.0, 0.04),
}

#: Background used when a document is too small to sample one (fewer than 3 sentences
#: on a side): the typical mean and sd measured above.
DEFAULT_BACKGROUND: dict[str, tuple[float, float]] = {"mt": (0.08, 0.05), "anchors": (0.0, 0.0), "dense": (0.0, 0.12)}

#: Word-set Jaccard between a bead's two sides from which it counts as partly copied,
#: and from which it is fully copied (evidence 0). Translated id-en pairs share names
#: and numbers only (UD PUD's 1,000 1-1 pairs: median 0.05, 99th percentile 0.32, most 0.5).
COPY_START = 0.5
COPY_FULL = 0.8

#: Anchor cosine from which ``align_sentences`` checks a bead for copying: a copy has
#: the same anchors on both sides (cosine 1), while word sets cost ~2 s per 100,000
#: sentences, too much to build for every bead.
COPY_CANDIDATE_COS = 0.5

#: Document confidence below which the reference does not look like a translation of
#: the source. Measured with the calibrated scores (``scripts/eval_align.py --confidence``,
#: true reference -> the reference of the next document), with e5 embeddings: Text+Berg
#: test google MT 0.79-0.87 -> 0.03-0.10, europarllight 0.77-0.85 -> 0.06-0.11, no MT
#: 0.79-0.87 -> 0.07-0.11, ParIce 0.73-0.84 -> 0.03-0.12, UD PUD stress 0.85-0.90 ->
#: 0.06-0.10; lexically (no embeddings) the true documents go down to 0.36 (Text+Berg)
#: and 0.16 (ParIce, 2 of 10 below: few anchors), the unrelated ones up to 0.20.
DOCUMENT_CONFIDENCE_MIN = 0.3

#: Bead score below which a bead is not confident: the ``low-alignment`` threshold
#: (``selaras.checks.scores.LOW_ALIGN``, "less sure than not").
CONFIDENT_BEAD = 0.5


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50.0, 50.0)))


def _row_norms(x: sparse.csr_matrix) -> np.ndarray:
    return np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())


def row_cosines(xs: sparse.csr_matrix, ys: sparse.csr_matrix) -> np.ndarray:
    """Row-wise cosines of two matrices with the same number of rows (0 for empty rows)."""
    dot = np.asarray(xs.multiply(ys).sum(axis=1)).ravel()
    den = _row_norms(xs) * _row_norms(ys)
    return np.where(den > 0, dot / np.where(den > 0, den, 1.0), 0.0)


def _members(beads: Sequence[Bead], side: Literal["src", "tgt"], n: int) -> sparse.csr_matrix:
    """``(beads, n)`` 0/1 matrix: which sentences each bead holds on ``side``."""
    rows = [k for k, b in enumerate(beads) for _ in getattr(b, side)]
    cols = [i for b in beads for i in getattr(b, side)]
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(beads), n))


def bead_cosines(beads: Sequence[Bead], x: sparse.csr_matrix, y: sparse.csr_matrix) -> np.ndarray:
    """Cosine of each bead's summed source rows with its summed target rows (0 if a side is empty)."""
    if not beads:
        return np.zeros(0)
    return row_cosines(_members(beads, "src", x.shape[0]) @ x, _members(beads, "tgt", y.shape[0]) @ y)


#: Fewest distinct far sentence pairs a document's own background is estimated from;
#: below it the defaults (``DEFAULT_BACKGROUND``) serve (a 5x5 document has 6).
BACKGROUND_MIN_DISTINCT = 10


def background(
    beads: Sequence[Bead], x: sparse.csr_matrix, y: sparse.csr_matrix, mode: EvidenceMode, *, seed: int = 0
) -> tuple[float, float]:
    """Mean and sd of the cosines of random sentence pairs that the path does not link.

    The pairs are drawn with a fixed seed, so a document always gets the same numbers.
    """
    n, m = x.shape[0], y.shape[0]
    if n < 3 or m < 3:
        return DEFAULT_BACKGROUND[mode]
    partner = np.full(n, -m - BACKGROUND_GAP - 1, dtype=np.int64)
    for b in beads:
        if b.src and b.tgt:
            partner[list(b.src)] = b.tgt[0]
    rng = np.random.default_rng(seed)
    i = rng.integers(0, n, BACKGROUND_PAIRS)
    j = rng.integers(0, m, BACKGROUND_PAIRS)
    keep = np.abs(j - partner[i]) > BACKGROUND_GAP
    if len(set(zip(i[keep].tolist(), j[keep].tolist()))) < BACKGROUND_MIN_DISTINCT:
        # A short document has few far pairs: 4 sentences have 2, drawn over and over,
        # and two identical lines there ("Thank you." twice) made the background 1.0
        # with no spread, so every true bead looked like noise ("MT evidence 0.00").
        return DEFAULT_BACKGROUND[mode]
    cos = row_cosines(x[i[keep]], y[j[keep]])
    return float(cos.mean()), float(cos.std())


def evidence(cosines: np.ndarray, mean: float, sd: float, mode: EvidenceMode) -> np.ndarray:
    """Evidence in [0, 1] that beads with these cosines are translations (``EVIDENCE_CURVES``)."""
    sds, offset, width = EVIDENCE_CURVES[mode]
    return _sigmoid((np.asarray(cosines) - (mean + sds * sd + offset)) / width)


#: Mean MT evidence (``mt_evidence``) below which an MT does not match the reference.
#: With embeddings the evidence of a document is its meaning, so a wrong MT (another
#: model, another document) no longer lowers the document confidence; this check names
#: it. Text+Berg dev with its MT: 0.83 (google and europarllight together); with its
#: reference reversed (nothing matches): 0.13.
MT_EVIDENCE_MIN = 0.25


def mt_evidence(beads: Sequence[Bead], mt: Sequence[str], target: Sequence[str]) -> float:
    """Mean evidence (``evidence``, MT mode) that the linked beads' MT matches their
    reference: MT-vs-reference char n-gram similarity above the document's background.
    1.0 when no bead is linked."""
    from selaras.align.anchors import char_ngram_matrix, idf_weight

    linked = [b for b in beads if b.src and b.tgt]
    if not linked:
        return 1.0
    x, y = idf_weight(char_ngram_matrix(mt), char_ngram_matrix(target))
    mean, sd = background(beads, x, y, "mt")
    return float(evidence(bead_cosines(linked, x, y), mean, sd, "mt").mean())


def _word_sets(texts: Sequence[str]) -> list[frozenset[str]]:
    return [frozenset(t.split()) for t in normalise(texts)]


def copy_overlap(
    beads: Sequence[Bead],
    source: Sequence[str],
    target: Sequence[str],
    *,
    candidates: np.ndarray | None = None,
) -> np.ndarray:
    """Jaccard overlap of the normalised word sets of each bead's two sides (0 for null beads).

    1.0 means the same words on both sides: the target copies the source.

    Args:
        candidates: optional mask of the beads worth checking (others get 0).
            ``align_sentences`` checks the beads whose anchor cosine is at least
            ``COPY_CANDIDATE_COS`` (a copy shares every anchor; a copy without any
            anchor has no anchor evidence to cancel, and its MT evidence is low).
    """
    out = np.zeros(len(beads))
    pick = [k for k, b in enumerate(beads) if b.src and b.tgt and (candidates is None or candidates[k])]
    if not pick:
        return out
    src_ids = sorted({i for k in pick for i in beads[k].src})
    tgt_ids = sorted({j for k in pick for j in beads[k].tgt})
    src_words = dict(zip(src_ids, _word_sets([source[i] for i in src_ids])))
    tgt_words = dict(zip(tgt_ids, _word_sets([target[j] for j in tgt_ids])))
    for k in pick:
        b = beads[k]
        s = src_words[b.src[0]] if len(b.src) == 1 else frozenset().union(*(src_words[i] for i in b.src))
        t = tgt_words[b.tgt[0]] if len(b.tgt) == 1 else frozenset().union(*(tgt_words[j] for j in b.tgt))
        union = len(s | t)
        out[k] = len(s & t) / union if union else 0.0
    return out


def copied(overlap: np.ndarray) -> np.ndarray:
    """How much of a bead is a copy, in [0, 1]: 0 below ``COPY_START``, 1 from ``COPY_FULL``."""
    return np.clip((np.asarray(overlap) - COPY_START) / (COPY_FULL - COPY_START), 0.0, 1.0)


@dataclass(frozen=True, slots=True)
class AlignmentConfidence:
    """How much an alignment looks like source and translation, for a whole document.

    ``value`` is the sentence-weighted mean of ``Bead.score`` over all beads (unaligned
    sentences count 0), in [0, 1]. ``ok`` is ``value >= DOCUMENT_CONFIDENCE_MIN``;
    when it is not, ``reason`` says why in a few words (without the number).
    ``confident_sentences`` of the ``sentences`` (both sides) are in beads scoring at
    least ``CONFIDENT_BEAD``; ``copied_beads`` of the ``linked_beads`` (both sides
    non-empty) copy the source (``None`` when the texts were not given).
    """

    value: float
    confident_sentences: int
    sentences: int
    copied_beads: int | None = None
    linked_beads: int = 0
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.value >= DOCUMENT_CONFIDENCE_MIN

    def warning(self) -> str | None:
        """The one-line warning for a caller to print, or ``None`` when ``ok``."""
        if self.ok:
            return None
        return (
            "the reference does not look like a translation of the source "
            f"({self.reason}; alignment confidence {self.value:.2f})"
        )


def document_confidence(beads: Sequence[Bead]) -> float:
    """How much an alignment looks like source and translation, in [0, 1].

    The sentence-weighted mean of ``Bead.score`` over all beads, unaligned sentences
    counting 0 (0.0 for no beads). Below ``DOCUMENT_CONFIDENCE_MIN`` the reference does
    not look like a translation of the source; ``alignment_confidence`` says why.
    """
    sizes = np.array([len(b.src) + len(b.tgt) for b in beads], dtype=np.float64)
    scores = np.array([b.score if b.src and b.tgt else 0.0 for b in beads], dtype=np.float64)
    total = sizes.sum()
    return float((scores * sizes).sum() / total) if total else 0.0


def alignment_confidence(
    beads: Sequence[Bead],
    *,
    source: Sequence[str] | None = None,
    target: Sequence[str] | None = None,
    low: float = CONFIDENT_BEAD,
) -> AlignmentConfidence:
    """The document confidence with its parts and a reason (see :class:`AlignmentConfidence`).

    Args:
        beads: the aligner's beads (``Bead.score`` as ``align_sentences`` sets it).
        source, target: the sentences the beads index, when at hand: then a reference
            that copies the source is named as the reason (``copied_beads``).
        low: bead score below which a bead's sentences are not confident
            (``CONFIDENT_BEAD``).

    Returns:
        ``value`` is ``document_confidence(beads)``.
    """
    value = document_confidence(beads)
    sizes = np.array([len(b.src) + len(b.tgt) for b in beads], dtype=np.int64)
    scores = np.array([b.score if b.src and b.tgt else 0.0 for b in beads], dtype=np.float64)
    total = int(sizes.sum())
    confident = int(sizes[scores >= low].sum())
    linked = int(sum(1 for b in beads if b.src and b.tgt))
    n_copied = None
    if source is not None and target is not None:
        # A copied bead always scores below ``low`` (its evidence is cancelled), so only
        # those are checked: a good alignment costs nothing here.
        weak = scores < low
        n_copied = int((copied(copy_overlap(beads, source, target, candidates=weak)) >= 1.0).sum())
    if value >= DOCUMENT_CONFIDENCE_MIN:
        reason = None
    elif n_copied and n_copied * 2 >= max(linked, 1):
        reason = f"{n_copied} of {linked} aligned pairs repeat the source text"
    else:
        reason = f"only {confident} of {total} sentences align with evidence of translation"
    return AlignmentConfidence(
        value=value, confident_sentences=confident, sentences=total, copied_beads=n_copied,
        linked_beads=linked, reason=reason,
    )
