"""Several processes on one PostgreSQL: 2 receivers, 3 workers, kill -9 midway.

Every update is handled exactly once, each chat's updates in order, and Telegram's rate limits
hold in aggregate. Runs only when PORTAVOCE_TEST_POSTGRES_URL points at a server.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from tests.process.conftest import TOKEN, SandboxServer, bot_env, start_bot

pytestmark = [pytest.mark.process, pytest.mark.postgres]
POSTGRES_URL = os.environ.get("PORTAVOCE_TEST_POSTGRES_URL", "")
CHATS = int(os.environ.get("PORTAVOCE_SCALE_CHATS", "50"))
UPDATES = int(os.environ.get("PORTAVOCE_SCALE_UPDATES", "5000"))
PER_MEMBER = 5
SECRET = "s" * 40


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def database() -> AsyncIterator[str]:
    if not POSTGRES_URL:
        pytest.skip("PORTAVOCE_TEST_POSTGRES_URL is not set")
    raw = POSTGRES_URL.replace("postgresql+asyncpg", "postgresql")
    name = f"pv_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(raw)
    await admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _updates(server: SandboxServer) -> list[dict[str, object]]:
    """The test plays Telegram's delivery: it reads the queued updates to post them itself."""
    owner = (await server.do("add_user", first_name="Owner"))["id"]
    groups = [await server.do("add_group", title=f"Gruppo {n}", owner_id=owner)
              for n in range(CHATS)]
    for group in groups:
        await server.do("add_bot_to", chat_id=group, status="administrator", by_user_id=owner)
    authors: dict[tuple[int, int], int] = {}
    for n in range(UPDATES):
        group = groups[n % CHATS]
        slot = (group, n // (CHATS * PER_MEMBER))
        if slot not in authors:
            authors[slot] = (await server.do("add_user", first_name=f"M{n}"))["id"]
            await server.do("set_member", chat_id=group, user_id=authors[slot], status="member")
        await server.do("user_sends", chat_id=group, user_id=authors[slot], text=f"ciao {n}")
    collected: list[dict[str, object]] = []
    offset = 0
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        while True:
            reply = await client.post(f"/bot{TOKEN}/getUpdates",
                                      json={"offset": offset, "limit": 100, "timeout": 0})
            batch = reply.json()["result"]
            if not batch:
                return collected
            collected.extend(batch)
            offset = int(batch[-1]["update_id"]) + 1


async def _all_alive(processes: list[asyncio.subprocess.Process]) -> None:
    for process in processes:
        if process.returncode is not None:
            _out, err = await process.communicate()
            raise AssertionError(f"a process exited: {err.decode()[-2000:]}")


async def _until_up(ports: list[int]) -> None:
    async with httpx.AsyncClient(timeout=2) as client:
        for port in ports:
            for _ in range(300):
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)


async def _post_all(updates: list[dict[str, object]], ports: list[int]) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        for update, port in zip(updates, itertools.cycle(ports), strict=False):
            for attempt in range(200):  # a receiver may be down: Telegram retries, so do we
                target = ports[(ports.index(port) + attempt) % len(ports)]
                try:
                    response = await client.post(
                        f"http://127.0.0.1:{target}/telegram", json=update,
                        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                    if response.status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.05)
            else:
                raise AssertionError(f"no receiver took update {update['update_id']}")


async def test_two_receivers_three_workers_exactly_once_in_order(
    sandbox_server: SandboxServer, database: str, tmp_path: object
) -> None:
    updates = await _updates(sandbox_server)
    assert len(updates) >= UPDATES
    base = bot_env(sandbox_server, tmp_path, PORTAVOCE_DATABASE_URL=database,  # type: ignore[arg-type]
                   PORTAVOCE_LOG_LEVEL="WARNING")
    ports = [_free_port(), _free_port()]

    def receiver_env(port: int) -> dict[str, str]:
        return {**base, "PORTAVOCE_ROLE": "receiver", "PORTAVOCE_MODE": "webhook",
                "PORTAVOCE_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
                "PORTAVOCE_WEBHOOK_SECRET": SECRET, "PORTAVOCE_WEBHOOK_PORT": str(port)}

    worker_env = {**base, "PORTAVOCE_ROLE": "worker"}
    receivers = [await start_bot(receiver_env(p)) for p in ports]
    workers = [await start_bot(worker_env) for _ in range(3)]
    await _until_up(ports)
    await asyncio.sleep(3)
    await _all_alive([*receivers, *workers])
    half = len(updates) // 2
    await _post_all(updates[:half], ports)
    workers[0].send_signal(signal.SIGKILL)
    receivers[0].send_signal(signal.SIGKILL)
    await workers[0].wait()
    await receivers[0].wait()
    workers[0] = await start_bot(worker_env)
    receivers[0] = await start_bot(receiver_env(ports[0]))
    await _until_up(ports)
    await _post_all(updates[half:], ports)
    await _all_alive([*receivers, *workers])
    conn = await asyncpg.connect(database.replace("postgresql+asyncpg", "postgresql"))
    try:
        for _ in range(600):
            pending = await conn.fetchval("select count(*) from inbox where status='pending'")
            if pending == 0:
                break
            await asyncio.sleep(0.2)
        rows = await conn.fetch("select update_id, chat_id, status, done_at from inbox")
        counted = await conn.fetch(
            "select chat_id, sum(value) as n from daily_metrics where key='messages' "
            "group by chat_id")
    finally:
        await conn.close()
        for process in [*receivers, *workers]:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        await asyncio.gather(*(p.wait() for p in [*receivers, *workers]))
    stored = {r["update_id"] for r in rows}
    missing = [u for u in updates if u["update_id"] not in stored]
    assert not missing, [list(u)[1] for u in missing][:10]
    assert {r["status"] for r in rows} == {"done"}
    by_chat: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for row in rows:
        by_chat[row["chat_id"]].append((row["update_id"], row["done_at"]))
    for chat_rows in by_chat.values():
        in_id_order = [done for _id, done in sorted(chat_rows, key=lambda r: r[0])]
        assert in_id_order == sorted(in_id_order), "a chat's updates ran out of order"
    per_chat = UPDATES // CHATS
    assert {int(r["n"]) for r in counted} == {per_chat}  # each message counted exactly once
    rates = (await sandbox_server.client.get("/sandbox/rates")).json()["result"]
    assert rates["max_rate_per_second"] <= 30 and rates["max_per_group_per_minute"] <= 20
