"""Chats the bot is in, and the one operation that touches every table: a chat id migration."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base, Chat


@dataclass(frozen=True, slots=True)
class ChatInfo:
    chat_id: int
    type: str
    title: str
    username: str | None
    is_forum: bool
    linked_chat_id: int | None
    bot_status: str
    bot_rights: dict[str, Any] = field(default_factory=dict)
    active: bool = True
    migrated_to: int | None = None


def _info(row: Chat) -> ChatInfo:
    return ChatInfo(
        chat_id=row.chat_id,
        type=row.type,
        title=row.title,
        username=row.username,
        is_forum=row.is_forum,
        linked_chat_id=row.linked_chat_id,
        bot_status=row.bot_status,
        bot_rights=dict(row.bot_rights or {}),
        active=row.active,
        migrated_to=row.migrated_to,
    )


class ChatsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, chat_id: int) -> ChatInfo | None:
        row = await self._s.get(Chat, chat_id)
        return _info(row) if row else None

    async def titles(self, chat_ids: Iterable[int]) -> dict[int, str]:
        """Titles of several chats in one statement (chats not stored are left out)."""
        wanted = set(chat_ids)
        if not wanted:
            return {}
        rows = await self._s.execute(
            select(Chat.chat_id, Chat.title).where(Chat.chat_id.in_(wanted)))
        return {int(chat_id): str(title) for chat_id, title in rows}

    async def upsert(
        self,
        chat_id: int,
        *,
        type: str,
        title: str,
        now: datetime,
        username: str | None = None,
        is_forum: bool = False,
        linked_chat_id: int | None = None,
    ) -> ChatInfo:
        row = await self._s.get(Chat, chat_id)
        if row is None:
            row = Chat(chat_id=chat_id, bot_rights={}, active=True)
            self._s.add(row)
        row.type, row.title, row.username, row.is_forum = type, title, username, is_forum
        if linked_chat_id is not None:
            row.linked_chat_id = linked_chat_id
        row.updated_at = now
        await self._s.flush()
        return _info(row)

    async def set_bot_status(
        self, chat_id: int, status: str, rights: dict[str, Any], now: datetime
    ) -> None:
        row = await self._s.get(Chat, chat_id)
        if row is None:
            return
        row.bot_status, row.bot_rights, row.updated_at = status, rights, now
        row.active = status in {"member", "administrator", "creator", "restricted"}

    async def set_active(self, chat_id: int, active: bool, now: datetime) -> bool:
        """Returns True when the flag changed (so the team is told only once)."""
        row = await self._s.get(Chat, chat_id)
        if row is None or row.active == active:
            return False
        row.active, row.updated_at = active, now
        return True

    async def list_active(self) -> list[ChatInfo]:
        rows = await self._s.scalars(select(Chat).where(Chat.active.is_(True)))
        return [_info(r) for r in rows]

    async def migrate(self, old_id: int, new_id: int, now: datetime) -> None:
        """Move every row of ``old_id`` to ``new_id`` (a group became a supergroup).

        Generic over the schema: every table with a ``chat_id`` column follows, so features
        added later cannot forget to. Idempotent, and safe whichever of Telegram's two service
        messages (migrate_to in the old chat, migrate_from in the new one) is handled first:
        rows the new chat already has for the same key give way to the old chat's history.
        """
        if old_id == new_id:
            return
        from storage.repositories.outbox import OutboxRepo

        await OutboxRepo(self._s).rewrite_chat(old_id, new_id)
        for table in Base.metadata.sorted_tables:
            if "chat_id" not in table.c or table.name == Chat.__tablename__:
                continue
            await self._drop_conflicts(table, old_id, new_id)
            await self._s.execute(
                update(table).where(table.c.chat_id == old_id).values(chat_id=new_id)
            )
        old = await self._s.get(Chat, old_id)
        new = await self._s.get(Chat, new_id)
        if new is None:
            new = Chat(chat_id=new_id, bot_rights={}, active=True, title="", bot_status="member")
            self._s.add(new)
        if old is not None and old.migrated_to is None:
            new.title = new.title or old.title
            new.bot_status, new.bot_rights = old.bot_status, dict(old.bot_rights or {})
            new.username = new.username or old.username
        new.type, new.active, new.updated_at = "supergroup", True, now
        if old is None:
            old = Chat(chat_id=old_id, type="group", title="", bot_rights={})
            self._s.add(old)
        old.active, old.migrated_to, old.updated_at = False, new_id, now
        await self._s.flush()

    async def _drop_conflicts(self, table: Any, old_id: int, new_id: int) -> None:
        others = [c for c in table.primary_key.columns if c.name != "chat_id"]
        if "chat_id" not in table.primary_key.columns or not others:
            return
        old_keys = select(*others).where(table.c.chat_id == old_id)
        await self._s.execute(
            delete(table).where(
                table.c.chat_id == new_id, tuple_(*others).in_(old_keys)
            )
        )
