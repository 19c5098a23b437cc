"""Moderation: pure decisions on one message, plus the in-memory flood and raid trackers.

`ModerationEngine.build(policy.moderation, ...)` compiles a chat's policy once;
`engine.evaluate(view, history, now)` returns a `Decision` with named reasons.
"""

from __future__ import annotations

from policies.moderation.bayes import SpamModel, load_corpus
from policies.moderation.engine import TELEGRAM_SERVICE_IDS, ModerationEngine, escalate_warning
from policies.moderation.flood import FloodSample, FloodTracker
from policies.moderation.raid import RaidDetector, RaidState
from policies.moderation.spam import MessageSignals, SpamScorer, SpamWeights, explain
from policies.moderation.types import ACTIONS, Decision, MemberHistory, RuleResult

__all__ = [
    "ACTIONS",
    "TELEGRAM_SERVICE_IDS",
    "Decision",
    "FloodSample",
    "FloodTracker",
    "MemberHistory",
    "MessageSignals",
    "ModerationEngine",
    "RaidDetector",
    "RaidState",
    "RuleResult",
    "SpamModel",
    "SpamScorer",
    "SpamWeights",
    "escalate_warning",
    "explain",
    "load_corpus",
]
