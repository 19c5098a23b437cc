"""`portavoce run` as a real process against the sandbox Telegram over HTTP."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from tests.process.conftest import TOKEN, SandboxServer, bot_env, start_bot

pytestmark = pytest.mark.process


async def test_start_in_private_chat_is_answered_and_sigterm_exits_cleanly(
    sandbox_server: SandboxServer, tmp_path: Path
) -> None:
    user = await sandbox_server.do("add_user", first_name="Anna", language_code="it")
    chat_id = await sandbox_server.do("add_private_chat", user_id=user["id"])
    bot = await start_bot(bot_env(sandbox_server, tmp_path))
    try:
        await sandbox_server.do("user_sends", chat_id=chat_id, user_id=user["id"], text="/start")
        call = await sandbox_server.wait_for_call(
            "sendMessage", lambda c: c["params"]["chat_id"] in (chat_id, str(chat_id)))
        assert "Ciao Anna!" in call["params"]["text"]
    finally:
        bot.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(bot.communicate(), timeout=30)
    assert bot.returncode == 0, stderr.decode()
    assert TOKEN.split(":")[1] not in stderr.decode()


async def test_polling_refused_while_a_webhook_is_set(
    sandbox_server: SandboxServer, tmp_path: Path
) -> None:
    response = await sandbox_server.client.post(
        f"/bot{TOKEN}/setWebhook", json={"url": "https://example.invalid/hook"})
    assert response.status_code == 200
    bot = await start_bot(bot_env(sandbox_server, tmp_path))
    _, stderr = await asyncio.wait_for(bot.communicate(), timeout=30)
    assert bot.returncode == 3
    assert "a webhook is set" in stderr.decode()
