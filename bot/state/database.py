"""The shared state of several workers (role `worker`), in the database.

Everything is read and written in the update's own transaction (the current unit of work),
so an update that rolls back leaves no trace and one that is retried counts once. A chat's
updates are handled one at a time across workers (the inbox claim), so per-chat state needs
no further locking; a member's messages to several chats are serialised by a short advisory
lock so that copies sent at once are still compared.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.state import ChatState, Line, LineKind, Stale
from bot.state.memory import FLOOD_WINDOW_S
from bot.unit_of_work import update_or_own_session
from policies.moderation import FloodSample, RaidState
from policies.moderation.flood import sample_of
from policies.moderation.raid import after_join, after_spam, state_at
from policies.schema import Raid
from storage.db import SessionFactory
from storage.repositories.chat_state import (
    LinesRepo,
    RaidModesRepo,
    SenderHistoryRepo,
    StampsRepo,
    StoredLine,
    Versions,
    VersionsRepo,
)

JOIN = "join"
SENDER_LOCK_TRIES = 40  # x 50 ms: then go on without it (never block, never deadlock)


class DatabaseFlood:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    async def record(self, chat_id: int, user_id: int, key: bytes | None,
                     now: datetime) -> FloodSample:
        """The message itself is stored by the moderation handler (recent_messages)."""
        async with update_or_own_session(self._sessions) as session:
            repo = SenderHistoryRepo(session)
            if key is not None:
                for _ in range(SENDER_LOCK_TRIES):
                    if await repo.lock(user_id):
                        break
                    await asyncio.sleep(0.05)
            rows = await repo.since(user_id, now - timedelta(seconds=FLOOD_WINDOW_S))
        return sample_of(((chat, at.timestamp(), stored) for chat, at, stored in rows),
                         chat_id, key, now.timestamp(), FLOOD_WINDOW_S)


class DatabaseRaids:
    """Join stamps per chat (member_stamps) and the raid deadline (raid_modes)."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    async def join(self, chat_id: int, user_id: int, config: Raid, now: datetime) -> RaidState:
        async with update_or_own_session(self._sessions) as session:
            stamps = StampsRepo(session)
            await stamps.prune(JOIN, chat_id, before=now - timedelta(seconds=config.seconds))
            await stamps.add(JOIN, chat_id, user_id, now)
            count = await _joins(session, chat_id, config, now)
            ends_at = await RaidModesRepo(session).ends_at(chat_id)
            state = after_join(_stamp(ends_at), count, now.timestamp(), config.joins,
                               config.duration)
            await _save(session, chat_id, ends_at, state, config, now)
        return state

    async def spam(self, chat_id: int, config: Raid, now: datetime) -> RaidState:
        async with update_or_own_session(self._sessions) as session:
            ends_at = await RaidModesRepo(session).ends_at(chat_id)
            count = await _joins(session, chat_id, config, now)
            state = after_spam(_stamp(ends_at), count, now.timestamp(), config.duration)
            await _save(session, chat_id, ends_at, state, config, now)
        return state

    async def state(self, chat_id: int, config: Raid, now: datetime) -> RaidState:
        async with update_or_own_session(self._sessions) as session:
            ends_at = await RaidModesRepo(session).ends_at(chat_id)
            count = await _joins(session, chat_id, config, now)
        return state_at(_stamp(ends_at), count, now.timestamp())


async def _joins(session: AsyncSession, chat_id: int, config: Raid, now: datetime) -> int:
    """Joins within the last ``seconds`` (a join exactly ``seconds`` ago has left it)."""
    since = now - timedelta(seconds=config.seconds) + timedelta(microseconds=1)
    return await StampsRepo(session).count(JOIN, chat_id, since)


async def _save(session: AsyncSession, chat_id: int, before: datetime | None,
                state: RaidState, config: Raid, now: datetime) -> None:
    """Both transitions set the deadline to ``now + duration`` when they move it."""
    if state.ends_at is not None and state.ends_at != _stamp(before):
        await RaidModesRepo(session).set(chat_id, now + timedelta(seconds=config.duration))


class DatabaseStamps:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    async def add(self, kind: str, chat_id: int, user_id: int, now: datetime,
                  window: float) -> None:
        async with update_or_own_session(self._sessions) as session:
            stamps = StampsRepo(session)
            await stamps.prune(kind, chat_id, before=now - timedelta(seconds=window))
            await stamps.add(kind, chat_id, user_id, now)

    async def count(self, kind: str, chat_id: int, user_id: int, now: datetime,
                    window: float) -> int:
        async with update_or_own_session(self._sessions) as session:
            return await StampsRepo(session).count(
                kind, chat_id, now - timedelta(seconds=window), user_id=user_id)


class DatabaseLines:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    async def add(self, kind: LineKind, chat_id: int, line: Line) -> None:
        stored = StoredLine(line.name, line.text, line.user_id, line.at)
        async with update_or_own_session(self._sessions) as session:
            await LinesRepo(session).add(kind.name, chat_id, stored, keep=kind.keep,
                                         prune_before=_since(kind, line.at))

    async def latest(self, kind: LineKind, chat_id: int, count: int,
                     now: datetime) -> list[Line]:
        async with update_or_own_session(self._sessions) as session:
            rows = await LinesRepo(session).latest(kind.name, chat_id, min(count, kind.keep),
                                                   since=_since(kind, now))
        return [Line(r.name, r.text, r.user_id, r.at) for r in rows]

    async def count(self, kind: LineKind, chat_id: int, now: datetime) -> int:
        async with update_or_own_session(self._sessions) as session:
            return await LinesRepo(session).count(kind.name, chat_id, _since(kind, now),
                                                  kind.keep)


class DatabaseFreshness:
    """Compares fingerprints of what the caches were built from with the database's."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions
        self._chats: dict[int, tuple[object, ...]] = {}
        self._known: Versions | None = None

    async def stale(self, chat_id: int) -> Stale:
        async with update_or_own_session(self._sessions) as session:
            now = await VersionsRepo(session).current(chat_id)
        before, known = self._chats.get(chat_id), self._known
        self._chats[chat_id] = now.chat
        self._known = now
        if known is None:
            return Stale(rules=before is not None and before != now.chat)
        return Stale(rules=before is not None and before != now.chat,
                     spam=known.spam != now.spam, faq=known.faq != now.faq)


def _since(kind: LineKind, now: datetime) -> datetime | None:
    return None if kind.seconds is None else now - timedelta(seconds=kind.seconds)


def _stamp(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def database_state(sessions: SessionFactory) -> ChatState:
    return ChatState(flood=DatabaseFlood(sessions), raids=DatabaseRaids(sessions),
                     stamps=DatabaseStamps(sessions), lines=DatabaseLines(sessions),
                     freshness=DatabaseFreshness(sessions), shared=True)
