"""Process inbox rows: one chat's updates in update_id order, different chats in parallel.

Each update runs inside its own unit of work; the inbox row is marked done in that same
transaction, so an update is either fully processed or processed again after a crash.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from telegram import Update

from bot import ops
from bot.context import PortavoceApp
from bot.services import Services
from bot.tasks import TaskSet
from bot.unit_of_work import unit_of_work
from storage.db import session_scope
from storage.repositories.inbox import InboxRepo, InboxRow

log = logging.getLogger(__name__)
FINISHED_MEMORY = 20_000  # update ids remembered as done, against re-queueing races
BUSY_BACKOFF_S = 0.5
"""Several workers: a chat another worker is handling is left alone this long, rather than
queued again every scheduling round only to find it taken."""


class _AlreadyDone(Exception):
    """The inbox row was no longer pending when this run tried to mark it done."""


def chat_key(raw: dict[str, Any]) -> int:
    """The chat an update belongs to, for ordering (0 when it has none)."""
    for field in ("message", "edited_message", "channel_post", "edited_channel_post",
                  "my_chat_member", "chat_member", "chat_join_request", "message_reaction",
                  "message_reaction_count"):
        body = raw.get(field)
        if isinstance(body, dict) and isinstance(body.get("chat"), dict):
            return int(body["chat"]["id"])
    query = raw.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return int(message["chat"]["id"])
        return int(query.get("from", {}).get("id", 0))
    return 0


class Dispatcher:
    def __init__(self, app: PortavoceApp, services: Services, *, parallel: int = 8) -> None:
        self._app = app
        self._services = services
        self._queues: dict[int, deque[InboxRow]] = {}
        self._queued: set[int] = set()
        self._workers = TaskSet()
        self._limit = asyncio.Semaphore(parallel)
        self._finished: deque[int] = deque(maxlen=FINISHED_MEMORY)
        self._finished_set: set[int] = set()
        self._busy: dict[int, float] = {}  # chat -> when to look at it again
        self._shared = services.engine.dialect.name == "postgresql"
        self.processed = 0

    async def schedule_pending(self) -> int:
        """Hand every pending inbox row not yet queued to its chat's worker.

        One process reads the payloads here, in bulk; several workers read each payload
        only once they hold the chat (`InboxRepo.claim`).
        """
        now = time.monotonic()
        if self._busy:
            self._busy = {c: t for c, t in self._busy.items() if t > now}
        async with session_scope(self._services.sessions) as session:
            repo = InboxRepo(session)
            keys = [(u, c) for u, c in await repo.pending_keys(limit=2000)
                    if u not in self._queued and u not in self._finished_set
                    and c not in self._busy]
            if self._shared:
                fresh = [InboxRow(u, c, None) for u, c in keys]
            else:
                payloads = await repo.payloads([u for u, _ in keys]) if keys else {}
                fresh = [InboxRow(u, c, payloads[u]) for u, c in keys if u in payloads]
        for row in fresh:
            self._queued.add(row.update_id)
            queue = self._queues.get(row.chat_id)
            if queue is None:
                queue = self._queues[row.chat_id] = deque()
                self._workers.start(self._drain(row.chat_id, queue), f"chat-{row.chat_id}")
            queue.append(row)
        return len(fresh)

    async def wait_idle(self) -> None:
        await self._workers.wait_idle()

    async def stop(self) -> None:
        await self._workers.cancel_all()

    async def _drain(self, chat_id: int, queue: deque[InboxRow]) -> None:
        try:
            while queue:
                row = queue[0]
                async with self._limit:
                    outcome = await self.process(row)
                if outcome == "busy":  # another worker has this chat: look again later
                    if self._shared:
                        self._busy[chat_id] = time.monotonic() + BUSY_BACKOFF_S
                    for waiting in queue:
                        self._queued.discard(waiting.update_id)
                    queue.clear()
                    return
                queue.popleft()
                self._remember_finished(row.update_id)
                self._queued.discard(row.update_id)
        finally:
            self._queues.pop(chat_id, None)

    def _remember_finished(self, update_id: int) -> None:
        """A scheduling round that read the inbox just before this update was marked done
        must not queue it again (the conditional mark_done would catch it, at a cost)."""
        if len(self._finished) == self._finished.maxlen:
            self._finished_set.discard(self._finished[0])
        self._finished.append(update_id)
        self._finished_set.add(update_id)

    async def process(self, row: InboxRow) -> str:
        """Handle one update; returns "ok", "done" (already handled) or "busy"."""
        now = self._services.clock.now()
        touched = False
        started = time.perf_counter()
        payload = row.payload
        try:
            async with unit_of_work(self._services.sessions, row.update_id, now) as uow:
                if payload is None:  # several workers: take the chat, then read the update
                    claim, payload = await InboxRepo(uow.session).claim(row.update_id,
                                                                        row.chat_id)
                    if claim != "ok" or payload is None:
                        return claim  # another worker has the chat: nothing read in vain
                    uow.now = now = self._services.clock.now()  # after the previous update
                update = Update.de_json(json.loads(payload), self._app.bot)  # may be malformed
                await self._app.process_update(update)
                if not await InboxRepo(uow.session).mark_done(row.update_id, now):
                    raise _AlreadyDone  # handled meanwhile: roll this run's effects back
                touched = uow.outbox_touched
        except _AlreadyDone:
            return "done"
        except Exception as exc:
            if ((isinstance(exc, OperationalError) and "locked" in str(exc))
                    or isinstance(exc, PoolTimeout)):  # SQLite's one connection is taken
                log.warning("update %s: database busy, will retry", row.update_id)
                return "busy"  # left pending: retried by the next scheduling round
            log.exception("update %s failed; marked failed", row.update_id,
                          extra={"update_id": row.update_id, "chat_id": row.chat_id})
            async with session_scope(self._services.sessions) as session:
                await InboxRepo(session).mark_failed(row.update_id, repr(exc), now)
            ops.UPDATES.labels(outcome="failed").inc()
        else:
            ops.UPDATES.labels(outcome="processed").inc()
            ops.UPDATE_SECONDS.observe(time.perf_counter() - started)
        self.processed += 1
        if touched:
            self._services.poke_outbox()
        return "ok"
