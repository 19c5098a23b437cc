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
