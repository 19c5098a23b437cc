from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.faq.question import is_question

QUESTIONS = [
    ("it", "quanto costa la spedizione?"),
    ("it", "qualcuno sa se spedite in Svizzera"),
    ("it", "come faccio a cambiare taglia"),
    ("it", "mi serve la fattura"),
    ("it", "c'è un negozio a Milano"),
    ("it", "il codice sconto non funziona"),
    ("it", "ho fatto il reso e ancora niente rimborso"),
    ("en", "does anyone know the opening hours"),
    ("en", "how do I track my order"),
    ("en", "promo code invalid, help"),
    ("en", "address pls"),
    ("en", "I need an invoice for my company"),
    ("en", "my parcel arrived damaged"),
    ("en", "Is delivery free"),
]

NOT_QUESTIONS = [
    ("it", "buongiorno a tutti!"),
    ("it", "grazie mille a tutti per l'aiuto"),
    ("it", "ho appena comprato la felpa nuova, bellissima"),
    ("it", "ahahah troppo forte"),
    ("en", "thanks for the help guys"),
    ("en", "good morning everyone"),
    ("en", "can't wait for the weekend!"),
    ("en", "i love this community"),
    ("en", "just got back from my trip"),
    ("en", ""),
]


@pytest.mark.parametrize(("lang", "text"), QUESTIONS, ids=[t for _, t in QUESTIONS])
def test_questions_and_requests_are_detected(lang: str, text: str) -> None:
    assert is_question(text, lang) is True


@pytest.mark.parametrize(
    ("lang", "text"), NOT_QUESTIONS, ids=[t or "empty" for _, t in NOT_QUESTIONS]
)
def test_statements_and_chit_chat_are_left_alone(lang: str, text: str) -> None:
    assert is_question(text, lang) is False


def test_question_mark_wins_over_a_greeting() -> None:
    assert is_question("ciao, a che ora aprite?", "it") is True


@settings(max_examples=200)
@given(st.text(max_size=200), st.sampled_from(["it", "en", "fr"]))
def test_any_text_gives_a_boolean(text: str, lang: str) -> None:
    assert is_question(text, lang) in (True, False)
