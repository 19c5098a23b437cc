"""Which process leads: the one that sends the outbox and runs timers and digests.

With several workers on PostgreSQL, one holds a session advisory lock; Telegram's global
budgets (30 messages/s, 20 a minute per group) are then spent by one sender, every outbox row is
delivered once, and every deadline runs once. If the leader dies its connection closes, the lock
is released, and another worker takes over within a few seconds. SQLite: always the leader.

Leading is a lease: a process counts as leader only for LEASE_S after its last successful
check, so a leader cut off from the database stops sending before anyone else can take over
(the leader's session ends itself after IDLE_END_S of silence, which releases the lock).
Only one task calls `check` (`Runtime._leader_loop`); everything else reads `leads`.
"""

from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
LEADER_KEY = 0x506F72746176  # "Portav"
CHECK_EVERY_S = 1.0
LEASE_S = 2.5
"""A leader stops sending this long after its last successful check."""
IDLE_END_S = 5
"""The server ends a leader session silent this long (PostgreSQL 14+ idle_session_timeout)."""
TAKEOVER_GRACE_S = LEASE_S
"""A new leader waits this long before sending: the old leader's calls in flight land and
are recorded, and the new leader's budgets count them."""


class Leadership:
    became_leader = False
    """Set when this process takes over; the runtime clears it (`caught_up`) once it has
    counted the previous leader's posts."""
    grace = 0.0
    """How long the new leader waits before sending: none when it leads from its first
    check (a process starting has nothing in flight), TAKEOVER_GRACE_S on a takeover."""

    def __init__(self, engine: AsyncEngine, *, contend: bool = True) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self._confirmed = 0.0
        self._contend = contend
        self._checked = False

    @property
    def leads(self) -> bool:
        """As of the last check, within the lease (no database round trip)."""
        if not self.shared:
            return self._contend
        return self._conn is not None and time.monotonic() - self._confirmed < LEASE_S

    @property
    def may_send(self) -> bool:
        """Leads and has caught up: after taking over, nothing is sent (no post spends a
        budget) until the runtime has counted what the previous leader posted (`caught_up`).
        A process that regains the lead would otherwise post at once, on budgets that know
        only its own posts, not those of the leader in between."""
        return self.leads and not self.became_leader

    def caught_up(self) -> None:
        self.became_leader = False

    @property
    def shared(self) -> bool:
        return self._engine.dialect.name == "postgresql"

    async def check(self) -> bool:
        """True while this process leads; tries to become leader if nobody is.

        A receiver (``contend=False``) never leads. Database errors mean "not leading now".
        """
        if not self._contend:
            return False
        if not self.shared:
            return True
        first, self._checked = not self._checked, True
        if self._conn is not None and await self._still_held(self._conn):
            self._confirmed = time.monotonic()
            return True
        try:
            async with asyncio.timeout(LEASE_S):
                got = await self._acquire()
        except Exception as exc:  # the database is unreachable: nobody can lead from here
            log.warning("cannot check the leadership: %s", type(exc).__name__)
            return False
        if got:
            self.grace = 0.0 if first else TAKEOVER_GRACE_S
            if first:
                log.info("this process now leads (outbox, timers, digests)")
            else:  # worth an operator's look: the previous leader died or lost its database
                log.warning("this process took over the lead (outbox, timers, digests)")
        return got

    async def _still_held(self, conn: AsyncConnection) -> bool:
        try:
            async with asyncio.timeout(LEASE_S):
                await self._ping(conn)
            return True
        except Exception:
            log.warning("lost the leader connection; trying again")
            self._conn = None
            await _drop(conn)
            return False

    @staticmethod
    async def _ping(conn: AsyncConnection) -> None:
        await conn.execute(text("SELECT 1"))
        await conn.commit()

    async def _acquire(self) -> bool:
        conn = await self._engine.connect()
        try:
            got = await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"),
                                    {"key": LEADER_KEY})
            await conn.commit()
        except BaseException:
            await _drop(conn)
            raise
        if not got:
            await conn.close()
            return False
        await _end_when_silent(conn)
        self._conn, self._confirmed = conn, time.monotonic()
        self.became_leader = True
        return True

    async def release(self) -> None:
        """Give the lock back (the connection is closed, not returned to the pool with it)."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await _drop(conn)


async def _end_when_silent(conn: AsyncConnection) -> None:
    try:
        await conn.execute(text(f"SET idle_session_timeout = '{IDLE_END_S}s'"))
        await conn.commit()
    except Exception:  # PostgreSQL before 14: the lock goes when the connection does
        await conn.rollback()


async def _drop(conn: AsyncConnection) -> None:
    """Close the session itself, so that a lock it holds is released on the server."""
    try:
        await conn.invalidate()
        await conn.close()
    except Exception:
        log.debug("closing a leader connection failed", exc_info=True)
