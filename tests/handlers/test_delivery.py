"""Durable inbox and outbox: faults survived, nothing lost, nothing done twice."""

from __future__ import annotations

import asyncio
import copy
import logging

import pytest
from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.outbox import (
    DELETE_BATCH,
    DELETE_BURST_CALLS,
    DELETE_WINDOW_S,
    GATHER,
    GATHER_MAX_S,
    GATHER_QUIET_S,
)
from bot.playground import Playground
from bot.sandbox import Fault
from storage.db import session_scope
from storage.repositories.chats import ChatsRepo
from storage.repositories.inbox import InboxRepo, InboxRow
from storage.repositories.outbox import OutboxCall, OutboxRepo


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


async def _queue_raid_deletions(play: Playground, message_ids: list[int]) -> None:
    now = play.clock.now()
    async with session_scope(play.runtime.services.sessions) as session:
        await OutboxRepo(session).enqueue_calls([
            OutboxCall(play.group_id, "deleteMessage",
                       {"chat_id": play.group_id, "message_id": m}, now, ref_kind=GATHER)
            for m in message_ids])


def _deletion_batches(play: Playground) -> list[list[int]]:
    return [sorted(c.params.get("message_ids") or [c.params["message_id"]])
            for c in play.sandbox.calls if c.method in ("deleteMessage", "deleteMessages")]


async def test_raid_deletions_wait_for_a_full_batch_or_a_pause(play: Playground) -> None:
    """Under a raid the very first deletions already gather: a full batch leaves at once,
    the rest once the chat's deletions pause for GATHER_QUIET_S."""
    sandbox, sender = play.sandbox, play.runtime.sender
    ids = [sandbox.user_sends(play.group_id, play.people.member, f"raid {n}")["message_id"]
           for n in range(DELETE_BATCH + 30)]
    sandbox.clear_calls()
    await _queue_raid_deletions(play, ids[:30])
    await sender.flush()
    assert _deletion_batches(play) == [] and sender.holding
    play.clock.advance(GATHER_QUIET_S / 2)  # more arrive before the pause: still gathering
    await _queue_raid_deletions(play, ids[30:])
    await sender.flush()
    assert _deletion_batches(play) == [sorted(ids[:DELETE_BATCH])]  # a full batch goes
    play.clock.advance(GATHER_QUIET_S / 2)
    await sender.flush()
    assert len(_deletion_batches(play)) == 1  # the last 30 arrived less than a pause ago
    play.clock.advance(GATHER_QUIET_S / 2)
    await sender.flush()
    assert _deletion_batches(play) == [sorted(ids[:DELETE_BATCH]), sorted(ids[DELETE_BATCH:])]
    assert all(sandbox.message(play.group_id, m).deleted for m in ids)


async def _raid_deletions_behind_a_backlog(play: Playground) -> tuple[list[int], InboxRow]:
    """30 raid deletions queued and flushed while an update of the chat waits unhandled."""
    sandbox = play.sandbox
    ids = [sandbox.user_sends(play.group_id, play.people.member, f"raid {n}")["message_id"]
           for n in range(30)]
    sandbox.clear_calls()
    waiting = InboxRow(10**9, play.group_id, "{}")
    async with session_scope(play.runtime.services.sessions) as session:
        await InboxRepo(session).add_many([waiting], play.clock.now())
    await _queue_raid_deletions(play, ids)
    await play.runtime.sender.flush()
    return ids, waiting


async def test_raid_deletions_keep_gathering_while_the_chats_updates_wait(
        play: Playground) -> None:
    """A pause in a raid's deletions while the chat's updates still wait to be handled (the
    bot is going through a stretch of joins) does not send a partial batch: it leaves once
    the chat's backlog is handled, or after GATHER_MAX_S."""
    sender = play.runtime.sender
    ids, waiting = await _raid_deletions_behind_a_backlog(play)
    play.clock.advance(GATHER_QUIET_S * 2)  # a pause, but the backlog is not handled yet
    await sender.flush()
    assert _deletion_batches(play) == [] and sender.holding
    async with session_scope(play.runtime.services.sessions) as session:
        assert await InboxRepo(session).mark_done(waiting.update_id, play.clock.now())
    await sender.flush()
    assert _deletion_batches(play) == [sorted(ids)]


async def test_raid_deletions_wait_at_most_gather_max_behind_a_backlog(
        play: Playground) -> None:
    sender = play.runtime.sender
    ids, _ = await _raid_deletions_behind_a_backlog(play)
    play.clock.advance(GATHER_MAX_S - 0.1)
    await sender.flush()
    assert _deletion_batches(play) == []
    play.clock.advance(0.2)
    await sender.flush()
    assert _deletion_batches(play) == [sorted(ids)]


async def test_raid_deletions_that_keep_coming_wait_at_most_gather_max(
        play: Playground) -> None:
    sandbox, sender = play.sandbox, play.runtime.sender
    ids = [sandbox.user_sends(play.group_id, play.people.member, f"raid {n}")["message_id"]
           for n in range(80)]
    sandbox.clear_calls()
    step = GATHER_QUIET_S * 0.8  # never a pause long enough
    waited = 0.0
    for chunk in range(0, 80, 4):
        await _queue_raid_deletions(play, ids[chunk:chunk + 4])
        await sender.flush()
        if _deletion_batches(play):
            break
        play.clock.advance(step)
        waited += step
    assert GATHER_MAX_S - step <= waited <= GATHER_MAX_S + step
    [first] = _deletion_batches(play)
    assert first == sorted(first) and first[0] == ids[0]


async def test_a_chats_deletions_never_wait_behind_its_other_calls(
        play: Playground) -> None:
    """Deletions and the chat's other calls (bans, restrictions) go in separate lanes: while
    the chat's other calls are being sent (a raid's hundreds of bans), a new deletion goes."""
    sandbox, sender = play.sandbox, play.runtime.sender
    spam = sandbox.user_sends(play.group_id, play.people.member, "to delete")["message_id"]
    await play.deliver()
    sandbox.clear_calls()
    now = play.clock.now()
    async with session_scope(play.runtime.services.sessions) as session:
        await OutboxRepo(session).enqueue_calls([OutboxCall(
            play.group_id, "banChatMember", {"chat_id": play.group_id, "user_id": 42}, now)])
    busy = (play.group_id, False)  # the chat's other lane, as while its bans are going out
    sender._sending.add(busy)
    await _queue_deletions(play, [spam])
    assert await sender.flush() == 1  # the deletion: the ban is left to its own lane
    assert sandbox.message(play.group_id, spam).deleted
    assert not sandbox.calls_of("banChatMember")
    sender._sending.discard(busy)
    await sender.flush()
    assert [c.params["user_id"] for c in sandbox.calls_of("banChatMember")] == [42]


async def test_calls_about_one_member_keep_their_order_and_others_go_on(
        play: Playground) -> None:
    """A chat's calls about different members go side by side; those about one member keep
    their order: a restriction that fails holds back that member's ban, nobody else's."""
    sandbox, sender = play.sandbox, play.runtime.sender
    users = [sandbox.add_user(f"Joiner{n}")["id"] for n in range(3)]
    for user in users:
        sandbox.user_joins(play.group_id, user)
    await play.deliver()
    sandbox.clear_calls()
    sandbox.faults.fail_next("restrictChatMember", error=Fault.server_error(502),
                             chat_id=play.group_id)
    now = play.clock.now()
    calls = []
    for user in users:
        calls += [OutboxCall(play.group_id, "restrictChatMember",
                             {"chat_id": play.group_id, "user_id": user,
                              "permissions": {"can_send_messages": False}}, now),
                  OutboxCall(play.group_id, "banChatMember",
                             {"chat_id": play.group_id, "user_id": user}, now)]
    async with session_scope(play.runtime.services.sessions) as session:
        await OutboxRepo(session).enqueue_calls(calls)
    await sender.flush()
    [failed] = [c.params["user_id"] for c in sandbox.calls if not c.ok]
    others = [u for u in users if u != failed]
    done = [(c.method, c.params["user_id"]) for c in sandbox.calls if c.ok]
    assert sorted(done) == sorted((m, u) for u in others
                                  for m in ("restrictChatMember", "banChatMember"))
    for user in others:
        assert done.index(("restrictChatMember", user)) < done.index(("banChatMember", user))
    await sender.flush()  # before the retry is due: the ban still waits behind it
    assert not [c for c in sandbox.calls_of("banChatMember") if c.params["user_id"] == failed]
    play.clock.advance(5)  # the failed restriction is retried, then the ban follows it
    await play.runtime.deliver()
    methods = [c.method for c in sandbox.calls if c.ok and c.params.get("user_id") == failed]
    assert methods == ["restrictChatMember", "banChatMember"]


async def test_edits_of_one_message_due_together_leave_as_one_call(play: Playground) -> None:
    """A card changed three times while its chat waited costs one edit, with the last text;
    every row is recorded as sent, and other messages' edits and posts still go."""
    team = play.team_chat_id
    async with session_scope(play.runtime.services.sessions) as s:
        for text in ("card A", "card B"):
            await OutboxRepo(s).enqueue(team, "sendMessage", {"chat_id": team, "text": text},
                                        now=play.clock.now())
    await play.deliver()
    first, second = (int(c.result["message_id"]) for c in play.sandbox.calls_of("sendMessage")
                     if c.params["chat_id"] == team and c.params["text"].startswith("card"))
    edits = [(first, "A claimed"), (second, "B claimed"), (first, "A answered"),
             (first, "A resolved")]
    async with session_scope(play.runtime.services.sessions) as s:
        for message_id, text in edits:
            await OutboxRepo(s).enqueue(team, "editMessageText", {
                "chat_id": team, "message_id": message_id, "text": text},
                now=play.clock.now())
        await OutboxRepo(s).enqueue(team, "sendMessage", {"chat_id": team, "text": "later"},
                                    now=play.clock.now())
    await play.deliver()
    calls = [(c.method, c.params.get("message_id"), c.params["text"])
             for c in play.sandbox.calls_of("editMessageText") + play.sandbox.calls_of(
                 "sendMessage") if c.params["chat_id"] == team and c.ok]
    assert ("editMessageText", first, "A resolved") in calls
    assert ("editMessageText", second, "B claimed") in calls
    assert [c for c in calls if c[0] == "editMessageText"] == [
        ("editMessageText", first, "A resolved"), ("editMessageText", second, "B claimed")]
    assert ("sendMessage", None, "later") in calls
    assert play.sandbox.message(team, first).text == "A resolved"
    async with session_scope(play.runtime.services.sessions) as s:
        assert await OutboxRepo(s).count_pending() == 0
        sent = await OutboxRepo(s).list_sent("editMessageText")
    assert len(sent) == 4
