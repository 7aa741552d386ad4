"""selaras.cli.hints: the library gives advice in words, the CLI names the flags."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import typer

from selaras.cli import app
from selaras.cli.hints import FLAG_ADVICE, cli_message, cli_text
from selaras.errors import (
    ADVICE,
    RETRY_CTRANSLATE2,
    USE_LOCAL_MODEL,
    USE_TRANSFORMERS,
    BackendError,
    InputError,
    ModelUnavailableError,
)

PACKAGE = Path(__file__).resolve().parents[1] / "translate"
_LONG_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def _cli_flags() -> set[str]:
    """Every long option of every ``selaras`` command (and sub-command: ``shortlist build``)."""
    flags = set()
    pending = [typer.main.get_command(app)]
    while pending:
        command = pending.pop()
        pending.extend(getattr(command, "commands", {}).values())
        for param in command.params:
            flags.update(o for o in [*param.opts, *param.secondary_opts] if o.startswith("--"))
    return flags


def test_every_advice_phrase_has_its_flags_and_no_flag_of_its_own() -> None:
    assert set(FLAG_ADVICE) == set(ADVICE)
    flags = _cli_flags()
    for phrase, cli in FLAG_ADVICE.items():
        assert not _LONG_FLAG.search(phrase), phrase
        named = _LONG_FLAG.findall(cli)
        assert named and set(named) <= flags, (cli, set(named) - flags)
    # No phrase is part of another's CLI text, so rewriting cannot cascade.
    for phrase in ADVICE:
        assert all(phrase not in cli for cli in FLAG_ADVICE.values())


def test_cli_message_rewrites_the_model_advice() -> None:
    from selaras.backends.loading import _download_hint

    exc = ModelUnavailableError(f"cannot load model 'x/y': not cached; {_download_hint('x/y')}")
    assert USE_LOCAL_MODEL in str(exc) and "--model" not in str(exc)
    assert cli_message(exc) == (
        "cannot load model 'x/y': not cached; download it once with 'hf download x/y' "
        "or pass --model PATH to a local copy"
    )


def test_cli_message_rewrites_a_remembered_failure_and_its_reason(tmp_path: Path) -> None:
    """The remembered reason (itself library advice) and the retry are both rewritten."""
    import json

    from selaras.backends import ct2_cache

    record = tmp_path / "m.failed.json"
    record.write_text(json.dumps({"reason": f"CTranslate2 could not convert m (boom); {USE_TRANSFORMERS}"}))
    with pytest.raises(BackendError) as err:
        ct2_cache.raise_known_failure(record)
    assert RETRY_CTRANSLATE2 in str(err.value) and not _LONG_FLAG.search(str(err.value))
    assert cli_message(err.value) == (
        f"converting this model failed before: CTranslate2 could not convert m (boom); use --backend transformers "
        f"(delete {record}, or run with --backend ctranslate2 to retry)"
    )


def test_cli_message_keeps_other_messages_as_they_are() -> None:
    message = "line 2: 4 columns, expected 9; the transformers backend is fine"
    assert cli_message(InputError(message)) == message
    assert cli_text("") == ""


def _messages(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants and f-string parts that are not docstrings."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_the_library_names_no_cli_flag_in_its_messages() -> None:
    """Notebook users call the library directly, so its errors, warnings and returned
    text say the fix in words; only ``translate/cli`` names flags."""
    flags = _cli_flags()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "cli" in path.relative_to(PACKAGE).parts:
            continue
        for line, text in _messages(ast.parse(path.read_text(encoding="utf-8"))):
            named = set(_LONG_FLAG.findall(text)) & flags
            if named:
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {', '.join(sorted(named))}")
    assert found == []


def test_a_cli_error_names_the_flag(tmp_path: Path) -> None:
    """Through ``handle_errors`` the user sees the flag, on one line."""
    from typer.testing import CliRunner

    source = tmp_path / "doc.txt"
    source.write_text("Saya suka kopi.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["translate", str(source), "--model", "opus mt id en"])
    assert result.exit_code == ModelUnavailableError.exit_code
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: ") and "pass --model PATH to a local copy" in result.stderr
