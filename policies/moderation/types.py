"""Moderation inputs and outputs: what we know about a member, what fired, what to do.

Every automated action must be explainable in the team chat and in `/why`, so a `Decision`
carries the named `RuleResult`s that produced it, each printable as ``name:detail``
(``blocklist:"truffa"``, ``flood:7/10s``, ``spam:0.93``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ACTIONS: tuple[str, ...] = ("none", "review", "delete", "warn", "mute", "kick", "ban")
"""Decision actions from least to most severe."""

SEVERITY: dict[str, int] = {name: rank for rank, name in enumerate(ACTIONS)}

# Policy-file actions that are not decision actions themselves.
_ALIASES = {"delete_and_warn": "warn"}
_DELETES = frozenset({"delete", "delete_and_warn", "mute", "kick", "ban"})
_WARNS = frozenset({"warn", "delete_and_warn"})
_TIMED = frozenset({"mute", "ban"})


def decision_action(rule_action: str) -> str:
    """Map a policy-file action ("delete_and_warn") onto the decision scale ("warn")."""
    action = _ALIASES.get(rule_action, rule_action)
    if action not in SEVERITY:
        raise ValueError(f"unknown moderation action {rule_action!r}")
    return action


@dataclass(frozen=True, slots=True)
class MemberHistory:
    """What storage and the in-memory trackers know about the sender, loaded before evaluating.

    Attributes:
        first_seen: when the member joined or was first seen in this chat; None if unknown
            (then only `message_count` decides whether they are new).
        message_count: messages seen from them in this chat before this one.
        trusted: a manager vouched for them (`/trust`): content rules are skipped.
        is_admin: a chat admin; nothing is moderated.
        recent: timestamps of their previous messages in this chat (for flood).
        repeats_across_chats: how many of the brand's other chats got the same text from them
            within the flood window.

    Active warnings are not here: the engine does not use them; `handlers.enforce` counts
    them only when a rule warns.
    """

    first_seen: float | None = None
    message_count: int = 0
    trusted: bool = False
    is_admin: bool = False
    recent: tuple[float, ...] = ()
    repeats_across_chats: int = 0


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One check that fired, with what it saw and what the policy says to do about it.

    Attributes:
        name: the check ("blocklist", "regex", "links", "invite", "lock", "as_channel",
            "custom_emoji", "flood", "repeat", "spam", "quiet_period", "cas", "raid").
        detail: what it saw, already formatted for humans ('"truffa"', "7/10s", "0.93").
        action: the policy-file action ("delete", "delete_and_warn", "mute", "review", ...).
        duration_s: restriction length for mute/ban; None means the action's default.
    """

    name: str
    detail: str
    action: str
    duration_s: int | None = None

    def __str__(self) -> str:
        return f"{self.name}:{self.detail}"


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one message; the handler carries it out (honouring dry_run).

    Attributes:
        action: the most severe action of all reasons, on the `ACTIONS` scale.
        reasons: every check that fired, in evaluation order (the audit trail).
        duration_s: restriction length of the reason that set `action` (longest if several).
        spam_score: the spam score in [0, 1], or None when the message was not scored.
        delete: the message must be deleted (any reason asked for delete, mute, kick or ban).
        warn: the member gets a warning (a reason asked for one and nobody is kicked/banned).
        review: a reason asked the team to look at it (e.g. spam in the grey zone).
    """

    action: str
    reasons: tuple[RuleResult, ...]
    duration_s: int | None
    spam_score: float | None
    delete: bool
    warn: bool
    review: bool

    @classmethod
    def none(cls, spam_score: float | None = None) -> Decision:
        """The decision for a message nothing objects to."""
        return cls("none", (), None, spam_score, delete=False, warn=False, review=False)

    @classmethod
    def from_reasons(
        cls, reasons: Iterable[RuleResult], spam_score: float | None = None
    ) -> Decision:
        """Compose the reasons: the most severe action wins, flags collect what each asked."""
        listed = tuple(reasons)
        if not listed:
            return cls.none(spam_score)
        action = max((decision_action(r.action) for r in listed), key=SEVERITY.__getitem__)
        durations = [
            r.duration_s
            for r in listed
            if decision_action(r.action) == action and r.duration_s is not None
        ]
        return cls(
            action=action,
            reasons=listed,
            duration_s=max(durations) if durations and action in _TIMED else None,
            spam_score=spam_score,
            delete=any(r.action in _DELETES for r in listed),
            warn=action not in ("kick", "ban") and any(r.action in _WARNS for r in listed),
            review=any(r.action == "review" for r in listed),
        )

    @property
    def summary(self) -> str:
        """The reasons joined for a one-line audit entry ('blocklist:"truffa"; spam:0.93')."""
        return "; ".join(str(reason) for reason in self.reasons)
