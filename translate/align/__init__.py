"""Sentence alignment of a source document with its reference translation.

``align_sentences`` returns monotone beads (1-1, 1-2, 2-1, 2-2, ..., and 1-0/0-1 for
sentences without a counterpart) covering every sentence exactly once, in order.
``selaras.rows.build_rows`` turns them into the aligned TSV rows (scores and all).

With an MT of the source (one line per source sentence) the aligner compares the MT with
the reference, a same-language comparison (char n-grams; Bleualign's idea); without it,
it uses lengths and cross-lingual anchors (numbers, names, cognates, punctuation, an
optional lexicon). The search is a Vecalign-style coarse-to-fine DP, linear in length.
See ``costs`` (scores), ``dp`` (search and traceback), ``search`` (coarse-to-fine).
"""

from __future__ import annotations

import contextlib
import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from selaras.align.anchors import (
    anchor_tokens,
    char_ngram_matrix,
    idf_weight,
    parse_lexicon,
    token_matrices,
)
from selaras.align.confidence import (
    COPY_CANDIDATE_COS,
    DOCUMENT_CONFIDENCE_MIN,
    AlignmentConfidence,
    alignment_confidence,
    background,
    bead_cosines,
    copied,
    copy_overlap,
    document_confidence,
    evidence,
)
from selaras.align.costs import ScoreParams
from selaras.align.calibration import FEATURES, bead_features, calibrated, mode_key, neighbour_features
from selaras.align.dense import dense_view, overlap_runs
from selaras.align.postpass import detach_unrelated_members
from selaras.align.dp import bead_shapes
from selaras.align.lengths import ID_EN_VARIANCE, LengthModel, estimate_ratio
from selaras.align.search import SearchSettings, align_features
from selaras.errors import InputError
from selaras.records import Bead

#: Largest bead (sentences on both sides together). 5 covers the 1-4, 2-3 and 3-2 beads
#: of the Text+Berg gold standard; Vecalign's default ``--alignment_max_size`` is 4.
DEFAULT_MAX_BEAD = 5

#: Score weights with an MT (MT vs reference char 3-grams plus half-weight anchors),
#: from a grid search on the Text+Berg dev document with the de2fr.google and
#: de2fr.europarllight MT (one setting for both; char 2-5-grams were tried, 3 was best).
#: The length term is a log length ratio (see ``ScoreParams.len_ratio``), capped at 16;
#: with it the member penalty (floor 0.1) stops OCR captions being merged into a
#: neighbouring bead here too (Text+Berg test google 0.890 -> 0.904, europarllight
#: 0.853 -> 0.899, dev 0.869 -> 0.874 and 0.808 -> 0.824 strict F1).
MT_PARAMS = ScoreParams(
    margin=0.5, k_neighbours=4, w_len=0.05, len_offset=2.0, many=0.1, skip=0.3, anchor_weight=0.5,
    len_ratio=8.0, len_cap=16.0, member=1.0, member_floor=0.1,
)

#: Score weights without MT (lengths and cross-lingual anchors), from a coordinate search
#: on the Text+Berg dev document without MT plus two UD PUD stress sets built with other
#: seeds than the evaluated one (``pud_stress_docs(seed=1)`` and ``seed=2``). The member
#: penalty (see ``costs``) stops deleted sentences being merged into a neighbour.
CROSS_PARAMS = ScoreParams(
    margin=0.15, k_neighbours=4, w_len=0.05, len_offset=1.0, many=0.1, skip=0.25, member=1.0, member_floor=0.1
)

#: Score weights with sentence embeddings (``embeddings``): the e5 view of source vs
#: reference (centred, see ``dense``) beside the views above. From coordinate searches on
#: the Text+Berg dev document (``scripts/eval_align.py --dev --embedder e5``), starting
#: from the lexical weights: with an MT (google and europarllight, one setting) only a
#: larger margin helped (0.5 -> 1.0: dev strict F1 0.864 -> 0.876, mean of both MTs);
#: the e5 view of the MT instead of the source was no better (0.863 / 0.847 vs
#: 0.887 / 0.866). Without MT: margin 0.5, e5 weight 0.5, member floor 0.05 (0.862 ->
#: 0.881). ``max_bead`` 6 or 8 moved dev by < 0.01; the ``postpass`` detach lowered it
#: at every floor tried (0.05-0.15: -0.01 to -0.05), so it is off (``detach_floor=0``).
SEM_MT_PARAMS = ScoreParams(
    margin=1.0, k_neighbours=4, w_len=0.05, len_offset=2.0, many=0.1, skip=0.3, anchor_weight=0.5,
    len_ratio=8.0, len_cap=16.0, member=1.0, member_floor=0.1, dense_weight=1.0,
)
SEM_CROSS_PARAMS = ScoreParams(
    margin=0.5, k_neighbours=4, w_len=0.05, len_offset=1.0, many=0.1, skip=0.25, member=1.0, member_floor=0.05,
    dense_weight=0.5, anchor_weight=1.0,
)

#: Score weights of the coarse (half-resolution, anchors-only) levels that place the band
#: for a long document with MT: the earlier no-MT weights, without the member penalty,
#: which only refines merge decisions that the fine level makes anyway.
COARSE_PARAMS = ScoreParams(margin=0.25, k_neighbours=4, w_len=0.035, len_offset=1.0, many=0.1, skip=0.3)

#: Share of a document's linked beads (mean copy factor) from which the reference is
#: taken for a copy of the source, so every copied bead scores 0 (calibrated scores):
#: the same half that ``alignment_confidence`` names as the reason.
COPIED_DOCUMENT = 0.5

#: Initial variance per character of MT-vs-reference lengths (same language), refitted
#: from each document.
MT_VARIANCE = 1.0

__all__ = [
    "DEFAULT_MAX_BEAD",
    "DOCUMENT_CONFIDENCE_MIN",
    "AlignSpec",
    "AlignmentConfidence",
    "align_sentences",
    "alignment_confidence",
    "document_confidence",
    "parse_lexicon",
    "summarise",
]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of token lists.

    They hold no cycles, but each collection walks every live object, which made
    featurising 200k sentences take 2.8x as long as 100k instead of 2x.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _lengths(texts: Sequence[str]) -> np.ndarray:
    return np.array([len(" ".join(t.split())) for t in texts], dtype=np.float64)


def align_sentences(
    source: Sequence[str],
    target: Sequence[str],
    *,
    mt: Sequence[str] | None = None,
    max_bead: int = DEFAULT_MAX_BEAD,
    lexicon: Mapping[str, Iterable[str]] | None = None,
    params: ScoreParams | None = None,
    embeddings: tuple[np.ndarray, np.ndarray] | None = None,
    overlaps: tuple[Sequence[np.ndarray], Sequence[np.ndarray]] | None = None,
) -> list[Bead]:
    """Align source sentences with target (reference) sentences.

    Args:
        source: source sentences, in order.
        target: target sentences, in order.
        mt: machine translation of each source sentence into the target language; when
            given, alignment compares it with the target.
        max_bead: most sentences in one bead (both sides together), at least 2.
        lexicon: source word -> target words (see ``parse_lexicon``), used without MT.
        params: score weights (defaults tuned on Text+Berg dev, per mode).
        embeddings: sentence embeddings ``(source rows, target rows)`` from a
            multilingual encoder (``selaras.embed``), one row per sentence: then the
            search also compares meaning (``dense``), with or without an MT.
        overlaps: with ``embeddings``, the rows of runs of 2, 3, ... consecutive
            sentences embedded as one text (``dense.run_texts``), ``(source runs,
            target runs)``, list index 0 = runs of 2: merged beads are then also scored
            by the cosine of their sides' run vectors (``ScoreParams.overlap_mix``).

    Returns:
        Beads with 0-based indices covering every sentence of both sides once, in order;
        ``Bead.score`` in [0, 1] (0 for unaligned sentences): how sure the aligner is
        that the bead's two sides are translations (below 0.5 when they share no more
        evidence than random sentence pairs of the document, or copy each other; see
        ``selaras.align.confidence``). ``document_confidence(beads)`` sums it up.

    Raises:
        InputError: when ``mt`` does not have one line per source sentence, or
            ``max_bead`` < 2.
    """
    spec = AlignSpec(
        mt=mt, max_bead=max_bead, lexicon=lexicon, params=params, embeddings=embeddings, overlaps=overlaps
    )
    return align_with_features(source, target, spec)[0]


@dataclass(frozen=True, slots=True)
class AlignSpec:
    """Everything ``align_sentences`` takes besides the two sides (its keyword arguments, same meaning)."""

    mt: Sequence[str] | None = None
    max_bead: int = DEFAULT_MAX_BEAD
    lexicon: Mapping[str, Iterable[str]] | None = None
    params: ScoreParams | None = None
    embeddings: tuple[np.ndarray, np.ndarray] | None = None
    overlaps: tuple[Sequence[np.ndarray], Sequence[np.ndarray]] | None = None

    def score_params(self) -> ScoreParams:
        """The weights given, else the tuned ones for this mode (with or without MT and embeddings)."""
        if self.params is not None:
            return self.params
        if self.embeddings is not None:
            return SEM_MT_PARAMS if self.mt is not None else SEM_CROSS_PARAMS
        return MT_PARAMS if self.mt is not None else CROSS_PARAMS


def align_with_features(
    source: Sequence[str], target: Sequence[str], spec: AlignSpec | None = None, *, calibrate: bool = True
) -> tuple[list[Bead], np.ndarray, str]:
    """``align_sentences``, also returning the calibration features of the linked beads
    (``calibration.bead_features``, in bead order) and the calibration mode; for
    ``scripts/fit_calibration.py``. ``calibrate=False`` gives the uncalibrated scores.
    """
    spec = spec or AlignSpec()
    shapes = bead_shapes(spec.max_bead)
    n, m = len(source), len(target)
    mt, embeddings = spec.mt, spec.embeddings
    if mt is not None and len(mt) != n:
        raise InputError(
            f"the MT has {len(mt)} lines but the source has {n} sentences; "
            "give the MT written by selaras translate for this same source"
        )
    if n == 0 or m == 0:
        nulls = [Bead(src=(i,), tgt=(), score=0.0) for i in range(n)] + [
            Bead(src=(), tgt=(j,), score=0.0) for j in range(m)
        ]
        return nulls, np.zeros((0, len(FEATURES))), mode_key(with_mt=mt is not None, with_embeddings=embeddings is not None)
    if embeddings is not None and (len(embeddings[0]) != n or len(embeddings[1]) != m):
        raise InputError(
            f"the embeddings have {len(embeddings[0])} and {len(embeddings[1])} rows for {n} source and "
            f"{m} target sentences; embed the same sentences that are aligned"
        )
    params = spec.score_params()
    features = _features(source, target, spec, params)
    # Coarse levels of a long document use the anchors only: summed char n-gram rows of
    # 2**k sentences are nearly dense and made the coarse search 5x slower than the fine one.
    coarse = features.views[1:] if mt is not None else None
    path = align_features(
        features.views, features.src_len, features.tgt_len, shapes, params, features.prior,
        settings=SearchSettings(coarse_views=coarse, coarse_params=COARSE_PARAMS if coarse else None),
        overlap=features.overlap,
    )
    spans: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    for i, j, s in path.nodes:
        a, b = path.shapes[s]
        spans.append((tuple(range(i - a, i)), tuple(range(j - b, j))))
    if embeddings is not None and params.detach_floor > 0:
        dx, dy = features.dense  # type: ignore[misc]
        spans = detach_unrelated_members(
            spans, dx.toarray(), dy.toarray(), floor=params.detach_floor, gain=params.detach_gain
        )
    return _scored_beads(spans, _gains(path, spans), features, (source, target), params, calibrate)


@dataclass(frozen=True, slots=True)
class _Features:
    """One document's feature rows: the weighted views the search scores, its lengths and
    length prior, and each view by name for the confidence that follows.

    ``anchors`` are always there; ``mt`` (MT vs reference char n-grams) with an MT;
    ``dense`` (embeddings) with embeddings and a dense weight; ``overlap`` the run
    embeddings of merged beads (``costs.BandScorer``).
    """

    views: list
    src_len: np.ndarray
    tgt_len: np.ndarray
    prior: LengthModel
    anchors: tuple
    mt: tuple | None = None
    dense: tuple | None = None
    overlap: tuple | None = None


def _features(source: Sequence[str], target: Sequence[str], spec: AlignSpec, params: ScoreParams) -> _Features:
    """The views the search compares, by mode: with an MT, MT vs reference char n-grams
    (Bleualign's same-language comparison) plus the cross-lingual anchors at
    ``anchor_weight``; without, the anchors alone; with embeddings, the meaning view
    beside them. Lengths are the MT's when there is one (same language as the reference).
    """
    mt, lexicon, embeddings = spec.mt, spec.lexicon, spec.embeddings
    targets = {t for ts in lexicon.values() for t in ts} if lexicon else None
    with _gc_paused():
        src_tok = anchor_tokens(source, lexicon=lexicon, lexicon_side="src")
        tgt_tok = anchor_tokens(target, lexicon=lexicon, lexicon_side="tgt", lexicon_targets=targets)
    ax, ay = idf_weight(*token_matrices(src_tok, tgt_tok))
    mt_view = None
    if mt is not None:
        x, y = idf_weight(char_ngram_matrix(mt), char_ngram_matrix(target))
        mt_view = (x, y)
        views = [(x, y, 1.0)]
        if params.anchor_weight > 0:
            views.append((ax, ay, params.anchor_weight))
        src_len = _lengths(mt)
        prior_s2 = MT_VARIANCE
    else:
        views = [(ax, ay, 1.0)]
        src_len = _lengths(source)
        prior_s2 = ID_EN_VARIANCE
    dense = overlap = None
    if embeddings is not None and params.dense_weight > 0:
        # Meaning beside the surface features: source (or MT) vs reference embeddings.
        dx, dy = dense = dense_view(*embeddings)
        if mt is None:
            views = [(dx, dy, params.dense_weight)] + ([(ax, ay, params.anchor_weight)] if params.anchor_weight > 0 else [])
            dense_index = 0
        else:
            views.insert(1, (dx, dy, params.dense_weight))
            dense_index = 1
        if spec.overlaps is not None and params.overlap_mix > 0:
            runs = spec.overlaps
            overlap = (dense_index, overlap_runs(embeddings[0], runs[0]), overlap_runs(embeddings[1], runs[1]))
    tgt_len = _lengths(target)
    prior = LengthModel(c=estimate_ratio(src_len, tgt_len), s2=prior_s2)
    return _Features(views, src_len, tgt_len, prior, (ax, ay), mt_view, dense, overlap)


def _scored_beads(
    spans: list[tuple[tuple[int, ...], tuple[int, ...]]],
    gains: np.ndarray,
    features: _Features,
    sides: tuple[Sequence[str], Sequence[str]],
    params: ScoreParams,
    calibrate: bool,
) -> tuple[list[Bead], np.ndarray, str]:
    """The beads with their scores, the calibration features and the calibration mode.

    The search's scores are relative (a bead beats leaving its sentences unaligned);
    the absolute evidence and copy factors make Bead.score mean "a translation" (see
    ``confidence``), and the calibration map (``calibration``) a probability that the
    bead is right. They never change which beads were picked.
    """
    relative = np.where(np.isfinite(gains), 1.0 / (1.0 + np.exp(-params.confidence_scale * np.nan_to_num(gains))), 0.0)
    unscored = [Bead(src=src, tgt=tgt) for src, tgt in spans]
    ax, ay = features.anchors
    if features.dense is not None:
        # Meaning is the best evidence of translation, with an MT or without.
        (ex, ey), mode = features.dense, "dense"
    else:
        (ex, ey), mode = (features.mt, "mt") if features.mt is not None else ((ax, ay), "anchors")
    mean, sd = background(unscored, ex, ey, mode)
    cos = bead_cosines(unscored, ex, ey)
    ev = evidence(cos, mean, sd, mode)
    anchor_cos = cos if mode == "anchors" else bead_cosines(unscored, ax, ay)
    overlap = copy_overlap(unscored, *sides, candidates=anchor_cos >= COPY_CANDIDATE_COS)
    not_copied = 1.0 - copied(overlap)
    linked = np.array([bool(src and tgt) for src, tgt in spans], dtype=bool)
    dense_cos = cos if features.dense is not None else None
    feats = bead_features(
        gains[linked], ev[linked], None if dense_cos is None else dense_cos[linked],
        [(len(a), len(b)) for (a, b), keep in zip(spans, linked) if keep],
        neighbour_features(spans, ex, ey, cos),
    )
    key = mode_key(with_mt=features.mt is not None, with_embeddings=dense_cos is not None)
    probability = calibrated(feats, key) if calibrate else None
    if probability is None:
        scores = relative * ev * not_copied
    else:
        scores = np.zeros(len(spans))
        # A bead whose two sides share their words can be right (a list of names, a
        # reference line such as "1956, p. 310-329": on Text+Berg test 14 of the 16
        # calibrated beads the copy factor zeroed were gold beads); what is no evidence
        # is a reference that copies the source throughout. So the copy factor applies
        # when most of the document's beads are copies (``COPIED_DOCUMENT``).
        copies = 1.0 - not_copied[linked]
        doc_copied = bool(len(copies)) and float(copies.mean()) >= COPIED_DOCUMENT
        scores[linked] = probability * (not_copied[linked] if doc_copied else 1.0)
    beads = [Bead(src=src, tgt=tgt, score=float(score)) for (src, tgt), score in zip(spans, scores)]
    return beads, feats, key


def _gains(path, spans) -> np.ndarray:
    """How far each span beats leaving its sentences unaligned (``BandScorer.gain``; nan for null beads)."""
    gains = np.full(len(spans), np.nan)
    shapes = np.array([(len(src), len(tgt)) for src, tgt in spans], dtype=np.int64).reshape(-1, 2)
    # A bead's end node: the sentences consumed on each side up to and including it.
    ends = np.cumsum(shapes, axis=0)
    linked = (shapes[:, 0] > 0) & (shapes[:, 1] > 0)
    for a, b in {tuple(sh) for sh in shapes[linked].tolist()}:
        pick = linked & (shapes[:, 0] == a) & (shapes[:, 1] == b)
        gains[pick] = path.scorer.gain(ends[pick, 0], ends[pick, 1], (a, b))
    return gains


def summarise(beads: Sequence[Bead]) -> dict:
    """Counts per bead type, the mean confidence of the non-null beads and the document
    confidence (``document_confidence``), for ``--json``."""
    counts = Counter(b.kind for b in beads)
    linked = [b.score for b in beads if b.src and b.tgt]
    return {
        "beads": len(beads),
        "bead_types": dict(sorted(counts.items())),
        "source_sentences": sum(len(b.src) for b in beads),
        "reference_sentences": sum(len(b.tgt) for b in beads),
        "unaligned": sum(1 for b in beads if not b.src or not b.tgt),
        "mean_score": round(float(np.mean(linked)), 4) if linked else None,
        "document_confidence": round(document_confidence(beads), 4),
    }
