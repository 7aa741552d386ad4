"""Convert a MarianMT model to CTranslate2 once, check it, and keep it in a cache.

This is steps 2 and 3 of :mod:`selaras.backends.ct2` (the cache folder, one entry per
model fingerprint, CTranslate2 version and compute type; the atomic, checksummed
write); :func:`ensure_converted` is the entry point. Nothing here imports ctranslate2
or torch until a conversion actually runs.

The ``<pad>`` trap. Opus-MT models in transformers use ``<pad>`` (the last id, 54795 in
opus-mt-id-en) as the decoder start token and list it in ``bad_words_ids``. CTranslate2's
Marian converter drops the last token from the vocabulary and the weights and starts
the decoder from a zero vector (``start_from_zero_embedding``) instead. That is exact
only if ``<pad>`` is the last id, is the decoder start token, and its embedding row is
all zeros: true of the Opus-MT conversions, false of any Opus-MT model fine-tuned with
tied embeddings (the output layer's gradient moves the row). The converter checks none
of this. Here :func:`zero_start_is_exact` checks it; where it fails, the conversion
keeps every token and the real start token (:func:`_keep_start_token`) and decoding
suppresses ``<pad>``. Either way the converted vocabulary is checked against
``vocab.json`` token for token, so pieces map to the same rows in both engines.

NLLB-200 and M2M-100 (:mod:`selaras.backends.family`) convert with CTranslate2's
M2M-100 loader, which takes the vocabulary from ``tokenizer.get_vocab()``. Under
transformers 5 ``M2M100Tokenizer.get_vocab()`` leaves out the 100 language tokens that
follow the vocabulary, so the converter would write a vocabulary without ``__en__``
and shift every id after it. Here the vocabulary is set from the tokenizer id by id
(:func:`~selaras.backends.family.vocabulary_tokens`), padded with the converter's own
``madeupwordN`` names up to the model's size (NLLB-200 has 2 ids past its tokenizer,
M2M-100 8), and checked like Marian's: token for token, language codes and ``<pad>``
included.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from selaras.backends.options import COMPUTE_TYPES
from selaras.errors import RETRY_CTRANSLATE2, USE_TRANSFORMERS, BackendError
from selaras.io import atomic_write

logger = logging.getLogger(__name__)

#: Bump when the layout of a cache entry changes, so old entries are rebuilt.
CACHE_FORMAT = 1
#: The completion marker: written last, before the atomic rename.
MANIFEST = "selaras-ct2.json"
#: Files of the Hugging Face folder whose content defines the converted model.
_SOURCE_FILES = (
    "config.json",
    "generation_config.json",
    "model.safetensors",
    "pytorch_model.bin",
    "vocab.json",
    "target_vocab.json",
    "source.spm",
    "target.spm",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "tokenizer.json",
    "sentencepiece.bpe.model",
)


def ct2_cache_dir() -> Path:
    """Where converted models live: ``ct2/`` under Selaras' cache root
    (:func:`selaras.rundir.cache_root`: ``$SELARAS_CACHE``, else beside the Hugging
    Face cache, else ``~/.cache/selaras``)."""
    from selaras.rundir import cache_root

    return cache_root() / "ct2"


def _ct2_version() -> str:
    import ctranslate2

    return str(ctranslate2.__version__)


def cache_key(model_dir: Path, compute_type: str, fingerprint: str | None = None, family: str = "marian") -> str:
    """Name of the cache entry for a model and compute type.

    It hashes the model's fingerprint (from :mod:`selaras.backends.loading`: the hub
    commit, or a local folder's path with its files' sizes and mtimes, so a retrained
    folder gets a new entry), the CTranslate2 version (its format may change), the
    compute type the weights are saved in and :data:`CACHE_FORMAT`. Without a
    fingerprint it is computed from the folder's files. The readable prefix helps ``ls``.
    """
    folder = model_dir.resolve()
    if fingerprint is None:
        files = {}
        for name in _SOURCE_FILES:
            if (folder / name).is_file():
                stat = (folder / name).stat()
                files[name] = [stat.st_size, stat.st_mtime_ns]
        fingerprint = json.dumps({"path": str(folder), "files": files}, sort_keys=True)
    parts = {"format": CACHE_FORMAT, "model": fingerprint, "ctranslate2": _ct2_version(), "compute_type": compute_type}
    if family != "marian":  # added only for the new families, so Marian entries keep their names
        parts["family"] = family
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:20]
    label = folder.name
    if folder.parent.name == "snapshots":  # HF cache: models--org--name/snapshots/<commit>
        label = folder.parents[1].name.removeprefix("models--")
    label = re.sub(r"[^A-Za-z0-9._-]+", "-", label)[:40]
    return f"{label}-{compute_type}-{digest}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(folder: Path, **info: Any) -> None:
    """Write the completion marker of a cache entry: size and SHA-256 of every file, plus ``info``."""
    files = {
        p.name: {"size": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != MANIFEST
    }
    payload = {"format": CACHE_FORMAT, "files": files, **info}
    (folder / MANIFEST).write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def verify_cache_entry(folder: Path) -> str | None:
    """Why ``folder`` is not a complete converted model, or ``None`` if it is.

    Checks the manifest (written last, so a crash mid-conversion leaves none), then the
    size and SHA-256 of every file it lists (a truncated or altered ``model.bin`` is
    caught; hashing ~75 MB costs ~0.05 s).
    """
    if not folder.is_dir():
        return "not converted yet"
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        if manifest.get("format") != CACHE_FORMAT or "model.bin" not in files:
            return "manifest from another version"
    except (OSError, ValueError, KeyError, TypeError):
        return "no completion marker (interrupted conversion?)"
    for name, expected in files.items():
        path = folder / name
        try:
            if path.stat().st_size != expected["size"]:
                return f"{name} has the wrong size"
            if _sha256(path) != expected["sha256"]:
                return f"{name} has the wrong checksum"
        except OSError:
            return f"{name} is missing"
    return None


def failure_record(root: Path, key: str) -> Path:
    """Where a failed conversion of cache entry ``key`` is remembered (beside the entry)."""
    return root / f"{key}.failed.json"


def known_failure(record: Path) -> str | None:
    """The reason a conversion failed before, or ``None`` if ``record`` holds none.

    A missing, unreadable or malformed record is treated as no record: the worst case
    is one more conversion attempt, which writes a fresh record if it fails again.
    """
    try:
        payload = json.loads(record.read_text(encoding="utf-8"))
        reason = payload["reason"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return reason if isinstance(reason, str) and reason else None


def raise_known_failure(record: Path) -> None:
    """Raise the remembered failure in ``record``, if any, with how to retry.

    Raises:
        BackendError: the conversion failed before (one line: the reason and the retry).
    """
    reason = known_failure(record)
    if reason is not None:
        raise BackendError(
            f"converting this model failed before: {reason} "
            f"(delete {record}, or {RETRY_CTRANSLATE2})"
        )


def _remember_failure(record: Path, reason: str) -> None:
    """Write the failure record atomically (a crash never leaves half a JSON file);
    failing to write it only costs a retry next time, so that is not an error. The
    reason is kept on one line, as the fallback warning that repeats it must be."""
    payload = {"reason": " ".join(reason.split()), "ctranslate2": _ct2_version(), "failed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    try:
        with atomic_write(record) as handle:
            handle.write(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        logger.info("cannot remember the failed conversion in %s: %s", record, exc)


def _is_environmental(exc: BaseException) -> bool:
    """A full disk, a permission problem, lack of memory or a missing package (torch)
    says nothing about the model and may be fixed by the next run; such a failure is
    not remembered, so that run tries again."""
    cause = exc.__cause__ or exc.__context__
    return isinstance(cause, (OSError, MemoryError, ImportError))


def discard(folder: Path) -> None:
    """Remove a cache entry without ever leaving a half-deleted folder under its name."""
    trash = folder.with_name(f".trash-{folder.name}-{uuid.uuid4().hex[:8]}")
    with contextlib.suppress(OSError):
        folder.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)


def _convert(model_dir: Path, out_dir: Path, compute_type: str) -> None:
    """Convert a MarianMT folder with CTranslate2's converter, keeping the start token
    when the zero-start shortcut would be wrong (see module doc), then check the result."""
    try:
        from ctranslate2.converters import TransformersConverter
    except ImportError as exc:
        raise BackendError(f"ctranslate2 is not installed ({exc}); run: pip install ctranslate2") from exc

    class _MarianConverter(TransformersConverter):  # type: ignore[misc]
        """Keeps the loaded model and tokenizer, checks them and fixes the start token."""

        model: Any = None
        tokenizer: Any = None

        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            self.model = super().load_model(model_class, model_name_or_path, **kwargs)
            return self.model

        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            self.tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            return self.tokenizer

        def _load(self) -> Any:
            spec = super()._load()
            if getattr(self.model.config, "model_type", None) == "m2m_100":
                spec._vocabularies = {"source": [expected_m2m_vocabulary(self.model, self.tokenizer)]}
                spec._vocabularies["target"] = list(spec._vocabularies["source"])
                return spec
            tokens = _check_marian(self.model, self.tokenizer)
            if not zero_start_is_exact(self.model):
                _keep_start_token(spec, self.model, tokens)
            return spec

    converter = _MarianConverter(str(model_dir))
    try:
        from selaras.backends.runtime import quiet_transformers

        with quiet_transformers():
            converter.convert(str(out_dir), quantization=compute_type, force=True)
    except BackendError:
        raise
    except Exception as exc:  # the converter raises ValueError/RuntimeError/NotImplementedError/...
        raise BackendError(
            f"CTranslate2 could not convert {model_dir} ({type(exc).__name__}: {exc}); {USE_TRANSFORMERS}"
        ) from exc
    _check_vocabulary(converter.model, converter.tokenizer, out_dir)


_HINT = f"; {USE_TRANSFORMERS} for this model"


def _check_marian(model: Any, tokenizer: Any) -> list[str]:
    """The model's tokens by id, after checking it is a Marian model we can convert.

    Raises:
        BackendError: not MarianMT, separate source/target vocabularies (the
            converter registers one vocabulary for both sides), or ids with gaps.
    """
    config = model.config
    if getattr(config, "model_type", None) != "marian":
        raise BackendError(f"the CTranslate2 backend supports MarianMT (Opus-MT) models, not {config.model_type!r}{_HINT}")
    if getattr(tokenizer, "separate_vocabs", False):
        raise BackendError(f"the model has separate source and target vocabularies{_HINT}")
    by_id = sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])
    if [i for _, i in by_id] != list(range(config.vocab_size)):
        raise BackendError(f"vocab.json ids are not exactly 0..{config.vocab_size - 1}{_HINT}")
    return [token for token, _ in by_id]


def zero_start_is_exact(model: Any) -> bool:
    """Whether CTranslate2's Marian shortcut (drop the last token, start from zeros) is exact.

    True when the decoder start token is ``<pad>``, ``<pad>`` is the last id, and its
    embedding row is zero: so embedding it gives the zero vector CTranslate2 starts
    from, and the dropped row is that token. Opus-MT conversions have a zero row; a
    model fine-tuned with tied embeddings does not (the output layer's gradient moves
    it), nor does Selaras' tiny trained test model.
    """
    config = model.config
    pad = config.pad_token_id
    if pad != config.vocab_size - 1 or config.decoder_start_token_id != pad:
        return False
    return not bool(model.get_decoder().embed_tokens.weight[pad].abs().max() > 0)


def _keep_start_token(spec: Any, model: Any, tokens: list[str]) -> None:
    """Undo the converter's Marian shortcut: keep every token and start from the real one.

    Puts back the full embedding and output matrices (the converter cut their last
    row), the full vocabulary, and the decoder start token, and turns off
    ``start_from_zero_embedding``. ``<pad>`` can then be scored, so decoding suppresses
    it (:func:`~selaras.backends.ct2.read_generation_defaults`), as transformers does with ``bad_words_ids``.
    The vocabulary lists are private to the spec; they are replaced, not appended to.
    """
    config = model.config
    spec.encoder.embeddings[0].weight = model.get_encoder().embed_tokens.weight
    spec.decoder.embeddings.weight = model.get_decoder().embed_tokens.weight
    spec.decoder.projection.weight = model.lm_head.weight
    bias = getattr(model, "final_logits_bias", None)
    if bias is not None and bias.nonzero().numel() != 0:
        spec.decoder.projection.bias = bias.squeeze()
    spec.decoder.start_from_zero_embedding = False
    spec.config.decoder_start_token = tokens[config.decoder_start_token_id]
    spec._vocabularies = {"source": [list(tokens)], "target": [list(tokens)]}


def expected_m2m_vocabulary(model: Any, tokenizer: Any) -> list[str]:
    """An NLLB/M2M-100 model's vocabulary by id: the tokenizer's tokens, then
    ``madeupwordN`` for the ids the model has beyond them (see the module doc).

    Raises:
        BackendError: the tokenizer has more ids than the model, or gaps.
    """
    from selaras.backends.family import vocabulary_tokens

    tokens = vocabulary_tokens(tokenizer)
    size = int(model.config.vocab_size)
    if len(tokens) > size:
        raise BackendError(f"the tokenizer has {len(tokens)} tokens, more than the model's {size}{_HINT}")
    return tokens + [f"madeupword{i}" for i in range(size - len(tokens))]


def _check_vocabulary(model: Any, tokenizer: Any, out_dir: Path) -> None:
    """The converted vocabulary must be the tokenizer's, token for token (minus ``<pad>``
    on the zero-start path), or CTranslate2 would map pieces to the wrong rows."""
    if getattr(model.config, "model_type", None) == "m2m_100":
        expected = expected_m2m_vocabulary(model, tokenizer)
        if read_ct2_vocabulary(out_dir) != expected:
            raise BackendError(f"the converted vocabulary does not match the tokenizer's{_HINT}")
        return
    tokens = [token for token, _ in sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])]
    expected = tokens[:-1] if zero_start_is_exact(model) else tokens
    if read_ct2_vocabulary(out_dir) != expected:
        raise BackendError(f"the converted vocabulary does not match vocab.json{_HINT}")


def read_ct2_vocabulary(folder: Path) -> list[str]:
    """The target vocabulary of a converted model, token by token.

    Raises:
        BackendError: the folder has no vocabulary file.
    """
    for name in ("shared_vocabulary.json", "target_vocabulary.json"):
        if (folder / name).is_file():
            return list(json.loads((folder / name).read_text(encoding="utf-8")))
    raise BackendError(f"no vocabulary in the converted model at {folder}; delete it and retry")


def ensure_converted(
    model_dir: str | Path,
    compute_type: str,
    *,
    fingerprint: str | None = None,
    cache_dir: str | Path | None = None,
    retry_failed: bool = True,
    family: str = "marian",
) -> tuple[Path, bool]:
    """The converted model for ``model_dir`` in ``compute_type``, converting it if needed.

    ``fingerprint`` identifies the weights (see :func:`cache_key`).

    A conversion that fails (the converter's error, or a result that is not faithful)
    is remembered in :func:`failure_record` beside the entry, because a model that
    cannot be converted will fail again, and each attempt costs a torch import and
    seconds. With ``retry_failed=False`` (what ``--backend auto`` asks for, since it
    can fall back to transformers) a remembered failure is raised at once without
    converting; with ``True`` (an explicit ``--backend ctranslate2``) it is retried, and
    a success removes the record. The record is keyed like the entry (model
    fingerprint, CTranslate2 version, compute type), so new weights or a new
    CTranslate2 are tried afresh.

    Returns:
        (the cache entry folder, whether it was converted by this call).

    Raises:
        BackendError: conversion failed or the model cannot be converted faithfully.
    """
    model_dir = Path(model_dir)
    if compute_type not in COMPUTE_TYPES:
        raise BackendError(f"unknown compute type {compute_type!r}; choose one of: {', '.join(COMPUTE_TYPES)}")
    root = Path(cache_dir) if cache_dir is not None else ct2_cache_dir()
    final = root / cache_key(model_dir, compute_type, fingerprint, family)
    problem = verify_cache_entry(final)
    if problem is None:
        return final, False
    record = failure_record(root, final.name)
    if not retry_failed:
        raise_known_failure(record)
    if final.exists():
        logger.info("rebuilding the CTranslate2 cache at %s: %s", final, problem)
        discard(final)
    try:
        root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=root))
    except OSError as exc:
        raise BackendError(f"cannot write the CTranslate2 cache {root} ({exc}); set SELARAS_CACHE to a writable folder") from exc
    try:
        staged = work / "model"
        logger.info("converting %s to CTranslate2 (%s), once; cached in %s", model_dir, compute_type, root)
        try:
            _convert(model_dir, staged, compute_type)
        except BackendError as exc:
            if not _is_environmental(exc):
                _remember_failure(record, str(exc))
            raise
        write_manifest(
            staged, source=str(model_dir.resolve()), compute_type=compute_type, ctranslate2=_ct2_version()
        )
        for _attempt in range(2):
            try:
                staged.rename(final)
                break
            except OSError:  # another process finished first, or a bad entry reappeared
                if verify_cache_entry(final) is None:
                    break
                discard(final)
        else:
            raise BackendError(f"cannot move the converted model into {final}; delete that folder and retry")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with contextlib.suppress(OSError):
        record.unlink(missing_ok=True)
    return final, True
