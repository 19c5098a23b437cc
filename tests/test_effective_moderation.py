"""A community's moderation overrides: the result is the revalidated merge, blocklist shared."""

from __future__ import annotations

import pytest

from bot.policy_loader import parse_policy
from policies.schema import Moderation, PolicyFile, _merge, effective_moderation
from tests.test_policy_file import EXAMPLE

INTERNATIONAL = -1001000000002  # the example's community with a link override


def _revalidated(policy: PolicyFile, overrides: dict[str, object]) -> Moderation:
    """What the merge means: the whole section dumped, overridden and validated again."""
    return Moderation.model_validate(_merge(policy.moderation.model_dump(), overrides))


def _with_overrides(overrides: str) -> PolicyFile:
    return parse_policy(EXAMPLE.replace("{links: {new_members_only: false}}", overrides))


@pytest.mark.parametrize("overrides", [
    "{links: {new_members_only: false}}",
    "{mode: dry_run, flood: {messages: 3}}",
    "{locks: [photo]}",
], ids=["links", "mode-and-flood", "locks"])
def test_override_without_blocklist_equals_the_revalidated_merge_and_shares_the_rules(
    overrides: str,
) -> None:
    policy = _with_overrides(overrides)
    community = policy.community(INTERNATIONAL)
    assert community is not None
    merged = effective_moderation(policy, INTERNATIONAL)
    assert merged == _revalidated(policy, community.overrides.moderation)
    assert merged.blocklist is policy.moderation.blocklist


def test_blocklist_override_replaces_the_rules() -> None:
    policy = _with_overrides("{blocklist: [{term: caffè, action: delete}]}")
    community = policy.community(INTERNATIONAL)
    assert community is not None
    merged = effective_moderation(policy, INTERNATIONAL)
    assert merged == _revalidated(policy, community.overrides.moderation)
    assert [(rule.term, rule.action) for rule in merged.blocklist] == [("caffè", "delete")]
