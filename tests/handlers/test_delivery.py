"""Durable inbox and outbox: faults survived, nothing lost, nothing done twice."""

from __future__ import annotations

import copy
import logging

import pytest
from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.playground import Playground
from bot.sandbox import Fault
from storage.db import session_scope
from storage.repositories.chats import ChatsRepo
from storage.repositories.inbox import InboxRepo


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
