"""Corpora for the corpus-job tests: small document sets written to a folder, with a manifest."""

from __future__ import annotations

import random
from pathlib import Path

#: Indonesian-looking words for synthetic sentences (the random model's English is noise anyway).
WORDS = (
    "saya kami mereka dia rumah pasar buku kopi hujan jalan kota desa pagi malam besar kecil baru lama "
    "pergi datang makan minum membaca menulis melihat bekerja belajar sekolah kantor polisi pemerintah"
).split()
EN_WORDS = "we they house market book coffee rain road city village morning night big small new old go".split()


def synthetic_corpus(folder: Path, *, documents: int, sentences: int, seed: int = 0, repeats: int = 3) -> Path:
    """``documents`` documents of ``sentences`` sentences; ``repeats`` sentences recur in
    every document (as boilerplate does). Returns the TSV manifest."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    shared = [" ".join(rng.choices(WORDS, k=rng.randint(4, 9))).capitalize() + "." for _ in range(repeats)]
    lines = ["id\tsource\treference"]
    for d in range(documents):
        own = [" ".join(rng.choices(WORDS, k=rng.randint(4, 12))).capitalize() + "." for _ in range(sentences - repeats)]
        text = [*shared[: d % (repeats + 1)], *own]
        english = [" ".join(rng.choices(EN_WORDS, k=rng.randint(4, 12))).capitalize() + "." for _ in text]
        (folder / f"doc{d:03d}.id.txt").write_text(" ".join(text) + "\n", encoding="utf-8")
        (folder / f"doc{d:03d}.en.txt").write_text(" ".join(english) + "\n", encoding="utf-8")
        lines.append(f"doc{d:03d}\tdoc{d:03d}.id.txt\tdoc{d:03d}.en.txt")
    manifest = folder / "manifest.tsv"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path (locks and scratch files excluded)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".selaras-lock")
    }
