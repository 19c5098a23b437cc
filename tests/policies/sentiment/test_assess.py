"""Table tests for assess(): complaints, sarcasm, negation, off-topic negativity, praise."""

from __future__ import annotations

import pytest

from policies.sentiment import BrandContext, assess

BRAND = BrandContext(names=("Caffè Aurora", "Aurora"), product_terms=("capsule", "felpa"))
NONE = BrandContext()

COMPLAINTS = [
    ("it", "Il servizio clienti è pessimo, nessuno risponde"),
    ("it", "Il pacco non è ancora arrivato, sono passati 12 giorni"),
    ("it", "La felpa si è strappata al primo lavaggio"),
    ("it", "Mi avete spedito il modello sbagliato"),
    ("it", "Addebitato due volte lo stesso ordine"),
    ("it", "Non ordinerò più niente da voi"),
    ("it", "Le capsule Aurora sanno di bruciato"),
    ("it", "Vergognosi!"),
    ("en", "Terrible support, nobody answers my emails"),
    ("en", "Been waiting three weeks for my parcel"),
    ("en", "My package says delivered but it's not here"),
    ("en", "The strap broke after two days"),
    ("en", "Your app keeps crashing at checkout"),
    ("en", "Never ordering from you again"),
    ("en", "I want my money back"),
    ("en", "My discount code doesnt work"),
    ("en", "Sorry but my order arrived broken"),
    ("en", "I'm sorry to say the Aurora capsules arrived stale again"),
]


@pytest.mark.parametrize(("lang", "text"), COMPLAINTS, ids=[t for _, t in COMPLAINTS])
def test_complaint_is_flagged(lang: str, text: str) -> None:
    result = assess(text, lang, BRAND)
    assert result.is_complaint
    assert result.label == "negative"
    assert any(r.startswith("complaint:") for r in result.reasons)


SARCASM = [
    ("it", "Grazie mille per avermi fatto aspettare tre settimane 👏👏"),
    ("it", "Complimenti, ordine perso di nuovo 🙃"),
    ("it", "Bravi, pacco consegnato al vicino senza avvisare"),
    ("en", "Thanks for nothing"),
    ("en", "Great job, waited two weeks for a reply 🙄"),
    ("en", "Oh great, another delay. Just perfect 🙄"),
]


@pytest.mark.parametrize(("lang", "text"), SARCASM, ids=[t for _, t in SARCASM])
def test_sarcastic_praise_is_a_complaint(lang: str, text: str) -> None:
    result = assess(text, lang, NONE)
    assert result.is_complaint
    assert not result.is_praise
    assert result.sentiment < 0


def test_sarcasm_reason_names_the_irony() -> None:
    result = assess("Grazie davvero per avermi fatto aspettare un mese 👏👏", "it", NONE)
    assert 'sarcasm:"grazie...aspettare"' in result.reasons


def test_concession_is_not_sarcasm() -> None:
    result = assess("I love this hoodie but the zipper broke", "en", NONE)
    assert result.is_complaint
    assert not any(r.startswith("sarcasm:") for r in result.reasons)


NEGATION = [
    ("it", "Non è male la giacca", "non male"),
    ("it", "La felpa non è affatto male", "non male"),
    ("en", "Not bad at all", "not bad"),
    ("en", "Honestly not bad for the price", "not bad"),
]


@pytest.mark.parametrize(("lang", "text", "pair"), NEGATION, ids=[t for _, t, _ in NEGATION])
def test_negated_negative_is_not_negative(lang: str, text: str, pair: str) -> None:
    result = assess(text, lang, BRAND)
    assert result.label != "negative"
    assert not result.is_complaint
    assert f'negation:"{pair}"' in result.reasons


NEGATED_POSITIVE = [
    ("it", "Il servizio non è stato per niente gentile"),
    ("en", "Not happy with the quality at all"),
]


@pytest.mark.parametrize(("lang", "text"), NEGATED_POSITIVE, ids=[t for _, t in NEGATED_POSITIVE])
def test_negated_positive_about_the_brand_is_a_complaint(lang: str, text: str) -> None:
    result = assess(text, lang, NONE)
    assert result.label == "negative"
    assert result.is_complaint


OFF_TOPIC = [
    ("it", "Oggi piove che schifo, niente calcetto"),
    ("it", "Traffico infernale stamattina, che incubo"),
    ("it", "L'arbitro ha rovinato la partita, vergogna"),
    ("it", "Che giornata orribile al lavoro"),
    ("it", "Il mio gatto ha rotto il vaso, che disastro"),
    ("en", "The weather is awful today"),
    ("en", "Ugh my train is late again, hate Mondays"),
    ("en", "Worst match ever, the referee was blind"),
    ("en", "Terrible traffic today, took me an hour to get home"),
    ("en", "My flight got cancelled, worst day ever"),
]


@pytest.mark.parametrize(("lang", "text"), OFF_TOPIC, ids=[t for _, t in OFF_TOPIC])
def test_off_topic_negativity_is_not_a_complaint(lang: str, text: str) -> None:
    result = assess(text, lang, BRAND)
    assert result.label == "negative"
    assert not result.is_complaint
    assert not result.flagged


def test_off_topic_word_loses_to_brand_evidence() -> None:
    result = assess("The package was left in the rain and everything is soaked", "en", NONE)
    assert result.is_complaint


PRAISE = [
    ("it", "Adoro le capsule Aurora, buonissime!"),
    ("it", "Il personale in negozio è stato gentilissimo"),
    ("it", "Consegna velocissima, tutto perfetto"),
    ("en", "Love the new collection, amazing colors!"),
    ("en", "Customer service solved my issue in minutes, impressed"),
    ("en", "You guys rock"),
]


@pytest.mark.parametrize(("lang", "text"), PRAISE, ids=[t for _, t in PRAISE])
def test_praise_is_detected(lang: str, text: str) -> None:
    result = assess(text, lang, BRAND)
    assert result.is_praise
    assert result.label == "positive"
    assert not result.flagged
    assert any(r.startswith("praise:") for r in result.reasons)


def test_positive_off_topic_is_not_praise() -> None:
    result = assess("Che bella giornata oggi, ottimo per una passeggiata", "it", BRAND)
    assert result.label == "positive"
    assert not result.is_praise


NEUTRAL = [
    ("it", "A che ora apre il negozio sabato?"),
    ("it", "Se il prodotto arriva rotto posso chiedere il reso?"),
    ("it", "Ho sbagliato io a scegliere la taglia, posso cambiarla?"),
    ("en", "Do you ship to Switzerland?"),
    ("en", "If it arrives damaged can I get a replacement?"),
    ("en", "I ordered the wrong size, can I swap it?"),
    ("en", "Not sure when my order will arrive, any idea?"),
    # a polite opener is not a grievance (it was: the question went to the team as a
    # complaint instead of getting the FAQ's answer)
    ("en", "Sorry, do you still have the Aurora capsules in stock?"),
    ("en", "so sorry, can I change the address of my order?"),
    ("en", "Apologies if this was asked before: how do I send back the capsules?"),
    ("it", "Scusate, avete ancora le capsule Aurora?"),
]


@pytest.mark.parametrize(("lang", "text"), NEUTRAL, ids=[t for _, t in NEUTRAL])
def test_questions_and_own_mistakes_are_not_complaints(lang: str, text: str) -> None:
    result = assess(text, lang, BRAND)
    assert result.label == "neutral"
    assert not result.flagged


def test_brand_names_make_vague_negativity_a_complaint() -> None:
    vague = "Sono un po' deluso"
    assert not assess(vague, "it", BRAND).is_complaint
    assert assess("Sono un po' deluso da Aurora", "it", BRAND).is_complaint


def test_accents_and_case_do_not_matter() -> None:
    assert assess("SERVIZIO PESSIMO", "it", NONE) == assess("servizio pessimo", "it", NONE)
    assert assess("perchè", "it", NONE) == assess("perche", "it", NONE)


def test_unknown_language_falls_back_to_english() -> None:
    assert assess("Worst customer service ever", "de", NONE).is_complaint
