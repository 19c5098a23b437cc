from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from policies import embedding
from policies.faq import DEFAULT_THRESHOLD, FaqEntry, FaqIndex
from policies.faq.semantic import vector_key
from tests.policies.faq.kb import KB

needs_model = pytest.mark.skipif(not embedding.available(), reason="embedding model unavailable")


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return FaqIndex.build(KB)


PARAPHRASES = [
    ("it", "ho sbagliato ordine, si può cancellare?", "cancel"),
    ("en", "i need to cancel the order i placed this morning", "cancel"),
    ("it", "mi serve la fattura con partita iva", "invoice"),
    ("en", "i need an invoice for my company", "invoice"),
    ("it", "c'è un numero di telefono dell'assistenza?", "support"),
    ("en", "how can i talk to someone from customer support?", "support"),
    ("en", "what time does the shop open?", "hours"),
    ("it", "a che ora apre il negozio?", "hours"),
    ("en", "how many days does delivery take?", "shipping_time"),
    ("it", "quanti giorni ci vogliono per la consegna?", "shipping_time"),
]


@needs_model
@pytest.mark.parametrize(
    ("lang", "text", "expected"), PARAPHRASES, ids=[p[1] for p in PARAPHRASES]
)
def test_paraphrases_are_matched_in_both_languages(
    index: FaqIndex, lang: str, text: str, expected: str
) -> None:
    match = index.match(text, lang)
    assert match is not None
    assert (match.entry_id, match.reasons[0].startswith(f"faq:{expected} ")) == (expected, True)
    assert DEFAULT_THRESHOLD <= match.score <= 1.0


TRAPS = [
    ("it", "che ore sono da voi?"),
    ("en", "what time is it over there?"),
    ("it", "avete visto la partita ieri?"),
    ("en", "anyone watching the game tonight?"),
    ("it", "secondo voi è meglio il verde o il nero?"),
    ("en", "what's your favourite pizza?"),
]


@needs_model
@pytest.mark.parametrize(("lang", "text"), TRAPS, ids=[t for _, t in TRAPS])
def test_near_topic_and_off_topic_questions_abstain(
    index: FaqIndex, lang: str, text: str
) -> None:
    assert index.match(text, lang) is None


NEIGHBOURS = (
    FaqEntry("code_use", {"it": ("Come si usa un codice sconto?",),
                          "en": ("How do I use a discount code?",)}, {"it": "Al checkout."}),
    FaqEntry("code_broken", {"it": ("Il codice sconto non funziona, cosa faccio?",),
                             "en": ("My discount code does not work, what should I do?",)},
             {"it": "Controlla la scadenza."}),
    FaqEntry("shipping_cost", {"en": ("How much does shipping cost?",)}, {"en": "4.90 EUR."}),
)

INTENTS = [
    ("it", "dove inserisco il coupon?", "code_use", "code_broken"),
    ("en", "where do I put the promo code?", "code_use", "code_broken"),
    ("it", "il coupon mi dà errore", "code_broken", "code_use"),
    ("en", "the voucher code is not working", "code_broken", "code_use"),
    ("it", "come funziona il codice sconto?", "code_use", "code_broken"),
]


@pytest.fixture(scope="module")
def neighbours() -> FaqIndex:
    return FaqIndex.build(NEIGHBOURS)


@needs_model
@pytest.mark.parametrize(
    ("lang", "text", "intent", "neighbour"), INTENTS, ids=[c[1] for c in INTENTS]
)
def test_same_topic_different_intent_never_crosses(
    neighbours: FaqIndex, lang: str, text: str, intent: str, neighbour: str
) -> None:
    match = neighbours.match(text, lang)
    assert (match.entry_id if match else None) in {intent, None}
    assert neighbour != (match.entry_id if match else None)


@needs_model
def test_clear_intent_is_answered_and_ambiguous_one_abstains(neighbours: FaqIndex) -> None:
    clear = neighbours.match("il coupon mi dà errore", "it")
    vague = neighbours.match("ho un codice sconto, cosa faccio?", "it")
    assert (clear.entry_id if clear else None, vague) == ("code_broken", None)


@needs_model
@pytest.mark.parametrize(
    "text", ["quanto costa spedire?", "la consegna è gratis?"], ids=["verb", "synonym"]
)
def test_italian_question_meets_an_english_only_entry(neighbours: FaqIndex, text: str) -> None:
    match = neighbours.match(text, "it")
    assert match is not None
    assert (match.entry_id, match.language) == ("shipping_cost", "en")


@needs_model
def test_answer_falls_back_to_an_available_language(index: FaqIndex) -> None:
    match = index.match("a che ora apre il negozio?", "it")
    assert match is not None
    assert (match.entry_id, match.language, match.answer) == ("hours", "en", "Mon-Sat 10-19.")


@needs_model
def test_answer_is_in_the_askers_language_when_available(index: FaqIndex) -> None:
    match = index.match("mi serve la fattura con partita iva", "it")
    assert match is not None
    assert (match.language, match.answer) == ("it", "Sì, inserisci la partita IVA.")


@needs_model
def test_candidates_expose_per_stage_scores(index: FaqIndex) -> None:
    found = index.candidates("Can I cancel my order?", "en", k=3)
    assert found[0].entry_id == "cancel"
    assert len(found) == 3
    best = found[0]
    assert best.semantic is not None and best.semantic > 0.95
    assert best.coverage == pytest.approx(1.0)
    assert best.margin > 0 and all(c.margin < 0 for c in found[1:])
    assert best.phrasing == "Can I cancel my order?"


@needs_model
def test_vectors_round_trip_without_changing_results(index: FaqIndex) -> None:
    saved = index.vectors()
    assert {vector_key(q) for e in KB for qs in e.questions.values() for q in qs} <= set(saved)
    rebuilt = FaqIndex.build(KB, vectors=saved)
    text = "quanti giorni ci vogliono per la consegna?"
    assert rebuilt.candidates(text, "it") == index.candidates(text, "it")


@needs_model
def test_precomputed_vectors_are_used_instead_of_embedding(index: FaqIndex) -> None:
    saved = index.vectors()
    swapped = dict(saved)
    # Give "invoice"'s Italian phrasing the vector of "cancel": the index must trust it.
    cancel_vector = saved[vector_key("Posso annullare un ordine?")]
    swapped[vector_key("Posso avere la fattura?")] = cancel_vector
    rebuilt = FaqIndex.build(KB, vectors=swapped)
    found = {c.entry_id: c for c in rebuilt.candidates("Posso annullare un ordine?", "it", k=7)}
    assert found["invoice"].semantic == pytest.approx(found["cancel"].semantic, abs=1e-5)
    match = rebuilt.match("Posso annullare un ordine?", "it")
    assert match is not None and match.entry_id == "cancel"  # the lexical stage breaks the tie


@needs_model
def test_matching_from_threads_gives_the_same_answers(index: FaqIndex) -> None:
    texts = [(lang, text) for lang, text, _ in PARAPHRASES] * 3
    expected = [index.match(text, lang) for lang, text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda item: index.match(item[1], item[0]), texts))
    assert [m and m.entry_id for m in got] == [m and m.entry_id for m in expected]


LEXICAL = [
    ("it", "Posso avere la fattura?", "invoice"),
    ("it", "come posso annullare il mio ordine?", "cancel"),
    ("en", "Can I cancel my order?", "cancel"),
    ("it", "come funziona il reso?", None),
    ("en", "how many days does delivery take?", None),
    ("it", "che ore sono da voi?", None),
]


@pytest.mark.parametrize(("lang", "text", "expected"), LEXICAL, ids=[c[1] for c in LEXICAL])
def test_lexical_only_index_answers_only_near_verbatim_questions(
    lang: str, text: str, expected: str | None
) -> None:
    lexical = FaqIndex.build(KB, use_semantic=False)
    match = lexical.match(text, lang)
    assert (match.entry_id if match else None, lexical.semantic, lexical.vectors()) == (
        expected, False, {},
    )


def test_lexicon_concepts_bridge_languages_in_the_lexical_stage() -> None:
    lexical = FaqIndex.build(NEIGHBOURS, use_semantic=False)
    found = lexical.candidates("costi di consegna", "it")
    assert [c.entry_id for c in found][:1] == ["shipping_cost"]


def test_keywords_point_to_their_entry() -> None:
    entries = (
        FaqEntry("stores", {"it": ("Dove sono i negozi?",)}, {"it": "Milano e Roma."},
                 keywords=("indirizzo", "punto vendita")),
        FaqEntry("invoice", {"it": ("Posso avere la fattura?",)}, {"it": "Sì."}),
    )
    lexical = FaqIndex.build(entries, use_semantic=False)
    assert [c.entry_id for c in lexical.candidates("indirizzo punto vendita", "it")] == ["stores"]


def test_empty_knowledge_base_never_answers() -> None:
    empty = FaqIndex.build([])
    assert (empty.match("quanto costa la spedizione?", "it"), empty.candidates("x?", "it")) == (
        None, [],
    )


def test_entry_without_answer_in_any_language_is_never_given() -> None:
    entry = FaqEntry("blank", {"en": ("Can I cancel my order?",)}, {})
    lexical = FaqIndex.build([entry], use_semantic=False)
    assert lexical.match("Can I cancel my order?", "en") is None


@pytest.mark.parametrize(
    ("lang", "preferred", "expected"),
    [("it", (), "it"), ("fr", ("en",), "en"), ("fr", ("de",), "it")],
    ids=["own", "preferred", "any"],
)
def test_answer_language_choice(lang: str, preferred: tuple[str, ...], expected: str) -> None:
    entry = FaqEntry("x", {"it": ("q",)}, {"it": "risposta", "en": "answer"})
    assert entry.answer_language(lang, preferred) == expected


def test_unit_vectors_from_the_embedding_wrapper() -> None:
    if not embedding.available():
        pytest.skip("embedding model unavailable")
    vecs = embedding.embed(["ciao", "x" * 10_000], kind="passage")
    assert [v.dtype for v in vecs] == [np.float32, np.float32]
    assert [round(float(np.linalg.norm(v)), 4) for v in vecs] == [1.0, 1.0]
    assert embedding.embed([], kind="query") == []


def test_an_index_built_while_the_model_is_unavailable_is_lexical_only() -> None:
    entries = [FaqEntry(id="orari", questions={"it": ("che orari fate?",)},
                        answers={"it": "Dalle 9 alle 18."})]
    available = embedding.available()
    with embedding.unavailable():
        assert not embedding.available()
        assert not FaqIndex.build(entries).semantic
    assert embedding.available() == available
