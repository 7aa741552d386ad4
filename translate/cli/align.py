"""``selaras align``: align a source document with its reference translation (aligned TSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from translate.cli.app import JsonOption, app, examples, handle_errors, print_json

#: One side having this many times more sentences than the other is suspicious enough
#: to warn (a wrong file, or a reference that only covers part of the source).
IMBALANCE_WARNING = 3.0


@app.command(
    epilog=examples(
        "selaras align article.id.txt article.en.txt -o aligned.tsv",
        "selaras align article.id.txt article.en.txt --mt article.mt.en.txt -o aligned.tsv",
        "selaras align src.txt ref.txt --lines --json",
        "selaras align src.txt ref.txt --lexicon id-en.dict.tsv --max-bead 6",
    )
)
@handle_errors
def align(
    source: Annotated[Path, typer.Argument(help="Indonesian source document (UTF-8).")],
    reference: Annotated[Path, typer.Argument(help="English reference translation (UTF-8).")],
    mt: Annotated[
        Path | None,
        typer.Option(help="English MT of the source, one line per source sentence (as written by selaras translate)."),
    ] = None,
    lines: Annotated[bool, typer.Option("--lines", help="Each non-empty line is one sentence (no segmentation).")] = False,
    output: Annotated[Path, typer.Option("-o", "--output", help="Write the aligned TSV here ('-' = stdout).")] = Path("-"),
    max_bead: Annotated[int, typer.Option("--max-bead", help="Most sentences in one bead, both sides together.")] = 5,
    lexicon: Annotated[
        Path | None, typer.Option(help="Bilingual lexicon, one 'source<TAB>target' pair per line (used without MT).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Align source and reference sentences (1-1, 1-2, 2-1, 0-1, ...) into an aligned TSV."""
    from translate.align import align_sentences, parse_lexicon, summarise
    from translate.checks import check_rows
    from translate.io import read_lines
    from translate.rows import build_rows, write_aligned_tsv
    from translate.pipeline import read_mt_lines, read_sentences

    src = [s.text for s in read_sentences(source, "id", lines=lines)]
    ref = [s.text for s in read_sentences(reference, "en", lines=lines)]
    mt_lines = read_mt_lines(mt, len(src)) if mt is not None else None
    lex = parse_lexicon(read_lines(lexicon), str(lexicon)) if lexicon is not None else None
    if max(len(src), len(ref)) > IMBALANCE_WARNING * min(len(src), len(ref)):
        typer.echo(
            f"Warning: {len(src)} source vs {len(ref)} reference sentences (more than "
            f"{IMBALANCE_WARNING:g}x); many sentences will be left unaligned. Check the files belong together.",
            err=True,
        )
    beads = align_sentences(src, ref, mt=mt_lines, max_bead=max_bead, lexicon=lex)
    rows = check_rows(build_rows(src, ref, mt_lines, beads))  # QA flags, as selaras check computes them
    if as_json:
        if str(output) != "-":
            write_aligned_tsv(output, rows)
        print_json(summarise(beads))
        return
    write_aligned_tsv(output, rows)
