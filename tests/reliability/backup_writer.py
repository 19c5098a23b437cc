"""A writer for the backup test: one inbox row and one outbox row per transaction, forever.

    python -m tests.reliability.backup_writer sqlite+aiosqlite:///bot.db [FIRST_ID]

Update ids count up from FIRST_ID (default 1), so several writers can share a database.
Prints "ready" once the first pair is committed, then keeps writing until killed.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from storage import migrate
from storage.db import create_engine, make_session_factory, session_scope
from storage.repositories.inbox import InboxRepo, InboxRow
from storage.repositories.outbox import OutboxRepo

PAYLOAD = "x" * 3000  # a few pages a pair, so a copy races many commits


async def main(url: str, first: int) -> None:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    now = datetime(2026, 3, 2, tzinfo=UTC)
    n = first
    while True:
        try:
            async with session_scope(sessions) as session:
                await InboxRepo(session).add_many([InboxRow(n, -1, PAYLOAD)], now)
                await OutboxRepo(session).enqueue(-1, "sendMessage", {"n": n, "text": PAYLOAD},
                                                  now=now)
        except (OperationalError, PoolTimeout):  # busy past the timeout: retry, as the bot does
            await asyncio.sleep(0.05)
            continue
        if n == first:
            print("ready", flush=True)
        n += 1


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1))
