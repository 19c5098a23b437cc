"""The bot token and the database password never reach a log, an error message or a chat.

In process: the Telegram fault cases (429, 5xx, 403, 400, dropped connections, timeouts), a
crashing handler and an update the library cannot read, with every record captured at DEBUG
(before any redaction: the secret must not even be produced). As a real `portavoce run`
process: the same faults over HTTP with DEBUG logging and a PostgreSQL URL carrying a password,
then bad settings and databases that cannot be opened; stderr and every message the bot sent
(the team chat's notices included) are scanned.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.playground import Playground
from bot.sandbox import Fault
from tests.process.conftest import TOKEN, SandboxServer, bot_env, start_bot
from tests.reliability.conftest import POSTGRES_URL, texts_to

PASSWORD = "Pw-Zq8sEcReT-42"  # a made-up secret the output is scanned for
GROUP, OTHER, TEAM = -1001000000001, -1001000000002, -1001000000099


def _scan(where: str, text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret[:4]}… found in {where}"


def _records_text(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter()
    return "\n".join(r.getMessage() + (formatter.formatException(r.exc_info)
                                       if r.exc_info else "") for r in caplog.records)


async def test_fault_cases_in_process_never_log_the_token(
    play: Playground, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox, group = play.sandbox, play.group_id
    secrets = [sandbox.token, sandbox.token.split(":", 1)[1]]

    async def broken(update: Update, _context: object) -> None:
        if update.effective_message and update.effective_message.text == "boom":
            raise RuntimeError("handler bug")

    play.runtime.app.add_handler(MessageHandler(filters.TEXT, broken), group=-9)
    bait = sandbox.user_sends(group, play.people.member, "messaggio qualunque")
    await play.deliver()
    faults = [("sendMessage", Fault.too_many_requests(2)), ("sendMessage", Fault.server_error()),
              ("sendMessage", Fault.connection_reset()), ("sendMessage", Fault.timeout(30)),
              ("restrictChatMember", Fault.not_enough_rights()),
              ("deleteMessages", Fault.bad_request("message to delete not found"))]
    with caplog.at_level(logging.DEBUG):
        for method, fault in faults:
            sandbox.faults.fail_next(method, error=fault)
        sandbox.faults.set_chat_down(play.community_ids[1], Fault.kicked())
        sandbox.user_sends(group, play.people.member, "/rules")
        sandbox.user_sends(group, play.people.member, "boom")
        sandbox.user_sends(group, play.people.admin, "/mute 10m", reply_to=bait["message_id"])
        sandbox.user_sends(group, play.people.admin, "/del", reply_to=bait["message_id"])
        sandbox.user_sends(play.community_ids[1], play.people.member, "/rules")
        sandbox.user_sends(group, play.people.member, "x", entities=[{"type": "bold"}])
        for _ in range(6):
            await play.deliver()
            play.clock.advance(40)
    logged = _records_text(caplog)
    assert "handler bug" in logged and "Forbidden" in logged  # the faults really happened
    _scan("the logs", logged, secrets)
    team = texts_to(play, play.team_chat_id)
    assert any("Bannare utenti" in t for t in team)  # the missing-right notice was sent
    _scan("a message the bot sent", repr([c.params for c in sandbox.calls]), secrets)


async def _world(server: SandboxServer) -> tuple[int, int, int]:
    owner = (await server.do("add_user", first_name="Elena"))["id"]
    member = (await server.do("add_user", first_name="Giulia", language_code="it"))["id"]
    admin = (await server.do("add_user", first_name="Marco"))["id"]
    for chat, title in ((GROUP, "Community"), (OTHER, "English"), (TEAM, "Team")):
        await server.do("add_group", title=title, chat_id=chat, owner_id=owner)
        await server.do("set_member", chat_id=chat, user_id=member, status="member")
        await server.do("set_member", chat_id=chat, user_id=admin, status="administrator")
        await server.do("add_bot_to", chat_id=chat, status="administrator", by_user_id=owner)
    return owner, member, admin


async def _arm(server: SandboxServer, method: str, fault: dict[str, object], *,
               times: int = 1, chat_id: int | None = None) -> None:
    body: dict[str, object] = {"method": method, "times": times, "fault": fault}
    if chat_id is not None:
        body["chat_id"] = chat_id
    response = await server.client.post("/sandbox/faults", json=body)
    assert response.status_code == 200, response.text


@pytest.fixture
async def secret_database(tmp_path: Path) -> AsyncIterator[str]:
    """PostgreSQL with a password in the URL when a server is configured (trust auth ignores
    it), else SQLite; either way the URL is a secret the output must not show."""
    if not POSTGRES_URL:
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        return
    name = f"pv_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg", "postgresql"))
    await admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0].replace("://postgres@", f"://postgres:{PASSWORD}@")
    try:
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.mark.process
async def test_run_process_under_faults_prints_no_secret(
    sandbox_server: SandboxServer, tmp_path: Path, secret_database: str
) -> None:
    server = sandbox_server
    _owner, member, admin = await _world(server)
    await _arm(server, "getUpdates", {"kind": "server_error", "status": 502})
    await _arm(server, "getUpdates", {"kind": "connection_reset"})
    await _arm(server, "sendMessage", {"kind": "too_many_requests", "retry_after": 1},
               chat_id=GROUP)
    await _arm(server, "sendMessage", {"kind": "server_error"}, chat_id=GROUP)
    await _arm(server, "sendMessage", {"kind": "connection_reset"}, chat_id=GROUP)
    await _arm(server, "restrictChatMember", {"kind": "not_enough_rights"})
    await _arm(server, "deleteMessages", {"kind": "bad_request",
                                          "reason": "message to delete not found"})
    await _arm(server, "*", {"kind": "kicked"}, times=1000, chat_id=OTHER)
    env = bot_env(server, tmp_path, PORTAVOCE_LOG_LEVEL="DEBUG",
                  PORTAVOCE_DATABASE_URL=secret_database)
    bot = await start_bot(env)
    try:
        bait = await server.do("user_sends", chat_id=GROUP, user_id=member, text="ciao")
        await server.do("user_sends", chat_id=GROUP, user_id=member, text="/rules")
        await server.do("user_sends", chat_id=GROUP, user_id=admin, text="/mute 10m",
                        reply_to=bait["message_id"])
        await server.do("user_sends", chat_id=GROUP, user_id=admin, text="/del",
                        reply_to=bait["message_id"])
        await server.do("user_sends", chat_id=OTHER, user_id=member, text="/rules")
        await server.do("user_sends", chat_id=GROUP, user_id=member, text="rotto",
                        entities=[{"type": "bold"}])  # PTB cannot read this update

        def team_has(fragment: str) -> Callable[[dict[str, Any]], bool]:
            return lambda c: (str(c["params"]["chat_id"]) == str(TEAM) and c["ok"]
                              and fragment in c["params"]["text"])

        await server.wait_for_call("sendMessage", team_has("Bannare utenti"), timeout=60)
        await server.wait_for_call("sendMessage", team_has("English"), timeout=60)
        await server.wait_for_call("sendMessage", lambda c: str(c["params"]["chat_id"])
                                   == str(GROUP) and c["ok"] and "Regole" in
                                   c["params"]["text"], timeout=60)
    finally:
        bot.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(bot.communicate(), timeout=30)
    stderr = err.decode()
    assert bot.returncode == 0, stderr[-3000:]
    assert "getUpdates failed" in stderr and "failed; marked failed" in stderr, stderr[-3000:]
    secrets = [TOKEN, TOKEN.split(":", 1)[1], PASSWORD]
    _scan("stderr", stderr, secrets)
    _scan("a message the bot sent", repr(await server.calls()), secrets)


async def _run_cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    return int(proc.returncode or 0), out.decode() + err.decode()


BAD = {
    "unknown scheme": ("PORTAVOCE_DATABASE_URL", f"mysql://bot:{PASSWORD}@127.0.0.1/db", 2),
    "nothing listens": ("PORTAVOCE_DATABASE_URL",
                        f"postgresql+asyncpg://bot:{PASSWORD}@127.0.0.1:1/db", 6),
    "malformed token": ("PORTAVOCE_TOKEN", f"12345:{PASSWORD}", 2),
    "bad webhook secret": ("PORTAVOCE_WEBHOOK_SECRET", f"{PASSWORD} with spaces", 2),
}


@pytest.mark.process
@pytest.mark.parametrize("case", sorted(BAD))
async def test_bad_settings_and_unreachable_databases_print_no_secret(
    tmp_path: Path, case: str
) -> None:
    name, value, code = BAD[case]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAVOCE_")}
    env.update({"PORTAVOCE_TOKEN": TOKEN, "PORTAVOCE_API_BASE_URL": "http://127.0.0.1:9/bot",
                "PORTAVOCE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                "PORTAVOCE_MODE": "webhook" if "webhook" in case else "polling",
                "PORTAVOCE_WEBHOOK_URL": "https://example.invalid/hook", name: value})
    code_seen, output = await _run_cli(env, "run")
    assert code_seen == code, output[-2000:]
    assert name in output and len(output.strip().splitlines()) == 1, output[-2000:]
    _scan("the output", output, [PASSWORD, TOKEN.split(":", 1)[1]])


@pytest.mark.process
@pytest.mark.postgres
async def test_database_that_refuses_the_login_prints_no_password(tmp_path: Path) -> None:
    if not POSTGRES_URL:
        pytest.skip("PORTAVOCE_TEST_POSTGRES_URL is not set")
    base = POSTGRES_URL.rsplit("/", 1)[0].replace("://postgres@", f"://nobody:{PASSWORD}@")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAVOCE_")}
    env.update({"PORTAVOCE_TOKEN": TOKEN, "PORTAVOCE_API_BASE_URL": "http://127.0.0.1:9/bot",
                "PORTAVOCE_DATABASE_URL": f"{base}/test"})
    code, output = await _run_cli(env, "run")
    assert code == 6 and "PORTAVOCE_DATABASE_URL" in output, output[-2000:]
    assert len(output.strip().splitlines()) == 1, output[-2000:]
    _scan("the output", output, [PASSWORD])
