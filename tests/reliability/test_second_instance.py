"""Telegram at start: a second process polling with the same token (409s: a clear message and
exit code 5), and Telegram unreachable for a moment (retried)."""

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


async def test_telegram_unreachable_at_start_is_retried(
    sandbox_server: SandboxServer, tmp_path: Path
) -> None:
    """A network failure while the bot asks Telegram who it is (getMe) is a hiccup: the bot
    retries and starts, instead of exiting with a traceback. SIGTERM comes while it is still
    starting (loading the FAQ index): it stops cleanly (it used to hang there for ever)."""
    await sandbox_server.client.post("/sandbox/faults", json={
        "method": "getMe", "times": 2, "fault": {"kind": "connection_reset"}})
    bot = await start_bot(bot_env(sandbox_server, tmp_path))
    try:
        for _ in range(300):
            me = (await sandbox_server.client.get(
                "/sandbox/calls", params={"method": "getMe"})).json()["result"]
            if any(c["ok"] for c in me):
                break
            assert bot.returncode is None
            await asyncio.sleep(0.1)
        assert [c["ok"] for c in me[:3]] == [False, False, True]
        await asyncio.sleep(1.0)  # the bot goes on to serve
        assert bot.returncode is None
    finally:
        bot.terminate()
        _, stderr = await bot.communicate()
    text = stderr.decode()
    assert await bot.wait() == 0, text[-2000:]
    assert text.count("Telegram did not answer at start") == 2
    assert "started as @" in text
    assert TOKEN not in text
