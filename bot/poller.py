"""Long polling into the durable inbox: an update is committed before its offset is confirmed.

PTB's Updater confirms updates as soon as they are queued in memory, so a crash loses them.
Here the next getUpdates (which confirms) is only sent after the batch is in the database.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError
from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.dispatcher import chat_key
from bot.services import Services
from storage.db import session_scope
from storage.repositories.inbox import InboxRepo, InboxRow

log = logging.getLogger(__name__)

CONFLICT_GRACE_S = 60.0
GRACE_ENV = "PORTAVOCE_CONFLICT_GRACE_S"


def conflict_grace_s() -> float:
    """How long 409s may last before stopping; lone 409s around a restart are normal.

    Read at use time so tests (and operators who know their deploys) can shorten it.
    """
    raw = os.environ.get(GRACE_ENV, "")
    try:
        return max(0.0, float(raw)) if raw else CONFLICT_GRACE_S
    except ValueError:
        return CONFLICT_GRACE_S


class SecondInstanceError(RuntimeError):
    """Another process polls with the same token; both would lose updates."""


class Poller:
    def __init__(self, services: Services, bot: Bot, *, timeout: int = 30) -> None:
        self._services = services
        self._bot = bot
        self._timeout = timeout
        self._offset: int | None = None
        self._conflict_since: float | None = None
        self._backoff = 1.0

    async def poll_once(self, timeout: int | None = None) -> int:
        """One getUpdates round trip; returns how many updates were stored."""
        wait = self._timeout if timeout is None else timeout
        kwargs: dict[str, Any] = {"timeout": wait, "allowed_updates": list(Update.ALL_TYPES)}
        if self._offset is not None:
            kwargs["offset"] = self._offset
        raw = await self._bot.do_api_request(
            "getUpdates", api_kwargs=kwargs, read_timeout=wait + 10
        )
        updates = [u for u in raw if isinstance(u, dict)] if isinstance(raw, list) else []
        if not updates:
            return 0
        rows = [InboxRow(int(u["update_id"]), chat_key(u), json.dumps(u)) for u in updates]
        async with session_scope(self._services.sessions) as session:
            await InboxRepo(session).add_many(rows, self._services.clock.now())
        self._offset = max(r.update_id for r in rows) + 1
        return len(rows)

    async def run(self, on_stored: asyncio.Event) -> None:
        """Poll forever; transient errors back off, a sustained 409 stops the process."""
        while True:
            try:
                if await self.poll_once():
                    on_stored.set()
                self._conflict_since, self._backoff = None, 1.0
            except InvalidToken:
                raise
            except Conflict:
                self._on_conflict()
                await asyncio.sleep(self._next_backoff())
            except RetryAfter as exc:
                delay = exc.retry_after
                wait = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
                await asyncio.sleep(wait)
            except (TimedOut, NetworkError) as exc:
                log.warning("getUpdates failed (%s); retrying", exc)
                await asyncio.sleep(self._next_backoff())
            except DBAPIError as exc:  # e.g. SQLite busy under a burst: the offset did not move
                log.warning("could not store updates (%s); retrying", type(exc).__name__)
                await asyncio.sleep(self._next_backoff())

    def _on_conflict(self) -> None:
        now = time.monotonic()
        if self._conflict_since is None:
            self._conflict_since = now
            log.warning("getUpdates conflict (409): another instance may be polling")
        elif now - self._conflict_since > (grace := conflict_grace_s()):
            raise SecondInstanceError(
                "another process is polling with this bot token (Telegram answers 409 Conflict "
                f"for over {grace:.0f}s); stop the other instance or use webhooks"
            )

    def _next_backoff(self) -> float:
        delay = self._backoff
        self._backoff = min(self._backoff * 2, 30.0)
        return delay
