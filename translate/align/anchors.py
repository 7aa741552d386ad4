"""Sentence features that make two sentences comparable: char n-grams and anchors.

Two kinds of sparse bag-of-features vectors, one row per sentence, built so that the
vector of a run of sentences is the *sum* of its rows (so many-to-many beads are scored
from the same rows without re-featurising):

* ``char_ngram_matrix``: hashed character n-grams of normalised text, for comparing two
  texts in the *same* language (the MT of the source with the reference). Lower-casing,
  accent stripping and dropping punctuation make it robust to inflection, casing, OCR
  noise and the lowercased/tokenised output of old SMT systems.
* ``anchor_matrix``: cross-lingual anchors for when there is no MT: numbers normalised
  across locales (``1.250,5`` and ``1,250.5`` both become ``12505``), names and other
  tokens written the same in both languages, cognates (shared prefixes of long words),
  question/exclamation marks and quotes, and translations from an optional lexicon.

Both are vectorised (numpy over the concatenated text, one regex pass per document) so
that 200,000 sentences featurise in a few seconds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse

from selaras.errors import InputError

#: Hash space of char n-grams: 2**20 buckets keep collisions rare (a 1,000-sentence
#: document has ~50k distinct 3-grams) while the CSR matrices stay small.
NGRAM_DIM = 1 << 20

_COMBINING = re.compile(r"[\u0300-\u036f]+")
_NON_WORD = re.compile(r"[^\w\n]+|_+")
_NUMBER = re.compile(r"\d+(?:[.,'\u2019\u00a0]\d+)*")
_CAPITALISED = re.compile(r"\b\w*[A-Z\u00c0-\u00de]\w*\b")
_MARKS = re.compile(r'[?!"%()]')
_QUOTES = str.maketrans({c: '"' for c in "\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\u201a\u2018\u2019`"})


def normalise(texts: Sequence[str]) -> list[str]:
    """Lower-case, strip accents and replace punctuation by spaces, for every text.

    Done on the joined document (one regex call each) because per-sentence Python loops
    dominate the run time at 100k sentences.
    """
    joined = "\n".join(t.replace("\n", " ") for t in texts)
    joined = _COMBINING.sub("", unicodedata.normalize("NFKD", joined)).lower()
    joined = _NON_WORD.sub(" ", joined)
    out = joined.split("\n")
    return out if texts else []


def char_ngram_matrix(texts: Sequence[str], n: int = 3, dim: int = NGRAM_DIM) -> sparse.csr_matrix:
    """Hashed char ``n``-gram counts of the normalised texts (rows = texts).

    Each text is padded with a space on both sides so word starts and ends count. The
    hashing is a polynomial rolling hash over UTF-32 code points, computed for all
    positions at once with numpy; n-grams that would span two texts are dropped.
    """
    norm = [" " + " ".join(t.split()) + " " for t in normalise(texts)]
    joined = "\n".join(norm)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_sep = codes == 10
    row_of = np.cumsum(is_sep)
    length = len(codes) - n + 1
    if length <= 0:
        return sparse.csr_matrix((len(texts), dim), dtype=np.float64)
    h = np.zeros(length, dtype=np.uint64)
    for t in range(n):
        h = h * np.uint64(1_000_003) + codes[t : t + length]
    # A final avalanche so that nearby n-grams do not land in nearby buckets.
    h ^= h >> np.uint64(31)
    h *= np.uint64(0x9E3779B97F4A7C15)
    h ^= h >> np.uint64(29)
    sep_cum = np.concatenate([[0], np.cumsum(is_sep)])
    valid = (sep_cum[n : n + length] - sep_cum[:length]) == 0
    rows = row_of[:length][valid]
    cols = (h[valid] % np.uint64(dim)).astype(np.int64)
    data = np.ones(len(rows), dtype=np.float64)
    matrix = sparse.coo_matrix((data, (rows, cols)), shape=(len(texts), dim)).tocsr()
    matrix.sum_duplicates()
    return matrix


def parse_lexicon(lines: Iterable[str], name: str = "lexicon") -> dict[str, set[str]]:
    """Parse a bilingual lexicon, one ``source<TAB>target`` pair a line.

    Words are normalised like the text (lower-case, no accents); multi-word entries are
    kept whole only when both sides are one word (phrases cannot anchor a bag of words).
    Blank lines and lines starting with ``#`` are skipped.

    Raises:
        InputError: when a non-blank line has no tab.
    """
    lexicon: dict[str, set[str]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" not in line:
            raise InputError(f"{name} line {number}: expected 'source<TAB>target', got {line.strip()!r}")
        src, tgt = line.split("\t")[:2]
        src_words, tgt_words = normalise([src, tgt])
        if len(src_words.split()) == 1 and len(tgt_words.split()) == 1:
            lexicon.setdefault(src_words.strip(), set()).add(tgt_words.strip())
    return lexicon


def _number_token(raw: str) -> str:
    """Digits only, so locale separators (``1.250,5`` / ``1,250.5``) compare equal."""
    digits = re.sub(r"\D", "", raw).lstrip("0")
    return "n:" + (digits or "0")


def anchor_tokens(
    texts: Sequence[str],
    *,
    prefix: int = 4,
    min_word: int = 5,
    lexicon: Mapping[str, Iterable[str]] | None = None,
    lexicon_side: str = "src",
    lexicon_targets: set[str] | None = None,
) -> list[list[str]]:
    """The cross-lingual anchor tokens of each text (see the module docstring).

    Args:
        prefix: cognate prefix length; ``prefix=4`` matches e.g. id *transisi* / en
            *transition* and de *September* / fr *septembre* (the 4-gram prefix used for
            cognates by Simard, Foster & Isabelle 1992).
        min_word: only words at least this long give a cognate prefix (short function
            words would match by chance).
        lexicon: source word -> target words; source texts get the translations as
            ``w:`` tokens, target texts get their words that are lexicon targets.
    """
    norm = normalise(texts)
    # Capitalised tokens are mostly names, which both languages write the same way
    # (German capitalises every noun; the idf weighting discounts those). They are
    # normalised in one batch: per-word normalisation dominated the run time.
    caps = [[w for w in _CAPITALISED.findall(raw) if len(w) >= 2] for raw in texts]
    flat_caps = normalise([w for ws in caps for w in ws])
    out: list[list[str]] = []
    pos = 0
    for raw, low, cap in zip(texts, norm, caps):
        toks: list[str] = [_number_token(m) for m in _NUMBER.findall(raw)]
        words = low.split()
        toks.extend(["c:" + w[:prefix] for w in words if len(w) >= min_word and not w[0].isdigit()])
        toks.extend(["w:" + w for w in flat_caps[pos : pos + len(cap)]])
        pos += len(cap)
        toks.extend(["p:" + ch for ch in _MARKS.findall(raw.translate(_QUOTES))])
        if lexicon:
            if lexicon_side == "src":
                for w in words:
                    for t in lexicon.get(w, ()):
                        toks.append("l:" + t)
            elif lexicon_targets:
                toks.extend("l:" + w for w in words if w in lexicon_targets)
        out.append(toks)
    return out


def token_matrices(
    src_tokens: Sequence[Sequence[str]], tgt_tokens: Sequence[Sequence[str]]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Count matrices of two token lists over one shared vocabulary."""
    vocab: dict[str, int] = {}

    def build(token_lists: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        cols = [vocab.setdefault(tok, len(vocab)) for toks in token_lists for tok in toks]
        rows = np.repeat(np.arange(len(token_lists)), [len(t) for t in token_lists])
        return rows, np.array(cols, dtype=np.int64)

    src_rc = build(src_tokens)
    tgt_rc = build(tgt_tokens)
    dim = max(len(vocab), 1)

    def to_csr(rc: tuple[np.ndarray, np.ndarray], n: int) -> sparse.csr_matrix:
        rows, cols = rc
        data = np.ones(len(rows), dtype=np.float64)
        m = sparse.coo_matrix((data, (rows, cols)), shape=(n, dim)).tocsr()
        m.sum_duplicates()
        return m

    return to_csr(src_rc, len(src_tokens)), to_csr(tgt_rc, len(tgt_tokens))


def idf_weight(
    x: sparse.csr_matrix, y: sparse.csr_matrix, max_df: float = 1.0
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Scale features by inverse document frequency over both sides' sentences.

    Frequent n-grams (function words, ``de la``) say little about which sentences
    correspond; ``log((1 + n) / (1 + df)) + 1`` is scikit-learn's smoothed idf.
    Features in more than ``max_df`` of the sentences are dropped (scikit-learn's
    ``max_df``): they carry little weight but make the sparse products dense and slow.
    """
    n = x.shape[0] + y.shape[0]
    df = np.bincount(x.indices, minlength=x.shape[1]) + np.bincount(y.indices, minlength=y.shape[1])
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    if max_df < 1.0:
        idf[df > max_df * n] = 0.0
    scale = sparse.diags(idf)
    x, y = (x @ scale).tocsr(), (y @ scale).tocsr()
    x.eliminate_zeros()
    y.eliminate_zeros()
    return x, y
