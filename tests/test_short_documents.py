"""Short documents: rules that estimate a document's own background must not starve.

The audit: a 4-sentence document whose MT equals the reference on 3 lines got "MT
evidence 0.00" and its MT was ignored for alignment. Its only far sentence pairs were
lines 1-4 and 4-1, and line 1's MT equals line 4's reference ("Thank you."), so the
"background" of unrelated pairs looked like a perfect match.
"""

from __future__ import annotations

from pathlib import Path

from selaras.align.confidence import BACKGROUND_MIN_DISTINCT, background, mt_evidence
from selaras.align.anchors import char_ngram_matrix, idf_weight
from selaras.records import Bead

REFERENCE = ["Thank you.", "I like coffee.", "She reads a book in the library.", "Thank you."]
MT = ["Thank you.", "I like coffee.", "She reads a book in the library.", "Thanks a lot."]


def test_an_mt_that_matches_three_of_four_lines_has_strong_evidence() -> None:
    beads = [Bead((k,), (k,)) for k in range(4)]
    assert mt_evidence(beads, MT, REFERENCE) > 0.7


def test_a_short_document_uses_the_default_background() -> None:
    x, y = idf_weight(char_ngram_matrix(MT), char_ngram_matrix(REFERENCE))
    assert background([Bead((k,), (k,)) for k in range(4)], x, y, "mt") == (0.08, 0.05)
    assert BACKGROUND_MIN_DISTINCT > 6  # a 5x5 document has 6 far pairs


def test_the_run_keeps_the_mt_of_a_short_document(tmp_path: Path) -> None:
    from selaras import run

    (tmp_path / "s.id.txt").write_text(
        "Terima kasih. Saya suka kopi. Dia membaca buku di perpustakaan. Terima kasih banyak.\n", encoding="utf-8"
    )
    (tmp_path / "r.en.txt").write_text(" ".join(REFERENCE) + "\n", encoding="utf-8")
    (tmp_path / "mt.txt").write_text("\n".join(MT) + "\n", encoding="utf-8")
    result = run(tmp_path / "s.id.txt", [tmp_path / "r.en.txt"], tmp_path / "out", mt=tmp_path / "mt.txt", n_bootstrap=0)
    assert not any("does not match" in w for w in result.warnings), result.warnings
    assert [r.mt for r in result.aligned[0]] == MT
