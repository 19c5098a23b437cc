"""The outbox: Bot API calls owed to Telegram, delivered with retries, each once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

from sqlalchemy import bindparam, case, func, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxItem
from storage.repositories._prepared import ignoring, prepared


def deletion_key(chat_id: int, message_id: int) -> str:
    """The dedupe key of a message's deletion: one row per message, however many decisions
    (a rule hit, then the ban's clean-up) and replays ask for it. A deletion that failed or
    was dropped gives its key up, so the message can be deleted later (rights restored)."""
    return f"del:{chat_id}:{message_id}"


_KEY_UNLESS_DELETION = case((OutboxItem.method == "deleteMessage", null()),
                            else_=OutboxItem.dedupe_key)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: int
    chat_id: int
    method: str
    params: dict[str, Any]
    attempts: int
    ref_kind: str | None
    ref_id: int | None
    status: str = "pending"
    result: dict[str, Any] | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OutboxCall:
    """A call to queue (see ``OutboxRepo.enqueue``)."""

    chat_id: int
    method: str
    params: dict[str, Any]
    created_at: datetime
    not_before: datetime | None = None
    dedupe_key: str | None = None
    ref_kind: str | None = None
    ref_id: int | None = None


_ENTRY_COLUMNS = (OutboxItem.id, OutboxItem.chat_id, OutboxItem.method, OutboxItem.params,
                  OutboxItem.attempts, OutboxItem.ref_kind, OutboxItem.ref_id,
                  OutboxItem.status, OutboxItem.result, OutboxItem.created_at)
"""The columns of an `OutboxEntry`, in its fields' order."""


def _entry(row: OutboxItem) -> OutboxEntry:
    return OutboxEntry(
        row.id, row.chat_id, row.method, dict(row.params), row.attempts, row.ref_kind,
        row.ref_id, row.status, row.result, row.created_at,
    )


NETWORK_ERROR = "network:"
"""How ``last_error`` begins for a call that failed on the network (it may have landed)."""


def _mark_sent_statement(_: ModuleType) -> Any:
    table: Any = OutboxItem.__table__
    return (update(table)
            .where(table.c.id.in_(bindparam("sent_ids", expanding=True)))
            .values(status="sent", sent_at=bindparam("sent_now"),
                    result=bindparam("sent_result", type_=table.c.result.type),
                    attempts=table.c.attempts + 1))


class OutboxRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def enqueue(
        self,
        chat_id: int,
        method: str,
        params: dict[str, Any],
        *,
        now: datetime,
        not_before: datetime | None = None,
        dedupe_key: str | None = None,
        ref_kind: str | None = None,
        ref_id: int | None = None,
    ) -> None:
        """Queue a call. A ``dedupe_key`` seen before is ignored: replays add nothing."""
        values = {
            "chat_id": chat_id, "method": method, "params": params, "status": "pending",
            "not_before": not_before or now, "attempts": 0, "dedupe_key": dedupe_key,
            "ref_kind": ref_kind, "ref_id": ref_id, "created_at": now,
        }
        await self._s.execute(prepared(self._s, "outbox.add", ignoring(OutboxItem)), values)

    async def enqueue_many(self, chat_id: int, method: str, params: list[dict[str, Any]], *,
                           now: datetime, dedupe_keys: list[str | None]) -> None:
        """Several rows of one method in one statement (e.g. a spammer's messages)."""
        values = [
            {"chat_id": chat_id, "method": method, "params": p, "status": "pending",
             "not_before": now, "attempts": 0, "dedupe_key": key, "ref_kind": None,
             "ref_id": None, "created_at": now}
            for p, key in zip(params, dedupe_keys, strict=True)
        ]
        if values:
            await self._s.execute(prepared(self._s, "outbox.add", ignoring(OutboxItem)), values)

    async def enqueue_calls(self, calls: Sequence[OutboxCall]) -> None:
        """Several calls in one statement, in order (an update's deletion, ban and notice)."""
        values = [
            {"chat_id": c.chat_id, "method": c.method, "params": c.params, "status": "pending",
             "not_before": c.not_before or c.created_at, "attempts": 0,
             "dedupe_key": c.dedupe_key, "ref_kind": c.ref_kind, "ref_id": c.ref_id,
             "created_at": c.created_at}
            for c in calls
        ]
        if values:
            await self._s.execute(prepared(self._s, "outbox.add", ignoring(OutboxItem)), values)

    async def mark_sent_many(self, item_ids: list[int], result: dict[str, Any] | None,
                             now: datetime) -> None:
        statement = prepared(self._s, "outbox.mark_sent_many", _mark_sent_statement)
        await self._s.execute(statement, {"sent_ids": item_ids, "sent_now": now,
                                          "sent_result": result})

    async def sent_since(self, since: datetime,
                         methods: Iterable[str]) -> list[tuple[int, datetime]]:
        """(chat_id, sent_at) of rows of ``methods`` sent since ``since``, oldest first."""
        rows = await self._s.execute(
            select(OutboxItem.chat_id, OutboxItem.sent_at)
            .where(OutboxItem.status == "sent", OutboxItem.sent_at >= since,
                   OutboxItem.method.in_(list(methods)))
            .order_by(OutboxItem.sent_at))
        return [(int(c), s) for c, s in rows if s is not None]

    async def chats_maybe_sent(self, now: datetime, methods: Iterable[str]) -> list[int]:
        """Chats with a pending call of ``methods`` that may have reached Telegram without
        being recorded: one per chat with a row due at ``now`` (a chat's posts go one at a
        time; one may have been in flight when its sender died), and one per row backing
        off after a network error (the call may have landed after the timeout)."""
        wanted = (OutboxItem.status == "pending", OutboxItem.method.in_(list(methods)))
        due = await self._s.scalars(
            select(OutboxItem.chat_id).distinct().where(*wanted, OutboxItem.not_before <= now))
        failed = await self._s.scalars(
            select(OutboxItem.chat_id)
            .where(*wanted, OutboxItem.last_error.startswith(NETWORK_ERROR)))
        return [int(c) for c in due] + [int(c) for c in failed]

    async def due(self, now: datetime, limit: int = 200) -> list[OutboxEntry]:
        """The oldest pending calls due at `now` (Core rows: loading ORM objects cost more
        than the query)."""
        statement = prepared(self._s, f"outbox.due.{limit}", lambda _: (
            select(*_ENTRY_COLUMNS)
            .where(OutboxItem.status == "pending", OutboxItem.not_before <= bindparam("due_now"))
            .order_by(OutboxItem.id)
            .limit(limit)))
        rows = await self._s.execute(statement, {"due_now": now})
        return [OutboxEntry(i, c, m, dict(p), a, k, r, st, res, at)
                for i, c, m, p, a, k, r, st, res, at in rows]

    async def next_due_at(self) -> datetime | None:
        statement = prepared(self._s, "outbox.next_due_at", lambda _: (
            select(func.min(OutboxItem.not_before)).where(OutboxItem.status == "pending")))
        due: datetime | None = await self._s.scalar(statement)
        return due

    async def get(self, item_id: int) -> OutboxEntry | None:
        row = await self._s.get(OutboxItem, item_id)
        return _entry(row) if row else None

    async def mark_sent(self, item_id: int, result: dict[str, Any] | None, now: datetime) -> None:
        await self._s.execute(
            update(OutboxItem)
            .where(OutboxItem.id == item_id)
            .values(status="sent", sent_at=now, result=result,
                    attempts=OutboxItem.attempts + 1)
        )

    async def retry_later(self, item_id: int, not_before: datetime, error: str) -> None:
        await self._s.execute(
            update(OutboxItem)
            .where(OutboxItem.id == item_id)
            .values(not_before=not_before, last_error=error[:500],
                    attempts=OutboxItem.attempts + 1)
        )

    async def wait_behind(self, item_ids: list[int], ahead: int) -> None:
        """Pending rows ``item_ids`` become due no sooner than row ``ahead`` (retried later):
        the calls that must follow it keep following it."""
        if not item_ids:
            return
        due_at = select(OutboxItem.not_before).where(OutboxItem.id == ahead).scalar_subquery()
        await self._s.execute(
            update(OutboxItem)
            .where(OutboxItem.id.in_(item_ids), OutboxItem.status == "pending",
                   OutboxItem.not_before < due_at)
            .values(not_before=due_at)
        )

    async def mark_failed(self, item_id: int, error: str) -> None:
        await self._s.execute(
            update(OutboxItem)
            .where(OutboxItem.id == item_id)
            .values(status="failed", last_error=error[:500], attempts=OutboxItem.attempts + 1,
                    dedupe_key=_KEY_UNLESS_DELETION)
        )

    async def drop_chat(self, chat_id: int, reason: str) -> int:
        """Stop everything owed to a chat the bot can no longer reach."""
        result = await self._s.execute(
            update(OutboxItem)
            .where(OutboxItem.chat_id == chat_id, OutboxItem.status == "pending")
            .values(status="dropped", last_error=reason[:500], dedupe_key=_KEY_UNLESS_DELETION)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def count_pending(self) -> int:
        query = select(func.count()).where(OutboxItem.status == "pending")
        return int(await self._s.scalar(query) or 0)

    async def list_sent(self, method: str | None = None) -> list[OutboxEntry]:
        query = select(OutboxItem).where(OutboxItem.status == "sent").order_by(OutboxItem.id)
        if method:
            query = query.where(OutboxItem.method == method)
        return [_entry(r) for r in await self._s.scalars(query)]

    async def rewrite_chat(self, old_id: int, new_id: int) -> None:
        """After a migration, owed calls go to the new chat id, in the row and its params.

        Rows already moved by the generic chat-id rewrite still carry the old id in their
        parameters, so both ids are looked at.
        """
        rows = await self._s.scalars(
            select(OutboxItem).where(OutboxItem.chat_id.in_((old_id, new_id)),
                                     OutboxItem.status == "pending")
        )
        for row in rows:
            params = dict(row.params)
            if params.get("chat_id") in (old_id, str(old_id)):
                params["chat_id"] = new_id
            row.chat_id, row.params = new_id, params

    async def replace_params(self, item_id: int, params: dict[str, Any]) -> None:
        await self._s.execute(
            update(OutboxItem).where(OutboxItem.id == item_id).values(params=params)
        )

    async def retry_network_failures_now(self, now: datetime) -> None:
        """On start: rows backing off after network errors are due again (a 429 is not)."""
        await self._s.execute(
            update(OutboxItem)
            .where(OutboxItem.status == "pending", OutboxItem.not_before > now,
                   OutboxItem.last_error.startswith(NETWORK_ERROR))
            .values(not_before=now)
        )
