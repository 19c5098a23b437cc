from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.faq.confidence import Evidence, confidence
from policies.faq.lexical import LexicalIndex
from policies.faq.text import terms

DOCS = [terms(t, lang) for t, lang in [
    ("Quanto costa la spedizione?", "it"),
    ("Spedite anche all'estero?", "it"),
    ("How much does shipping cost?", "en"),
    ("Can I get an invoice?", "en"),
]]


@pytest.mark.parametrize(
    ("text", "lang", "first"),
    [("costi di spedizione", "it", 0), ("e all'estero?", "it", 1),
     ("shipping costs", "en", 2), ("invoices please", "en", 3)],
    ids=["it-plural", "it-elision", "en-stem", "en-plural"],
)
def test_stemming_and_stopwords_find_the_phrasing(text: str, lang: str, first: int) -> None:
    hits = LexicalIndex(DOCS).search(terms(text, lang), k=2)
    assert hits[0].doc == first


def test_stopwords_alone_match_nothing() -> None:
    assert LexicalIndex(DOCS).search(terms("ma come si fa? how do I do it", "it")) == []


def test_posting_lists_are_capped_but_keep_the_best() -> None:
    docs = [["common", f"w{i}"] for i in range(500)] + [["common", "common", "rare"]]
    index = LexicalIndex(docs, max_postings=8)
    hits = index.search(["common"], k=20)
    assert (len(hits), hits[0].doc) == (8, 500)


@settings(max_examples=150)
@given(st.lists(st.sampled_from(["spedizion", "cost", "fattur", "ship", "xyz"]), max_size=6))
def test_coverage_is_a_share(query: list[str]) -> None:
    assert all(0.0 <= h.coverage <= 1.0 + 1e-9 for h in LexicalIndex(DOCS).search(query))


@settings(max_examples=200)
@given(
    st.one_of(st.none(), st.floats(-1, 1)), st.floats(-2, 2), st.floats(-2, 2),
    st.floats(0, 1), st.booleans(), st.floats(-1, 1),
)
def test_confidence_is_a_probability(
    semantic: float | None, lift: float, margin: float, coverage: float, agree: bool,
    lead: float,
) -> None:
    assert 0.0 <= confidence(Evidence(semantic, lift, margin, coverage, agree, lead)) <= 1.0
