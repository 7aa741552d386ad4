"""``selaras segment``: split a document into sentences, one per line (or JSON)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from selaras.cli.app import app, examples, handle_errors
from selaras.cli.options import JsonOption, output_option


class Lang(str, Enum):
    """Languages the splitter has abbreviation rules for (an Enum works with every typer)."""

    id = "id"
    en = "en"


@app.command(
    epilog=examples(
        "selaras segment artikel.id.txt > kalimat.txt",
        "selaras segment artikel.id.txt -o kalimat.txt",
        "selaras segment essay.en.txt --lang en --json",
        "cat artikel.id.txt | selaras segment -",
        "selaras segment artikel.id.txt | selaras translate - --lines",
    )
)
@handle_errors
def segment(
    file: Annotated[Path, typer.Argument(help="UTF-8 text file; blank lines separate paragraphs; - reads stdin.")],
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the text (picks the abbreviation rules).")] = Lang.id,
    output: Annotated[Path | None, output_option("Write here (atomically) instead of stdout.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Split a document into sentences: one per line, a blank line between paragraphs.

    Paragraph breaks (blank lines) always end a sentence. With --json, prints a list of
    {id, paragraph, text, start, end}: id is the 1-based sentence number (blank lines are
    not counted), paragraph is 0-based, start/end are character offsets into the input.
    """
    from selaras.jobs.translate import segment_file

    segment_file(file, output, lang=lang.value, as_json=as_json)  # type: ignore[arg-type]
