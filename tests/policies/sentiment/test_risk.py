"""Legal / PR-risk words: word boundaries, accents, stems, and when they page the team."""

from __future__ import annotations

import pytest

from policies.sentiment import DEFAULT_RISK, BrandContext, assess, find_risk_terms
from policies.sentiment.text import prepare

NONE = BrandContext()

FOUND = [
    ("Chiamo il mio AVVOCATO", ("avvocato",)),
    ("Avvocàto in arrivo", ("avvocato",)),
    ("siete dei truffatori", ("truffatori",)),
    ("Still no refund, this is a scam", ("refund", "scam")),
    ("I'm filing a chargeback", ("chargeback",)),
    ("valuteremo una class action", ("class action",)),
    ("refundable tickets only", ()),
    ("the scampi were great", ()),
    ("avvocatessa", ("avvocatessa",)),
    ("", ()),
]


@pytest.mark.parametrize(("text", "expected"), FOUND, ids=[t or "empty" for t, _ in FOUND])
def test_default_risk_terms(text: str, expected: tuple[str, ...]) -> None:
    assert find_risk_terms(prepare(text), DEFAULT_RISK) == expected


def test_custom_terms_are_whole_words_and_accent_insensitive() -> None:
    terms = ("perché", "rimborso")
    assert find_risk_terms(prepare("PERCHE non ho il rimborso?"), terms) == ("perche", "rimborso")
    assert find_risk_terms(prepare("rimborsone"), terms) == ()


def test_empty_term_list_finds_nothing() -> None:
    assert assess("avvocato", "it", NONE, risk_terms=()).risk_terms == ()


PAGES = [
    ("it", "Il mio avvocato vi contatterà", True),
    ("it", "Il rimborso non è mai arrivato, siete dei truffatori", True),
    ("en", "My lawyer will be in touch", True),
    ("en", "This is a scam", True),
    ("it", "Questa è una truffa bella e buona", True),
    ("en", "Still no refund after 4 weeks, this is a scam", True),
    ("it", "Mio fratello fa l'avvocato e beve solo il vostro espresso ahah", False),
    ("en", "lol my lawyer friend is addicted to your cold brew", False),
    ("en", "How do refunds work?", False),
    ("it", "Rimborso arrivato in tre giorni, bravissimi!", False),
    ("it", "Ho visto un documentario sulle truffe online", False),
]


@pytest.mark.parametrize(("lang", "text", "pages"), PAGES, ids=[t for _, t, _ in PAGES])
def test_risk_pages_the_team_only_about_the_brand(lang: str, text: str, pages: bool) -> None:
    result = assess(text, lang, NONE)
    assert result.risk_terms
    assert result.flagged is pages
    assert any(r.startswith("risk:") for r in result.reasons)
