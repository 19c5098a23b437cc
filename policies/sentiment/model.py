"""Inputs and outputs of the sentiment / complaint policy (frozen, slotted, hashable)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Label = Literal["negative", "neutral", "positive"]


@dataclass(frozen=True, slots=True)
class BrandContext:
    """What counts as "about the brand" beyond the built-in commerce vocabulary.

    Negativity only becomes a complaint when it is about the brand, so the deployment's policy
    file supplies the brand's names ("Caffè Aurora", "Aurora") and product words ("capsule",
    "felpa") here. Matching is case- and accent-insensitive, on word boundaries.
    """

    names: tuple[str, ...] = ()
    product_terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    """The verdict on one message, with reasons a human can read in the team chat.

    Attributes:
        sentiment: overall polarity in [-1, 1].
        label: sentiment bucketed into negative / neutral / positive.
        is_complaint: negativity aimed at the brand, its products, orders or service.
        is_praise: clearly positive about the brand (kudos for the content team).
        risk_terms: legal / PR-risk words found (as written in the message, folded).
        risk_on_brand: the risk words are part of a negative, on-topic message rather than a
            joke, a neutral question or off-topic chatter.
        reasons: named evidence, e.g. `complaint:"servizio pessimo"`, `negation:"non male"`.
    """

    sentiment: float
    label: Label
    is_complaint: bool
    is_praise: bool
    risk_terms: tuple[str, ...]
    reasons: tuple[str, ...]
    risk_on_brand: bool = False

    @property
    def flagged(self) -> bool:
        """True when the team should see the message as a complaint / risk escalation."""
        return self.is_complaint or self.risk_on_brand
