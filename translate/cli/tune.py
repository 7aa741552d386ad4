"""``selaras tune``: measure the fastest CTranslate2 threads and sub-batch size for this machine and model."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer

from selaras.cli.app import app, examples, handle_errors, print_json, progress_reporter
from selaras.cli.options import BackendChoice, EngineFlags, JsonOption, flag_group


@app.command(
    epilog=examples(
        "selaras tune",
        "selaras tune --model ./opus-mt-id-en --beams 4 --full --json",
    )
)
@handle_errors
@flag_group(EngineFlags, without=("backend", "shortlist", "device", "batch_size"))
def tune(
    engine: EngineFlags = EngineFlags(),
    full: Annotated[
        bool, typer.Option("--full", help="Try every threads x budget pair instead of threads first, then budgets.")
    ] = False,
    rounds: Annotated[
        int, typer.Option("--rounds", min=1, max=10, help="Alternating runs per setting; each keeps its best (1-10).")
    ] = 1,
    as_json: JsonOption = False,
) -> None:
    """Measure CTranslate2 settings on this CPU and model, and remember the fastest.

    Translates a fixed Indonesian sample with each setting (parallel translators x
    threads each x sub-batch size in tokens), keeps the fastest whose output is
    identical to the default's, and caches it for this machine, model, compute type and
    beam size. CTranslate2 then uses it on every CPU run. The first CPU run of a model
    does this by itself (a few seconds); run it again after the machine changes, or with
    --full for the whole grid. SELARAS_TUNE=off turns the automatic tuning off.
    """
    from selaras.backends.ct2 import tune_ct2

    options = replace(engine, backend=BackendChoice.ctranslate2).options()
    with progress_reporter("tuning") as report:
        result = tune_ct2(options, full=full, rounds=rounds, on_progress=lambda done, total, _: report(done, total))
    if as_json:
        print_json({**result.to_json(), "speedup_over_default": result.speedup()})
        return
    for m in result.measurements:
        mark = "" if m.identical else "  (output differs: not chosen)"
        typer.echo(f"{m.setting.label():<40} {m.sentences_per_s:8.2f} sent/s{mark}")
    speedup = result.speedup()
    typer.echo(
        f"chosen: {result.choice.label()}"
        + (f" ({speedup:.2f}x the default, {result.default.label()})" if speedup else "")
        + f"; measured in {result.seconds:.1f} s, cached for this machine and model"
    )
