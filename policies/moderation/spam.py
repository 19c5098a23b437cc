"""The spam score: named heuristics plus the learned classifier, in one explainable number.

Each signal adds log-odds to a base rate; the sum goes through a logistic, so several weak
signals (a new member, a link, crypto words) add up to a confident verdict while an
established member's ordinary message stays low. Every signal is named, so `/why` can say
"bayes 0.91, new_member +0.6, links +0.8, crypto +1.2 = 0.97" instead of a bare number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from policies.moderation.bayes import SpamModel
from policies.moderation.lexicon import MONEY_RATE_RE, build_automaton, families_in
from policies.normalise import Normalised, normalise

Details = tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class SpamWeights:
    """Log-odds weights of each signal (positive: more spam-like).

    Defaults were set on the starter corpus and a held-out set written separately; a brand
    can tune them but rarely needs to, since the threshold in the policy file is the knob.
    """

    base: float = -1.6
    bayes: float = 0.9
    bayes_cap: float = 5.0
    new_member: float = 0.6
    established: float = -1.0
    link: float = 0.9
    links_many: float = 1.3
    invite: float = 1.3
    mentions: float = 0.6
    crypto: float = 1.2
    money: float = 1.0
    adult: float = 1.6
    job: float = 1.0
    contact: float = 0.8
    prize: float = 0.8
    urgency: float = 0.6
    emoji: float = 0.6
    invisible: float = 1.2
    mixed_script: float = 1.0
    spacing: float = 0.8
    shouting: float = 0.5
    known_spam: float = 5.0


@dataclass(frozen=True, slots=True)
class MessageSignals:
    """What the engine already knows about a message besides its words."""

    links: int = 0
    invites: int = 0
    mentions: int = 0
    custom_emoji: int = 0
    is_new: bool = False


class SpamScorer:
    """Scores messages with a `SpamModel` and `SpamWeights`; immutable, safe to share."""

    __slots__ = ("_families", "_model", "_weights")

    def __init__(self, model: SpamModel | None = None, config: SpamWeights | None = None) -> None:
        self._model = model if model is not None else SpamModel.starter()
        self._weights = config if config is not None else SpamWeights()
        self._families = build_automaton()

    @property
    def model(self) -> SpamModel:
        return self._model

    def with_model(self, model: SpamModel) -> SpamScorer:
        """The same scorer over a retrained model (after `/spam` or `/notspam`)."""
        return SpamScorer(model, self._weights)

    def score_text(self, text: str, *, is_new: bool = True) -> tuple[float, Details]:
        """Score a bare text as if a member sent it with no links or entities."""
        return self.score(normalise(text), MessageSignals(is_new=is_new))

    def score(self, text: Normalised, signals: MessageSignals) -> tuple[float, Details]:
        """(score in [0, 1], named contributions); the score is rounded to 3 decimals."""
        w = self._weights
        log_odds = self._model.log_odds(text.folded)
        capped = max(-w.bayes_cap, min(w.bayes_cap, log_odds))
        details: list[tuple[str, float]] = [("bayes", round(_sigmoid(capped), 2))]
        parts: list[tuple[str, float]] = [
            *self._member_parts(signals),
            *self._entity_parts(signals),
            *self._word_parts(text),
            *self._shape_parts(text, signals),
        ]
        if self._model.is_known_spam(text.folded):
            parts.append(("known_spam", w.known_spam))
        total = w.base + w.bayes * capped + sum(value for _name, value in parts)
        details.extend((name, round(value, 2)) for name, value in parts)
        return round(_sigmoid(total), 3), tuple(details)

    def _member_parts(self, signals: MessageSignals) -> list[tuple[str, float]]:
        w = self._weights
        return [("new_member", w.new_member) if signals.is_new else ("established", w.established)]

    def _entity_parts(self, signals: MessageSignals) -> list[tuple[str, float]]:
        w = self._weights
        parts: list[tuple[str, float]] = []
        if signals.links:
            parts.append(("links", w.links_many if signals.links > 1 else w.link))
        if signals.invites:
            parts.append(("invite", w.invite))
        if signals.mentions >= 3:
            parts.append(("mentions", w.mentions))
        return parts

    def _word_parts(self, text: Normalised) -> list[tuple[str, float]]:
        families = list(families_in(self._families, text.folded))
        if "money" not in families and MONEY_RATE_RE.search(text.visible):
            families.append("money")
        return [(family, float(getattr(self._weights, family))) for family in families]

    def _shape_parts(self, text: Normalised, signals: MessageSignals) -> list[tuple[str, float]]:
        w = self._weights
        parts: list[tuple[str, float]] = []
        words = text.folded.count(" ") + 1 if text.folded else 0
        emoji = text.emoji_count + signals.custom_emoji
        if emoji >= 4 and emoji * 3 >= words:
            parts.append(("emoji", w.emoji))
        if text.had_invisible:
            parts.append(("invisible", w.invisible))
        if text.mixed_script_tokens:
            parts.append(("mixed_script", w.mixed_script * min(text.mixed_script_tokens, 2)))
        if text.abnormal_spacing:
            parts.append(("spacing", w.spacing))
        if _shouting(text.visible):
            parts.append(("shouting", w.shouting))
        return parts


def explain(score: float, details: Details) -> str:
    """One line for `/why`: "bayes 0.91, new_member +0.6, crypto +1.2 = 0.97"."""
    shown = [
        f"{name} {value:.2f}" if name == "bayes" else f"{name} {value:+.1f}"
        for name, value in details
    ]
    return f"{', '.join(shown)} = {score:.2f}"


def _shouting(visible: str) -> bool:
    """Mostly capital letters over a real sentence (20+ letters)."""
    upper = sum(map(str.isupper, visible))
    if upper < 14:
        return False
    letters = sum(map(str.isalpha, visible))
    return letters >= 20 and upper * 10 >= letters * 7


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))
