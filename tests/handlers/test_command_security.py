"""Manager commands from the wrong place or the wrong person (beyond test_authorization.py).

Every command of the matrix (plus /forget) is sent by an admin demoted since (before and after
the bot's admin cache is refreshed by Telegram's chat_member update), by an admin of another
group, in a private chat, and on behalf of a foreign channel. Each is refused with a clear
reply and nothing is done: no ban, restriction, deletion or stored moderation change.
"""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from bot.playground import Playground
from policies.texts import text
from storage.db import session_scope
from storage.models import Base
from tests.handlers.test_authorization import COMMANDS

ALL = {**COMMANDS, "forget": ("", "can_restrict_members", True)}
READS = {"getChatMember", "getChatAdministrators", "getUpdates", "getMe", "sendMessage"}
WATCHED = ("warnings", "moderation_events", "chat_settings", "cases", "spam_samples",
           "raid_modes", "timers")
NOT_ADMIN = text("auth_not_admin", "it")


async def _watched(play: Playground) -> dict[str, list[str]]:
    async with session_scope(play.runtime.services.sessions) as s:
        return {t.name: sorted(repr(tuple(r)) for r in (await s.execute(select(t))).all())
                for t in Base.metadata.sorted_tables if t.name in WATCHED}


async def _send_all(play: Playground, chat_id: int, *, user: int,
                    sender_chat: int | None = None) -> list[str]:
    """Every command from ``user`` (a reply to a member's message when it takes a target)."""
    sandbox = play.sandbox
    bait = sandbox.user_sends(play.group_id, play.people.member, "un messaggio qualsiasi")
    target = (bait["message_id"] if chat_id == play.group_id else None)
    await play.deliver()
    before, calls = await _watched(play), len(sandbox.calls)
    for command, (args, _right, targeted) in sorted(ALL.items()):
        sandbox.user_sends(chat_id, user, f"/{command} {args}".strip(),
                           reply_to=target if targeted else None, sender_chat_id=sender_chat)
        await play.deliver()
        play.clock.advance(5)  # a manager's pace, not a flood
    made = sandbox.calls[calls:]
    assert [(c.method, c.params) for c in made if c.method not in READS] == []
    assert await _watched(play) == before
    return [str(c.params["text"]) for c in made
            if c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id]


def _demote(play: Playground, *, tell_the_bot: bool) -> None:
    chat = play.sandbox.chat(play.group_id)
    old = copy.deepcopy(chat.member(play.people.admin))
    play.sandbox.set_member(play.group_id, play.people.admin, "member")
    if tell_the_bot:  # Telegram's chat_member update: the bot's admin cache is refreshed
        play.sandbox.emit_member_change(chat, play.people.admin, old, play.people.owner)


@pytest.mark.parametrize("cache", ["stale", "refreshed"])
async def test_demoted_admin_is_refused_every_command_at_once(play: Playground,
                                                              cache: str) -> None:
    _demote(play, tell_the_bot=cache == "refreshed")
    replies = await _send_all(play, play.group_id, user=play.people.admin)
    assert replies == [NOT_ADMIN] * len(ALL)


async def test_demoted_admin_is_moderated_like_a_member_once_the_cache_is_refreshed(
    play: Playground,
) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.admin, "attenti alla truffa")
    await play.deliver()
    assert not sandbox.calls_of("deleteMessage") and not sandbox.calls_of("deleteMessages")
    _demote(play, tell_the_bot=True)
    await play.deliver()
    scam = sandbox.user_sends(play.group_id, play.people.admin, "attenti alla truffa")
    await play.deliver()
    deleted = [c for c in sandbox.calls if c.method in ("deleteMessage", "deleteMessages")
               and scam["message_id"] in (c.params.get("message_ids")
                                          or [c.params.get("message_id")])]
    assert deleted and deleted[0].ok


async def test_admin_of_another_group_is_refused_here(play: Playground) -> None:
    sandbox, here = play.sandbox, play.group_id
    elsewhere = sandbox.add_user("Altrove")["id"]
    sandbox.set_member(play.community_ids[1], elsewhere, "administrator")
    sandbox.set_member(here, elsewhere, "member")
    replies = await _send_all(play, here, user=elsewhere)
    assert replies == [NOT_ADMIN] * len(ALL)


async def test_commands_in_a_private_chat_are_refused(play: Playground) -> None:
    private = play.sandbox.add_private_chat(play.people.admin)
    replies = await _send_all(play, private, user=play.people.admin)
    assert replies == [text("auth_group_only", "it")] * len(ALL)


async def test_messages_on_behalf_of_a_foreign_channel_are_refused(play: Playground) -> None:
    channel = play.sandbox.add_channel("Canale estraneo", owner_id=play.people.admin)
    replies = await _send_all(play, play.group_id, user=play.people.admin,
                              sender_chat=channel)
    assert replies == [NOT_ADMIN] * len(ALL)
