"""Terminology: a glossary the MT obeys and the checks verify.

* :mod:`.glossary` reads a glossary (TSV, CSV, TBX) into :class:`Glossary` of
  :class:`Term` entries, refusing a bad one in one line.
* :mod:`.match` finds the terms in Indonesian text (enclitics and case understood) and
  their English in a translation.
* :mod:`.enforce` puts each term's English into the MT where the model's word
  alignment says the term went, and leaves the sentence as it was when unsure.

The ``term-missing`` check (``selaras.checks.term_missing``) uses the same matching.
"""

from __future__ import annotations

from selaras.terms.glossary import Glossary, Term, make_glossary, parse_glossary_table, read_glossary
from selaras.terms.match import AFFIX_CHOICES, TermMatch, TermMatcher, english_spans, has_english

__all__ = [
    "AFFIX_CHOICES",
    "Glossary",
    "Term",
    "TermMatch",
    "TermMatcher",
    "english_spans",
    "has_english",
    "make_glossary",
    "parse_glossary_table",
    "read_glossary",
]
