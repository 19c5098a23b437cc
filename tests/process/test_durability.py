"""Cases survive a failing team chat and a kill -9: every card arrives exactly once."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import pytest

from tests.process.conftest import SandboxServer, bot_env, start_bot

pytestmark = pytest.mark.process

GROUP, TEAM = -1001000000001, -1001000000099
TOPICS = {"complaints": 2, "questions": 3, "reports": 4, "moderation": 5, "praise": 6,
          "digest": 7}


async def _world(server: SandboxServer) -> list[int]:
    owner = (await server.do("add_user", first_name="Elena"))["id"]
    await server.do("add_group", title="Caffè Aurora Community", chat_id=GROUP, owner_id=owner)
    await server.do("add_group", title="Team", chat_id=TEAM, forum=True, owner_id=owner)
    for name, thread in TOPICS.items():
        await server.do("add_topic", chat_id=TEAM, name=name, thread_id=thread)
    members = []
    for n in range(20):
        user = (await server.do("add_user", first_name=f"Cliente{n}"))["id"]
        await server.do("set_member", chat_id=GROUP, user_id=user, status="member")
        members.append(user)
    for chat in (GROUP, TEAM):
        await server.do("add_bot_to", chat_id=chat, status="administrator", by_user_id=owner)
    return members


def _cases(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        try:
            query = "select count(*) from cases where kind = 'complaint'"
            return int(conn.execute(query).fetchone()[0])
        except sqlite3.OperationalError:
            return 0


async def _wait(predicate: object, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if await predicate():  # type: ignore[operator]
            return
        await asyncio.sleep(0.2)
    raise AssertionError("condition not reached in time")


async def test_cards_arrive_exactly_once_after_outage_and_kill(
    sandbox_server: SandboxServer, tmp_path: Path
) -> None:
    members = await _world(sandbox_server)
    await sandbox_server.client.post("/sandbox/faults", json={
        "method": "*", "times": 1_000_000, "chat_id": TEAM, "fault": {"kind": "server_error"}})
    env = bot_env(sandbox_server, tmp_path)
    db = tmp_path / "bot.db"
    bot = await start_bot(env)
    for n, member in enumerate(members):
        await sandbox_server.do("user_sends", chat_id=GROUP, user_id=member,
                                text=f"Ordine {n} mai arrivato dopo tre settimane, "
                                     "servizio pessimo, voglio il rimborso")

    async def all_cases() -> bool:
        return _cases(db) == 20

    try:
        await _wait(all_cases, 60)
    except AssertionError:
        bot.kill()
        _out, err = await bot.communicate()
        raise AssertionError(f"{_cases(db)} cases; bot said: {err.decode()[-3000:]}") from None
    failed = [c for c in await sandbox_server.calls("sendMessage")
              if c["params"]["chat_id"] in (TEAM, str(TEAM)) and not c["ok"]]
    assert failed, "the team chat was down, so the first card attempts must have failed"
    bot.send_signal(signal.SIGKILL)
    await bot.wait()
    await sandbox_server.client.delete("/sandbox/faults")
    await sandbox_server.client.post("/sandbox/faults", json={
        "method": "sendMessage", "times": 2, "chat_id": TEAM,
        "fault": {"kind": "too_many_requests", "retry_after": 1}})
    bot = await start_bot(env)

    async def cards() -> list[str]:
        return [c["params"]["text"] for c in await sandbox_server.calls("sendMessage")
                if c["params"]["chat_id"] in (TEAM, str(TEAM)) and c["ok"]
                and " complaint</b>" in c["params"]["text"]]

    async def all_cards() -> bool:
        return len(await cards()) >= 20

    try:
        await _wait(all_cards, 90)
        await asyncio.sleep(3)  # anything sent twice would show up now
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.communicate(), timeout=30)
    delivered = await cards()
    numbers = sorted(int(t.split("#", 1)[1].split(" ", 1)[0]) for t in delivered)
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("select id from cases where kind = 'complaint'")]
    assert numbers == sorted(ids) and len(ids) == 20
    assert _cases(db) == 20
