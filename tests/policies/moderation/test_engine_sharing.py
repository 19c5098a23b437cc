"""Engines whose blocklists and regexes are the same share one compiled copy of each."""

from __future__ import annotations

import gc
import weakref

from policies.blocklist import BlockEntry
from policies.schema import BlockRule, Links, Moderation
from tests.policies.moderation.factories import OLD, engine, view

RULES = [BlockRule(term="truffa", action="delete"), BlockRule(regex=r"promo\d+", action="mute",
                                                              duration=3600)]
BASE = Moderation(blocklist=RULES)
LINKS_OVERRIDDEN = Moderation(blocklist=RULES, links=Links(new_members_only=False))


def _reasons(moderation: Moderation, text: str, **kwargs: object) -> list[str]:
    decision = engine(moderation, **kwargs).evaluate(view(text), OLD, 0.0)
    return [reason.name for reason in decision.reasons]


def test_rules_differing_elsewhere_share_the_compiled_lists() -> None:
    first, second = engine(BASE), engine(LINKS_OVERRIDDEN)
    assert (first._blocklist is second._blocklist, first._patterns is second._patterns) == (
        True, True)
    assert [_reasons(m, "che truffa, usa promo10") for m in (BASE, LINKS_OVERRIDDEN)] == [
        ["blocklist", "regex"], ["blocklist", "regex"]]


def test_an_extra_term_gets_its_own_blocklist_and_only_there() -> None:
    extra = (BlockEntry("fregatura", "delete", None, "chat:1"),)
    plain, own = engine(BASE), engine(BASE, extra_terms=extra)
    assert (plain._blocklist is own._blocklist, plain._patterns is own._patterns) == (False, True)
    found = [_reasons(BASE, "una fregatura"), _reasons(BASE, "una fregatura", extra_terms=extra)]
    assert found == [[], ["blocklist"]]


def test_a_compiled_list_goes_with_the_last_engine_using_it() -> None:
    rules = Moderation(blocklist=[BlockRule(term="unica", action="delete")])
    built = engine(rules)
    gone = weakref.ref(built._blocklist)
    again = engine(rules)
    assert again._blocklist is gone()
    del built, again
    gc.collect()
    assert gone() is None
