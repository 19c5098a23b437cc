"""The durable inbox: raw updates are committed here before Telegram's offset moves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboxUpdate
from storage.repositories._prepared import ignoring, prepared


def _mark_done_statement(_: ModuleType) -> Any:
    table: Any = InboxUpdate.__table__
    return (update(table)
            .where(table.c.update_id == bindparam("done_id"), table.c.status == "pending")
            .values(status="done", done_at=bindparam("done_now")))


@dataclass(frozen=True, slots=True)
class InboxRow:
    update_id: int
    chat_id: int
    payload: str | None
    """None until claimed when several workers share the inbox (read by `claim`)."""


class InboxRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add_many(self, rows: Sequence[InboxRow], now: datetime) -> None:
        """Store updates; an update_id seen before is ignored (Telegram redelivers)."""
        if not rows:
            return
        values = [
            {"update_id": r.update_id, "chat_id": r.chat_id, "payload": r.payload,
             "status": "pending", "received_at": now}
            for r in rows
        ]
        await self._s.execute(prepared(self._s, "inbox.add", ignoring(InboxUpdate)), values)

    async def pending(self, limit: int = 500) -> list[InboxRow]:
        keys = await self.pending_keys(limit)
        payloads = await self.payloads([update_id for update_id, _ in keys])
        return [InboxRow(u, c, payloads[u]) for u, c in keys if u in payloads]

    async def pending_keys(self, limit: int = 500) -> list[tuple[int, int]]:
        """(update_id, chat_id) of the oldest pending updates: cheap to read every round,
        even with thousands waiting (the payloads are read only for updates not yet queued)."""
        statement = prepared(self._s, f"inbox.pending_keys.{limit}", lambda _: (
            select(InboxUpdate.update_id, InboxUpdate.chat_id)
            .where(InboxUpdate.status == "pending")
            .order_by(InboxUpdate.update_id)
            .limit(limit)))
        rows = await self._s.execute(statement)
        return [(int(u), int(c)) for u, c in rows]

    async def payloads(self, update_ids: Sequence[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        statement = prepared(self._s, "inbox.payloads", lambda _: (
            select(InboxUpdate.update_id, InboxUpdate.payload)
            .where(InboxUpdate.update_id.in_(bindparam("payload_ids", expanding=True)))))
        for start in range(0, len(update_ids), 500):
            rows = await self._s.execute(
                statement, {"payload_ids": list(update_ids[start:start + 500])})
            out.update((int(u), str(p)) for u, p in rows)
        return out

    async def claim(self, update_id: int, chat_id: int) -> tuple[str, str | None]:
        """Take an update for processing in this transaction: ("ok", its payload), or
        ("done" | "busy", None).

        On PostgreSQL several workers cooperate: a transaction-scoped advisory lock on the chat
        means one worker at a time handles a chat, and only the chat's oldest pending update
        may go next, so a chat's updates run in update_id order across processes. A worker
        that dies rolls back, which releases the lock, and another worker takes the update.
        The payload is read here, once claimed: a worker never reads updates it cannot take.
        """
        if self._s.get_bind().dialect.name == "postgresql":
            locked = await self._s.scalar(select(func.pg_try_advisory_xact_lock(chat_id)))
            if not locked:
                return "busy", None
            oldest = await self._s.scalar(
                select(func.min(InboxUpdate.update_id))
                .where(InboxUpdate.chat_id == chat_id, InboxUpdate.status == "pending"))
            if oldest is not None and oldest < update_id:
                return "busy", None
        row = (await self._s.execute(
            select(InboxUpdate.status, InboxUpdate.payload)
            .where(InboxUpdate.update_id == update_id))).first()
        if row is None or row[0] != "pending":
            return "done", None
        return "ok", str(row[1])

    async def status_of(self, update_id: int) -> str | None:
        return await self._s.scalar(
            select(InboxUpdate.status).where(InboxUpdate.update_id == update_id)
        )

    async def mark_done(self, update_id: int, now: datetime) -> bool:
        """Mark a pending update done; False if it was not pending (handled meanwhile)."""
        statement = prepared(self._s, "inbox.mark_done", _mark_done_statement)
        result = await self._s.execute(statement, {"done_id": update_id, "done_now": now})
        return bool(getattr(result, "rowcount", 1))

    async def mark_failed(self, update_id: int, error: str, now: datetime) -> None:
        await self._s.execute(
            update(InboxUpdate)
            .where(InboxUpdate.update_id == update_id)
            .values(status="failed", done_at=now, error=error[:2000])
        )

    async def chats_with_pending(self, chat_ids: Sequence[int]) -> set[int]:
        """Which of these chats still have updates waiting to be handled."""
        if not chat_ids:
            return set()
        rows = await self._s.scalars(
            select(InboxUpdate.chat_id).distinct()
            .where(InboxUpdate.status == "pending", InboxUpdate.chat_id.in_(chat_ids)))
        return {int(c) for c in rows}

    async def count_pending(self) -> int:
        query = select(func.count()).where(InboxUpdate.status == "pending")
        return int(await self._s.scalar(query) or 0)

    async def purge_done(self, before: datetime) -> None:
        """Keep processed ids for a while (dedupe window), not forever."""
        await self._s.execute(
            delete(InboxUpdate).where(
                InboxUpdate.status != "pending", InboxUpdate.done_at < before
            )
        )
