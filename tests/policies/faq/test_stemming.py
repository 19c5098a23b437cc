"""Stems come from PyStemmer's C Snowball stemmers, identical to snowballstemmer's Python ones.

snowballstemmer hands out PyStemmer's stemmers when PyStemmer is installed (a dependency),
so it never imports its 30 pure-Python stemmers. The lexical index was tuned on the Python
stemmers' output: the two must keep agreeing word for word.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import snowballstemmer
from snowballstemmer.english_stemmer import EnglishStemmer
from snowballstemmer.italian_stemmer import ItalianStemmer

from policies.faq.text import stem, terms

ROOT = Path(__file__).resolve().parents[3]


def _vocabulary() -> list[str]:
    """Words of the shipped policy example, FAQ data and spam corpus (thousands of them)."""
    found: set[str] = set()
    for pattern in ("policies/**/*.json", "policies/**/*.yaml", "policies/**/*.txt", "*.yaml"):
        for path in ROOT.glob(pattern):
            found |= set(re.findall(r"[^\W_\d]+", path.read_text(encoding="utf-8").lower()))
    return sorted(found)


def test_the_c_stemmers_are_in_use() -> None:
    assert type(snowballstemmer.stemmer("italian")).__module__ == "Stemmer"


@pytest.mark.parametrize(("lang", "python_stemmer"), [("it", ItalianStemmer),
                                                      ("en", EnglishStemmer)])
def test_c_and_python_stemmers_agree(lang: str, python_stemmer: type) -> None:
    words = _vocabulary()
    assert len(words) > 1000
    reference = python_stemmer()
    differ = [w for w in words if stem(w, lang) != reference.stemWord(w)]
    assert differ == []


def test_terms_are_stems_without_stopwords() -> None:
    assert terms("Quando arrivano gli ordini spediti?", "it") == ["arriv", "ordin", "sped"]
    assert terms("When do shipped orders arrive?", "en") == ["ship", "order", "arriv"]
