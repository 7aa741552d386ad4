"""``selaras score`` and ``translate.metrics`` against sacrebleu's own command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.metrics import sentence_scores

runner = CliRunner()

HYP = ["The Kremlin said on Saturday that the problems would be solved quickly.", "Police used extreme force.", "Lukashenko opposes full unification with Russia."]
REF1 = ["The Kremlin said on Saturday that the problems would be resolved quickly.", "Riot police have used extreme force.", "Lukashenko has said he opposes full unification with Russia."]
REF2 = ["On Saturday the Kremlin said the problems would soon be settled.", "The police used extreme force.", "Lukashenko is against a full union with Russia."]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _sacrebleu(refs: list[Path], hyp: Path, *args: str) -> list[dict]:
    """Scores from sacrebleu's CLI (4 decimals, JSON), the reference implementation."""
    out = subprocess.run(
        [sys.executable, "-m", "sacrebleu", *map(str, refs), "-i", str(hyp), "-w", "4", *args],
        check=True, capture_output=True, text=True,
    ).stdout
    parsed = json.loads(out)
    return parsed if isinstance(parsed, list) else [parsed]


@pytest.mark.parametrize("nrefs", [1, 2])
def test_score_json_matches_the_sacrebleu_cli(tmp_path: Path, nrefs: int) -> None:
    hyp = _write(tmp_path / "hyp.txt", HYP)
    refs = [_write(tmp_path / "ref1.txt", REF1), _write(tmp_path / "ref2.txt", REF2)][:nrefs]
    result = runner.invoke(app, ["score", str(hyp), *map(str, refs), "--json", "--bootstrap", "200"])
    assert result.exit_code == 0, result.output
    ours = json.loads(result.stdout)

    bleu, chrf, ter = _sacrebleu(refs, hyp, "-m", "bleu", "chrf", "ter")
    (chrfpp,) = _sacrebleu(refs, hyp, "-m", "chrf", "--chrf-word-order", "2")
    for key, theirs in {"bleu": bleu, "chrf": chrf, "ter": ter, "chrfpp": chrfpp}.items():
        assert ours[key] == pytest.approx(theirs["score"], abs=1e-4), key
        # Same settings: our signature is theirs plus the bootstrap fields.
        assert set(theirs["signature"].split("|")) <= set(ours["signatures"][key].split("|")), key
    assert ours["n_sentences"] == 3
    assert all(ours["ci95"][k] is not None and ours["ci95"][k] >= 0 for k in ("bleu", "chrf", "chrfpp", "ter"))


def test_score_text_output_names_every_metric(tmp_path: Path) -> None:
    hyp, ref = _write(tmp_path / "h.txt", HYP), _write(tmp_path / "r.txt", REF1)
    result = runner.invoke(app, ["score", str(hyp), str(ref), "--bootstrap", "1"])
    assert result.exit_code == 0
    for name in ("BLEU", "chrF2", "chrF2++", "TER", "nrefs:1"):
        assert name in result.stdout


def test_score_rejects_files_that_are_not_line_parallel(tmp_path: Path) -> None:
    hyp, ref = _write(tmp_path / "h.txt", HYP), _write(tmp_path / "r.txt", REF1[:2])
    result = runner.invoke(app, ["score", str(hyp), str(ref)])
    assert result.exit_code == 2
    assert result.stderr == "Error: reference 1 has 2 lines but the hypothesis has 3; files must be line-parallel\n"


def test_sentence_scores_are_empty_when_a_side_is_empty() -> None:
    assert sentence_scores("", "Police used force.") is None
    assert sentence_scores("Police used force.", "  ") is None
    chrf, bleu = sentence_scores("Police used force.", "Police used force.")
    assert chrf == pytest.approx(100.0) and bleu == pytest.approx(100.0)
