"""Model resolution: folders, hub ids through the cache, and one clear error for each failure."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from unittest import mock

import pytest

from selaras_process import run_selaras
from selaras.backends import loading
from selaras.backends.loading import resolve_model
from selaras.errors import USE_LOCAL_MODEL, USE_SAVED_MODEL_FOLDER, ModelUnavailableError

REPO_ROOT = Path(__file__).resolve().parents[1]


def _names_no_flag(message: str) -> bool:
    """Library messages give the fix in words (notebook users have no flags); the CLI
    rewrites them into ``--model PATH`` (tests/test_hints.py)."""
    return re.search(r"(?<![\w-])--[a-z]", message) is None


#: The hub's variables are read at import: the real entry point runs without the caller's.
HUB_ENV = ("HF_", "HUGGINGFACE_", "TRANSFORMERS_")


def test_bogus_folder_names_the_missing_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model", encoding="utf-8")
    with pytest.raises(ModelUnavailableError) as err:
        resolve_model(str(tmp_path), required_files=("config.json", "source.spm"))
    message = str(err.value)
    assert "config.json" in message and "source.spm" in message and "model.safetensors" in message
    assert "\n" not in message
    assert USE_SAVED_MODEL_FOLDER in message and _names_no_flag(message)


def test_missing_path_and_invalid_id_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="no such folder"):
        resolve_model(str(tmp_path / "no" / "such" / "model"))
    with pytest.raises(ModelUnavailableError, match="neither an existing folder nor a valid hub id") as err:
        resolve_model("opus mt id en")
    assert str(err.value).endswith(f"check the spelling or {USE_LOCAL_MODEL}") and _names_no_flag(str(err.value))
    file = tmp_path / "model.bin"
    file.write_bytes(b"x")
    with pytest.raises(ModelUnavailableError, match="is a file"):
        resolve_model(str(file))


def test_local_model_folder_resolves_with_a_fingerprint(random_model_dir: Path) -> None:
    source = resolve_model(str(random_model_dir))
    assert source.is_local and source.local_files_only
    assert Path(source.path_or_id) == random_model_dir.resolve()
    assert source.fingerprint == resolve_model(str(random_model_dir)).fingerprint


def _hub_error(cls: type[Exception], message: str) -> Exception:
    response = mock.MagicMock()
    response.headers = {}
    return cls(message, response=response)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("RepositoryNotFoundError", "the id was not found on the Hugging Face hub"),
        ("GatedRepoError", "gated repository"),
    ],
)
def test_hub_errors_become_one_line_with_the_fix(error: str, expected: str) -> None:
    import huggingface_hub
    from huggingface_hub import errors

    exc = _hub_error(getattr(errors, error), "404 Client Error")
    with (
        mock.patch.object(loading, "_offline", return_value=False),
        mock.patch.object(loading, "_hub_host_resolves", return_value=True),
        mock.patch.object(huggingface_hub, "hf_hub_download", side_effect=exc),
    ):
        with pytest.raises(ModelUnavailableError) as err:
            resolve_model("Helsinki-NLP/opus-mt-id-enn")
    assert expected in str(err.value)
    assert "Helsinki-NLP/opus-mt-id-enn" in str(err.value)
    assert "\n" not in str(err.value)


def _resolve_with_hub_error(name: str, exc: Exception, *, offline: bool = False) -> str:
    import huggingface_hub

    with (
        mock.patch.object(loading, "_offline", return_value=offline),
        mock.patch.object(loading, "_hub_host_resolves", return_value=True),
        mock.patch.object(loading, "_cached_repo_ids", return_value=[]),
        mock.patch.object(huggingface_hub, "hf_hub_download", side_effect=exc),
    ):
        with pytest.raises(ModelUnavailableError) as err:
            resolve_model(name)
    assert err.value.exit_code == 3
    message = str(err.value)
    assert "\n" not in message
    assert _names_no_flag(message), message
    return message


def test_misspelled_hub_id_says_not_found_not_download() -> None:
    """A typo of the default id: the hub says it does not exist, so the line says so and
    suggests the id, instead of advising 'hf download <the typo>'."""
    from huggingface_hub import errors

    message = _resolve_with_hub_error("Helsinki-NLP/opus-mt-id-enn", _hub_error(errors.RepositoryNotFoundError, "404"))
    assert "'Helsinki-NLP/opus-mt-id-enn': the id was not found on the Hugging Face hub" in message
    assert "did you mean 'Helsinki-NLP/opus-mt-id-en'?" in message and "check the spelling" in message
    assert "hf download" not in message

    far = _resolve_with_hub_error("someone/unrelated-model", _hub_error(errors.RepositoryNotFoundError, "404"))
    assert "not found" in far and "did you mean" not in far and "hf download" not in far

    plain_404 = _hub_error(errors.HfHubHTTPError, "404 Client Error")
    plain_404.response.status_code = 404
    assert "not found" in _resolve_with_hub_error("Helsinki-NLP/opus-mt-id-enn", plain_404)


def test_misspelled_hub_id_offline_suggests_the_close_id() -> None:
    """Offline the hub cannot say whether an id exists: a near miss of a known id is
    named first; downloading is offered only for the case that the id is right."""
    from huggingface_hub import errors

    exc = errors.LocalEntryNotFoundError("not cached")
    message = _resolve_with_hub_error("Helsinki-NLP/opus-mt-id-enn", exc, offline=True)
    assert "not in the Hugging Face cache" in message and "HF_HUB_OFFLINE is set" in message
    assert "did you mean 'Helsinki-NLP/opus-mt-id-en'? Check the spelling" in message
    assert "if 'Helsinki-NLP/opus-mt-id-enn' is right" in message

    exact = _resolve_with_hub_error("Helsinki-NLP/opus-mt-id-en", exc, offline=True)
    assert "did you mean" not in exact and "hf download Helsinki-NLP/opus-mt-id-en" in exact
    assert exact.endswith(f"or {USE_LOCAL_MODEL}")


def test_hub_repo_without_config_is_not_a_model() -> None:
    from huggingface_hub import errors

    cls = getattr(errors, "RemoteEntryNotFoundError", errors.EntryNotFoundError)
    message = _resolve_with_hub_error("someone/a-dataset", _hub_error(cls, "404 entry"))
    assert "has no config.json" in message and "hf download" not in message


def test_unresolvable_hub_host_loads_from_cache_only() -> None:
    """No network: fetch config.json with local_files_only instead of 23 s of retries."""
    import huggingface_hub

    seen: dict[str, object] = {}

    def fake_download(repo_id: str, filename: str, **kwargs: object) -> str:
        seen.update(kwargs)
        return f"/cache/models--x--y/snapshots/abc123/{filename}"

    with (
        mock.patch.object(loading, "_offline", return_value=False),
        mock.patch.object(loading, "_hub_host_resolves", return_value=False),
        mock.patch.object(huggingface_hub, "hf_hub_download", side_effect=fake_download),
    ):
        source = resolve_model("x/y")
    assert seen == {"local_files_only": True}
    # Later files come from the commit the config came from (no second look-up per file).
    assert source.local_files_only and source.pretrained_kwargs() == {"local_files_only": True, "revision": "abc123"}
    assert source.fingerprint == "hub:x/y@abc123"


def test_cli_offline_empty_cache_prints_one_line_and_exits_3(tmp_path: Path) -> None:
    source = tmp_path / "doc.txt"
    source.write_text("Saya suka kopi.\n", encoding="utf-8")
    env = {"HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = run_selaras("translate", str(source), "--model", "Helsinki-NLP/opus-mt-id-en", cwd=tmp_path, env=env, drop_env=HUB_ENV)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert "not in the Hugging Face cache" in errors[0] and "HF_HUB_OFFLINE" in errors[0]
    assert "hf download Helsinki-NLP/opus-mt-id-en" in errors[0] and "--model PATH" in errors[0]
    assert result.stdout == ""


def test_cli_bogus_folder_exits_3_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "bogus").mkdir()
    (tmp_path / "bogus" / "config.json").write_text("{}", encoding="utf-8")
    source = tmp_path / "doc.txt"
    source.write_text("Saya suka kopi.\n", encoding="utf-8")
    from typer.testing import CliRunner

    from selaras.cli import app

    result = CliRunner().invoke(app, ["translate", str(source), "--model", str(tmp_path / "bogus")])
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert "cannot load model" in result.output and "model.safetensors" in result.output


def test_corrupt_weights_become_model_unavailable(tmp_path: Path, random_model_dir: Path) -> None:
    from selaras.backends.marian import load_marian

    broken = tmp_path / "broken"
    shutil.copytree(random_model_dir, broken)
    (broken / "model.safetensors").write_bytes(b"not safetensors at all")
    with pytest.raises(ModelUnavailableError, match="cannot load model") as err:
        load_marian(str(broken), device="cpu")
    assert "complete model folder" in str(err.value) and "source.spm" in str(err.value)


def _fake_hub_cache(hf_home: Path, repo_id: str, model_dir: Path, commit: str = "0" * 40) -> None:
    """Lay out ``model_dir`` as huggingface_hub's cache would after a download."""
    repo = hf_home / "hub" / ("models--" + repo_id.replace("/", "--"))
    shutil.copytree(model_dir, repo / "snapshots" / commit)
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit, encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["transformers", "auto"])
def test_cli_translates_from_the_hub_cache_offline(
    tmp_path: Path, tiny_trained_model: tuple[Path, list[tuple[str, str]]], backend: str
) -> None:
    """The path users run: a hub id, found in HF_HOME's cache, with HF_HUB_OFFLINE=1."""
    model_dir, pairs = tiny_trained_model
    _fake_hub_cache(tmp_path / "hf", "selaras-test/tiny-id-en", model_dir)
    source = tmp_path / "doc.txt"
    source.write_text("\n".join(s for s, _ in pairs) + "\n", encoding="utf-8")
    env = {"HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = ["translate", str(source), "--lines", "--model", "selaras-test/tiny-id-en", "--backend", backend]
    result = run_selaras(*args, cwd=tmp_path, env=env, drop_env=HUB_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [t for _, t in pairs]
