"""Decision composition, reason formatting and warning escalation."""

from __future__ import annotations

import pytest

from policies.moderation import Decision, RuleResult, escalate_warning
from policies.schema import Warnings

R = RuleResult
COMPOSE = [
    ("nothing", (), Decision("none", (), None, None, False, False, False)),
    ("review-only", (R("spam", "0.60", "review"),),
     Decision("review", (R("spam", "0.60", "review"),), None, None, False, False, True)),
    ("delete-beats-review", (R("spam", "0.6", "review"), R("links", '"x.io"', "delete")),
     Decision("delete", (R("spam", "0.6", "review"), R("links", '"x.io"', "delete")), None,
              None, True, False, True)),
    ("warn-only-keeps-message", (R("regex", '"x"', "warn"),),
     Decision("warn", (R("regex", '"x"', "warn"),), None, None, False, True, False)),
    ("longest-duration-of-winning-action",
     (R("flood", "6/10s", "mute", 600), R("repeat", "3 chats", "mute", 3600),
      R("blocklist", '"a"', "delete_and_warn")),
     Decision("mute", (R("flood", "6/10s", "mute", 600), R("repeat", "3 chats", "mute", 3600),
                       R("blocklist", '"a"', "delete_and_warn")), 3600, None, True, True, False)),
    ("ban-drops-warning", (R("blocklist", '"a"', "delete_and_warn"), R("spam", "0.9", "ban")),
     Decision("ban", (R("blocklist", '"a"', "delete_and_warn"), R("spam", "0.9", "ban")), None,
              None, True, False, False)),
    ("kick-has-no-duration", (R("lock", '"photo"', "kick", 60),),
     Decision("kick", (R("lock", '"photo"', "kick", 60),), None, None, True, False, False)),
]


@pytest.mark.parametrize(("reasons", "expected"), [c[1:] for c in COMPOSE],
                         ids=[c[0] for c in COMPOSE])
def test_from_reasons(reasons: tuple[RuleResult, ...], expected: Decision) -> None:
    assert Decision.from_reasons(reasons) == expected


def test_reason_text_and_summary() -> None:
    decision = Decision.from_reasons(
        [R("blocklist", '"truffa"', "delete"), R("flood", "7/10s", "mute", 600),
         R("spam", "0.93", "ban"), R("links", '"bit.ly"', "delete")], spam_score=0.93)
    assert decision.summary == 'blocklist:"truffa"; flood:7/10s; spam:0.93; links:"bit.ly"'


def test_unknown_action_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown moderation action"):
        Decision.from_reasons([R("x", "y", "explode")])


ESCALATE = [
    ("below-limit", 2, Warnings(limit=3, then="ban", duration=86400), ("warn", None)),
    ("at-limit-ban", 3, Warnings(limit=3, then="ban", duration=86400), ("ban", 86400)),
    ("over-limit-mute", 5, Warnings(limit=3, then="mute", duration=3600), ("mute", 3600)),
    ("kick-no-duration", 1, Warnings(limit=1, then="kick"), ("kick", None)),
]


@pytest.mark.parametrize(("count", "warnings", "expected"), [c[1:] for c in ESCALATE],
                         ids=[c[0] for c in ESCALATE])
def test_escalate_warning(
    count: int, warnings: Warnings, expected: tuple[str, int | None]
) -> None:
    assert escalate_warning(count, warnings) == expected
