"""A second process polling with the same token: 409s, then a clear message and exit code 5."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.process.conftest import TOKEN, SandboxServer, bot_env, start_bot

pytestmark = pytest.mark.process


async def test_sustained_409_stops_the_bot_with_a_clear_message(
    sandbox_server: SandboxServer, tmp_path: Path
) -> None:
    await sandbox_server.client.post("/sandbox/faults", json={
        "method": "getUpdates", "times": 1_000_000, "fault": {"kind": "conflict"}})
    bot = await start_bot(bot_env(sandbox_server, tmp_path, PORTAVOCE_CONFLICT_GRACE_S="2"))
    _, stderr = await asyncio.wait_for(bot.communicate(), timeout=60)
    text = stderr.decode()
    assert bot.returncode == 5, text[-2000:]
    assert "another process is polling with this bot token" in text
    assert TOKEN not in text and TOKEN.split(":")[1] not in text
