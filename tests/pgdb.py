"""A throw-away PostgreSQL database for tests that start their own engines or processes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg


@asynccontextmanager
async def fresh_database(url: str) -> AsyncIterator[str]:
    """Create ``pv_<random>`` beside ``url``'s database, yield its URL, drop it afterwards."""
    name = f"pv_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{url.rsplit('/', 1)[0]}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
