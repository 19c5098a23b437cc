"""Repository methods the per-message path relies on (one statement where there were several)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import make_session_factory, session_scope
from storage.repositories.chats import ChatsRepo
from storage.repositories.faq import FaqRepo
from storage.repositories.members import MembersRepo
from storage.repositories.metrics import MetricsRepo
from storage.repositories.moderation import EventsRepo
from storage.repositories.outbox import OutboxCall, OutboxRepo, deletion_key

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_seen_keeps_a_member_loaded_in_the_session_in_step(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        await MembersRepo(s).seen(-1, 10, now=NOW, first_name="Bea", message=True)
    later = NOW + timedelta(minutes=5)
    async with session_scope(sessions) as s:
        repo = MembersRepo(s)
        await repo.set_trusted(-1, 10, True, later)  # loads the row, change not flushed yet
        info = await repo.seen(-1, 10, now=later, first_name="Beatrice", message=True)
        again = await repo.get(-1, 10)  # from the session's identity map
    assert (info.first_name, info.message_count, info.trusted) == ("Beatrice", 2, True)
    assert again == info
    async with session_scope(sessions) as s:
        assert await MembersRepo(s).get(-1, 10) == info


async def test_set_status_after_an_unflushed_new_member(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        repo = MembersRepo(s)
        await repo.set_trusted(-1, 20, True, NOW)  # added to the session, not flushed
        await repo.set_status(-1, 20, "administrator", {"can_delete_messages": True}, NOW)
        await repo.set_status(-1, 21, "member", {}, NOW)  # never seen: stored as well
        loaded = await repo.get(-1, 20)
    async with session_scope(sessions) as s:
        stored = await MembersRepo(s).get(-1, 20)
        other = await MembersRepo(s).get(-1, 21)
    assert stored == loaded
    assert stored is not None and stored.trusted and stored.is_admin
    assert stored.rights == {"can_delete_messages": True} and stored.rights_checked_at == NOW
    assert other is not None and (other.status, other.first_seen) == ("member", NOW)


async def test_names_of_several_members_in_one_read(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        repo = MembersRepo(s)
        await repo.seen(-1, 1, now=NOW, first_name="Ada", username="ada")
        await repo.seen(-2, 1, now=NOW, first_name="Ada B")
        await repo.seen(-1, 2, now=NOW, first_name="Bo")
    async with session_scope(sessions) as s:
        names = await MembersRepo(s).names([(-1, 1), (-2, 1), (-3, 9)])
        assert await MembersRepo(s).names([]) == {}
    assert names == {(-1, 1): ("Ada", "ada"), (-2, 1): ("Ada B", None)}


async def test_enqueue_calls_keeps_order_and_ignores_replayed_keys(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    later = NOW + timedelta(minutes=1)
    calls = [
        OutboxCall(-1, "deleteMessage", {"chat_id": -1, "message_id": 5}, NOW, dedupe_key="u1:0"),
        OutboxCall(-1, "banChatMember", {"chat_id": -1, "user_id": 9}, NOW, dedupe_key="u1:1"),
        OutboxCall(-2, "sendMessage", {"chat_id": -2, "text": "hi"}, NOW, not_before=later,
                   ref_kind="mod_notice", ref_id=3),
    ]
    async with session_scope(sessions) as s:
        await OutboxRepo(s).enqueue_calls(calls)
        await OutboxRepo(s).enqueue_calls(calls[:1])  # a replay of the same update
        await OutboxRepo(s).enqueue_calls([])
    async with session_scope(sessions) as s:
        due = await OutboxRepo(s).due(later)
    assert [(e.chat_id, e.method, e.params, e.ref_kind, e.ref_id) for e in due] == [
        (-1, "deleteMessage", {"chat_id": -1, "message_id": 5}, None, None),
        (-1, "banChatMember", {"chat_id": -1, "user_id": 9}, None, None),
        (-2, "sendMessage", {"chat_id": -2, "text": "hi"}, "mod_notice", 3),
    ]
    async with session_scope(sessions) as s:
        assert [e.method for e in await OutboxRepo(s).due(NOW)] == [
            "deleteMessage", "banChatMember"]  # the notice is not due yet


async def test_a_message_is_queued_for_deletion_once_until_that_deletion_fails(
        engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)

    def delete(message_id: int) -> OutboxCall:
        return OutboxCall(-1, "deleteMessage", {"chat_id": -1, "message_id": message_id}, NOW,
                          dedupe_key=deletion_key(-1, message_id))

    ban = OutboxCall(-1, "banChatMember", {"chat_id": -1, "user_id": 9}, NOW, dedupe_key="u1:0")
    async with session_scope(sessions) as s:
        await OutboxRepo(s).enqueue_calls([delete(5), delete(6), delete(5), ban])
        await OutboxRepo(s).enqueue_calls([delete(5)])  # a ban's clean-up asks again
    async with session_scope(sessions) as s:
        due = await OutboxRepo(s).due(NOW)
        assert [(e.method, e.params.get("message_id")) for e in due] == [
            ("deleteMessage", 5), ("deleteMessage", 6), ("banChatMember", None)]
        for entry in (due[0], due[2]):
            await OutboxRepo(s).mark_failed(entry.id, "Bad Request: not enough rights")
    async with session_scope(sessions) as s:
        # the right was given back: the failed deletion may be asked again, the pending
        # one is still queued once, and the failed ban's replay still adds nothing
        await OutboxRepo(s).enqueue_calls([delete(5), delete(6), ban])
        assert [(e.method, e.params.get("message_id"))
                for e in await OutboxRepo(s).due(NOW)] == [
            ("deleteMessage", 6), ("deleteMessage", 5)]


async def test_rows_wait_behind_a_row_retried_later(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    retry_at = NOW + timedelta(seconds=30)
    calls = [OutboxCall(-1, method, {"chat_id": -1, "user_id": 9}, NOW)
             for method in ("banChatMember", "unbanChatMember", "restrictChatMember")]
    async with session_scope(sessions) as s:
        await OutboxRepo(s).enqueue_calls(calls)
        ban, unban, _ = await OutboxRepo(s).due(NOW)
        await OutboxRepo(s).retry_later(ban.id, retry_at, "502")
        await OutboxRepo(s).wait_behind([unban.id], ban.id)
        await OutboxRepo(s).wait_behind([], ban.id)
    async with session_scope(sessions) as s:
        assert [e.method for e in await OutboxRepo(s).due(NOW)] == ["restrictChatMember"]
        assert [e.method for e in await OutboxRepo(s).due(retry_at)] == [
            "banChatMember", "unbanChatMember", "restrictChatMember"]  # in their order


async def test_answer_history_counts_the_asker_and_finds_the_entry_cooldown(
    engine: AsyncEngine,
) -> None:
    sessions = make_session_factory(engine)
    hour = timedelta(hours=1)
    async with session_scope(sessions) as s:
        repo = FaqRepo(s)
        old = await repo.record_answer(chat_id=-1, entry_id="ship", question_message_id=1,
                                       asker_id=7, language="it", score=0.9, now=NOW - 3 * hour)
        await repo.set_answer_message(old, 100)
        sent = await repo.record_answer(chat_id=-1, entry_id="ship", question_message_id=2,
                                        asker_id=8, language="it", score=0.9, now=NOW - hour)
        await repo.set_answer_message(sent, 200)
        await repo.record_answer(chat_id=-1, entry_id="pay", question_message_id=3,
                                 asker_id=7, language="it", score=0.9, now=NOW)  # not sent yet
        await repo.record_answer(chat_id=-2, entry_id="ship", question_message_id=4,
                                 asker_id=7, language="it", score=0.9, now=NOW)
    async with session_scope(sessions) as s:
        repo = FaqRepo(s)
        ship = await repo.answer_history(-1, 7, "ship", asker_since=NOW - 4 * hour,
                                         entry_since=NOW - 2 * hour)
        pay = await repo.answer_history(-1, 7, "pay", asker_since=NOW - 2 * hour,
                                        entry_since=NOW - 2 * hour)
        none = await repo.answer_history(-1, 9, "returns", asker_since=NOW,
                                         entry_since=NOW)
    assert ship == (2, 200)
    assert pay == (1, None)  # answered moments ago, its message not known yet
    assert none == (0, None)


async def test_titles_and_audit_events_in_single_statements(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        await ChatsRepo(s).upsert(-1, type="supergroup", title="Aurora", now=NOW)
        await ChatsRepo(s).upsert(-2, type="supergroup", title="Aurora EN", now=NOW)
        first = await EventsRepo(s).add(chat_id=-1, user_id=5, message_id=9, action="delete",
                                        reasons="blocklist", now=NOW)
        second = await EventsRepo(s).add(chat_id=-2, user_id=None, message_id=None,
                                         action="ban", reasons="spam", now=NOW,
                                         detail={"spam": 0.97})
    async with session_scope(sessions) as s:
        titles = await ChatsRepo(s).titles([-1, -2, -3])
        assert await ChatsRepo(s).titles([]) == {}
        events = await EventsRepo(s).unlogged()
    assert titles == {-1: "Aurora", -2: "Aurora EN"}
    assert second > first
    assert [(e.id, e.chat_id, e.action, e.detail, e.excerpt, e.dry_run) for e in events] == [
        (first, -1, "delete", {}, "", False), (second, -2, "ban", {"spam": 0.97}, "", False)]


async def test_nth_latest_kudos_says_until_when_a_chat_is_full(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        repo = MetricsRepo(s)
        for minutes in (0, 10, 20, 30):
            await repo.add_kudos(-1, minutes, 5, "Ada", "grazie!",
                                 NOW + timedelta(minutes=minutes))
        await repo.add_kudos(-2, 1, 5, "Ada", "grazie!", NOW)
    since = NOW - timedelta(hours=24)
    async with session_scope(sessions) as s:
        repo = MetricsRepo(s)
        assert await repo.nth_latest_kudos(-1, since, 3) == NOW + timedelta(minutes=10)
        assert await repo.nth_latest_kudos(-1, since, 5) is None
        assert await repo.nth_latest_kudos(-1, NOW + timedelta(minutes=15), 3) is None
