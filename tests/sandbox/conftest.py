"""Fixtures for the sandbox tests: a manual clock, a sandbox, a real PTB Bot wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from telegram import Bot

from bot.clock import ManualClock
from bot.sandbox import Sandbox, make_bot


@dataclass(frozen=True, slots=True)
class Community:
    """A brand's usual setup: a supergroup, a forum team chat, a channel with comments."""

    group: int
    forum: int
    topic: int
    channel: int
    discussion: int
    member: int
    admin: int
    owner: int


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sandbox(clock: ManualClock) -> Sandbox:
    return Sandbox(clock=clock)


@pytest.fixture
def community(sandbox: Sandbox) -> Community:
    owner = sandbox.add_user("Olga", username="olga_owner")["id"]
    admin = sandbox.add_user("Ada", username="ada_admin")["id"]
    member = sandbox.add_user("Marco", username="marco_r")["id"]
    group = sandbox.add_group("Caffè Aurora", owner_id=owner)
    sandbox.set_member(group, admin, "administrator")
    sandbox.set_member(group, member, "member")
    sandbox.add_bot_to(group)
    forum = sandbox.add_group("Team Aurora", forum=True, owner_id=owner)
    sandbox.add_bot_to(forum)
    topic = sandbox.add_topic(forum, "Reclami")
    discussion = sandbox.add_group("Commenti", owner_id=owner)
    sandbox.add_bot_to(discussion)
    channel = sandbox.add_channel("Aurora News", linked_group=discussion, owner_id=owner)
    sandbox.add_bot_to(channel)
    sandbox.add_private_chat(member)
    sandbox.pending.clear()
    return Community(group, forum, topic, channel, discussion, member, admin, owner)


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    telegram_bot = make_bot(sandbox)
    await telegram_bot.initialize()
    yield telegram_bot
    await telegram_bot.shutdown()
