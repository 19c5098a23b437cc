"""Shared helpers for the reliability proofs: the real runtime over the sandbox Telegram."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.playground import Playground
from policies.schema import PolicyFile
from tests.handlers.conftest import play, policy
from tests.pgdb import fresh_database
from tests.process.conftest import sandbox_server

__all__ = ["play", "policy", "sandbox_server"]

POSTGRES_URL = os.environ.get("PORTAVOCE_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of each backend (PostgreSQL: a fresh database, skipped if unset)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PORTAVOCE_TEST_POSTGRES_URL is not set")
    async with fresh_database(POSTGRES_URL) as url:
        yield url


@pytest.fixture
async def any_play(policy: PolicyFile, database_url: str) -> AsyncIterator[Playground]:
    """The playground on each backend."""
    clock = ManualClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    playground = await Playground.create(policy, database_url, clock=clock)
    try:
        yield playground
    finally:
        await playground.close()


class ErrorTrap(logging.Handler):
    """Collects every record of ``portavoce.errors`` (the global error handler's logger)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def trapping_errors() -> Iterator[ErrorTrap]:
    trap = ErrorTrap()
    logger = logging.getLogger("portavoce.errors")
    logger.addHandler(trap)
    try:
        yield trap
    finally:
        logger.removeHandler(trap)


@pytest.fixture
def error_trap() -> Iterator[ErrorTrap]:
    with trapping_errors() as trap:
        yield trap


def texts_to(play: Playground, chat_id: int, *, ok: bool = True) -> list[str]:
    return [str(c.params.get("text", "")) for c in play.sandbox.calls_of("sendMessage")
            if int(c.params["chat_id"]) == chat_id and c.ok == ok]
