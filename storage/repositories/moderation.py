"""Warnings, the moderation audit log, spam samples and recent message ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.direct import Write, fetch, write
from storage.models import ModerationEvent, RecentMessage, SpamSample, Warning_
from storage.repositories._prepared import ignoring, setting
from storage.repositories._upsert import insert_id


@dataclass(frozen=True, slots=True)
class WarningInfo:
    id: int
    reason: str
    by_user_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class EventInfo:
    id: int
    chat_id: int
    user_id: int | None
    message_id: int | None
    action: str
    reasons: str
    detail: dict[str, Any]
    excerpt: str
    dry_run: bool
    by_user_id: int | None
    at: datetime
    undone_by: int | None
    notice_message_id: int | None


def _event(row: ModerationEvent) -> EventInfo:
    return EventInfo(row.id, row.chat_id, row.user_id, row.message_id, row.action, row.reasons,
                     dict(row.detail or {}), row.excerpt, row.dry_run, row.by_user_id, row.at,
                     row.undone_by, row.notice_message_id)


_SET_NOTICE = setting(ModerationEvent, "notice_message_id")
_RECENT = RecentMessage.__table__
_OF_USER = (select(_RECENT.c.message_id)
            .where(_RECENT.c.chat_id == bindparam("chat_id"),
                   _RECENT.c.user_id == bindparam("user_id"), _RECENT.c.at >= bindparam("since"))
            .order_by(_RECENT.c.message_id))
"""A removed member's recent messages (the same statement on every database)."""


class WarningsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, chat_id: int, user_id: int, reason: str, *, by: int | None,
                  now: datetime) -> None:
        self._s.add(Warning_(chat_id=chat_id, user_id=user_id, reason=reason[:500],
                             by_user_id=by, at=now, active=True))
        await self._s.flush()

    async def active(self, chat_id: int, user_id: int, since: datetime) -> list[WarningInfo]:
        rows = await self._s.scalars(
            select(Warning_)
            .where(Warning_.chat_id == chat_id, Warning_.user_id == user_id,
                   Warning_.active.is_(True), Warning_.at >= since)
            .order_by(Warning_.at, Warning_.id)
        )
        return [WarningInfo(r.id, r.reason, r.by_user_id, r.at) for r in rows]

    async def remove_last(self, chat_id: int, user_id: int) -> bool:
        row = await self._s.scalar(
            select(Warning_)
            .where(Warning_.chat_id == chat_id, Warning_.user_id == user_id,
                   Warning_.active.is_(True))
            .order_by(Warning_.at.desc(), Warning_.id.desc()).limit(1)
        )
        if row is None:
            return False
        row.active = False
        return True

    async def reset(self, chat_id: int, user_id: int) -> None:
        await self._s.execute(
            update(Warning_).where(Warning_.chat_id == chat_id, Warning_.user_id == user_id)
            .values(active=False)
        )


class EventsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(
        self, *, chat_id: int, user_id: int | None, message_id: int | None, action: str,
        reasons: str, now: datetime, detail: dict[str, Any] | None = None, excerpt: str = "",
        dry_run: bool = False, by: int | None = None,
    ) -> int:
        return await insert_id(
            self._s, ModerationEvent,
            chat_id=chat_id, user_id=user_id, message_id=message_id, action=action,
            reasons=reasons[:1000], detail=detail or {}, excerpt=excerpt[:300], dry_run=dry_run,
            by_user_id=by, at=now, logged=False,
        )

    async def get(self, event_id: int) -> EventInfo | None:
        row = await self._s.get(ModerationEvent, event_id)
        return _event(row) if row else None

    async def by_notice(self, chat_id: int, notice_message_id: int) -> EventInfo | None:
        row = await self._s.scalar(
            select(ModerationEvent).where(ModerationEvent.chat_id == chat_id,
                                          ModerationEvent.notice_message_id == notice_message_id)
        )
        return _event(row) if row else None

    async def by_message(self, chat_id: int, message_id: int) -> EventInfo | None:
        row = await self._s.scalar(
            select(ModerationEvent)
            .where(ModerationEvent.chat_id == chat_id, ModerationEvent.message_id == message_id)
            .order_by(ModerationEvent.id.desc()).limit(1)
        )
        return _event(row) if row else None

    async def set_notice(self, event_id: int, message_id: int) -> None:
        """Deferred on SQLite to the transaction's next trip (storage.direct)."""
        await write(self._s, [Write("moderation_events.notice", _SET_NOTICE, [
            {"row_id": event_id, "new_notice_message_id": message_id}])])

    async def mark_undone(self, event_id: int, by: int) -> bool:
        result = await self._s.execute(
            update(ModerationEvent)
            .where(ModerationEvent.id == event_id, ModerationEvent.undone_by.is_(None))
            .values(undone_by=by)
        )
        return bool(getattr(result, "rowcount", 0))

    async def unlogged(self, limit: int = 50) -> list[EventInfo]:
        rows = await self._s.scalars(
            select(ModerationEvent).where(ModerationEvent.logged.is_(False))
            .order_by(ModerationEvent.id).limit(limit)
        )
        return [_event(r) for r in rows]

    async def mark_logged(self, ids: list[int]) -> None:
        if ids:
            await self._s.execute(update(ModerationEvent).where(ModerationEvent.id.in_(ids))
                                  .values(logged=True))

    async def count_by_action(self, chat_id: int, since: datetime) -> dict[str, int]:
        rows = await self._s.execute(
            select(ModerationEvent.action, func.count())
            .where(ModerationEvent.chat_id == chat_id, ModerationEvent.at >= since)
            .group_by(ModerationEvent.action)
        )
        return {action: int(n) for action, n in rows}


class SpamSamplesRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, text: str, is_spam: bool, *, by: int | None, now: datetime) -> None:
        self._s.add(SpamSample(text=text[:4000], is_spam=is_spam, by_user_id=by, at=now))
        await self._s.flush()

    async def all(self) -> list[tuple[str, bool]]:
        rows = await self._s.execute(select(SpamSample.text, SpamSample.is_spam)
                                     .order_by(SpamSample.id))
        return [(t, bool(s)) for t, s in rows]


class RecentMessagesRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, chat_id: int, message_id: int, user_id: int, now: datetime,
                  text_key: bytes | None = None) -> None:
        await write(self._s, [Write("recent_messages.add", ignoring(RecentMessage), [
            {"chat_id": chat_id, "message_id": message_id, "user_id": user_id, "at": now,
             "text_key": text_key}])])

    async def of_user(self, chat_id: int, user_id: int, since: datetime) -> list[int]:
        rows = await fetch(self._s, "recent_messages.of_user", lambda _: _OF_USER,
                           {"chat_id": chat_id, "user_id": user_id, "since": since},
                           (_RECENT.c.message_id,))
        return [int(row["message_id"]) for row in rows]

    async def purge(self, before: datetime) -> None:
        await self._s.execute(delete(RecentMessage).where(RecentMessage.at < before))
