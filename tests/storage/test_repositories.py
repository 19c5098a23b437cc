"""Repositories on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import make_session_factory, session_scope
from storage.repositories.chats import ChatsRepo
from storage.repositories.inbox import InboxRepo, InboxRow
from storage.repositories.members import MembersRepo
from storage.repositories.outbox import OutboxRepo
from storage.repositories.settings import ChatSettingsRepo

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_chat_upsert_and_bot_status_round_trip(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        await ChatsRepo(s).upsert(-1001, type="supergroup", title="Aurora", now=NOW,
                                  username="aurora", is_forum=True)
        await ChatsRepo(s).set_bot_status(-1001, "administrator",
                                          {"can_delete_messages": True}, NOW)
    async with session_scope(sessions) as s:
        chat = await ChatsRepo(s).get(-1001)
    assert chat is not None
    assert (chat.title, chat.username, chat.is_forum, chat.bot_status) == (
        "Aurora", "aurora", True, "administrator")
    assert chat.bot_rights == {"can_delete_messages": True}
    assert chat.active


async def test_bot_kicked_marks_chat_inactive(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        await ChatsRepo(s).upsert(-1002, type="supergroup", title="X", now=NOW)
        await ChatsRepo(s).set_bot_status(-1002, "kicked", {}, NOW)
    async with session_scope(sessions) as s:
        assert [c.chat_id for c in await ChatsRepo(s).list_active()] == []
        assert await ChatsRepo(s).set_active(-1002, False, NOW) is False


async def test_migration_moves_every_row_to_the_new_chat_id(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        await ChatsRepo(s).upsert(-55, type="group", title="Old", now=NOW)
        await MembersRepo(s).seen(-55, 7, now=NOW, first_name="Ada", message=True)
        await ChatSettingsRepo(s).put(-55, "moderation.mode", "dry_run", by=1, now=NOW)
        await OutboxRepo(s).enqueue(-55, "sendMessage", {"chat_id": -55, "text": "hi"}, now=NOW)
    async with session_scope(sessions) as s:
        await OutboxRepo(s).rewrite_chat(-55, -100555)
        await ChatsRepo(s).migrate(-55, -100555, NOW)
    async with session_scope(sessions) as s:
        new = await ChatsRepo(s).get(-100555)
        old = await ChatsRepo(s).get(-55)
        member = await MembersRepo(s).get(-100555, 7)
        setting = await ChatSettingsRepo(s).all_for(-100555)
        due = await OutboxRepo(s).due(NOW)
    assert new is not None and new.type == "supergroup" and new.title == "Old"
    assert old is not None and old.migrated_to == -100555 and not old.active
    assert member is not None and member.message_count == 1
    assert setting == {"moderation.mode": "dry_run"}
    assert [(d.chat_id, d.params["chat_id"]) for d in due] == [(-100555, -100555)]


async def test_members_track_tenure_activity_and_admin_cache(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    later = NOW + timedelta(hours=2)
    async with session_scope(sessions) as s:
        repo = MembersRepo(s)
        await repo.seen(-1, 10, now=NOW, first_name="Bea", message=True)
        await repo.seen(-1, 10, now=later, first_name="Bea", message=True)
        await repo.set_status(-1, 11, "administrator", {"can_restrict_members": True}, NOW)
    async with session_scope(sessions) as s:
        repo = MembersRepo(s)
        bea = await repo.get(-1, 10)
        admins = await repo.list_admins(-1)
    assert bea is not None and bea.first_seen == NOW and bea.message_count == 2
    assert not bea.is_admin
    assert [(a.user_id, a.rights) for a in admins] == [(11, {"can_restrict_members": True})]


async def test_chat_settings_put_replace_remove(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        repo = ChatSettingsRepo(s)
        await repo.put(-1, "faq.enabled", True, by=5, now=NOW)
        await repo.put(-1, "faq.enabled", False, by=5, now=NOW)
        await repo.put(-1, "locks", ["sticker"], by=5, now=NOW)
    async with session_scope(sessions) as s:
        repo = ChatSettingsRepo(s)
        assert await repo.all_for(-1) == {"faq.enabled": False, "locks": ["sticker"]}
        assert await repo.remove(-1, "locks") is True
        assert await repo.remove(-1, "locks") is False


async def test_inbox_ignores_redelivered_updates_and_orders_pending(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        await InboxRepo(s).add_many([InboxRow(5, -1, "{}"), InboxRow(3, -1, "{}")], NOW)
    async with session_scope(sessions) as s:
        await InboxRepo(s).add_many([InboxRow(5, -1, '{"again": 1}'), InboxRow(4, -2, "{}")],
                                    NOW)
        await InboxRepo(s).mark_done(3, NOW)
    async with session_scope(sessions) as s:
        pending = await InboxRepo(s).pending()
        assert [(r.update_id, r.payload) for r in pending] == [(4, "{}"), (5, "{}")]
        assert await InboxRepo(s).status_of(3) == "done"
        assert await InboxRepo(s).count_pending() == 2


async def test_outbox_dedupe_due_retry_and_drop(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        repo = OutboxRepo(s)
        await repo.enqueue(-1, "sendMessage", {"text": "a"}, now=NOW, dedupe_key="k1")
        await repo.enqueue(-1, "sendMessage", {"text": "a again"}, now=NOW, dedupe_key="k1")
        await repo.enqueue(-2, "sendMessage", {"text": "b"}, now=NOW)
        await repo.enqueue(-3, "sendMessage", {"text": "c"}, now=NOW,
                           not_before=NOW + timedelta(minutes=5))
    async with session_scope(sessions) as s:
        repo = OutboxRepo(s)
        due = await repo.due(NOW)
        assert [d.params["text"] for d in due] == ["a", "b"]
        await repo.retry_later(due[0].id, NOW + timedelta(seconds=30), "429")
        await repo.mark_sent(due[1].id, {"message_id": 9}, NOW)
        assert await repo.drop_chat(-3, "kicked") == 1
    async with session_scope(sessions) as s:
        repo = OutboxRepo(s)
        assert await repo.due(NOW) == []
        assert await repo.next_due_at() == NOW + timedelta(seconds=30)
        [sent] = await repo.list_sent()
        assert sent.result == {"message_id": 9}


async def test_concurrent_writers_do_not_fail(engine: AsyncEngine) -> None:
    """50 concurrent units of work on the real engine: none sees 'database is locked'."""
    sessions = make_session_factory(engine)

    async def writer(n: int) -> None:
        async with session_scope(sessions) as s:
            await MembersRepo(s).seen(-9, n % 5, now=NOW, first_name=f"u{n}", message=True)
            await InboxRepo(s).add_many([InboxRow(1000 + n, -9, "{}")], NOW)

    await asyncio.gather(*(writer(n) for n in range(50)))
    async with session_scope(sessions) as s:
        assert await InboxRepo(s).count_pending() == 50
        counts = [(await MembersRepo(s).get(-9, u)) for u in range(5)]
    assert sum(m.message_count for m in counts if m) == 50
