from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.faq.language import detect_language

CASES = [
    ("quanto costa la spedizione?", "en", ["it", "en"], "it"),
    ("ragazzi ma dopo quanti giorni arriva il pacco?", "en", ["it", "en"], "it"),
    ("how long does shipping take?", "it", ["it", "en"], "en"),
    ("where's your shop? address pls", "it", ["it", "en"], "en"),
    ("ok", "it", ["it", "en"], "it"),
    ("ok", "en", ["it", "en"], "en"),
    ("???", "it", ["it", "en"], "it"),
    ("", "en", ["it", "en"], "en"),
    ("how long does shipping take?", "it", ["it"], "it"),
    ("wie lange dauert der Versand?", "it", ["it", "en"], "it"),
]


@pytest.mark.parametrize(
    ("text", "default", "supported", "expected"), CASES,
    ids=[f"{t or 'empty'}->{e}" for t, _, s, e in CASES],
)
def test_language_is_detected_or_falls_back(
    text: str, default: str, supported: list[str], expected: str
) -> None:
    assert detect_language(text, default, supported) == expected


def test_no_supported_language_returns_the_default() -> None:
    assert detect_language("hello there", "it", []) == "it"


@settings(max_examples=100)
@given(st.text(max_size=120))
def test_result_is_always_supported_or_default(text: str) -> None:
    assert detect_language(text, "fr", ["it", "en"]) in {"it", "en", "fr"}


def test_the_single_answer_decides_as_the_top_ten_did(monkeypatch: pytest.MonkeyPatch) -> None:
    """fastText is asked only for a language at MIN_SCORE or more (k=1, a threshold): the
    same decisions as reading its ten best, on chat, questions and spam in both languages
    and for brands with other language lists."""
    from bench.policy import blocklist_terms
    from bench.traffic import make_traffic
    from policies.faq import language

    texts = [m.text for m in make_traffic(600, blocklist_terms(300), 300, 11)]
    texts += [c[0] for c in CASES] + ["bonjour à tous, quand arrive ma commande?",
                                      "¿cuándo llega mi pedido?", "ok grazie", "thanks!"]
    language.detect_language("warm up", "it", ["it", "en"])
    detector = language._state["detector"]

    def top_ten(text: str) -> dict[str, float]:
        line = " ".join(text.split())
        found = detector.detect(line, model="lite", k=10) if line else []
        return {str(r["lang"]): float(r["score"]) for r in found}

    lists = (["it", "en"], ["en", "it"], ["it"], ["en", "it", "fr", "es"])
    now = [detect_language(t, s[0], s) for s in lists for t in texts]
    monkeypatch.setattr(language, "_detect_scores", top_ten)
    before = [detect_language(t, s[0], s) for s in lists for t in texts]
    assert now == before
    assert {"it", "en", "fr", "es"} <= set(now)  # every branch had its say
