"""The shared CLI options (``selaras.cli.options``): flag groups and the one engine-options builder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

import typer
from typer.testing import CliRunner

from selaras.cli import app
from selaras.cli.options import BackendChoice, DeviceChoice, EngineFlags, flag_group

runner = CliRunner()

ENGINE_FLAGS = ("--model", "--backend", "--compute-type", "--shortlist", "--device", "--beams", "--batch-size")


@dataclass(frozen=True)
class _Pair:
    left: Annotated[int, typer.Option("--left", help="Left.")] = 1
    right: Annotated[str, typer.Option("--right", help="Right.")] = "r"


def _toy_app(**group_options: object) -> tuple[typer.Typer, list[object]]:
    seen: list[object] = []
    toy = typer.Typer()

    @toy.command()
    @flag_group(_Pair, **group_options)  # type: ignore[arg-type]
    def go(name: Annotated[str, typer.Argument()], pair: _Pair = _Pair(), last: bool = False) -> None:
        seen.append((name, pair, last))

    return toy, seen


def test_a_flag_group_arrives_as_one_value() -> None:
    toy, seen = _toy_app()
    result = runner.invoke(toy, ["x", "--right", "q", "--last"])
    assert result.exit_code == 0, result.output
    assert seen == [("x", _Pair(left=1, right="q"), True)]


def test_a_flag_group_without_a_field_offers_no_such_flag_and_keeps_its_default() -> None:
    toy, seen = _toy_app(without=("left",))
    assert runner.invoke(toy, ["x", "--left", "2"]).exit_code == 2
    assert runner.invoke(toy, ["x"]).exit_code == 0 and seen == [("x", _Pair(), False)]


def test_help_lists_the_group_where_its_parameter_stands() -> None:
    toy, _ = _toy_app()
    lines = runner.invoke(toy, ["--help"]).output.splitlines()
    order = [next(i for i, line in enumerate(lines) if flag in line) for flag in ("--left", "--right", "--last")]
    assert order == sorted(order)


def _option_rows(command: list[str]) -> list[str]:
    """The long flag of each option row of a command's ``--help``, in order."""
    text = runner.invoke(app, [*command, "--help"]).output.split("Options:")[1]
    return re.findall(r"^  (?:-\w, )?(--[\w-]+)", text, flags=re.MULTILINE)


def test_commands_that_translate_list_every_engine_flag_once_in_one_order() -> None:
    for command in (["translate"], ["run"], ["corpus"]):
        rows = _option_rows(command)
        assert [row for row in rows if row in ENGINE_FLAGS] == list(ENGINE_FLAGS), command
    rows = _option_rows(["shortlist", "build"])  # CTranslate2 only, over the full vocabulary
    assert [row for row in rows if row in ENGINE_FLAGS] == ["--model", "--compute-type", "--device", "--beams", "--batch-size"]


def test_engine_flags_build_the_engine_options() -> None:
    options = EngineFlags(backend=BackendChoice.transformers, device=DeviceChoice.cpu, beams=2).options()
    assert (options.backend, options.device, options.beams, options.batch_size) == ("transformers", "cpu", 2, None)
