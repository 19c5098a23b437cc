"""policies.prefilter: the RE2 prefilter may let through texts the Python regex does not
match, never the reverse, so every lexicon regex finds exactly what it found without it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.policy import blocklist_terms
from bench.traffic import make_traffic
from policies.faq.question import _PROBLEM, _REQUEST
from policies.prefilter import Guarded, guarded, widen
from policies.sentiment import BrandContext, assess
from policies.sentiment.lexicon import Lexicon, lexicon_for
from policies.sentiment.risk import DEFAULT_RISK, _compiled
from policies.sentiment.text import prepare

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ("idioms", "complaints", "target", "addressee", "offtopic", "joke", "ironic",
          "sarcasm_markers")


def _patterns() -> list[tuple[str, Guarded]]:
    out = []
    for lang in ("it", "en"):
        lexicon: Lexicon = lexicon_for(lang)
        for name in FIELDS:
            pattern = getattr(lexicon, name)
            if pattern is not None:
                out.append((f"{lang}.{name}", pattern))
    risk = _compiled(DEFAULT_RISK)
    assert risk is not None
    out.append(("risk", risk))
    out += [("faq.request", _REQUEST), ("faq.problem", _PROBLEM)]
    return out


PATTERNS = _patterns()


def _corpus() -> list[str]:
    heldout = json.loads((ROOT / "tests/policies/sentiment/heldout.json").read_text())
    spam = json.loads((ROOT / "policies/moderation/data/spam_corpus.json").read_text())
    texts = [m["text"] for m in heldout["messages"]]
    texts += [m.text for m in make_traffic(1500, blocklist_terms(200), 50, 7)]
    texts += [s if isinstance(s, str) else s.get("text", "") for s in _strings(spam)]
    return texts


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return []


def test_every_lexicon_regex_has_its_prefilter() -> None:
    assert [name for name, pattern in PATTERNS if not pattern.guarded] == []


def test_on_a_corpus_the_matches_are_the_python_regexs() -> None:
    texts = [prepare(t) for t in _corpus()]
    assert len(texts) > 1500
    passed = 0
    for name, pattern in PATTERNS:
        for text in texts:
            expected = [(m.span(), m.lastindex) for m in pattern._regex.finditer(text)]
            assert [(m.span(), m.lastindex) for m in pattern.finditer(text)] == expected, name
            passed += bool(pattern._filter.Match(text))
    assert passed < len(texts) * len(PATTERNS) / 2  # the prefilter does skip most


def test_assessments_are_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    brand = BrandContext(names=("Modaverde",), product_terms=("giacca", "jacket"))
    texts = _corpus()[:600]
    fast = [assess(t, lang, brand) for t in texts for lang in ("it", "en")]
    monkeypatch.setattr(Guarded, "finditer", lambda self, text: self._regex.finditer(text))
    monkeypatch.setattr(Guarded, "search", lambda self, text: self._regex.search(text))
    assert [assess(t, lang, brand) for t in texts for lang in ("it", "en")] == fast


_ALPHABET = st.sampled_from([*"abcdeilmnorstuwy 0123456789'!?.,-_\n\tàèéìòùçßø",
                             "\u00a0", "\u2019", "\u2028", "\x1c", "😡", "👍", "🙄", "ı",
                             "Ⅻ", "٣"])
_WORDS = ("non", "mai", "ancora", "aspetto", "giorni", "refund", "waiting", "weeks", "you",
          "your", "scam", "thanks", "for", "nothing", "grazie", "per", "niente", "rotto",
          "broken")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS) | st.text(_ALPHABET, max_size=6), max_size=14))
def test_no_text_matched_by_python_is_skipped(words: list[str]) -> None:
    text = " " + " ".join(words) + " "
    for name, pattern in PATTERNS:
        if pattern._regex.search(text) is not None:
            assert pattern._filter.Match(text), (name, text)


def test_widen_keeps_a_word_of_its_own_and_drops_other_lookarounds() -> None:
    word, other = r"[0-9A-Za-z_\x{80}-\x{10FFFF}]", r"\x{80}-\x{10FFFF}"
    assert widen(r"(?<![a-z0-9])(?:ab\w+)(?![a-z0-9])") == (
        rf"(?:^|[^a-z0-9])(?:(?:ab{word}+))(?:$|[^a-z0-9])")
    assert widen(r"x(?=y)\bz\d\s[\w-](a)") == (
        rf"xz[0-9{other}][\t-\r\x1c-\x1f {other}][0-9A-Za-z_{other}-](?:a)")
    assert widen(r"(?<![^a-z])ab") == "ab"  # a negated class is not the word form


@pytest.mark.parametrize("source", [r"(a)\1", r"(?P<x>a)(?P=x)", r"(a)?(?(1)a|b)"])
def test_what_cannot_be_translated_always_runs(source: str) -> None:
    pattern = guarded(source)
    assert not pattern.guarded
    assert [m.group() for m in pattern.finditer("aa ab")] == [
        m.group() for m in pattern._regex.finditer("aa ab")]
