"""``selaras segment``: split a document into sentences, one per line (or JSON)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from translate.cli.app import JsonOption, app, examples, handle_errors, print_json


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
        "selaras segment artikel.id.txt | selaras translate --lines",
    )
)
@handle_errors
def segment(
    file: Annotated[Path, typer.Argument(help="UTF-8 text file; blank lines separate paragraphs; - reads stdin.")],
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the text (picks the abbreviation rules).")] = Lang.id,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (atomically) instead of stdout.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Split a document into sentences: one per line, a blank line between paragraphs.

    Paragraph breaks (blank lines) always end a sentence. With --json, prints a list of
    {id, paragraph, text, start, end}: id is the 1-based sentence number (blank lines are
    not counted), paragraph is 0-based, start/end are character offsets into the input.
    """
    import json

    from translate.errors import InputError
    from translate.io import atomic_write, check_outputs, read_text
    from translate.segment import split_sentences

    name = str(file)
    if output is not None:
        check_outputs([output], [file])
    sentences = split_sentences(read_text(name), lang.value)  # type: ignore[arg-type]
    if not sentences:
        raise InputError(f"{name} is empty (no text to split); give a UTF-8 text file with at least one sentence")
    target = str(output) if output is not None else "-"
    if as_json:
        payload = [
            {"id": number, "paragraph": s.paragraph, "text": s.text, "start": s.start, "end": s.end}
            for number, s in enumerate(sentences, start=1)
        ]
        if target == "-":
            print_json(payload)
        else:
            with atomic_write(target) as handle:
                handle.write(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        return
    with atomic_write(target) as handle:
        previous = sentences[0].paragraph
        for s in sentences:
            if s.paragraph != previous:
                handle.write("\n")
                previous = s.paragraph
            handle.write(s.text + "\n")
