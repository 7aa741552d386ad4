"""``selaras score`` and ``selaras.metrics`` against sacrebleu's own command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selaras.cli import app
from selaras.errors import InputError
from selaras.metrics import check_bootstrap, corpus_scores, score_rows, sentence_scores

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
    # The bootstrap runs here (see metrics._bootstrap_scores) but is sacrebleu's: same CIs.
    (bleu_ci, chrf_ci, ter_ci) = _sacrebleu(refs, hyp, "-m", "bleu", "chrf", "ter", "--confidence", "--confidence-n", "200")
    for key, theirs in {"bleu": bleu_ci, "chrf": chrf_ci, "ter": ter_ci}.items():
        assert ours["ci95"][key] == pytest.approx(theirs["confidence_var"], abs=1e-3), key


def test_score_text_output_names_every_metric(tmp_path: Path) -> None:
    hyp, ref = _write(tmp_path / "h.txt", HYP), _write(tmp_path / "r.txt", REF1)
    result = runner.invoke(app, ["score", str(hyp), str(ref), "--bootstrap", "0"])
    assert result.exit_code == 0
    for name in ("BLEU", "chrF2", "chrF2++", "TER", "nrefs:1"):
        assert name in result.stdout


def test_score_rejects_files_that_are_not_line_parallel(tmp_path: Path) -> None:
    hyp, ref = _write(tmp_path / "h.txt", HYP), _write(tmp_path / "r.txt", REF1[:2])
    result = runner.invoke(app, ["score", str(hyp), str(ref)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {ref} has 2 lines but {hyp} has 3; files must be line-parallel\n"


def test_sentence_scores_are_empty_when_a_side_is_empty() -> None:
    assert sentence_scores("", "Police used force.") is None
    assert sentence_scores("Police used force.", "  ") is None
    chrf, bleu = sentence_scores("Police used force.", "Police used force.")
    assert chrf == pytest.approx(100.0) and bleu == pytest.approx(100.0)


def _one_error(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert result.stdout == ""
    return lines[0]


def test_score_refuses_blank_lines_that_do_not_coincide(tmp_path: Path) -> None:
    """Same line count by chance: sentences against paragraph-formatted text (was BLEU 19.07)."""
    hyp = _write(tmp_path / "h.txt", ["The cat sat on the mat."] * 6)
    ref = _write(tmp_path / "r.txt", ["The cat sat on the mat.", "", "It was happy.", "The dog barked.", "", "It slept."])
    for args in ([], ["--json"]):
        line = _one_error(runner.invoke(app, ["score", str(hyp), str(ref), *args]))
        assert "blank lines in different places (lines 2 and 5 blank in" in line and "r.txt only" in line


def test_score_skips_paragraph_breaks_blank_in_every_file(tmp_path: Path) -> None:
    hyp = _write(tmp_path / "h.txt", [HYP[0], "", HYP[1], "  ", HYP[2]])
    ref = _write(tmp_path / "r.txt", [REF1[0], "", REF1[1], "", REF1[2]])
    flat_h, flat_r = _write(tmp_path / "fh.txt", HYP), _write(tmp_path / "fr.txt", REF1)
    with_breaks = runner.invoke(app, ["score", str(hyp), str(ref), "--json", "--bootstrap", "0"])
    flat = runner.invoke(app, ["score", str(flat_h), str(flat_r), "--json", "--bootstrap", "0"])
    assert with_breaks.exit_code == flat.exit_code == 0, with_breaks.output
    assert json.loads(with_breaks.stdout) == json.loads(flat.stdout)
    assert json.loads(with_breaks.stdout)["n_sentences"] == 3


def test_bootstrap_never_hands_numpy_numbers_to_sacrebleu(tmp_path: Path) -> None:
    """One sentence repeated: resamples where chrF finds no match score a Python 0.0, the
    others numpy float32, and sacrebleu's own bootstrap died in statistics.mean with a
    40-line "don't know how to coerce float and float32" traceback."""
    hyps = ["the cat sat on the mat"] + ["zzz qqq"] * 5
    refs = ["the cat sat on the mat"] + ["a dog barked loudly"] * 5
    scores = corpus_scores(hyps, [refs], n_bootstrap=200)
    assert all(s.ci is not None and s.ci >= 0 for s in scores.values())
    # Blank lines scored as segments (the library scores every line, as sacrebleu does).
    scores = corpus_scores(["The cat sat on the mat."] * 6, [["The cat sat.", "", "x", "y", "", "z"]], n_bootstrap=200)
    assert scores["ter"].ci is not None
    result = runner.invoke(app, ["score", str(_write(tmp_path / "h.txt", hyps)), str(_write(tmp_path / "r.txt", refs)), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ci95"]["chrf"] is not None


@pytest.mark.parametrize("value", ["-5", "5", "99", "10001"])
def test_score_refuses_bootstrap_outside_the_rule(tmp_path: Path, value: str) -> None:
    hyp, ref = _write(tmp_path / "h.txt", HYP), _write(tmp_path / "r.txt", REF1)
    line = _one_error(runner.invoke(app, ["score", str(hyp), str(ref), "--bootstrap", value, "--json"]))
    assert line == (
        "Error: bootstrap resamples must be 0 (no confidence interval) or 100-10,000 "
        f"(sacrebleu's default is 1000), got {value}"
    )


def test_check_bootstrap_rule() -> None:
    assert check_bootstrap(0) == 0 and check_bootstrap(1) == 0  # 1 meant off before 0 did
    assert check_bootstrap(100) == 100 and check_bootstrap(1000) == 1000
    for bad in (-1, 2, 99, 10_001):
        with pytest.raises(InputError, match="0 \\(no confidence interval\\) or 100"):
            check_bootstrap(bad)


def test_score_bootstrap_zero_means_no_ci(tmp_path: Path) -> None:
    hyp, ref = _write(tmp_path / "h.txt", HYP), _write(tmp_path / "r.txt", REF1)
    result = runner.invoke(app, ["score", str(hyp), str(ref), "--json", "--bootstrap", "0"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert set(payload["ci95"].values()) == {None} and "bs:" not in payload["signatures"]["bleu"]


def test_score_rows_scores_rows_with_both_sides_only() -> None:
    from types import SimpleNamespace as Row

    rows = [Row(mt=h, reference=r) for h, r in zip(HYP, REF1)]
    rows += [Row(mt="Unaligned MT.", reference=""), Row(mt="", reference="Unaligned reference."), Row(mt=" ", reference="x")]
    payload = score_rows(rows, n_bootstrap=0, keys=("bleu", "chrf"))
    expected = corpus_scores(HYP, [REF1], n_bootstrap=0, keys=("bleu", "chrf"))
    assert payload["n_sentences"] == 3
    assert payload["bleu"] == round(expected["bleu"].score, 4) and set(payload["signatures"]) == {"bleu", "chrf"}
    assert set(score_rows(rows[:3], n_bootstrap=0)) >= {"bleu", "chrf", "chrfpp", "ter", "ci95", "signatures"}
    assert score_rows(rows[3:], n_bootstrap=0) is None and score_rows([]) is None
