"""Export aligned rows as a parallel corpus: TMX 1.4b, Moses, JSONL or TSV, and read them back.

The aligned TSV is the working format; these are the formats other tools read. TMX is
what CAT tools (OmegaT, Trados, memoQ) import; Moses plain text (two line-parallel
files) is what MT training scripts take; JSONL keeps every field for scripts.

Rows are selected first (:func:`select_rows`: empty sides, ``min_chrf``, flags,
duplicates, each counted), then written atomically: everything goes to temporary
files in the target folder that are renamed into place only when complete, so a
failed export leaves no partial file behind (``selaras.io.atomic_write_many``;
OpusFilter cleans up *after* a failed write instead; we never leave one to clean).

**TMX.** Written with lxml, valid against the TMX 1.4b DTD (LISA, 2004; a test
validates against a copy). Per the DTD, ``<prop>`` may appear in ``<header>``,
``<tu>`` and ``<tuv>`` before their content and its ``type`` attribute is required;
user-defined types start with ``x-`` (TMX 1.4b spec, section 3.2). Bead, sentence ids,
scores and flags therefore go in ``<prop type="x-…">`` children of each ``<tu>``.
Characters that XML 1.0 forbids (C0 controls other than tab/newline/CR, U+FFFE/FFFF,
lone surrogates) are stripped, because no XML parser can read them back; opustools,
for comparison, writes them through and produces TMX other tools reject. No
``creationdate`` is written, so the same input always gives the same bytes.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from selaras.errors import USE_REFERENCE_PAIR, InputError
from selaras.io import STDIO, atomic_write, atomic_write_many, read_lines
from selaras.rows import AlignedRow, format_ids, write_aligned_tsv, write_jsonl

ExportFormat = Literal["tmx", "moses", "jsonl", "tsv"]
PairSide = Literal["reference", "mt"]

FORMATS: tuple[str, ...] = ("tmx", "moses", "jsonl", "tsv")
#: Formats that hold a source/target *pair* per line or unit; beads with an empty
#: side are left out of these (a 1-0 bead is not a translation pair).
PAIR_FORMATS: frozenset[str] = frozenset({"tmx", "moses"})
SOURCE_LANG = "id"
TARGET_LANG = "en"
#: Suffixes of the two Moses files, like OPUS's ``corpus.id``/``corpus.en``.
MOSES_SUFFIXES: tuple[str, str] = (f".{SOURCE_LANG}", f".{TARGET_LANG}")

# XML 1.0 section 2.2 (Char production): #x9 | #xA | #xD | [#x20-#xD7FF] |
# [#xE000-#xFFFD] | [#x10000-#x10FFFF]; everything else cannot appear in a document.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Line breaks other than \n that str.splitlines() and many tools also split on; in a
# line-parallel file each would shift every following line.
_LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export wrote and why the other rows were left out."""

    exported: int = 0
    skipped_empty: int = 0
    skipped_low_chrf: int = 0
    skipped_flagged: int = 0
    skipped_duplicate: int = 0

    @property
    def skipped(self) -> int:
        """Rows left out, for every reason together."""
        return self.skipped_empty + self.skipped_low_chrf + self.skipped_flagged + self.skipped_duplicate

    def as_json(self) -> dict[str, int]:
        return {
            "exported": self.exported,
            "skipped": self.skipped,
            "skipped_empty": self.skipped_empty,
            "skipped_low_chrf": self.skipped_low_chrf,
            "skipped_flagged": self.skipped_flagged,
            "skipped_duplicate": self.skipped_duplicate,
        }


def target_text(row: AlignedRow, pair: PairSide) -> str:
    """The English side that ``pair`` selects."""
    return row.reference if pair == "reference" else row.mt


def _normalise_for_dedupe(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def select_rows(
    rows: Sequence[AlignedRow],
    *,
    fmt: ExportFormat = "tmx",
    pair: PairSide = "reference",
    min_chrf: float | None = None,
    exclude_flags: Iterable[str] = (),
    dedupe: bool = False,
) -> tuple[list[AlignedRow], ExportSummary]:
    """Choose the rows to export and count the rest by the first reason they fail.

    Reasons are checked in this order: an empty side (pair formats only), chrF below
    ``min_chrf`` (a row without chrF counts as below: it cannot show it passes),
    any flag in ``exclude_flags``, and a (source, target) pair already exported
    (``dedupe``; compared after Unicode NFC and whitespace normalisation).
    """
    excluded = {f.strip() for f in exclude_flags if f.strip()}
    kept: list[AlignedRow] = []
    seen: set[tuple[str, str]] = set()
    empty = low = flagged = duplicate = 0
    for row in rows:
        target = target_text(row, pair)
        if fmt in PAIR_FORMATS and (not row.source.strip() or not target.strip()):
            empty += 1
            continue
        if min_chrf is not None and (row.chrf is None or row.chrf < min_chrf):
            low += 1
            continue
        if excluded.intersection(row.flags):
            flagged += 1
            continue
        if dedupe:
            key = (_normalise_for_dedupe(row.source), _normalise_for_dedupe(target))
            if key in seen:
                duplicate += 1
                continue
            seen.add(key)
        kept.append(row)
    return kept, ExportSummary(len(kept), empty, low, flagged, duplicate)


def check_pair(rows: Sequence[AlignedRow], pair: str, name: str) -> None:
    """Refuse a ``pair`` the rows cannot provide.

    A TSV made without MT (``selaras run --no-mt``, ``selaras align`` without ``--mt``)
    has an empty MT column; ``pair="mt"`` on it would skip every bead as "empty side"
    and write a valid but empty corpus with exit 0, which looks like success. An
    empty TSV is not refused: it exports nothing whichever side is asked for.

    Raises:
        InputError: ``pair`` is unknown, or ``"mt"`` while no row has MT text.
    """
    if pair not in ("reference", "mt"):
        raise InputError(f"unknown pair {pair!r}; choose reference or mt")
    if pair == "mt" and rows and not any(row.mt.strip() for row in rows):
        raise InputError(f"{name} has no MT column content; {USE_REFERENCE_PAIR}")


def export_rows(
    rows: Sequence[AlignedRow],
    path: str | os.PathLike[str],
    *,
    fmt: ExportFormat,
    pair: PairSide = "reference",
    min_chrf: float | None = None,
    exclude_flags: Iterable[str] = (),
    dedupe: bool = False,
    name: str = "the aligned TSV",
) -> ExportSummary:
    """Select rows (see :func:`select_rows`) and write them in ``fmt`` to ``path``.

    ``moses`` writes ``PATH.id`` and ``PATH.en``; the others write ``PATH`` (``-`` is
    stdout). Nothing is written when selection fails. ``name`` names the input in errors.

    Raises:
        InputError: for an unknown format or ``pair``, Moses to stdout, or
            ``pair="mt"`` on rows without any MT (see :func:`check_pair`).
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    check_pair(rows, pair, name)
    kept, summary = select_rows(
        rows, fmt=fmt, pair=pair, min_chrf=min_chrf, exclude_flags=exclude_flags, dedupe=dedupe
    )
    if fmt == "tmx":
        write_tmx(path, kept, pair=pair)
    elif fmt == "moses":
        write_moses(path, kept, pair=pair)
    elif fmt == "jsonl":
        write_jsonl(path, kept)
    else:
        write_aligned_tsv(path, kept)
    return summary


def export_paths(path: str | os.PathLike[str], fmt: ExportFormat) -> list[str]:
    """The file(s) an export to ``path`` in ``fmt`` creates."""
    if fmt == "moses":
        return [f"{path}{suffix}" for suffix in MOSES_SUFFIXES]
    return [str(path)]


# ---------------------------------------------------------------------------
# TMX


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (see module docstring)."""
    return _XML_FORBIDDEN.sub("", text)


def _format_score(value: float | None, digits: int) -> str | None:
    return None if value is None else f"{value:.{digits}f}"


def tmx_header(pair: PairSide = "reference"):
    """The TMX ``<header>`` element (lxml) Selaras writes, with the pair as a prop."""
    from lxml import etree

    from selaras import __version__

    header = etree.Element(
        "header",
        {
            "creationtool": "Selaras",
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": "Selaras TSV",
            "adminlang": "en",
            "srclang": SOURCE_LANG,
            "datatype": "plaintext",
        },
    )
    etree.SubElement(header, "prop", type="x-pair").text = pair
    return header


def tmx_unit(row: AlignedRow, number: int, *, pair: PairSide = "reference", props: Sequence[tuple[str, str]] = ()):
    """One ``<tu>`` element (lxml) for ``row``: ``tuid`` ``number``, ``props`` first
    (e.g. a corpus job's ``("x-doc", id)``), then the row's bead, ids, scores and flags."""
    from lxml import etree

    tu = etree.Element("tu", tuid=str(number))
    own = [
        ("x-bead", row.bead),
        ("x-src-ids", format_ids(row.src_ids)),
        ("x-ref-ids", format_ids(row.ref_ids)),
        ("x-align-score", _format_score(row.align_score, 4)),
        ("x-chrf", _format_score(row.chrf, 2)),
        ("x-bleu", _format_score(row.bleu, 2)),
        ("x-flags", ",".join(row.flags)),
    ]
    for kind, value in (*props, *own):
        if value:  # an empty prop says nothing; leave it out
            etree.SubElement(tu, "prop", type=kind).text = xml_safe(value)
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for lang, text in ((SOURCE_LANG, row.source), (TARGET_LANG, target_text(row, pair))):
        tuv = etree.SubElement(tu, "tuv", {xml_lang: lang})
        etree.SubElement(tuv, "seg").text = xml_safe(text)
    return tu


def build_tmx(rows: Sequence[AlignedRow], *, pair: PairSide = "reference"):
    """The TMX 1.4b tree (an ``lxml.etree._ElementTree``) for ``rows``."""
    from lxml import etree

    root = etree.Element("tmx", version="1.4")
    root.append(tmx_header(pair))
    body = etree.SubElement(root, "body")
    for number, row in enumerate(rows, start=1):
        body.append(tmx_unit(row, number, pair=pair))
    return etree.ElementTree(root)


#: The DOCTYPE every Selaras TMX carries (the DTD is not fetched by readers).
TMX_DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


def write_tmx(path: str | os.PathLike[str], rows: Sequence[AlignedRow], *, pair: PairSide = "reference") -> None:
    """Write ``rows`` as TMX 1.4b (UTF-8, with a DOCTYPE naming ``tmx14.dtd``), atomically."""
    from lxml import etree

    data = etree.tostring(
        build_tmx(rows, pair=pair),
        xml_declaration=True,
        encoding="UTF-8",
        pretty_print=True,
        doctype=TMX_DOCTYPE,
    )
    with atomic_write(path, "wb") as handle:
        handle.write(data)


def _lang_matches(value: str | None, lang: str) -> bool:
    """``id``, ``ID``, ``id-ID`` and ``id_ID`` all mean Indonesian."""
    return bool(value) and re.split(r"[-_]", value.lower())[0] == lang


def read_tmx(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """The (Indonesian, English) pairs of a TMX file, in order.

    Units without both an ``id`` and an ``en`` variant are skipped. Inline markup in
    ``<seg>`` is flattened to its text. The DOCTYPE's DTD is not fetched.

    Raises:
        InputError: on a file that is not well-formed XML or not TMX, naming the line.
    """
    from lxml import etree

    name = str(path)
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{name}: no such file")
    try:
        data = file.read_bytes()  # bytes: lxml honours the XML declaration (UTF-16 TMX exists)
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else "?"
        raise InputError(f"{name} line {line}: not well-formed XML ({exc.msg}); give a TMX file") from None
    if root.tag != "tmx":
        raise InputError(f"{name}: the root element is <{root.tag}>, not <tmx>; give a TMX file")
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    pairs: list[tuple[str, str]] = []
    for tu in root.iter("tu"):
        texts: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = tuv.get(xml_lang) or tuv.get("lang")
            seg = tuv.find("seg")
            if seg is None:
                continue
            for want in (SOURCE_LANG, TARGET_LANG):
                if _lang_matches(lang, want):
                    texts.setdefault(want, "".join(seg.itertext()))
        if SOURCE_LANG in texts and TARGET_LANG in texts:
            pairs.append((texts[SOURCE_LANG], texts[TARGET_LANG]))
    return pairs


# ---------------------------------------------------------------------------
# Moses


def one_line(text: str) -> str:
    """``text`` on one line: every line break becomes a space (tabs are kept)."""
    return _LINE_BREAKS.sub(" ", text)


def write_moses(path: str | os.PathLike[str], rows: Sequence[AlignedRow], *, pair: PairSide = "reference") -> None:
    """Write ``PATH.id`` and ``PATH.en``, one segment per line, both or neither.

    Raises:
        InputError: for ``-`` (two files cannot both go to stdout).
    """
    if str(path) == STDIO:
        raise InputError("the moses format writes two files (PATH.id, PATH.en); give a path, not - (stdout)")
    with atomic_write_many(export_paths(path, "moses")) as (src, tgt):
        for row in rows:
            src.write(one_line(row.source) + "\n")
            tgt.write(one_line(target_text(row, pair)) + "\n")


def read_moses(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """The (Indonesian, English) pairs of ``PATH.id`` + ``PATH.en``.

    Raises:
        InputError: when the two files differ in line count (never silently stop at
            the shorter one, as OpusFilter's readers do).
    """
    src_path, tgt_path = export_paths(path, "moses")
    src, tgt = read_lines(src_path), read_lines(tgt_path)
    if len(src) != len(tgt):
        raise InputError(
            f"{src_path} has {len(src)} lines but {tgt_path} has {len(tgt)}; Moses files must be line-parallel"
        )
    return list(zip(src, tgt, strict=True))
