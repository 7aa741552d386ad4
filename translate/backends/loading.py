"""Find a model: a local folder, or a Hugging Face hub id through the local cache.

One ``model_name_or_path`` argument takes either (as in CTranslate2's converters and
``from_pretrained``). A hub id is resolved by ``huggingface_hub`` itself, so the usual
environment applies: ``HF_HOME``/``HF_HUB_CACHE`` pick the cache and ``HF_HUB_OFFLINE=1``
forbids the network. Every way this can fail (offline and not cached, a typo, a gated
repository, a folder without weights) becomes one :class:`ModelUnavailableError`
whose message says how to fix it; nothing here prints.

Why a resolution step before ``from_pretrained``: ``huggingface_hub`` retries an
unreachable hub five times with back-off (about 23 s per file, ``utils/_http.py``) and
``transformers`` then turns every failure into the same ``OSError``. Fetching
``config.json`` first gives typed errors (not found / gated / not cached) once, and
when the hub's host does not even resolve (no network) a cached model loads at once
with ``local_files_only=True`` instead of waiting out the retries for every file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from selaras.errors import USE_LOCAL_MODEL, USE_SAVED_MODEL_FOLDER, ModelUnavailableError

#: Weight files ``from_pretrained`` can load (transformers 5 reads safetensors and
#: PyTorch pickles; sharded checkpoints come with an index file).
WEIGHT_FILES: tuple[str, ...] = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)
EXAMPLE_ID = "Helsinki-NLP/opus-mt-id-en"


@dataclass(frozen=True)
class ModelSource:
    """Where a model comes from, ready for ``from_pretrained``.

    Attributes:
        name: what the user gave (hub id or path), for messages.
        path_or_id: a local folder (absolute) or the hub id.
        local_files_only: load from the cache only (offline, or the hub is unreachable).
        fingerprint: identifies these exact weights (hub commit, or folder + file
            sizes and times), so a checkpoint made with other weights is not reused.
        is_local: ``path_or_id`` is a folder.
        commit: the hub commit the cached files belong to (``None`` for a folder).
    """

    name: str
    path_or_id: str
    local_files_only: bool = False
    fingerprint: str = ""
    is_local: bool = False
    files: tuple[str, ...] = field(default_factory=tuple)
    commit: str | None = None

    def pretrained_kwargs(self) -> dict[str, object]:
        """Keyword arguments for ``from_pretrained`` and ``hf_hub_download``.

        The commit that resolution found pins every later file to it: the tokenizer
        and weights match the config, and huggingface_hub serves a cached file of a
        known commit without asking the hub again (one request per load, not seven).
        """
        kwargs: dict[str, object] = {"local_files_only": True} if self.local_files_only else {}
        if self.commit:
            kwargs["revision"] = self.commit
        return kwargs


def _download_hint(name: str) -> str:
    repo = name if "/" in name else EXAMPLE_ID
    # ``hf`` is huggingface_hub's CLI (``huggingface-cli`` was removed in huggingface_hub 1.0).
    return f"download it once with 'hf download {repo}' or {USE_LOCAL_MODEL}"


def _cached_repo_ids() -> list[str]:
    """The model ids in the Hugging Face cache (``models--org--name`` folders)."""
    from huggingface_hub import constants

    try:
        folders = list(Path(constants.HF_HUB_CACHE).iterdir())
    except OSError:
        return []
    return [f.name.removeprefix("models--").replace("--", "/") for f in folders if f.name.startswith("models--")]


def _close_id(name: str) -> str | None:
    """A known id that ``name`` is probably a misspelling of: the default model or a
    cached one (``difflib`` similarity of at least 0.85), or ``None``."""
    import difflib

    candidates = [c for c in dict.fromkeys([EXAMPLE_ID, *_cached_repo_ids()]) if c != name]
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.85)
    return matches[0] if matches else None


def _not_found(name: str, where: str) -> ModelUnavailableError:
    """The one line for an id the hub does not know (a typo, or a private repository)."""
    close = _close_id(name)
    hint = f"did you mean '{close}'? " if close else ""
    return ModelUnavailableError(
        f"cannot load model '{name}': the id was not found on {where} (misspelled, or private); "
        f"{hint}check the spelling (the default model is {EXAMPLE_ID}) or {USE_LOCAL_MODEL}"
    )


def _looks_like_path(name: str) -> bool:
    """A path the user meant as a folder rather than a hub id (``./x``, ``/x``, ``~/x``, ``a/b/c``)."""
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or os.sep != "/" and os.sep in name


def _hub_host_resolves() -> bool:
    """Whether the hub's host name resolves (a fast stand-in for "online").

    Behind a proxy name resolution may legitimately fail locally, so with a proxy
    configured we assume the hub is reachable and let huggingface_hub try.
    """
    from huggingface_hub import constants

    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY")):
        return True
    host = urlparse(constants.ENDPOINT).hostname
    if not host:
        return True
    try:
        socket.getaddrinfo(host, 443)
    except OSError:
        return False
    return True


def _offline() -> bool:
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


def _local_fingerprint(folder: Path, files: Sequence[str]) -> str:
    digest = hashlib.sha256(str(folder.resolve()).encode())
    for name in sorted(files):
        stat = (folder / name).stat()
        digest.update(f"|{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return "local:" + digest.hexdigest()[:16]


def check_local_model(folder: Path, name: str, required_files: Sequence[str] = ("config.json",)) -> ModelSource:
    """Check that a folder holds a loadable model and describe it.

    Raises:
        ModelUnavailableError: a required file or the weights are missing.
    """
    missing = [f for f in required_files if not (folder / f).is_file()]
    weights = [f for f in WEIGHT_FILES if (folder / f).is_file()]
    if not weights:
        missing.append(" or ".join(WEIGHT_FILES[::2]))
    if missing:
        raise ModelUnavailableError(
            f"cannot load model '{name}': the folder has no {', '.join(missing)}; "
            f"{USE_SAVED_MODEL_FOLDER} (e.g. a copy of {EXAMPLE_ID}) or a hub id"
        )
    files = tuple(list(required_files) + weights)
    return ModelSource(
        name=name,
        path_or_id=str(folder.resolve()),
        local_files_only=True,
        fingerprint=_local_fingerprint(folder, files),
        is_local=True,
        files=files,
    )


def resolve_model(model_name_or_path: str, *, required_files: Sequence[str] = ("config.json",)) -> ModelSource:
    """Resolve ``model_name_or_path`` to a local folder or a hub id that can be loaded.

    An existing folder wins; otherwise the name is a hub id whose ``config.json`` is
    fetched through the Hugging Face cache (honouring ``HF_HOME`` and
    ``HF_HUB_OFFLINE``). Weights are left to ``from_pretrained``, which reuses the cache.

    Args:
        model_name_or_path: a folder or a hub id such as ``Helsinki-NLP/opus-mt-id-en``.
        required_files: files a local folder must contain besides weights.

    Returns:
        A :class:`ModelSource` for ``from_pretrained``.

    Raises:
        ModelUnavailableError: with the fix, for every way the model cannot be had.
    """
    name = str(model_name_or_path)
    folder = Path(name).expanduser()
    if folder.is_dir():
        return check_local_model(folder, name, required_files)
    if folder.exists():
        raise ModelUnavailableError(
            f"cannot load model '{name}': it is a file, not a model folder; pass the folder that holds config.json"
        )
    if _looks_like_path(name):
        raise ModelUnavailableError(
            f"cannot load model '{name}': no such folder; check the path or give a hub id such as {EXAMPLE_ID}"
        )

    _check_hub_id(name)
    offline = _offline()
    unreachable = not offline and not _hub_host_resolves()
    snapshot = Path(_fetch_config(name, local_only=offline or unreachable, offline=offline)).parent
    # The cache stores files under snapshots/<commit>/: the commit pins the weights.
    commit = snapshot.name if snapshot.parent.name == "snapshots" else None
    revision = commit or _local_fingerprint(snapshot, ["config.json"])
    return ModelSource(
        name=name,
        path_or_id=name,
        local_files_only=offline or unreachable,
        fingerprint=f"hub:{name}@{revision}",
        commit=commit,
    )


def _check_hub_id(name: str) -> None:
    """Refuse a name that is neither a folder nor a valid hub id before asking the hub."""
    from huggingface_hub.errors import HFValidationError  # heavy: only for a hub id
    from huggingface_hub.utils import validate_repo_id

    try:
        validate_repo_id(name)
    except HFValidationError:
        raise ModelUnavailableError(
            f"cannot load model '{name}': it is neither an existing folder nor a valid hub id "
            f"(like {EXAMPLE_ID}); check the spelling or {USE_LOCAL_MODEL}"
        ) from None


def _fetch_config(name: str, *, local_only: bool, offline: bool) -> str:
    """The hub model's ``config.json`` through the Hugging Face cache (its local path).

    Every way the hub or the cache can refuse it becomes one ModelUnavailableError with
    the fix: gated, unknown id or revision, not cached while offline (with a near miss
    suggested), not a transformers model, an HTTP or disk error.
    """
    from huggingface_hub import constants, hf_hub_download  # heavy: only for a hub id
    from huggingface_hub.errors import (
        EntryNotFoundError,
        GatedRepoError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    try:
        return hf_hub_download(name, "config.json", local_files_only=local_only)
    except GatedRepoError:
        raise ModelUnavailableError(
            f"cannot load model '{name}': it is a gated repository; accept its terms at "
            f"{constants.ENDPOINT}/{name} and log in with 'hf auth login', or {USE_LOCAL_MODEL}"
        ) from None
    except RepositoryNotFoundError:
        raise _not_found(name, "the Hugging Face hub") from None
    except RevisionNotFoundError:
        raise ModelUnavailableError(
            f"cannot load model '{name}': the requested revision does not exist on the hub"
        ) from None
    except LocalEntryNotFoundError:
        raise _not_cached(name, offline) from None
    except EntryNotFoundError:
        raise ModelUnavailableError(
            f"cannot load model '{name}': the hub repository has no config.json, so it is not a transformers "
            f"model; check the id (the default model is {EXAMPLE_ID}) or {USE_LOCAL_MODEL}"
        ) from None
    except (OSError, ValueError) as exc:  # HTTP errors (HfHubHTTPError is an OSError), disk errors
        if getattr(getattr(exc, "response", None), "status_code", None) == 404:
            raise _not_found(name, "the Hugging Face hub") from None
        raise ModelUnavailableError(f"cannot load model '{name}': {_first_line(exc)}; {_download_hint(name)}") from None


def _not_cached(name: str, offline: bool) -> ModelUnavailableError:
    """Offline, the hub cannot say whether the id exists. A near miss of the default or
    of a cached model is most likely a typo, so say that first."""
    from huggingface_hub import constants  # heavy: only for a hub id

    why = "HF_HUB_OFFLINE is set" if offline else "the hub is unreachable (offline)"
    close = _close_id(name)
    if close is not None:
        return ModelUnavailableError(
            f"cannot load model '{name}': not in the Hugging Face cache ({constants.HF_HUB_CACHE}) and {why}; "
            f"did you mean '{close}'? Check the spelling; if '{name}' is right, {_download_hint(name)}"
        )
    return ModelUnavailableError(
        f"cannot load model '{name}': not in the Hugging Face cache ({constants.HF_HUB_CACHE}) and {why}; "
        f"check the spelling, {_download_hint(name)}"
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].rstrip(".")


@contextlib.contextmanager
def model_errors(source: ModelSource) -> Iterator[None]:
    """Turn any failure while loading the model's files into one ModelUnavailableError.

    Used around ``from_pretrained``: there, a missing or corrupt file surfaces as
    ``OSError``, ``ValueError``, ``KeyError`` (a vocab without ``<unk>``), an
    ``AssertionError`` (``MarianTokenizer`` asserts ``source.spm`` exists) or a
    safetensors/pickle error, and all of them mean "these files are not a usable model".
    """
    try:
        yield
    except ModelUnavailableError:
        raise
    except Exception as exc:  # noqa: BLE001 - see docstring: every load failure is the model's
        if source.is_local:
            fix = (
                f"check that '{source.name}' is a complete model folder (config.json, the weights and "
                "the tokenizer's files: source.spm, target.spm, vocab.json for Opus-MT; "
                "sentencepiece.bpe.model and the tokenizer configs for NLLB-200 and M2M-100)"
            )
        elif source.local_files_only:
            fix = f"the cache holds only part of it and the hub is unreachable; {_download_hint(source.name)}"
        else:
            fix = _download_hint(source.name)
        raise ModelUnavailableError(
            f"cannot load model '{source.name}': {type(exc).__name__}: {_first_line(exc)}; {fix}"
        ) from None


def source_family(source: ModelSource) -> str:
    """The family of a resolved model (``marian``, ``nllb`` or ``m2m100``), read from its
    ``config.json`` and ``tokenizer_config.json`` (see :mod:`selaras.backends.family`);
    for a hub id both come through the cache, pinned to the resolved commit.

    Raises:
        ModelUnavailableError: the files cannot be had.
        BackendError: a model type Selaras does not translate with.
    """
    from selaras.backends.family import detect_family, read_family

    if source.is_local:
        return read_family(source.path_or_id)
    import json

    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import EntryNotFoundError, LocalEntryNotFoundError

    contents: list[dict[str, object]] = []
    with model_errors(source):
        for name in ("config.json", "tokenizer_config.json"):
            try:
                path = hf_hub_download(source.path_or_id, name, **source.pretrained_kwargs())  # type: ignore[arg-type]
            except (EntryNotFoundError, LocalEntryNotFoundError):
                if name == "config.json":
                    raise
                contents.append({})
                continue
            contents.append(json.loads(Path(path).read_text(encoding="utf-8")))
    return detect_family(contents[0], contents[1])


def resolve_model_files(model_name_or_path: str) -> tuple[ModelSource, str]:
    """Resolve a model and its family, checking a local folder holds that family's files.

    Returns:
        (the source, its family).
    """
    from selaras.backends.family import TOKENIZER_FILES

    source = resolve_model(model_name_or_path)
    family = source_family(source)
    if source.is_local:
        source = check_local_model(Path(source.path_or_id), source.name, TOKENIZER_FILES[family])  # type: ignore[index]
    return source, family
