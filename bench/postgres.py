"""The portavoce variant with its database on a local PostgreSQL, when one is configured.

``PORTAVOCE_BENCH_POSTGRES_URL`` (or ``PORTAVOCE_TEST_POSTGRES_URL``), e.g.
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``. The Runtime builds its engine from a
URL alone, so isolation is a fresh database (not a schema) created here and dropped after.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine


def configured_url() -> str | None:
    return (os.environ.get("PORTAVOCE_BENCH_POSTGRES_URL")
            or os.environ.get("PORTAVOCE_TEST_POSTGRES_URL") or None)


async def with_fresh_database(
    url: str, run: Callable[[str], Coroutine[Any, Any, dict[str, Any]]]
) -> dict[str, Any]:
    """Create ``bench_<random>`` next to ``url``'s database, run, drop it whatever happens."""
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            fresh = make_url(url).set(database=name)
            return await run(fresh.render_as_string(hide_password=False))
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
