"""The behaviour snapshot behind ``test_house_golden.py``: a seed run and a 20-document corpus.

Both are made with the real ``selaras`` command in a subprocess, the tiny trained model
(``transformers`` engine, float32 on the CPU: the same bytes on every run), the default
embedder and a fixed bootstrap, from relative paths in one working folder so that no
temporary path ends up in the outputs. The few fields that name the machine's library
versions or the model's temporary folder are normalised (:func:`normalised`); every
other byte is compared. ``python tests/house_snapshot.py MODEL_DIR OUT`` writes a fresh
snapshot (how ``tests/golden/house/`` was made, before the house refactor).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

from corpus_helpers import synthetic_corpus
from selaras_process import run_selaras

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED = "belarus-2020"
#: A formatted document (the document path of ``translate``: blocks, inline spans).
MARKDOWN = "# Apa kabar?\n\nSaya suka **kopi**. Dia membaca buku di perpustakaan.\n\n- Terima kasih.\n- Kami pergi ke pasar pada hari Minggu.\n"
#: Engine fields that depend on the installed libraries or where the model lies, not on Selaras.
VOLATILE_ENGINE_KEYS = ("model", "model_path", "revision", "fingerprint", "versions", "transformers", "torch", "ctranslate2")


def _selaras(*args: str, cwd: Path) -> None:
    done = run_selaras(*args, cwd=cwd, timeout=600, package=os.environ.get("HOUSE_CLI_PACKAGE", "selaras"))
    if done.returncode != 0:
        raise AssertionError(f"selaras {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")


def _scrub(value: object) -> object:
    """Library versions and the model's folder replaced by a placeholder, recursively."""
    if isinstance(value, dict):
        return {
            k: ("<volatile>" if k in VOLATILE_ENGINE_KEYS and isinstance(v, (str, dict)) else _scrub(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        return re.sub(r"version:[0-9][0-9.]*", "version:<v>", re.sub(r"/\S*/model\b", "<model>", value))
    return value


def normalised(path: Path) -> bytes:
    """A file's bytes, with a JSON file's volatile fields scrubbed (see ``VOLATILE_ENGINE_KEYS``)."""
    data = path.read_bytes()
    if path.suffix != ".json":
        return data
    return json.dumps(_scrub(json.loads(data)), indent=1, sort_keys=True).encode("utf-8")


def make_snapshot(model: Path, work: Path) -> dict[str, bytes]:
    """Run the seed and the corpus in ``work``; every output file by relative path."""
    work.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO_ROOT / "seeds", work / "seeds", dirs_exist_ok=True)
    os.symlink(model, work / "model") if not (work / "model").exists() else None
    common = ("--model", "model", "--backend", "transformers", "--device", "cpu", "--beams", "2", "--bootstrap", "100")
    _selaras(
        "run", f"seeds/{SEED}.id.txt", "-r", f"seeds/{SEED}.en.close.txt", "-r", f"seeds/{SEED}.en.free.txt",
        "-o", "out/run", *common, cwd=work,
    )
    engine = common[:6]
    _selaras("translate", f"seeds/{SEED}.id.txt", "-o", "out/translate/seed.en.txt", *engine, cwd=work)
    (work / "doc.md").write_text(MARKDOWN, encoding="utf-8")
    _selaras("translate", "doc.md", "-o", "out/translate/doc.en.md", *engine, cwd=work)
    synthetic_corpus(work / "corpus", documents=20, sentences=6, seed=3)
    _selaras("corpus", "corpus/manifest.tsv", "-o", "out/corpus", "--memory", "memory.sqlite", *common, cwd=work)
    out = work / "out"
    return {
        str(p.relative_to(out)): normalised(p)
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.endswith(".selaras-lock")
    }


def main() -> int:
    model, dest = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        files = make_snapshot(model, Path(tmp))
    for name, data in files.items():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / name).write_bytes(data)
    print(f"wrote {len(files)} files to {dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
