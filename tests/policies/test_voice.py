"""Brand voice rendering: greeting, sign-off, formality, emoji level, escaping, length."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.schema import Voice
from policies.texts import text
from policies.voice import MESSAGE_LIMIT, fit, pick_language, render, split

VOICE = Voice(persona="Aurora", greeting={"it": "Ciao {name}!", "en": "Hi {name}!"},
              sign_off={"it": "— Il team ☕", "en": "— The team ☕"})


@pytest.mark.parametrize(
    ("voice", "lang", "expected"),
    [
        (VOICE, "it", "Ciao Giulia!\n\nRisposta.\n\n— Il team ☕"),
        (VOICE, "en", "Hi Giulia!\n\nRisposta.\n\n— The team ☕"),
        (VOICE.model_copy(update={"emoji": "none"}), "it",
         "Ciao Giulia!\n\nRisposta.\n\n— Il team"),
        (VOICE.model_copy(update={"emoji": "many"}), "it",
         "Ciao Giulia! 👋\n\nRisposta.\n\n— Il team ☕"),
        (Voice(), "it", "Risposta."),
    ],
    ids=["italian", "english", "no-emoji", "many-emoji", "no-greeting-configured"],
)
def test_render(voice: Voice, lang: str, expected: str) -> None:
    assert render(voice, lang, "Risposta.", name="Giulia") == expected


def test_member_name_is_escaped() -> None:
    rendered = render(VOICE, "it", "x", name="<script>&")
    assert rendered.startswith("Ciao &lt;script&gt;&amp;!")


def test_formal_variant_is_used_when_the_voice_is_formal() -> None:
    informal = text("faq_repeat", "it", link="L")
    formal = text("faq_repeat", "it", formal=True, link="L")
    assert "trovi" in informal and "trova" in formal
    assert text("faq_repeat", "en", formal=True, link="L") == text("faq_repeat", "en", link="L")


def test_language_choice_falls_back_to_default_then_any() -> None:
    assert pick_language("en", ["it", "en"], "it") == "en"
    assert pick_language("de", ["it", "en"], "it") == "it"
    assert pick_language("de", ["en"], "it") == "en"


def test_long_answers_are_cut_on_a_boundary_with_tags_closed() -> None:
    body = "<b>" + ("parola " * 1000) + "</b>"
    rendered = fit(body)
    assert len(rendered) <= MESSAGE_LIMIT
    assert rendered.endswith("</b>…")


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=0, max_size=20_000))
def test_split_chunks_fit_and_lose_nothing(raw: str) -> None:
    chunks = split(raw)
    assert all(len(c) <= MESSAGE_LIMIT for c in chunks)
    assert "".join(c.strip() for c in chunks).replace(" ", "").replace("\n", "") == \
        raw.strip().replace(" ", "").replace("\n", "")
