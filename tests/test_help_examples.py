"""Every example in every ``--help`` runs (#27): what a user copies from the help works.

The examples are read from the commands themselves (each epilog line starting with
``$ ``), so a new example is tested the day it is written. Each runs for real in its own
copy of a sandbox folder holding the files the examples name, with the real CLI
in-process (typer's ``CliRunner``): a trailing ``# comment`` dropped, an ``ENV=1``
prefix applied to the environment, ``> FILE`` written, ``cat FILE |`` and ``a | b``
fed as stdin.

The default model, the hub id ``Helsinki-NLP/opus-mt-id-en``, cannot be downloaded
here: the tiny trained test model stands in for it, laid out in a Hugging Face cache as
a download leaves it (``HF_HOME/hub/models--…/refs/main``, ``snapshots/<commit>/``) and
read offline, through the same resolution users run (``selaras.backends.loading``).
``./opus-mt-id-en`` is a copy of it; ``sentence-transformers/LaBSE`` is a tiny
sentence-transformers BERT in the same cache.

:data:`NOT_RUN_IN_PROCESS` names, with the reason, the few examples that cannot run as
the others do, and each is still checked as far as it can be.
"""

from __future__ import annotations

import json
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selaras.cli import app

pytestmark = pytest.mark.slow  # trains the tiny model (session fixture) and runs ~55 commands

runner = CliRunner()
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def help_examples() -> list[tuple[str, str]]:
    """``(command path, example line)`` for every ``$ `` line of every command's --help."""
    import typer

    found: list[tuple[str, str]] = []

    def walk(command, path: list[str]) -> None:
        for line in (command.epilog or "").splitlines():
            if line.strip().startswith("$ "):
                found.append((" ".join(path), line.strip()[2:]))
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


EXAMPLES = help_examples()

#: Examples not run in-process like the others, and why. Each is still run or checked
#: by :func:`run_special` below; keep this list short.
NOT_RUN_IN_PROCESS: dict[str, str] = {
    "selaras review aligned.tsv --serve": "serves until stopped: run as a subprocess (BROWSER=true), "
    "its URL fetched, then Ctrl-C",
    "selaras review aligned.tsv --serve --port 8765 --no-open": "serves until stopped: run as a subprocess, "
    "its URL fetched, then Ctrl-C",
    "selaras review aligned.tsv --serve --tm memori.tm": "serves until stopped: run as a subprocess "
    "(BROWSER=true), its URL fetched, then Ctrl-C",
    "selaras corpus manifest.jsonl -o runs/corpus --engine ray --ray-address auto --json": "joins a running Ray "
    "cluster, which a test cannot hold (starting one: ~10 s, ~1.5 GB): run with no cluster, it must fail with one "
    "clear line naming Ray; the same manifest runs with --engine local --json",
}


def _example_id(item: tuple[str, str]) -> str:
    return item[1].split("#")[0].strip().removeprefix("selaras ")


def test_the_examples_are_found() -> None:
    """Every command has examples, and the list of exceptions names only real examples."""
    import typer

    commands = {path for path, _ in EXAMPLES}
    root = typer.main.get_command(app)
    leaves = {name for name, c in root.commands.items() if not hasattr(c, "commands")}
    leaves |= {f"{name} {sub}" for name, c in root.commands.items() for sub in getattr(c, "commands", {})}
    assert commands == leaves
    assert len(EXAMPLES) >= 50
    assert set(NOT_RUN_IN_PROCESS) <= {line.split("#")[0].strip() for _, line in EXAMPLES}


# --------------------------------------------------------------------------- the sandbox

ARTICLE = (
    "Saya suka kopi. Dia membaca buku di perpustakaan.\n\n"
    "Kami pergi ke pasar pada hari Minggu. Hujan turun sejak pagi, jadi jalanan sangat basah.\n"
)
ARTICLE_EN = (
    "I like coffee. She reads a book in the library.\n\n"
    "We go to the market on Sunday. It has been raining since morning, so the streets are very wet.\n"
)
SENTENCES = ["Terima kasih.", "Apa kabar?", "Saya suka kopi.", "Dia membaca buku di perpustakaan."]
SENTENCES_EN = ["Thank you.", "How are you?", "I like coffee.", "She reads a book in the library."]


def _hub_cache(hf_home: Path, repo_id: str, model_dir: Path) -> None:
    """Lay ``model_dir`` out as huggingface_hub's cache holds a downloaded ``repo_id``."""
    repo = hf_home / "hub" / ("models--" + repo_id.replace("/", "--"))
    shutil.copytree(model_dir, repo / "snapshots" / COMMIT)
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(COMMIT, encoding="utf-8")


def _tiny_sentence_encoder(folder: Path) -> Path:
    """A random 2-layer BERT saved as a sentence-transformers folder (mean pooling)."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder.mkdir(parents=True)
    texts = (ARTICLE, ARTICLE_EN, *SENTENCES, *SENTENCES_EN)
    words = sorted({w.strip(".,?").lower() for text in texts for w in text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", "?", *[w for w in words if w]]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128)
    BertModel(config).save_pretrained(folder)
    (folder / "1_Pooling").mkdir()
    pooling = {"word_embedding_dimension": 32, "pooling_mode_mean_tokens": True}
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    (folder / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
    ]))
    return folder


def _docx(path: Path, paragraphs: list[str]) -> None:
    import docx

    document = docx.Document()
    document.add_heading(paragraphs[0], level=1)
    for text in paragraphs[1:]:
        paragraph = document.add_paragraph()
        first, _, rest = text.partition(" ")
        paragraph.add_run(first + " ").bold = True
        paragraph.add_run(rest)
    document.save(str(path))


def _invoke(args: list[str], **kwargs):
    result = runner.invoke(app, args, **kwargs)
    assert result.exit_code == 0, f"selaras {shlex.join(args)}: {result.output}"
    return result


@pytest.fixture(scope="module")
def hub_env(tmp_path_factory: pytest.TempPathFactory, tiny_trained_model) -> Iterator[Path]:
    """A Hugging Face cache holding the default model (and LaBSE), read offline; and this
    module's own Selaras cache (the shortlist an example builds is the model's default)."""
    from huggingface_hub import constants

    model_dir, _ = tiny_trained_model
    hf_home = tmp_path_factory.mktemp("hf-home")
    _hub_cache(hf_home, "Helsinki-NLP/opus-mt-id-en", model_dir)
    _hub_cache(hf_home, "sentence-transformers/LaBSE", _tiny_sentence_encoder(hf_home / "labse-build"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HOME", str(hf_home))
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("SELARAS_CACHE", str(tmp_path_factory.mktemp("selaras-cache")))
        # huggingface_hub read these when it was imported; set them as a fresh process would.
        mp.setattr(constants, "HF_HOME", str(hf_home))
        mp.setattr(constants, "HF_HUB_CACHE", str(hf_home / "hub"))
        mp.setattr(constants, "HF_HUB_OFFLINE", True)
        yield hf_home


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory, hub_env: Path, tiny_trained_model) -> Path:
    """A folder holding every file the examples name; each test runs in its own copy."""
    root = tmp_path_factory.mktemp("examples")
    repo = Path(__file__).resolve().parents[1]
    shutil.copytree(repo / "seeds", root / "seeds")
    shutil.copytree(tiny_trained_model[0], root / "opus-mt-id-en")

    def write(name: str, text: str) -> None:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")

    for name in ("artikel.id.txt", "article.id.txt", "doc.id.txt"):
        write(name, ARTICLE)
    for name in ("article.en.txt", "ref.en.txt", "ref1.en.txt", "ref2.en.txt", "essay.en.txt"):
        write(name, ARTICLE_EN)
    # src.txt, ref.txt: the seed and its close reference, one sentence a line (align --lines, score)
    shutil.copy(root / "seeds/belarus-2020.id.txt", root / "src.txt")
    shutil.copy(root / "seeds/belarus-2020.en.close.txt", root / "ref.txt")
    write("kalimat.id.txt", "\n".join(SENTENCES) + "\n")
    # a monolingual corpus big enough for a model's default shortlist (MIN_SENTENCES)
    from selaras.jobs.shortlist import MIN_SENTENCES

    write("berita.id.txt", "".join(f"{SENTENCES[i % len(SENTENCES)]}\n" for i in range(MIN_SENTENCES)) + ARTICLE)
    write("id-en.dict.tsv", "kopi\tcoffee\nbuku\tbook\npasar\tmarket\nhujan\train\n")
    write("istilah.tsv", "source\ttarget\tnote\nkopi\tcoffee\nperpustakaan\tlibrary\tnot 'bookshop'\n")  # a glossary (#23)
    write("halaman.php", "<?php $judul = 'Berita'; ?>\n<html><body><h1>Apa kabar?</h1>\n"
          "<p>Saya suka <b>kopi</b>. Dia membaca buku di perpustakaan.</p>\n<?php echo date('Y'); ?>\n</body></html>\n")
    _docx(root / "laporan.docx", ["Apa kabar?", "Saya suka kopi.", "Dia membaca buku di perpustakaan."])
    _docx(root / "report.en.docx", ["How are you?", "I like coffee.", "She reads a book in the library."])
    # MT as selaras translate writes it: the seed line by line (line-parallel with its
    # close reference), the articles sentence by sentence.
    _invoke(["translate", "seeds/belarus-2020.id.txt", "--lines", "-o", str(root / "mt.en.txt")])
    for name in ("ref1.txt", "ref2.txt"):
        shutil.copy(root / "seeds/belarus-2020.en.close.txt", root / name)
    _invoke(["translate", str(root / "article.id.txt"), "-o", str(root / "article.mt.en.txt")])
    shutil.copy(root / "article.mt.en.txt", root / "doc.mt.txt")
    # aligned.tsv and its metrics.json from a real run; reviewed.tsv: one bead accepted.
    _invoke(["run", str(root / "doc.id.txt"), "-r", str(root / "ref.en.txt"), "-o", str(root / "run")])
    for name in ("aligned.tsv", "metrics.json"):
        shutil.copy(root / "run" / name, root / name)
    shutil.rmtree(root / "run")
    shutil.copy(root / "aligned.tsv", root / "reviewed.tsv")
    from selaras.review.session import ReviewSession

    session, _ = ReviewSession.open(root / "reviewed.tsv")
    try:
        session.set_status(0, "accepted", session.version)
    finally:
        session.close()
    for leftover in root.glob("reviewed.tsv.*"):  # the review journal
        leftover.unlink()
    # a translation memory holding the accepted bead, and its TMX (the tm examples, --tm)
    _invoke(["tm", "add", str(root / "reviewed.tsv"), "--tm", str(root / "memori.tm")])
    _invoke(["tm", "export", str(root / "memori.tmx"), "--tm", str(root / "memori.tm")])
    # a translator's XLIFF with empty targets, and the same file after translation (to export)
    shutil.copy(Path(__file__).parent / "data" / "bilingual" / "sample-1.2.xlf", root / "strings.id.xlf")
    _invoke(["translate", str(root / "strings.id.xlf"), "-o", str(root / "reviewed.en.xlf")])
    # the shortlist the translate example names (its own example builds it too)
    shortlist = ["--corpus", str(root / "berita.id.txt"), "-o", str(root / "opus-id-en.shortlist.json")]
    _invoke(["shortlist", "build", *shortlist])
    # the corpus inputs: a TSV and a JSONL manifest, and a folder of NAME.id.txt / NAME.en.txt
    for name, text in (("satu", ARTICLE), ("dua", "\n".join(SENTENCES) + "\n")):
        write(f"docs/{name}.id.txt", text)
        write(f"docs/{name}.en.txt", ARTICLE_EN if name == "satu" else "\n".join(SENTENCES_EN) + "\n")
    names = ("satu", "dua")
    write("manifest.tsv", "id\tsource\treference\n" + "".join(f"{n}\tdocs/{n}.id.txt\tdocs/{n}.en.txt\n" for n in names))
    entries = [{"id": n, "source": f"docs/{n}.id.txt", "reference": f"docs/{n}.en.txt"} for n in names]
    write("manifest.jsonl", "".join(json.dumps(entry) + "\n" for entry in entries))
    return root


@pytest.fixture()
def workdir(sandbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of the sandbox, as the current folder."""
    folder = tmp_path / "work"
    shutil.copytree(sandbox, folder, symlinks=True)
    monkeypatch.chdir(folder)
    return folder


def test_the_default_model_comes_from_the_hub_cache(hub_env: Path) -> None:
    """The stand-in is found where a download puts the real model, by the resolution users run."""
    from selaras.backends.base import DEFAULT_MODEL
    from selaras.backends.loading import resolve_model

    source = resolve_model(DEFAULT_MODEL)
    assert DEFAULT_MODEL == "Helsinki-NLP/opus-mt-id-en"
    assert not source.is_local and source.local_files_only and source.commit == COMMIT


# --------------------------------------------------------------------------- running a line


def parse(line: str) -> tuple[dict[str, str], list[list[str]], str | None, str | None]:
    """A shell line as the examples write it: ``(env, [argv of each | stage], stdin file, > file)``."""
    words = shlex.split(line, comments=True)
    env: dict[str, str] = {}
    while words and "=" in words[0] and not words[0].startswith("-"):
        key, _, value = words.pop(0).partition("=")
        env[key] = value
    redirect = None
    if ">" in words:
        at = words.index(">")
        redirect, words = words[at + 1], words[:at]
    stages: list[list[str]] = [[]]
    for word in words:
        if word == "|":
            stages.append([])
        else:
            stages[-1].append(word)
    stdin_file = None
    if stages[0][0] == "cat":
        stdin_file = stages.pop(0)[1]
    return env, stages, stdin_file, redirect


def run_line(line: str, folder: Path) -> str:
    """Run an example line in ``folder`` (in-process); return the last stage's stdout."""
    env, stages, stdin_file, redirect = parse(line)
    data = (folder / stdin_file).read_text(encoding="utf-8") if stdin_file else None
    for argv in stages:
        if argv[0] == "jq":  # jq reads the JSON selaras printed
            data = _jq(argv[1:], data or "")
            continue
        assert argv[0] == "selaras", line
        result = runner.invoke(app, argv[1:], input=data, env=env)
        assert result.exit_code == 0, f"{line}\nexit {result.exit_code}\n{result.output}"
        data = result.stdout
    if redirect:
        (folder / redirect).write_text(data or "", encoding="utf-8")
    return data or ""


def _jq(args: list[str], data: str) -> str:
    """``jq FILTER`` when jq is installed; else the one filter the examples use, ``.key``."""
    if shutil.which("jq"):
        done = subprocess.run(["jq", *args], input=data, text=True, capture_output=True, timeout=30)
        assert done.returncode == 0, done.stderr
        return done.stdout
    (key,) = [a.removeprefix(".") for a in args]
    return json.dumps(json.loads(data)[key])


def outputs_named(line: str) -> list[str]:
    """The files and folders an example says it writes (``-o``, ``--html``, ``> FILE``)."""
    _, stages, _, redirect = parse(line)
    named = [redirect] if redirect else []
    for argv in stages:
        for flag in ("-o", "--output", "--out", "--html"):
            if flag in argv and argv[argv.index(flag) + 1] != "-":
                named.append(argv[argv.index(flag) + 1])
    return named


@pytest.mark.parametrize(("command", "line"), EXAMPLES, ids=[_example_id(e) for e in EXAMPLES])
def test_help_example_runs(command: str, line: str, workdir: Path, request: pytest.FixtureRequest) -> None:
    if command == "shortlist build":  # one may build the model's default shortlist: keep it to this test
        request.getfixturevalue("fresh_cache")
    if line.split("#")[0].strip() in NOT_RUN_IN_PROCESS:
        run_special(line.split("#")[0].strip(), workdir)
        return
    for name in outputs_named(line):
        target = workdir / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    stdout = run_line(line, workdir)
    for name in outputs_named(line):
        if name == "corpus" and "moses" in line:  # moses writes PATH.id and PATH.en
            assert (workdir / "corpus.id").is_file() and (workdir / "corpus.en").is_file()
        else:
            assert (workdir / name).exists(), f"{line}: no {name}"
    if "--json" in line:  # what it printed (or piped on, or wrote with >) is JSON
        _, _, _, redirect = parse(line)
        json.loads((workdir / redirect).read_text(encoding="utf-8") if redirect else stdout)


# --------------------------------------------------------------------------- the exceptions


def run_special(line: str, folder: Path) -> None:
    if "--serve" in line:
        _serve_and_stop(line, folder)
    elif "--engine ray" in line:
        _ray_without_a_cluster(line, folder)
    else:  # pragma: no cover - a new entry in NOT_RUN_IN_PROCESS needs its check here
        raise AssertionError(f"no check for {line}")


def _serve_and_stop(line: str, folder: Path) -> None:
    """The real command in a subprocess: one URL line that serves the page, then Ctrl-C ends it with 0."""
    import httpx

    from selaras_process import start_selaras

    _, (argv,), _, _ = parse(line)
    env = {"PYTHONUNBUFFERED": "1", "BROWSER": "true"}
    proc = start_selaras(*argv[1:], cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()  # type: ignore[union-attr]  # blocks until ready (or exit)
        stderr = proc.stderr.read() if proc.poll() is not None else ""  # type: ignore[union-attr]
        assert url.startswith("http://127.0.0.1:"), f"{line}: {url!r} {stderr}"
        if "--port" in argv:
            assert url.startswith(f"http://127.0.0.1:{argv[argv.index('--port') + 1]}/")
        page = httpx.get(url, timeout=30, follow_redirects=True)  # the token becomes a cookie
        assert page.status_code == 200 and "<html" in page.text.lower()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, proc.stderr.read()  # type: ignore[union-attr]


def _ray_without_a_cluster(line: str, folder: Path) -> None:
    """No Ray cluster runs here: one clear error line naming Ray (also without the ray
    extra: how to install it); the same line with ``--engine local`` runs."""
    _, (argv,), _, _ = parse(line)
    env = {"RAY_ADDRESS": None, "RAY_TMPDIR": str(folder / "ray-tmp")}  # no cluster, not even a stale one's file
    started = time.monotonic()
    result = runner.invoke(app, argv[1:], env=env)
    assert result.exit_code != 0 and time.monotonic() - started < 120
    errors = [l for l in result.stderr.splitlines() if l.startswith("Error:")]
    assert len(errors) == 1 and "Ray" in errors[0] and "Traceback" not in result.output, result.output
    local = [a for a in argv if a not in ("ray", "auto", "--ray-address")]
    local[local.index("--engine") + 1 : local.index("--engine") + 1] = ["local"]
    shutil.rmtree(folder / "runs", ignore_errors=True)
    json.loads(run_line(shlex.join(local), folder))
