"""What a message posted during a raid becomes (policies.moderation.raid.during_raid)."""

from __future__ import annotations

import pytest

from policies.moderation.raid import during_raid
from policies.moderation.types import Decision, MemberHistory, RuleResult
from policies.schema import Raid

NOW = 1_000_000.0
RAID = Raid()
NEWCOMER = MemberHistory(first_seen=NOW - 30)
MEMBER = MemberHistory(first_seen=NOW - 90 * 86400, message_count=200)
REVIEW = Decision.from_reasons([RuleResult("spam", "0.62", "review")], spam_score=0.62)
DELETE = Decision.from_reasons([RuleResult("blocklist", '"truffa"', "delete")])


@pytest.mark.parametrize("decision", [REVIEW, DELETE], ids=["review", "delete"])
def test_a_raid_newcomers_removed_or_suspect_message_bans_without_a_review_case(
        decision: Decision) -> None:
    raided = during_raid(decision, NEWCOMER, RAID, NOW)
    assert raided.action == "ban" and raided.delete and not raided.review
    assert [r.name for r in raided.reasons][-1] == "raid"
    assert raided.reasons[0].detail == decision.reasons[0].detail  # the reason stays readable


@pytest.mark.parametrize("history", [
    MEMBER,  # established: never caught on a raid
    MemberHistory(first_seen=NOW - 30, trusted=True),
    MemberHistory(first_seen=NOW - 30, is_admin=True),
    MemberHistory(first_seen=NOW - RAID.duration - RAID.seconds - 1),  # joined long before
], ids=["member", "trusted", "admin", "joined-before"])
def test_others_keep_their_decision(history: MemberHistory) -> None:
    assert during_raid(REVIEW, history, RAID, NOW) == REVIEW
    assert during_raid(DELETE, history, RAID, NOW) == DELETE


def test_nothing_to_remove_stays_nothing() -> None:
    quiet = Decision.none(0.1)
    assert during_raid(quiet, NEWCOMER, RAID, NOW) == quiet
