"""Durable inbox and outbox: faults survived, nothing lost, nothing done twice."""

from __future__ import annotations

import asyncio
import copy
import logging

import pytest
from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.outbox import DELETE_BURST_CALLS, DELETE_WINDOW_S
from bot.playground import Playground
from bot.sandbox import Fault
from storage.db import session_scope
from storage.repositories.chats import ChatsRepo
from storage.repositories.inbox import InboxRepo
from storage.repositories.outbox import OutboxRepo


def _sends_to(play: Playground, chat_id: int, ok: bool = True) -> list[str]:
    return [c.params["text"] for c in play.sandbox.calls_of("sendMessage")
            if c.params["chat_id"] == chat_id and c.ok == ok]


async def test_429_delays_one_chat_while_others_are_served(play: Playground) -> None:
    sandbox, english = play.sandbox, play.community_ids[1]
    sandbox.faults.fail_next("sendMessage", error=Fault.too_many_requests(3),
                             chat_id=play.group_id)
    sandbox.user_sends(play.group_id, play.people.member, "/rules")
    sandbox.user_sends(english, play.people.member, "/rules")
    await play.deliver()
    assert len(_sends_to(play, english)) == 1
    assert _sends_to(play, play.group_id) == []
    play.clock.advance(2)
    await play.deliver()
    assert _sends_to(play, play.group_id) == []  # retry_after is honoured
    play.clock.advance(1.5)
    await play.deliver()
    assert len(_sends_to(play, play.group_id)) == 1


async def test_server_errors_are_retried_until_delivered_once(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.faults.fail_next("sendMessage", times=2, error=Fault.server_error(502))
    sandbox.user_sends(play.group_id, play.people.member, "/rules")
    for _ in range(4):
        await play.deliver()
        play.clock.advance(10)
    assert len(_sends_to(play, play.group_id)) == 1
    assert len(_sends_to(play, play.group_id, ok=False)) == 2


async def test_bot_kicked_stops_sending_and_tells_the_team_once(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.faults.set_chat_down(play.group_id, Fault.kicked())
    sandbox.user_sends(play.group_id, play.people.member, "/rules")
    sandbox.user_sends(play.group_id, play.people.member, "/help")
    for _ in range(3):
        await play.deliver()
        play.clock.advance(60)
    async with session_scope(play.runtime.services.sessions) as s:
        chat = await ChatsRepo(s).get(play.group_id)
    assert chat is not None and not chat.active
    assert len(_sends_to(play, play.group_id, ok=False)) == 1  # no retry loop
    team = _sends_to(play, play.team_chat_id)
    assert len(team) == 1 and "Caffè Aurora Community" in team[0]


async def test_redelivered_update_is_processed_once(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.member, "/rules")
    update = copy.deepcopy(sandbox.emitted[-1])
    await play.deliver()
    sandbox.pending.append(update)  # Telegram sends it again (e.g. a lost confirmation)
    sandbox.wake_pollers()
    await play.deliver()
    assert len(_sends_to(play, play.group_id)) == 1


async def test_a_crashing_handler_is_logged_and_the_bot_keeps_serving(
    play: Playground, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(update: Update, context: object) -> None:
        if update.effective_message and update.effective_message.text == "boom":
            raise ValueError("handler bug")

    play.runtime.app.add_handler(MessageHandler(filters.TEXT, broken), group=-9)
    sandbox = play.sandbox
    crash = sandbox.user_sends(play.group_id, play.people.member, "boom")
    sandbox.user_sends(play.group_id, play.people.member, "/rules")
    with caplog.at_level(logging.ERROR):
        await play.deliver()
    assert len(_sends_to(play, play.group_id)) == 1
    assert any("handler bug" in r.getMessage() for r in caplog.records)
    async with session_scope(play.runtime.services.sessions) as s:
        assert await InboxRepo(s).count_pending() == 0
    assert crash["message_id"] > 0


async def _queue_deletions(play: Playground, message_ids: list[int]) -> None:
    async with session_scope(play.runtime.services.sessions) as session:
        await OutboxRepo(session).enqueue_many(
            play.group_id, "deleteMessage",
            [{"chat_id": play.group_id, "message_id": m} for m in message_ids],
            now=play.clock.now(), dedupe_keys=[None] * len(message_ids))


async def test_a_burst_of_deletions_leaves_in_full_batches(play: Playground) -> None:
    """The odd deletion goes at once; once a chat has had DELETE_BURST_CALLS deletion calls
    within DELETE_WINDOW_S, the next ones gather and leave as one deleteMessages call."""
    sandbox, sender = play.sandbox, play.runtime.sender
    ids = [sandbox.user_sends(play.group_id, play.people.member, f"spam {n}")["message_id"]
           for n in range(9)]
    await play.deliver()
    await asyncio.sleep(DELETE_WINDOW_S)  # nine quick lines may have cost a flood deletion
    sandbox.clear_calls()
    for n in range(DELETE_BURST_CALLS):  # not a burst yet: each goes at once
        await _queue_deletions(play, ids[n:n + 1])
        await sender.flush()
    assert [c.method for c in sandbox.calls] == ["deleteMessage"] * DELETE_BURST_CALLS
    rest = ids[DELETE_BURST_CALLS:]
    await _queue_deletions(play, rest[:3])
    await sender.flush()
    await _queue_deletions(play, rest[3:])
    await sender.flush()
    assert len(sandbox.calls) == DELETE_BURST_CALLS  # held: a burst is on
    wait = await sender.next_due_in()
    assert wait is not None and 0 < wait <= DELETE_WINDOW_S
    await asyncio.sleep(wait + 0.01)
    await sender.flush()
    batched = [c for c in sandbox.calls if c.method == "deleteMessages"]
    assert len(batched) == 1 and sorted(batched[0].params["message_ids"]) == sorted(rest)
    assert all(sandbox.message(play.group_id, m).deleted for m in ids)
