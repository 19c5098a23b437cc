"""The real runtime (Application, inbox, dispatcher, outbox) over the in-process sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.playground import Playground
from bot.policy_loader import load_policy
from policies.schema import PolicyFile


@pytest.fixture
def policy() -> PolicyFile:
    return load_policy()


@pytest.fixture
async def play(policy: PolicyFile, tmp_path: Path) -> AsyncIterator[Playground]:
    clock = ManualClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    playground = await Playground.create(
        policy, f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", clock=clock
    )
    try:
        yield playground
    finally:
        await playground.close()
