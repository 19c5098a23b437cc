"""``python -m bench --workers``: 1, 2 and 4 worker processes and 1 receiver on PostgreSQL.

Real processes, as deployed (``portavoce run --role receiver|worker``), against the sandbox
Telegram server: a fixed burst of group messages (the benchmark's traffic mix: chat,
questions, links, mentions, spam) over a number of chats is posted to the receiver as fast
as it takes them. Per worker count: updates per second from the first post to the last
update handled, CPU seconds of the workers and of the receiver (from /proc), how busy the
machine was, and the inbox lag (age of the oldest pending update, sampled every 0.2 s)
during the burst. Each run gets a fresh database; skipped without a configured PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench import postgres
from bench.traffic import make_traffic
from bench.world import TEAM_CHAT_ID
from bot.dispatcher import chat_key
from bot.policy_loader import load_policy
from bot.sandbox import Sandbox
from bot.sandbox.persist import save_file

TOKEN = "7000000001:AAHsandboxSANDBOXsandboxSANDBOX_bench"
SECRET = "b" * 40
COUNTS = (1, 2, 4)
LANES = 8
Update = dict[str, Any]


def build_world(chats: int, updates: int,
                seed: int) -> tuple[Sandbox, list[Update], list[Update]]:
    """Groups with ten regulars each and the team chat; spam comes from one-off accounts."""
    policy = load_policy()
    sandbox = Sandbox()
    owner = sandbox.add_user("Owner")["id"]
    team = policy.team.chat_id or TEAM_CHAT_ID
    groups = [sandbox.add_group(f"Gruppo {n}", owner_id=owner) for n in range(chats)]
    sandbox.add_group("Team", chat_id=team, owner_id=owner)
    for chat in [*groups, team]:
        sandbox.add_bot_to(chat, "administrator", by_user_id=owner)
    regulars = {g: [sandbox.add_user(f"M{g}_{n}")["id"] for n in range(10)] for g in groups}
    for group, users in regulars.items():
        for user in users:
            sandbox.set_member(group, user, "member")
    setup = list(sandbox.pending)
    sandbox.pending.clear()
    terms = [r.term for r in policy.moderation.blocklist if r.term]
    rng = random.Random(seed)
    for n, message in enumerate(make_traffic(updates, terms, len(policy.faq.entries), seed)):
        group = groups[n % chats]
        if message.kind == "spam":
            user = sandbox.add_user(f"S{n}")["id"]
            sandbox.set_member(group, user, "member")
        else:
            user = rng.choice(regulars[group])
        sandbox.user_sends(group, user, message.text)
    burst = list(sandbox.pending)
    sandbox.pending.clear()
    return sandbox, setup, burst


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _spawn(args: list[str], env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, *args, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL)


async def _post(client: httpx.AsyncClient, port: int, updates: Sequence[Update]) -> None:
    for update in updates:
        for _ in range(100):
            response = await client.post(f"http://127.0.0.1:{port}/telegram", json=update,
                                         headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            if response.status_code == 200:
                break
            await asyncio.sleep(0.05)


async def _lag_sampler(url: str, samples: list[tuple[float, int]], stop: asyncio.Event) -> None:
    """Every 0.2 s: the age of the oldest pending update, and how many are pending."""
    conn = await asyncpg.connect(url)
    try:
        while not stop.is_set():
            row = await conn.fetchrow(
                "select count(*) as n, extract(epoch from now() - min(received_at)) as age "
                "from inbox where status = 'pending'")
            samples.append((float(row["age"] or 0.0), int(row["n"])))
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


async def _until_drained(conn: asyncpg.Connection, total: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await conn.fetchval("select count(*) from inbox where status <> 'pending'") >= total:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the workers did not drain the inbox in time")


async def one_run(workers: int, database: str, world: Path, setup: list[Update],
                  burst: list[Update]) -> dict[str, Any]:
    """The bot joins the chats (handled before the clock starts), then the burst."""
    server = await _spawn(["-m", "bot.sandbox.server", "--port", "0", "--state-file",
                           str(world)], dict(os.environ))
    assert server.stdout is not None
    api = f"http://127.0.0.1:{int(await server.stdout.readline())}"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAVOCE_")}
    env.update({"PORTAVOCE_TOKEN": TOKEN, "PORTAVOCE_API_BASE_URL": f"{api}/bot",
                "PORTAVOCE_DATABASE_URL": database, "PORTAVOCE_LOG_LEVEL": "ERROR"})
    receiver_env = {**env, "PORTAVOCE_ROLE": "receiver", "PORTAVOCE_MODE": "webhook",
                    "PORTAVOCE_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
                    "PORTAVOCE_WEBHOOK_SECRET": SECRET, "PORTAVOCE_WEBHOOK_PORT": str(port)}
    receiver = await _spawn(["-m", "bot", "run"], receiver_env)
    pool = [await _spawn(["-m", "bot", "run"], {**env, "PORTAVOCE_ROLE": "worker"})
            for _ in range(workers)]
    raw_url = database.replace("postgresql+asyncpg", "postgresql")
    conn = await asyncpg.connect(raw_url)
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            await _until_up(client, port)
            await _post(client, port, setup)
            await _until_drained(conn, len(setup), 120)
            await asyncio.sleep(2)  # every worker started and idle
            cpu_before = [cpu_seconds(p.pid) for p in (receiver, *pool)]
            lanes: dict[int, list[Update]] = defaultdict(list)
            for update in burst:
                lanes[abs(chat_key(update)) % LANES].append(update)
            samples: list[tuple[float, int]] = []
            stop = asyncio.Event()
            sampler = asyncio.ensure_future(_lag_sampler(raw_url, samples, stop))
            started = time.perf_counter()
            await asyncio.gather(*(_post(client, port, lane) for lane in lanes.values()))
            posted = time.perf_counter() - started
            await _until_drained(conn, len(setup) + len(burst), 600)
            elapsed = time.perf_counter() - started
            stop.set()
            await sampler
        cpu = [after - before for after, before in
               zip([cpu_seconds(p.pid) for p in (receiver, *pool)], cpu_before, strict=True)]
    finally:
        await conn.close()
        for process in (receiver, *pool, server):
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        await asyncio.gather(*(p.wait() for p in (receiver, *pool, server)))
    ages = sorted(age for age, _n in samples)
    worker_cpu = sum(cpu[1:])
    return {
        "workers": workers, "updates": len(burst), "updates_s": round(len(burst) / elapsed, 1),
        "seconds": round(elapsed, 1), "posting_s": round(posted, 1),
        "worker_cpu_s": round(worker_cpu, 1), "receiver_cpu_s": round(cpu[0], 1),
        "worker_cpu_ms_per_update": round(1000 * worker_cpu / len(burst), 1),
        "cores_busy": round(sum(cpu) / elapsed, 2),
        "lag_p50_s": round(ages[len(ages) // 2], 2) if ages else 0.0,
        "lag_max_s": round(ages[-1], 2) if ages else 0.0,
        "pending_max": max((n for _a, n in samples), default=0),
    }


async def _until_up(client: httpx.AsyncClient, port: int) -> None:
    for _ in range(600):
        try:
            if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError("the receiver did not come up")


async def run(updates: int = 2000, chats: int = 50, seed: int = 20240611) -> dict[str, Any]:
    url = postgres.configured_url()
    if not url:
        return {"skipped": "no PostgreSQL configured (PORTAVOCE_BENCH_POSTGRES_URL or "
                           "PORTAVOCE_TEST_POSTGRES_URL)"}
    if hasattr(os, "sched_setaffinity"):  # measure the machine: bench pins to one core
        os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    sandbox, setup, burst = build_world(chats, updates, seed)
    runs = []
    with tempfile.TemporaryDirectory(prefix="portavoce-workers-") as directory:
        world = Path(directory) / "world.json"
        for count in COUNTS:
            save_file(sandbox, world)  # the server rewrites it on exit: start fresh each time

            async def go(database: str, count: int = count) -> dict[str, Any]:
                return await one_run(count, database, world, setup, burst)

            runs.append(await postgres.with_fresh_database(url, go))
    return {"setup": f"{updates:,} messages over {chats} chats (bench traffic mix), 1 "
                     f"receiver, PostgreSQL; cpus={os.cpu_count()}", "runs": runs}


def print_table(result: dict[str, Any]) -> None:
    if "skipped" in result:
        print(f"workers: skipped, {result['skipped']}")
        return
    print(f"Worker processes ({result['setup']})")
    print(f"{'workers':>7} {'upd/s':>7} {'wall s':>7} {'worker CPU s':>12} {'ms CPU/upd':>10} "
          f"{'recv CPU s':>10} {'cores busy':>10} {'lag p50 s':>9} {'lag max s':>9} "
          f"{'pending max':>11}")
    for r in result["runs"]:
        print(f"{r['workers']:>7} {r['updates_s']:>7} {r['seconds']:>7} {r['worker_cpu_s']:>12} "
              f"{r['worker_cpu_ms_per_update']:>10} {r['receiver_cpu_s']:>10} "
              f"{r['cores_busy']:>10} {r['lag_p50_s']:>9} {r['lag_max_s']:>9} "
              f"{r['pending_max']:>11}")
