"""Which process leads: the one that sends the outbox and runs timers and digests.

With several workers on PostgreSQL, one holds a session advisory lock; Telegram's global
budgets (30 messages/s, 20 a minute per group) are then spent by one sender, every outbox row is
delivered once, and every deadline runs once. If the leader dies its connection closes, the lock
is released, and another worker takes over within a few seconds. SQLite: always the leader.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
LEADER_KEY = 0x506F72746176  # "Portav"


class Leadership:
    became_leader = False
    """Set when this process takes over; the runtime clears it once it has caught up."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None

    @property
    def leads(self) -> bool:
        """As of the last check (no database round trip)."""
        return not self.shared or self._conn is not None

    @property
    def shared(self) -> bool:
        return self._engine.dialect.name == "postgresql"

    async def check(self) -> bool:
        """True while this process leads; tries to become leader if nobody is."""
        if not self.shared:
            return True
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT 1"))
                await self._conn.commit()
                return True
            except Exception:
                log.warning("lost the leader connection; trying again")
                self._conn = None
        conn = await self._engine.connect()
        got = await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LEADER_KEY})
        await conn.commit()
        if got:
            log.info("this process now leads (outbox, timers, digests)")
            self._conn = conn
            self.became_leader = True
            return True
        await conn.close()
        return False

    async def release(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
