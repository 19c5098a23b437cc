from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.faq.concepts import concepts
from policies.faq.lexicon import CONCEPTS

SHARED = [
    ("quanto costa la spedizione?", "how much is delivery?", "shipping"),
    ("dove inserisco il coupon?", "where do i enter the promo code?", "promo_code"),
    ("voglio rimandare indietro le scarpe", "i want to send back my shoes", "return"),
    ("quando arriva il rimborso?", "when do i get my money back?", "refund"),
    ("si può pagare a rate?", "can i pay later?", "installments"),
    ("mi serve la ricevuta", "i need an invoice", "invoice"),
    ("come contatto l'assistenza?", "how do i reach customer service?", "support"),
    ("che taglia prendo?", "which size should i get?", "size"),
    ("siete aperti domenica?", "are you open on sunday?", "hours"),
    ("quanto dura la garanzia?", "is there a guarantee?", "warranty"),
]


@pytest.mark.parametrize(("it", "en", "name"), SHARED, ids=[c[2] for c in SHARED])
def test_a_concept_bridges_italian_and_english(it: str, en: str, name: str) -> None:
    assert (name in concepts(it), name in concepts(en)) == (True, True)


ABSENT = [
    ("ho cambiato taglio di capelli oggi", "size"),
    ("Can I get an invoice?", "kids_pets"),
    ("How do I contact customer service?", "customs"),
    ("what time is it over there?", "hours"),
    ("come si usa il codice?", "abroad"),
    ("Do you offer TV installation?", "installments"),
    ("i just made the best espresso of my life", "express"),
]


@pytest.mark.parametrize(("text", "name"), ABSENT, ids=[c[0] for c in ABSENT])
def test_colliding_stems_and_stopwords_do_not_fire(text: str, name: str) -> None:
    assert name not in concepts(text)


@pytest.mark.parametrize(
    "text",
    ["buongiorno a tutti!", "ahahah troppo forte", "lol that's hilarious",
     "thanks for the help guys", "che bella giornata oggi"],
)
def test_small_talk_mentions_no_concept(text: str) -> None:
    assert concepts(text) == frozenset()


def test_the_lexicon_is_broad() -> None:
    assert len(CONCEPTS) >= 60


@settings(max_examples=200)
@given(st.text(max_size=150))
def test_only_lexicon_concepts_are_reported(text: str) -> None:
    assert concepts(text) <= CONCEPTS.keys()
