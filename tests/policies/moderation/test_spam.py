"""Spam score: thresholds through the engine, the learning classifier, the shipped corpus."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.moderation import (
    MemberHistory,
    ModerationEngine,
    RuleResult,
    SpamModel,
    SpamScorer,
    SpamWeights,
    explain,
    load_corpus,
)
from policies.schema import Moderation, Spam
from policies.types import MessageView
from tests.policies.moderation.factories import NEW, NOW, OLD, decided, url, view
from tests.policies.moderation.spam_holdout import HAM, SPAM

# Only two signals count, so the expected scores can be written by hand:
# sigmoid(-4) = 0.018, sigmoid(-4 + 4) = 0.5, sigmoid(-4 + 4 + 2) = 0.881.
_ZERO = dict.fromkeys(SpamWeights.__slots__, 0.0)
TOY = SpamWeights(**{**_ZERO, "base": -4.0, "bayes_cap": 5.0, "crypto": 4.0, "link": 2.0})
TOY_ENGINE = ModerationEngine.build(
    Moderation(spam=Spam(threshold=0.8, review_threshold=0.5, action="ban")),
    spam_model=SpamModel.from_samples([]),
    spam_weights=TOY,
)
SPAM_CASES = [
    ("above-threshold-new-member", view("compra bitcoin qui", links=url("https://x.example")),
     NEW, decided("ban", RuleResult("links", '"x.example"', "delete"),
                  RuleResult("spam", "0.88", "ban"), delete=True, score=0.881)),
    ("above-threshold-established-member-goes-to-review",
     view("compra bitcoin qui", links=url("https://x.example")), OLD,
     decided("review", RuleResult("spam", "0.88", "review"), review=True, score=0.881)),
    ("grey-zone-review", view("compra bitcoin"), OLD,
     decided("review", RuleResult("spam", "0.50", "review"), review=True, score=0.5)),
    ("ham-below", view("buongiorno a tutti"), OLD, decided("none", score=0.018)),
]


@pytest.mark.parametrize(("message", "history", "expected"), [c[1:] for c in SPAM_CASES],
                         ids=[c[0] for c in SPAM_CASES])
def test_spam_thresholds(message: MessageView, history: MemberHistory, expected: object) -> None:
    assert TOY_ENGINE.evaluate(message, history, NOW) == expected


SCORER = SpamScorer(SpamModel.starter())
OBVIOUS = [
    ("crypto-dm-new-member-with-link", "Guadagna 500€ al giorno con il trading di bitcoin, "
     "scrivimi in privato", True, ("https://bit.ly/xx",), 0.8, 1.01),
    ("job-scam-en", "Work from home and earn $400 a day, only a smartphone needed, DM me",
     True, (), 0.8, 1.01),
    ("greeting-new-member", "Ciao a tutti, sono Laura di Torino, adoro il vostro espresso",
     True, (), 0.0, 0.5),
    ("order-question-old-member", "Il mio ordine non è ancora arrivato, a chi devo scrivere?",
     False, (), 0.0, 0.5),
]


@pytest.mark.parametrize(("text", "is_new", "links", "low", "high"), [c[1:] for c in OBVIOUS],
                         ids=[c[0] for c in OBVIOUS])
def test_default_engine_scores(
    text: str, is_new: bool, links: tuple[str, ...], low: float, high: float
) -> None:
    engine = ModerationEngine.build(Moderation())
    refs = tuple(ref for target in links for ref in url(target))
    decision = engine.evaluate(view(text, links=refs), NEW if is_new else OLD, NOW)
    assert decision.spam_score is not None
    assert low <= decision.spam_score < high


def _rates(is_new: bool, threshold: float) -> tuple[float, int]:
    caught = sum(SCORER.score_text(t, is_new=is_new)[0] >= threshold for t in SPAM)
    false = sum(SCORER.score_text(t, is_new=is_new)[0] >= threshold for t in HAM)
    return caught / len(SPAM), false


def test_holdout_new_members_text_only() -> None:
    """Text alone (no link, no entity) from new members: most spam caught, no ham banned."""
    recall, false_positives = _rates(is_new=True, threshold=0.8)
    assert (recall >= 0.7, false_positives) == (True, 0)


def test_holdout_established_members_rarely_reviewed() -> None:
    recall, false_positives = _rates(is_new=False, threshold=0.5)
    assert (recall >= 0.7, false_positives <= 1) == (True, True)


def test_classifier_learns_a_new_phrase() -> None:
    phrase = "Ottimo affare sui gettoni quantici Zorblax, chiedi a Pino"
    before = SpamModel.starter()
    after = before.with_sample(phrase, is_spam=True).with_sample(
        "Gettoni quantici Zorblax in regalo, chiedi a Pino", is_spam=True
    )
    variant = "gettoni Zorblax quantici per tutti"
    assert (before.score(variant) < after.score(variant), before.samples[0] + 2) == (
        True, after.samples[0])


def test_notspam_lowers_the_score_and_forgets_the_copy() -> None:
    text = "Promo speciale sui gettoni Zorblax"
    reported = SpamModel.starter().with_sample(text, is_spam=True)
    corrected = reported.with_sample(text, is_spam=False)
    folded = "promo speciale sui gettoni zorblax"
    assert (reported.is_known_spam(folded), corrected.is_known_spam(folded),
            corrected.score(text) < reported.score(text)) == (True, False, True)


def test_copy_of_known_spam_is_named() -> None:
    text = "Entra nel club Zorblax adesso"
    scorer = SCORER.with_model(SCORER.model.with_sample(text, is_spam=True))
    score, details = scorer.score_text("ENTRA nel club zorblax adesso!!", is_new=False)
    assert (score >= 0.8, ("known_spam", 5.0) in details) == (True, True)


def test_evasion_signals_raise_the_score() -> None:
    plain, _ = SCORER.score_text("offerta speciale per te", is_new=True)
    hidden, details = SCORER.score_text("off\u200berta spec\u0456ale per te", is_new=True)
    names = {name for name, _value in details}
    assert (hidden > plain, {"invisible", "mixed_script"} <= names) == (True, True)


def test_explain_names_every_contribution() -> None:
    assert explain(0.934, (("bayes", 0.81), ("links", 0.9), ("established", -1.0))) == (
        "bayes 0.81, links +0.9, established -1.0 = 0.93"
    )


def test_engine_explains_spam_for_why() -> None:
    engine = ModerationEngine.build(Moderation())
    line = engine.explain_spam(view("Compra bitcoin ora", links=url("bit.ly/x")), NEW, NOW)
    assert line.startswith("bayes ") and "crypto +1.2" in line and "links +0.9" in line


def test_starter_corpus_shape() -> None:
    corpus = load_corpus()
    spam = [text for text, is_spam in corpus if is_spam]
    ham = [text for text, is_spam in corpus if not is_spam]
    assert (len(spam) >= 80, len(ham) >= 120, len(set(spam) | set(ham)) == len(corpus)) == (
        True, True, True)


def test_with_sample_leaves_the_old_model_unchanged() -> None:
    model = SpamModel.from_samples([("ciao a tutti", False)])
    model.with_sample("compra gettoni", True)
    assert (model.samples, model.score("compra gettoni")) == ((0, 1), 0.5)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), is_new=st.booleans())
def test_score_is_a_probability(text: str, is_new: bool) -> None:
    score, details = SCORER.score_text(text, is_new=is_new)
    assert 0.0 <= score <= 1.0 and details[0][0] == "bayes"
