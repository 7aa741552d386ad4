"""Hand-aligned words for measuring the model's word alignment, and the *aligning* training set.

:data:`ALIGNING_PAIRS` trains a tiny Marian (``selaras.devtools.marian.train_tiny_marian``)
whose attention has to find words: short sentences that share words, and the words
alone. :data:`ALIGNING_GOLD` and :data:`GOLD` say which English word each Indonesian
word becomes, in those sentences and in ``DEFAULT_PAIRS`` (the *memorising* test model).
``scripts/eval_word_alignment.py`` measures how often an alignment is sure, and right.
"""

from __future__ import annotations

#: Words and the sentences made of them, for a tiny model whose attention aligns words.
ALIGNING_WORDS: tuple[tuple[str, str], ...] = (
    ("Saya", "I"), ("suka", "like"), ("kopi", "coffee"), ("teh", "tea"),
    ("Dia", "She"), ("minum", "drinks"), ("membaca", "reads"), ("buku", "book"),
)
ALIGNING_PAIRS: tuple[tuple[str, str], ...] = (
    ("Saya suka kopi.", "I like coffee."),
    ("Dia minum teh.", "She drinks tea."),
    ("Saya membaca buku.", "I read books."),
    ("Dia suka teh.", "She likes tea."),
    ("Saya minum kopi.", "I drink coffee."),
    ("Dia membaca buku.", "She reads a book."),
    *((f"{word}.", f"{english}.") for word, english in ALIGNING_WORDS),
    ("Saya suka teh.", "I like tea."),
    ("Dia suka kopi.", "She likes coffee."),
    ("Saya suka buku.", "I like books."),
)
#: Hand-made word alignment of the aligning model's sentences.
ALIGNING_GOLD: dict[str, dict[str, str]] = {
    "Saya suka kopi.": {"Saya": "I", "suka": "like", "kopi": "coffee"},
    "Dia minum teh.": {"Dia": "She", "minum": "drinks", "teh": "tea"},
    "Saya membaca buku.": {"Saya": "I", "membaca": "read", "buku": "books"},
    "Dia suka teh.": {"Dia": "She", "suka": "likes", "teh": "tea"},
    "Saya minum kopi.": {"Saya": "I", "minum": "drink", "kopi": "coffee"},
    "Dia membaca buku.": {"Dia": "She", "membaca": "reads", "buku": "a book"},
    "Saya suka teh.": {"Saya": "I", "suka": "like", "teh": "tea"},
    "Dia suka kopi.": {"Dia": "She", "suka": "likes", "kopi": "coffee"},
    "Saya suka buku.": {"Saya": "I", "suka": "like", "buku": "books"},
}

#: Hand-made word alignment of DEFAULT_PAIRS: Indonesian word -> the English it becomes.
GOLD: dict[str, dict[str, str]] = {
    "Saya suka kopi.": {"Saya": "I", "suka": "like", "kopi": "coffee"},
    "Dia membaca buku di perpustakaan.": {"Dia": "She", "membaca": "reads", "buku": "book", "perpustakaan": "library"},
    "Kami pergi ke pasar pada hari Minggu.": {"Kami": "We", "pergi": "go", "pasar": "market", "Minggu": "Sunday"},
    "Hujan turun sejak pagi, jadi jalanan sangat basah.": {
        "pagi": "morning", "jalanan": "streets", "sangat": "very", "basah": "wet",
    },
}
