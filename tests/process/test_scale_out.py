"""Several processes on one PostgreSQL: 2 receivers, 3 workers, kill -9 midway.

Every update is handled exactly once, each chat's updates in order, Telegram's rate limits
hold in aggregate, and the outcome (warnings, bans and mutes, cases and their cards, every
answer, the counters) equals one process's run of the same updates. The traffic includes
scenarios whose outcome depends on state the workers share (flood, cross-chat repeats, a
raid, the report rate limit, context on a card, a complaint spike, a blocklist change, a
repeat ban): see tests/process/scale_world.py. Runs only when PORTAVOCE_TEST_POSTGRES_URL
points at a server; PORTAVOCE_SCALE_CHATS / _UPDATES scale it.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from pydantic import SecretStr

from bot.dispatcher import chat_key
from bot.runtime import Runtime
from bot.sandbox import Sandbox
from bot.sandbox.persist import load_file
from bot.sandbox.request import SandboxRequest
from bot.settings import Settings
from storage.db import session_scope
from storage.repositories.inbox import InboxRepo, InboxRow
from tests.pgdb import fresh_database
from tests.process.conftest import SandboxServer, bot_env, running_sandbox, start_bot
from tests.process.final_state import differences, final_state
from tests.process.scale_world import TEAM_CHAT, Traffic, build, save, write_policy

pytestmark = [pytest.mark.process, pytest.mark.postgres]
POSTGRES_URL = os.environ.get("PORTAVOCE_TEST_POSTGRES_URL", "")
CHATS = max(10, int(os.environ.get("PORTAVOCE_SCALE_CHATS", "50")))
UPDATES = int(os.environ.get("PORTAVOCE_SCALE_UPDATES", "5000"))
SECRET = "s" * 40
LANES = 8  # concurrent posters; a chat always goes through the same one (its order is kept)
Update = dict[str, Any]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def database() -> AsyncIterator[str]:
    if not POSTGRES_URL:
        pytest.skip("PORTAVOCE_TEST_POSTGRES_URL is not set")
    async with fresh_database(POSTGRES_URL) as url:
        yield url


class Cluster:
    """2 receivers and 3 workers as real processes on one database."""

    def __init__(self, server: SandboxServer, database: str, policy: Path, tmp: Path) -> None:
        self.base = bot_env(server, tmp, PORTAVOCE_DATABASE_URL=database,
                            PORTAVOCE_LOG_LEVEL="WARNING", PORTAVOCE_POLICY_FILE=str(policy))
        self.ports = [_free_port(), _free_port()]
        self.worker_env = {**self.base, "PORTAVOCE_ROLE": "worker"}
        self.receivers: list[asyncio.subprocess.Process] = []
        self.workers: list[asyncio.subprocess.Process] = []
        self.raw_url = database.replace("postgresql+asyncpg", "postgresql")
        self.logs = tmp / "logs"
        self.logs.mkdir(exist_ok=True)
        self._log_of: dict[int, Path] = {}  # pid: its output

    async def _start(self, env: dict[str, str], role: str) -> asyncio.subprocess.Process:
        log = self.logs / f"{len(self._log_of) + 1:02d}-{role}.log"
        process = await start_bot(env, log=log)
        self._log_of[process.pid] = log
        return process

    def leadership(self) -> list[str]:
        """Every process's lines about leading, by file (started in this order)."""
        return [f"{path.name}: {line}" for path in sorted(self.logs.iterdir())
                for line in path.read_text(errors="replace").splitlines()
                if "lead" in line]

    def receiver_env(self, port: int) -> dict[str, str]:
        return {**self.base, "PORTAVOCE_ROLE": "receiver", "PORTAVOCE_MODE": "webhook",
                # The test is Telegram's only delivery: what the bot's own calls make the
                # sandbox emit (chat_member after a mute) goes nowhere, in both runs alike.
                "PORTAVOCE_WEBHOOK_URL": "http://127.0.0.1:9/telegram",
                "PORTAVOCE_WEBHOOK_SECRET": SECRET, "PORTAVOCE_WEBHOOK_PORT": str(port)}

    async def start(self) -> None:
        self.receivers = [await self._start(self.receiver_env(p), "receiver")
                          for p in self.ports]
        self.workers = [await self._start(self.worker_env, "worker") for _ in range(3)]
        await self.until_up()
        await self.all_alive()
        async with httpx.AsyncClient(timeout=2) as client:
            for port in self.ports:  # receivers never take the lead (they never send)
                health = (await client.get(f"http://127.0.0.1:{port}/healthz")).json()
                assert health["role"] == "receiver" and health["leader"] is False

    async def kill_one_of_each_and_restart(self) -> None:
        for process in (self.workers[0], self.receivers[0]):
            process.send_signal(signal.SIGKILL)
            await process.wait()
        self.workers[0] = await self._start(self.worker_env, "worker")
        self.receivers[0] = await self._start(self.receiver_env(self.ports[0]), "receiver")
        await self.until_up()

    async def until_up(self, timeout: float = 180) -> None:
        """Until both receivers answer /healthz (loading the models takes a while on a
        busy machine); a process that exits meanwhile fails the test with its output."""
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2) as client:
            for port in self.ports:
                while True:
                    try:
                        if (await client.get(f"http://127.0.0.1:{port}/healthz")
                                ).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    await self.all_alive()
                    assert time.monotonic() < deadline, f"receiver on {port} never came up"
                    await asyncio.sleep(0.1)

    async def all_alive(self) -> None:
        for process in [*self.receivers, *self.workers]:
            if process.returncode is not None:
                await process.wait()
                output = self._log_of[process.pid].read_text(errors="replace")
                raise AssertionError(f"a process exited: {output[-2000:]}")

    async def stop(self) -> None:
        processes = [*self.receivers, *self.workers]
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        await asyncio.gather(*(p.wait() for p in processes))

    async def post(self, updates: Sequence[Update]) -> None:
        """Post like Telegram: each update until a receiver answers 200 (one may be down)."""
        async with httpx.AsyncClient(timeout=10) as client:
            for n, update in enumerate(updates):
                for attempt in range(200):
                    port = self.ports[(n + attempt) % len(self.ports)]
                    try:
                        response = await client.post(
                            f"http://127.0.0.1:{port}/telegram", json=update,
                            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                        if response.status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    await asyncio.sleep(0.05)
                else:
                    raise AssertionError(f"no receiver took update {update['update_id']}")

    async def post_in_lanes(self, updates: Sequence[Update]) -> None:
        lanes: dict[int, list[Update]] = defaultdict(list)
        for update in updates:
            lanes[abs(chat_key(update)) % LANES].append(update)
        await asyncio.gather(*(self.post(lane) for lane in lanes.values()))

    async def until_handled(self, ids: Sequence[int] | None = None,
                            timeout: float = 120) -> None:
        """Until the given updates (None: all) are no longer pending."""
        conn = await asyncpg.connect(self.raw_url)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if ids is None:
                    if await conn.fetchval(
                            "select count(*) from inbox where status = 'pending'") == 0:
                        return
                elif await conn.fetchval(
                        "select count(*) from inbox where update_id = any($1::bigint[]) "
                        "and status <> 'pending'", list(ids)) == len(ids):
                    return
                await asyncio.sleep(0.02)
        finally:
            await conn.close()
        raise AssertionError("updates still pending")


async def _multi_process(traffic: Traffic, world: Path, database: str, policy: Path,
                         tmp: Path) -> tuple[dict[str, Any], dict[str, float]]:
    timings: dict[str, float] = {}
    started = time.monotonic()
    async with running_sandbox(world) as server:
        cluster = Cluster(server, database, policy, tmp)
        await cluster.start()
        timings["start"] = time.monotonic() - started
        try:
            for batch in traffic.rounds:  # scenarios: each round handled before the next
                await cluster.post(batch)
                await cluster.until_handled([u["update_id"] for u in batch])
            timings["rounds"] = time.monotonic() - started
            half = len(traffic.bulk) // 2
            await cluster.post_in_lanes(traffic.bulk[:half])
            await cluster.kill_one_of_each_and_restart()
            await cluster.post_in_lanes(traffic.bulk[half:])
            timings["posted"] = time.monotonic() - started
            await cluster.until_handled(timeout=300)
            timings["drained"] = time.monotonic() - started
            await cluster.all_alive()
            await _check_exactly_once_in_order(cluster.raw_url, traffic)
            rates = (await server.client.get("/sandbox/rates")).json()["result"]
            if rates["max_per_group_per_minute"] > 20:
                rates["worst"] = await _worst_group_minute(server, cluster.raw_url)
        finally:
            await cluster.stop()
    if rates["max_rate_per_second"] > 30 or rates["max_per_group_per_minute"] > 20:
        pytest.fail("Telegram's budgets were exceeded:\n" + "\n".join(
            [json.dumps({k: v for k, v in rates.items() if k != "worst"}),
             *rates.get("worst", []), "leadership:", *cluster.leadership()]))
    return await final_state(database), timings


async def _worst_group_minute(server: SandboxServer, raw_url: str) -> list[str]:
    """What to look at when a group got more than 20 posts in a minute: those posts as the
    sandbox saw them, and their outbox rows."""
    calls = (await server.client.get("/sandbox/calls", params={"method": "sendMessage"})
             ).json()["result"]
    by_chat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for call in calls:
        if call["ok"] and str(call["params"].get("chat_id", "")).startswith("-"):
            by_chat[str(call["params"]["chat_id"])].append(call)
    best: list[dict[str, Any]] = []
    for chat_calls in by_chat.values():
        chat_calls.sort(key=lambda c: c["at"])
        start = 0
        for end in range(len(chat_calls)):
            while chat_calls[end]["at"] - chat_calls[start]["at"] >= 60:
                start += 1
            if end - start + 1 > len(best):
                best = chat_calls[start:end + 1]
    conn = await asyncpg.connect(raw_url)
    try:
        rows = await conn.fetch(
            "select id, status, attempts, sent_at, not_before, last_error, params->>'text' t "
            "from outbox where chat_id = $1 and method = 'sendMessage' order by id",
            int(best[0]["params"]["chat_id"]))
    finally:
        await conn.close()
    lines = [f"{c['at']:.2f} {str(c['params'].get('text'))[:40]!r}" for c in best]
    lines += [f"row {r['id']} {r['status']} x{r['attempts']} sent {r['sent_at']} "
              f"due {r['not_before']} {r['last_error']} {str(r['t'])[:40]!r}" for r in rows]
    return lines


async def _check_exactly_once_in_order(raw_url: str, traffic: Traffic) -> None:
    conn = await asyncpg.connect(raw_url)
    try:
        # xmin: the transaction that marked the row done. A worker gets a transaction id at
        # its first write, after its claim, which waits for the chat's previous update to
        # commit: within a chat, xmin grows in the order the updates were handled.
        rows = await conn.fetch(
            "select update_id, chat_id, status, xmin::text::bigint as tx from inbox")
        counted = await conn.fetch(
            "select chat_id, sum(value) as n from daily_metrics where key='messages' "
            "group by chat_id")
    finally:
        await conn.close()
    stored = {r["update_id"] for r in rows}
    missing = [u["update_id"] for u in traffic.all if u["update_id"] not in stored]
    assert not missing, missing[:10]
    assert {r["status"] for r in rows} == {"done"}
    by_chat: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for row in rows:
        by_chat[row["chat_id"]].append((row["update_id"], row["tx"]))
    for chat_rows in by_chat.values():
        in_id_order = [done for _id, done in sorted(chat_rows, key=lambda r: r[0])]
        assert in_id_order == sorted(in_id_order), "a chat's updates ran out of order"
    sent: dict[int, int] = defaultdict(int)  # each message counted exactly once
    for update in traffic.all:
        message = update.get("message")
        if message and "text" in message and message["chat"]["id"] != TEAM_CHAT:
            sent[message["chat"]["id"]] += 1
    assert {r["chat_id"]: int(r["n"]) for r in counted} == dict(sent)


async def _one_process(traffic: Traffic, world: Path, policy: Path,
                       tmp: Path) -> dict[str, Any]:
    """The same updates through one process (role all, in-memory state) on a fresh SQLite
    database, against a sandbox loaded with the same world. Its outbox is not sent: what is
    compared is what the bot owes Telegram, and sending is paced by Telegram's budgets."""
    sandbox = Sandbox()
    load_file(sandbox, world)
    url = f"sqlite+aiosqlite:///{tmp / 'single.db'}"
    settings = Settings(database_url=SecretStr(url), policy_file=policy)
    runtime = await Runtime.create(settings, token=sandbox.token,
                                   request=SandboxRequest(sandbox), poll_timeout=0)
    await runtime.start()
    try:
        for batch in [*traffic.rounds, traffic.bulk]:
            async with session_scope(runtime.services.sessions) as session:
                await InboxRepo(session).add_many(
                    [InboxRow(u["update_id"], chat_key(u), json.dumps(u)) for u in batch],
                    runtime.services.clock.now())
            while await runtime.dispatcher.schedule_pending():
                await runtime.dispatcher.wait_idle()
            await runtime.maintenance.run_once()
    finally:
        await runtime.stop()
    return await final_state(url)


def _scenarios_ran(state: dict[str, Any]) -> None:
    """The shared-state scenarios did what they are for (so equality means something)."""
    reasons = " ".join(e[4] for e in state["events"])
    actions = [e[3] for e in state["events"]]
    assert "flood:" in reasons and "repeat:" in reasons and 'blocklist:"bananone"' in reasons
    assert actions.count("ban") >= 1 and "free crypto" in reasons
    assert any(k.startswith("raid:") for k in state["notices"])
    kinds = [c[0] for c in state["cases"].values()]
    assert kinds.count("report") == 2 and "spike" in kinds
    [complaint] = [c for c in state["cases"].values()
                   if c[0] == "complaint" and "tre settimane" in c[6]]
    assert len(json.loads(complaint[7])["lines"]) == 3  # three lines of context on the card


async def test_two_receivers_three_workers_match_one_process(
    database: str, tmp_path: Path
) -> None:
    traffic = build(CHATS, UPDATES)
    policy = write_policy(tmp_path / "policy.yaml")
    world = save(traffic, tmp_path / "world.json")
    served = shutil.copy(world, tmp_path / "served.json")  # the server writes its own back
    multi, timings = await _multi_process(traffic, Path(served), database, policy, tmp_path)
    started = time.monotonic()
    single = await _one_process(traffic, world, policy, tmp_path)
    timings["single"] = time.monotonic() - started
    print("timings", {k: round(v, 1) for k, v in timings.items()})
    assert multi["inbox"] == {"done": len(traffic.all)}
    _scenarios_ran(single)
    assert differences(multi, single) == {}
