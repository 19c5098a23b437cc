"""State several workers share about chats and members: stamps, lines, raid deadlines.

One process keeps these in memory (bot/state); when several workers handle the same chats in
turn they live here, written in the update's own transaction, so a rolled-back update leaves
no trace. Every table is small: rows are pruned as they age out of their window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    ChatLine,
    ChatSetting,
    FaqEntryRow,
    MemberStamp,
    RaidMode,
    RecentMessage,
    SpamSample,
)
from storage.repositories._upsert import upsert

SENDER_LOCK_SPACE = 0x666C6F6F  # "floo": keeps these advisory locks apart from chat locks
LINES_KEEP = timedelta(hours=48)
STAMPS_KEEP = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class StoredLine:
    name: str
    text: str
    user_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Versions:
    """What the cached rules, spam model and FAQ index were built from, as fingerprints."""

    chat: tuple[object, ...]
    spam: tuple[object, ...]
    faq: tuple[object, ...]


class SenderHistoryRepo:
    """A member's recent messages in every chat, for flood and cross-chat repeats."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def lock(self, user_id: int) -> bool:
        """PostgreSQL: one worker at a time reads and adds a member's messages (until commit),
        so copies sent to several chats at once are still seen one after the other. True
        when taken (or not needed); never waits, so it cannot deadlock."""
        if self._s.get_bind().dialect.name != "postgresql":
            return True
        key = user_id % 2_147_483_647
        taken = await self._s.scalar(select(func.pg_try_advisory_xact_lock(
            SENDER_LOCK_SPACE, key)))
        return bool(taken)

    async def since(self, user_id: int, since: datetime,
                    limit: int = 512) -> list[tuple[int, datetime, bytes | None]]:
        """(chat, time, text fingerprint) of the member's messages after ``since``."""
        rows = await self._s.execute(
            select(RecentMessage.chat_id, RecentMessage.at, RecentMessage.text_key)
            .where(RecentMessage.user_id == user_id, RecentMessage.at > since)
            .order_by(RecentMessage.at.desc()).limit(limit)
        )
        return [(chat, at, bytes(key) if key is not None else None) for chat, at, key in rows]


class StampsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, kind: str, chat_id: int, user_id: int, now: datetime) -> None:
        await self._s.execute(insert(MemberStamp).values(
            kind=kind, chat_id=chat_id, user_id=user_id, at=now))

    async def count(self, kind: str, chat_id: int, since: datetime,
                    user_id: int | None = None) -> int:
        """Acts at or after ``since``, of one member or (None) of everyone in the chat."""
        query = select(func.count()).where(
            MemberStamp.chat_id == chat_id, MemberStamp.kind == kind, MemberStamp.at >= since)
        if user_id is not None:
            query = query.where(MemberStamp.user_id == user_id)
        return int(await self._s.scalar(query) or 0)

    async def prune(self, kind: str, chat_id: int, before: datetime) -> None:
        """The chat's acts of this kind before ``before`` no longer count for anyone."""
        await self._s.execute(delete(MemberStamp).where(
            MemberStamp.chat_id == chat_id, MemberStamp.kind == kind, MemberStamp.at < before))


class LinesRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, kind: str, chat_id: int, line: StoredLine, *, keep: int,
                  prune_before: datetime | None = None) -> None:
        """Append a line; only the newest ``keep`` (and none before ``prune_before``) stay."""
        row_id = await self._s.scalar(insert(ChatLine).values(
            chat_id=chat_id, kind=kind, user_id=line.user_id, name=line.name[:128],
            text=line.text, at=line.at).returning(ChatLine.id))
        if prune_before is not None:
            await self._s.execute(delete(ChatLine).where(
                ChatLine.chat_id == chat_id, ChatLine.kind == kind, ChatLine.at < prune_before))
        if (row_id or 0) % 8 == 0:  # trimming to ``keep`` on every eighth line is enough
            newest = (select(ChatLine.id).where(ChatLine.chat_id == chat_id,
                                                ChatLine.kind == kind)
                      .order_by(ChatLine.id.desc()).limit(keep))
            await self._s.execute(delete(ChatLine).where(
                ChatLine.chat_id == chat_id, ChatLine.kind == kind,
                ChatLine.id.not_in(newest.scalar_subquery())))

    async def latest(self, kind: str, chat_id: int, count: int,
                     since: datetime | None = None) -> list[StoredLine]:
        """The newest ``count`` lines, oldest first."""
        query = select(ChatLine).where(ChatLine.chat_id == chat_id, ChatLine.kind == kind)
        if since is not None:
            query = query.where(ChatLine.at >= since)
        rows = list(await self._s.scalars(query.order_by(ChatLine.id.desc()).limit(count)))
        return [StoredLine(r.name, r.text, r.user_id, r.at) for r in reversed(rows)]

    async def count(self, kind: str, chat_id: int, since: datetime | None, limit: int) -> int:
        """Lines at or after ``since`` (None: all kept), at most ``limit``."""
        newest = select(ChatLine.id).where(ChatLine.chat_id == chat_id, ChatLine.kind == kind)
        if since is not None:
            newest = newest.where(ChatLine.at >= since)
        newest = newest.limit(limit)
        return int(await self._s.scalar(select(func.count()).select_from(newest.subquery()))
                   or 0)


class RaidModesRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def ends_at(self, chat_id: int) -> datetime | None:
        return await self._s.scalar(select(RaidMode.ends_at).where(RaidMode.chat_id == chat_id))

    async def set(self, chat_id: int, ends_at: datetime) -> None:
        statement = upsert(self._s, RaidMode).values(chat_id=chat_id, ends_at=ends_at)
        await self._s.execute(statement.on_conflict_do_update(
            index_elements=[RaidMode.chat_id], set_={"ends_at": ends_at}))


class VersionsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def current(self, chat_id: int) -> Versions:
        """One cheap query; changes when a chat's settings, the spam samples or the FAQ change
        (a row added, edited or removed), whoever changed them (a worker, the CLI)."""
        settings = ChatSetting.chat_id == chat_id
        row = (await self._s.execute(select(
            select(func.count()).where(settings).scalar_subquery(),
            select(func.max(ChatSetting.updated_at)).where(settings).scalar_subquery(),
            select(func.count()).select_from(SpamSample).scalar_subquery(),
            select(func.max(SpamSample.id)).scalar_subquery(),
            select(func.count()).select_from(FaqEntryRow).scalar_subquery(),
            select(func.max(FaqEntryRow.updated_at)).scalar_subquery(),
        ))).one()
        return Versions(chat=(row[0], row[1]), spam=(row[2], row[3]), faq=(row[4], row[5]))


async def purge(session: AsyncSession, now: datetime) -> None:
    """Retention: lines of quiet chats go after 48 hours, stamps after a week."""
    await session.execute(delete(ChatLine).where(ChatLine.at < now - LINES_KEEP))
    await session.execute(delete(MemberStamp).where(MemberStamp.at < now - STAMPS_KEEP))


async def forget_user(session: AsyncSession, user_id: int) -> int:
    """/forget: the member's lines (their words) and stamps; returns the rows removed."""
    removed = 0
    for statement in (delete(ChatLine).where(ChatLine.user_id == user_id),
                      delete(MemberStamp).where(MemberStamp.user_id == user_id)):
        result = await session.execute(statement)
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
