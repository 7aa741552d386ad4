"""Vocabulary shortlists: decode over the target pieces a batch can need, not all 54,796.

Why: at Opus-MT's vocabulary most of a decoder step is the output layer (a 512 x 54,796
product and softmax per hypothesis per token). CTranslate2 can restrict that layer, batch
by batch, to the target pieces a *vocabulary map* lists for the batch's source pieces
(``use_vmap``; the map is the text file ``vmap.txt`` in the converted model's folder:
one ``source piece<TAB>target pieces`` line each, and a line with an empty source for
the pieces always allowed; ``VocabularyMap`` in CTranslate2's ``vocabulary_map.cc``,
which also always keeps ``<unk>``, ``<s>`` and ``</s>``).

Where the map comes from: the model itself (:func:`build_shortlist`). It translates a
monolingual Indonesian corpus with the full vocabulary and records, for every source
piece, the target pieces that appear in translations of sentences containing it, keeping
the ``per_piece`` that co-occur with it most often (:data:`DEFAULT_PER_PIECE`), plus the
``top`` most frequent target pieces overall, always allowed (:data:`DEFAULT_TOP`). No
parallel data is needed, and the map can only allow what the model already produces.

What it costs: a hypothesis whose best next piece is not in the batch's list cannot
produce it, and the model's probabilities are renormalised over the list, so
``score`` (mean log-probability per token) is higher than with the full vocabulary.
``scripts/bench_translate.py --faithfulness`` measures how often the output changes.

The file (:func:`write_shortlist`, :func:`read_shortlist`) is JSON with the model
vocabulary's fingerprint (SHA-256 of its pieces in id order) and a checksum of the map, so
a map built for another model, or a damaged file, is one clear error at load time
(:func:`check_vocabulary`), never a silently wrong translation: CTranslate2 itself
maps an unknown piece to ``<unk>`` without a word.

The converted model stays as it is in its checksummed cache entry: the map is used from
a folder beside it that links the entry's files and adds ``vmap.txt``
(:func:`model_dir_with_vmap`), one per (entry, map).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selaras.errors import BUILD_SHORTLIST, SHORTLIST_OFF, WITHOUT_SHORTLIST, InputError

logger = logging.getLogger(__name__)

FORMAT = "selaras-shortlist"
#: Bump when the file layout changes; older files are refused with a rebuild hint.
VERSION = 1
#: Target pieces always allowed: the most frequent in the model's own translations (the
#: function words and punctuation of every sentence). With ``DEFAULT_PER_PIECE`` the
#: benchmark model decodes over ~1,900 of 54,796 pieces per sub-batch of 10 sentences,
#: 1.68x faster at beam 4; built from 500 UD PUD sentences, the map allows 75% of unseen
#: references' pieces (250: 73%, 1000: 78%, 2000: 82%). ``scripts/bench_translate.py``
#: (``--faithfulness``), README "Vocabulary shortlists".
DEFAULT_TOP = 500
#: Most target pieces kept per source piece (those co-occurring with it most often):
#: 10 / 30 / 60 / 120 allow 72 / 75 / 77 / 78% of unseen references' pieces (same source).
DEFAULT_PER_PIECE = 30
#: Upper bounds for ``top`` and ``per_piece``: far above where the map stops saving work.
MAX_TOP = 20000
MAX_PER_PIECE = 1000
#: The file CTranslate2 reads the map from, in the model folder (``vmap_file`` in its
#: ``sequence_to_sequence.cc``; the converter's ``--vocab_mapping`` copies it there).
VMAP_FILE = "vmap.txt"
#: What ``EngineOptions.shortlist`` (and ``--shortlist``) take to turn the cached
#: default off.
OFF = "off"

REBUILD = BUILD_SHORTLIST


def vocabulary_fingerprint(tokens_by_id: Sequence[str]) -> str:
    """SHA-256 of a vocabulary's pieces in id order (one per line)."""
    return hashlib.sha256("\n".join(tokens_by_id).encode("utf-8")).hexdigest()


def tokens_by_id(vocab: Mapping[str, int]) -> list[str]:
    """The pieces of a ``vocab.json`` mapping, in id order."""
    return [token for token, _ in sorted(vocab.items(), key=lambda item: item[1])]


@dataclass(frozen=True, slots=True)
class Shortlist:
    """A vocabulary map for one model vocabulary.

    Attributes:
        vocabulary: :func:`vocabulary_fingerprint` of the model it was built with.
        vocabulary_size: how many pieces that vocabulary has.
        model: the model it was built from, as given (for people; not checked).
        always: target pieces allowed in every batch.
        pieces: source piece -> the target pieces it allows.
        settings: how it was built (``top``, ``per_piece``, ``beams``, ``sentences``).
    """

    vocabulary: str
    vocabulary_size: int
    model: str
    always: tuple[str, ...]
    pieces: Mapping[str, tuple[str, ...]]
    settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def checksum(self) -> str:
        """SHA-256 of the map itself (``always`` and ``pieces``), as stored in the file."""
        body = json.dumps(
            {"always": list(self.always), "pieces": {k: list(v) for k, v in self.pieces.items()}},
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(body.encode("utf-8")).hexdigest()

    def vmap_text(self) -> str:
        """The map in CTranslate2's ``vmap.txt`` format (the always-allowed line first)."""
        lines = ["\t" + " ".join(self.always)]
        lines += [f"{source}\t{' '.join(targets)}" for source, targets in sorted(self.pieces.items()) if targets]
        return "\n".join(lines) + "\n"

    def as_json(self) -> dict[str, Any]:
        """The file's content (:func:`write_shortlist`)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "vocabulary": {"sha256": self.vocabulary, "size": self.vocabulary_size},
            "model": self.model,
            "settings": dict(self.settings),
            "checksum": self.checksum,
            "always": list(self.always),
            "pieces": {k: list(v) for k, v in sorted(self.pieces.items())},
        }


# --------------------------------------------------------------------------- building


def check_sizes(top: int, per_piece: int) -> None:
    """Refuse a ``top`` or ``per_piece`` out of range, in one line.

    Raises:
        InputError: ``top`` not in 0..:data:`MAX_TOP` or ``per_piece`` not in
            0..:data:`MAX_PER_PIECE`, or both 0 (a map that allows nothing).
    """
    if not 0 <= top <= MAX_TOP or not 0 <= per_piece <= MAX_PER_PIECE:
        raise InputError(f"top must be 0-{MAX_TOP} and per-piece 0-{MAX_PER_PIECE}, got {top} and {per_piece}")
    if top == 0 and per_piece == 0:
        raise InputError("top 0 and per-piece 0 allow no target piece: every translation would be empty; keep at least one above 0")


def shortlist_from_pairs(
    pairs: Sequence[tuple[Sequence[str], Sequence[str]]],
    vocab: Mapping[str, int],
    *,
    top: int = DEFAULT_TOP,
    per_piece: int = DEFAULT_PER_PIECE,
    special: Sequence[str] = ("</s>", "<unk>", "<pad>", "<s>"),
    model: str = "",
    settings: Mapping[str, Any] | None = None,
) -> Shortlist:
    """The map of (source pieces, target pieces) pairs: the model's own translations.

    ``always`` is the ``top`` most frequent target pieces (by occurrences; ties by
    piece). Each source piece keeps the ``per_piece`` target pieces not already in
    ``always`` that appear in the most translations of sentences containing it (ties:
    the more frequent piece overall, then the piece). Special pieces are neither keys
    nor targets: CTranslate2 always allows ``</s>`` and ``<unk>``.

    Raises:
        InputError: ``top`` or ``per_piece`` out of range (:func:`check_sizes`), or no pairs.
    """
    check_sizes(top, per_piece)
    if not pairs:
        raise InputError("no sentences to build a shortlist from; give a corpus with Indonesian text")
    skip = set(special)
    frequency: Counter[str] = Counter()
    together: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for source, target in pairs:
        targets = [t for t in target if t not in skip]
        frequency.update(targets)
        seen = set(targets)
        for piece in set(source) - skip:
            together[piece].update(seen)
    ranked = sorted(frequency, key=lambda t: (-frequency[t], t))
    always = tuple(ranked[:top])
    allowed = set(always)
    pieces = {}
    for piece, counts in together.items():
        kept = sorted((t for t in counts if t not in allowed), key=lambda t: (-counts[t], -frequency[t], t))
        if kept[:per_piece]:
            pieces[piece] = tuple(kept[:per_piece])
    tokens = tokens_by_id(vocab)
    return Shortlist(
        vocabulary=vocabulary_fingerprint(tokens),
        vocabulary_size=len(tokens),
        model=model,
        always=always,
        pieces=pieces,
        settings={"top": top, "per_piece": per_piece, "sentences": len(pairs), **(settings or {})},
    )


def build_shortlist(
    backend: Any,
    sentences: Sequence[str],
    *,
    top: int = DEFAULT_TOP,
    per_piece: int = DEFAULT_PER_PIECE,
    beams: int | None = None,
    batch_size: int = 64,
    on_progress: Callable[[int, int], None] | None = None,
) -> Shortlist:
    """Translate ``sentences`` with a loaded CTranslate2 backend (full vocabulary) and map them.

    Empty lines are skipped, and so are sentences longer than the model accepts (their
    count is logged): a shortlist needs their pieces, not their translation.

    Args:
        backend: :class:`selaras.backends.ct2.CTranslate2Backend` loaded without a shortlist.
        sentences: Indonesian sentences, one each.
        top, per_piece: see :func:`shortlist_from_pairs`.
        beams: beam size; ``None`` is the model's own (what ``selaras translate`` uses).
        batch_size: sentences per call to the engine.
        on_progress: called as ``on_progress(done, total)`` after every batch.

    Raises:
        InputError: no sentence to translate, or the backend already uses a shortlist.
    """
    if getattr(backend, "shortlist", None) is not None:
        raise InputError(f"build a shortlist with the full vocabulary: {WITHOUT_SHORTLIST}")
    limit = backend.max_input_tokens
    texts = [s.strip() for s in sentences if s.strip()]
    sources = [backend.tokenizer.tokenize(t) for t in texts]
    keep = [i for i, s in enumerate(sources) if len(s) <= limit]
    if len(keep) < len(texts):
        logger.info("shortlist: %d sentence(s) longer than %d tokens skipped", len(texts) - len(keep), limit)
    pairs: list[tuple[Sequence[str], Sequence[str]]] = []
    total = len(keep)
    for start in range(0, total, batch_size):
        chunk = keep[start : start + batch_size]
        hypotheses = backend.translate_batch([texts[i] for i in chunk], beams=beams)
        pairs += [(sources[i], h.tokens) for i, h in zip(chunk, hypotheses, strict=True)]
        if on_progress is not None:
            on_progress(len(pairs), total)
    return shortlist_from_pairs(
        pairs,
        backend.tokenizer.vocab,
        top=top,
        per_piece=per_piece,
        model=str(backend.model_name_or_path),
        settings={"beams": int(beams or backend.defaults.beam_size)},
    )


# --------------------------------------------------------------------------- the file


def write_shortlist(shortlist: Shortlist, path: str | os.PathLike[str]) -> None:
    """Save ``shortlist`` as JSON, atomically (:func:`selaras.io.write_json`)."""
    from selaras.io import write_json

    write_json(path, shortlist.as_json())


def _bad(path: Path, why: str) -> InputError:
    return InputError(f"{path} is not a usable Selaras shortlist ({why}); {REBUILD}")


def _pieces_list(value: Any, path: Path, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v and not any(c.isspace() for c in v) for v in value):
        raise _bad(path, f"{what} is not a list of pieces")
    return tuple(value)


def read_shortlist(path: str | os.PathLike[str]) -> Shortlist:
    """Load a shortlist file, checking its format and checksum (not yet the model).

    Raises:
        InputError: no such file, not JSON, not a shortlist, another format version,
            or a map that does not match its checksum (a damaged file).
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{p}: no such shortlist; {REBUILD}") from None
    except IsADirectoryError:
        raise InputError(f"{p} is a folder, not a shortlist file") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise _bad(p, f"not JSON: {exc}") from None
    except OSError as exc:
        from selaras.io import describe_os_error

        raise InputError(f"{p}: {describe_os_error(exc)}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad(p, f"no {FORMAT!r} format marker")
    if data.get("version") != VERSION:
        raise _bad(p, f"format version {data.get('version')!r}, this Selaras reads {VERSION}")
    vocabulary = data.get("vocabulary")
    if not isinstance(vocabulary, dict) or not isinstance(vocabulary.get("sha256"), str):
        raise _bad(p, "no vocabulary fingerprint")
    pieces_raw = data.get("pieces")
    if not isinstance(pieces_raw, dict):
        raise _bad(p, "no piece map")
    size = vocabulary.get("size", 0)
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise _bad(p, f"its vocabulary size {size!r} is not a count")
    shortlist = Shortlist(
        vocabulary=vocabulary["sha256"],
        vocabulary_size=size,
        model=str(data.get("model") or ""),
        always=_pieces_list(data.get("always"), p, "always"),
        pieces={
            _pieces_list([k], p, "a source piece")[0]: _pieces_list(v, p, f"the entry of {k!r}")
            for k, v in pieces_raw.items()
        },
        settings=data.get("settings") if isinstance(data.get("settings"), dict) else {},
    )
    if shortlist.checksum != data.get("checksum"):
        raise _bad(p, "its map does not match its checksum: the file was changed or damaged")
    return shortlist


def check_vocabulary(shortlist: Shortlist, vocab: Mapping[str, int], *, path: str | os.PathLike[str] = "") -> None:
    """Refuse a shortlist built for another vocabulary (another model), in one line.

    Raises:
        InputError: the fingerprints differ, the map lists pieces the vocabulary does
            not have, or it allows none at all.
    """
    tokens = tokens_by_id(vocab)
    if vocabulary_fingerprint(tokens) != shortlist.vocabulary:
        built = f" ({shortlist.model})" if shortlist.model else ""
        raise InputError(
            f"shortlist {path or ''} was built for another model{built}: its vocabulary "
            f"({shortlist.vocabulary_size} pieces) is not this model's ({len(tokens)} pieces); {REBUILD}"
        )
    # A map whose checksum and fingerprint hold can still list pieces the model does
    # not have (written by hand or by another tool): CTranslate2 would drop them
    # silently, and a map left with nothing gives empty translations.
    listed = {*shortlist.always, *(piece for targets in shortlist.pieces.values() for piece in targets)}
    unknown = sorted(listed - set(vocab))
    if unknown:
        raise InputError(
            f"shortlist {path or ''} lists {len(unknown)} target pieces not in this model's vocabulary "
            f"(e.g. {unknown[0]!r}); {REBUILD}"
        )
    if not listed:
        raise InputError(f"shortlist {path or ''} allows no target piece: every translation would be empty; {REBUILD}")


# --------------------------------------------------------------------------- cache and use


def shortlist_cache_dir() -> Path:
    """``shortlists/`` under Selaras' cache root (:func:`selaras.rundir.cache_root`)."""
    from selaras.rundir import cache_root

    return cache_root() / "shortlists"


def default_shortlist_path(model_fingerprint: str) -> Path:
    """Where ``selaras shortlist build`` without ``-o`` saves the model's default shortlist.

    Keyed by the model's fingerprint (:func:`selaras.backends.ct2.resolve_local_model`:
    the hub commit, or a folder's path with its files' sizes and times), so a retrained
    model does not pick up its predecessor's map.
    """
    key = hashlib.sha256(model_fingerprint.encode("utf-8")).hexdigest()[:16]
    return shortlist_cache_dir() / f"{key}.json"


def resolve_shortlist(
    spec: str | os.PathLike[str] | None, vocab: Mapping[str, int], model_fingerprint: str
) -> tuple[Shortlist, Path] | None:
    """The shortlist an engine should use, checked against its vocabulary, or ``None``.

    ``spec`` is ``None`` or :data:`OFF` (none), ``"cached"`` (the model's default from
    :func:`default_shortlist_path`, if one was built), or a file.

    Raises:
        InputError: the file is missing, damaged or for another model.
    """
    if spec is None or str(spec) == OFF:
        return None
    if str(spec) == "cached":
        path = default_shortlist_path(model_fingerprint)
        if not path.is_file():
            return None
        logger.info("using this model's shortlist %s (%s)", path, SHORTLIST_OFF)
    else:
        path = Path(spec)
    shortlist = read_shortlist(path)
    check_vocabulary(shortlist, vocab, path=path)
    return shortlist, path


def model_dir_with_vmap(model_path: Path, shortlist: Shortlist) -> Path:
    """A folder CTranslate2 loads as ``model_path`` plus ``vmap.txt``; made once per (model, map).

    It lives under :func:`shortlist_cache_dir` (``ct2/<entry>-<map checksum>``) and
    holds symbolic links to the entry's files (copies where links are not allowed),
    built in a temporary folder and renamed into place, so a half-made one is never used
    and two processes making it at once both succeed.
    """
    root = shortlist_cache_dir() / "ct2"
    target = root / f"{model_path.name}-{shortlist.checksum[:16]}"
    files = [f for f in sorted(model_path.iterdir()) if f.is_file() and f.name != VMAP_FILE]
    if (target / VMAP_FILE).is_file() and all((target / f.name).is_file() for f in files):
        return target
    if target.exists():  # a link that points nowhere (the entry was moved): rebuild
        shutil.rmtree(target, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        for f in files:
            try:
                os.symlink(f.resolve(), tmp / f.name)
            except OSError:  # no symlinks here (Windows without the privilege)
                shutil.copyfile(f, tmp / f.name)
        (tmp / VMAP_FILE).write_text(shortlist.vmap_text(), encoding="utf-8")
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / VMAP_FILE).is_file():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


__all__ = [
    "DEFAULT_PER_PIECE",
    "DEFAULT_TOP",
    "MAX_PER_PIECE",
    "MAX_TOP",
    "FORMAT",
    "OFF",
    "VERSION",
    "VMAP_FILE",
    "Shortlist",
    "build_shortlist",
    "check_sizes",
    "check_vocabulary",
    "default_shortlist_path",
    "model_dir_with_vmap",
    "read_shortlist",
    "resolve_shortlist",
    "shortlist_cache_dir",
    "shortlist_from_pairs",
    "tokens_by_id",
    "vocabulary_fingerprint",
    "write_shortlist",
]
