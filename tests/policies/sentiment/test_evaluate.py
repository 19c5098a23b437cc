"""evaluate() counts, its report, the held-out figures, and properties of assess()."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policies.sentiment import BrandContext, assess, evaluate

HELDOUT = Path(__file__).with_name("heldout.json")

TINY: dict[str, Any] = {
    "messages": [
        {"text": "Servizio pessimo, ordine mai arrivato", "lang": "it", "escalate": True},
        {"text": "Never buying from you again", "lang": "en", "escalate": True},
        {"text": "Ho una domanda sulle taglie", "lang": "it", "escalate": True},
        {"text": "Piove che schifo", "lang": "it", "escalate": False},
        {"text": "Love it, perfect fit", "lang": "en", "escalate": False},
        {"text": "Worst support ever", "lang": "en", "escalate": False},
    ]
}


def test_evaluate_counts_exactly() -> None:
    result = evaluate(TINY).as_dict()
    counts = {k: v for k, v in result.items() if not k.endswith("_ms")}
    assert counts == {
        "total": 6,
        "complaints": 3,
        "flagged_complaints": 2,
        "non_complaints": 3,
        "false_flags": 1,
    }
    assert set(result) == {"total", "complaints", "flagged_complaints", "non_complaints",
                           "false_flags", "p50_ms", "p99_ms"}
    assert 0 <= result["p50_ms"] <= result["p99_ms"]


def test_evaluate_keeps_the_errors_for_inspection() -> None:
    result = evaluate(TINY)
    assert result.missed == ("Ho una domanda sulle taglie",)
    assert result.wrongly_flagged == ("Worst support ever",)
    assert "complaints flagged  2/3 (67%)" in result.format_table()


def test_evaluate_uses_the_dataset_brand() -> None:
    data = {"brand": {"names": ["Aurora"]},
            "messages": [{"text": "Aurora mi delude", "lang": "it", "escalate": True}]}
    assert evaluate(data).flagged_complaints == 1
    assert evaluate(data, brand=BrandContext()).flagged_complaints == 0


def test_heldout_meets_targets() -> None:
    result = evaluate(json.loads(HELDOUT.read_text(encoding="utf-8")))
    assert result.recall >= 0.85
    assert result.false_flag_rate <= 0.10


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["it", "en", "fr"]))
def test_assess_is_total_bounded_and_deterministic(text: str, lang: str) -> None:
    first = assess(text, lang, BrandContext(("Aurora",), ("felpa",)))
    assert -1.0 <= first.sentiment <= 1.0
    assert first == assess(text, lang, BrandContext(("Aurora",), ("felpa",)))
    assert not (first.is_complaint and first.is_praise)
    assert first.label == ("negative" if first.sentiment <= -0.25 else
                           "positive" if first.sentiment >= 0.25 else "neutral")
