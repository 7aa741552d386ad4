"""Tools for developing and measuring Selaras, not used by its commands.

* :mod:`~selaras.devtools.marian`: Marian models built locally, without downloads: a
  random one at a real architecture (tiny, or Opus-MT id-en's exact shape) and a tiny
  one trained to translate a few pairs exactly. The tests' models and the benchmarks'.
* :mod:`~selaras.devtools.align_bench`, :mod:`~selaras.devtools.seg_bench`: readers and
  scoring of the sentence-alignment and sentence-splitting benchmarks.
* :mod:`~selaras.devtools.word_alignment`: hand-aligned words and the training set of
  the tiny model whose attention aligns words.

The command lines over them are in ``scripts/``. Nothing here is imported by
``import selaras``; torch, transformers and sentencepiece are imported only inside the
functions that build a model.
"""
