"""Durable deadlines: verification timeouts, reminders, digests. They survive restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.direct import Write, write
from storage.models import Timer
from storage.repositories._prepared import ignoring


@dataclass(frozen=True, slots=True)
class TimerInfo:
    id: int
    kind: str
    chat_id: int
    user_id: int | None
    due_at: datetime
    payload: dict[str, Any]


class TimersRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, kind: str, due_at: datetime, *, chat_id: int = 0,
                  user_id: int | None = None, payload: dict[str, Any] | None = None,
                  dedupe_key: str | None = None) -> None:
        """Schedule; a ``dedupe_key`` scheduled before is ignored (one run per deadline)."""
        await write(self._s, [Write("timers.add", ignoring(Timer), [{
            "kind": kind, "chat_id": chat_id, "user_id": user_id, "due_at": due_at,
            "payload": payload or {}, "dedupe_key": dedupe_key, "done": False}])])

    async def due(self, now: datetime, limit: int = 100) -> list[TimerInfo]:
        rows = await self._s.scalars(
            select(Timer).where(Timer.done.is_(False), Timer.due_at <= now)
            .order_by(Timer.due_at, Timer.id).limit(limit)
        )
        return [TimerInfo(r.id, r.kind, r.chat_id, r.user_id, r.due_at, dict(r.payload))
                for r in rows]

    async def finish(self, timer_id: int) -> bool:
        """Mark done; False if another worker already did (so it runs once)."""
        result = await self._s.execute(
            update(Timer).where(Timer.id == timer_id, Timer.done.is_(False)).values(done=True)
        )
        return bool(getattr(result, "rowcount", 0))

    async def cancel(self, kind: str, chat_id: int, user_id: int | None) -> None:
        await self._s.execute(
            update(Timer).where(Timer.kind == kind, Timer.chat_id == chat_id,
                                Timer.user_id == user_id, Timer.done.is_(False))
            .values(done=True)
        )

    async def merge_payload(self, timer_id: int, values: dict[str, Any]) -> None:
        row = await self._s.get(Timer, timer_id)
        if row is not None:
            row.payload = {**dict(row.payload), **values}

    async def pending(self, kind: str, chat_id: int, user_id: int | None) -> TimerInfo | None:
        row = await self._s.scalar(
            select(Timer).where(Timer.kind == kind, Timer.chat_id == chat_id,
                                Timer.user_id == user_id, Timer.done.is_(False))
            .order_by(Timer.id.desc()).limit(1)
        )
        if row is None:
            return None
        return TimerInfo(row.id, row.kind, row.chat_id, row.user_id, row.due_at,
                         dict(row.payload))

    async def last_id(self) -> int:
        row = await self._s.scalar(select(Timer.id).order_by(Timer.id.desc()).limit(1))
        return int(row or 0)

    async def pending_of_kind(self, kind: str, chat_id: int) -> list[TimerInfo]:
        rows = await self._s.scalars(
            select(Timer).where(Timer.kind == kind, Timer.chat_id == chat_id,
                                Timer.done.is_(False)).order_by(Timer.id)
        )
        return [TimerInfo(r.id, r.kind, r.chat_id, r.user_id, r.due_at, dict(r.payload))
                for r in rows]

    async def get(self, timer_id: int) -> TimerInfo | None:
        row = await self._s.get(Timer, timer_id)
        if row is None:
            return None
        return TimerInfo(row.id, row.kind, row.chat_id, row.user_id, row.due_at,
                         dict(row.payload))
