"""Builders shared by the moderation tests: views, histories, engines with a neutral scorer."""

from __future__ import annotations

from typing import Any

from policies.moderation import (
    Decision,
    MemberHistory,
    ModerationEngine,
    RuleResult,
    SpamModel,
    SpamWeights,
)
from policies.schema import Moderation
from policies.types import LinkRef, MessageView, Sender

CHAT = -1001234567890
NOW = 1_700_000_000.0
DAY = 86400.0

OLD = MemberHistory(first_seen=NOW - 60 * DAY, message_count=120)
NEW = MemberHistory(first_seen=NOW - 600, message_count=0)

_ZERO = dict.fromkeys(SpamWeights.__slots__, 0.0)
NEUTRAL_WEIGHTS = SpamWeights(**{**_ZERO, "base": -4.0, "bayes_cap": 5.0})
"""Every message scores sigmoid(-4): rule tests are not disturbed by the spam score."""
NEUTRAL_SCORE = 0.018


def view(text: str = "", **fields: Any) -> MessageView:
    """A group message from member 42 in CHAT, with any field overridden."""
    base: dict[str, Any] = {
        "chat_id": CHAT,
        "chat_type": "supergroup",
        "message_id": 1,
        "text": text,
        "sender": Sender(42, "Mario"),
        "chat_username": "caffeaurora_chat",
    }
    base.update(fields)
    return MessageView(**base)


def url(target: str, kind: str = "url") -> tuple[LinkRef, ...]:
    return (LinkRef(kind, target),)


def engine(moderation: Moderation | None = None, **kwargs: Any) -> ModerationEngine:
    """An engine with an empty spam model and neutral weights (spam score constant)."""
    kwargs.setdefault("spam_model", SpamModel.from_samples([]))
    kwargs.setdefault("spam_weights", NEUTRAL_WEIGHTS)
    return ModerationEngine.build(moderation or Moderation(), **kwargs)


def decided(
    action: str,
    *reasons: RuleResult,
    duration: int | None = None,
    delete: bool = False,
    warn: bool = False,
    review: bool = False,
    score: float | None = NEUTRAL_SCORE,
) -> Decision:
    """An expected Decision written out field by field."""
    return Decision(action, reasons, duration, score, delete=delete, warn=warn, review=review)


CLEAN = decided("none")
"""What a message nothing objects to gets from a non-exempt member."""
