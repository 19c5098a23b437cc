"""Each kind of state, in memory and in the database (SQLite, PostgreSQL), behind one fixture."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.state import ChatState
from bot.state.database import database_state
from bot.state.memory import memory_state
from bot.unit_of_work import maybe_uow, unit_of_work
from policies.moderation import FloodSample
from policies.moderation.flood import flood_key
from storage import migrate
from storage.db import SessionFactory, create_engine, make_session_factory
from storage.repositories.moderation import RecentMessagesRepo
from tests.conftest import POSTGRES_URL
from tests.handlers.conftest import play, policy

T = TypeVar("T")
__all__ = ["play", "policy"]  # the handler tests' playground, reused here
BASE = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
KINDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def at(seconds: float) -> datetime:
    return BASE + timedelta(seconds=seconds)


@dataclass
class Kit:
    """A state implementation, and how to run a step the way an update does."""

    state: ChatState
    sessions: SessionFactory | None

    async def step(self, run: Callable[[], Awaitable[T]], now: datetime = BASE) -> T:
        """One update: its own transaction (database kinds), committed at the end."""
        if self.sessions is None:
            return await run()
        async with unit_of_work(self.sessions, None, now):
            return await run()

    async def send(self, chat_id: int, user_id: int, message_id: int, said: str,
                   now: datetime) -> FloodSample:
        """What the moderation handler does with a member's message (both roles): record it
        for flood, then store its row in recent_messages."""
        key = flood_key(said)

        async def run() -> FloodSample:
            sample = await self.state.flood.record(chat_id, user_id, key, now)
            uow = maybe_uow()
            if uow is not None:
                await RecentMessagesRepo(uow.session).add(chat_id, message_id, user_id, now,
                                                          key)
            return sample

        return await self.step(run, now)


@pytest.fixture(params=KINDS)
async def kit(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Kit]:
    if request.param == "memory":
        yield Kit(memory_state(), None)
        return
    if request.param == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
        await migrate.upgrade(engine)
        sessions = make_session_factory(engine)
        yield Kit(database_state(sessions), sessions)
        await engine.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip("PORTAVOCE_TEST_POSTGRES_URL is not set")
    schema = f"s_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(POSTGRES_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(POSTGRES_URL, schema=schema)
    try:
        await migrate.upgrade(engine)
        sessions = make_session_factory(engine)
        yield Kit(database_state(sessions), sessions)
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
