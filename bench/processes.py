"""The memory scenario's processes: the sandbox server and ``python -m bot run``.

Each runs as a child of the scenario with its output in a log file (never a pipe nobody
reads: a full pipe would block its writes, and its event loop), and is stopped when its
block ends, whatever happened: SIGTERM, then SIGKILL after ``STOP_TIMEOUT`` seconds. A
process that dies, or never gets ready, fails the scenario with the tail of its log.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

TOKEN = "7000000001:AAHsandboxSANDBOXsandboxSANDBOX_bench"  # the sandbox's default bot id
STARTED = "started as @"  # bot.serve logs it once Runtime.start has returned
STOP_TIMEOUT = 30.0
POLL = 0.1


class ProcessFailed(RuntimeError):
    """A scenario process died, or did not do its part in time."""


@dataclass(slots=True)
class Telegram:
    """The sandbox server process and a client for its control API."""

    pid: int
    url: str
    client: httpx.AsyncClient

    async def do(self, action: str, **kwargs: Any) -> Any:
        response = await self.client.post(f"/sandbox/do/{action}", json=kwargs)
        if response.status_code != 200:
            raise ProcessFailed(f"sandbox action {action} failed: {response.text}")
        return response.json()["result"]


@asynccontextmanager
async def sandbox_process(state_file: Path, log: Path,
                          timeout: float = 300.0) -> AsyncIterator[Telegram]:
    """``bench.sandbox_server`` on 127.0.0.1 with the world in ``state_file``."""
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.sandbox_server", str(state_file),
            stdout=asyncio.subprocess.PIPE, stderr=out)
    try:
        assert proc.stdout is not None
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), timeout)
        except TimeoutError:
            line = b""
        if not line.strip().isdigit():
            raise ProcessFailed(f"the sandbox server did not start within {timeout:.0f} s"
                                f"{tail(log)}")
        url = f"http://127.0.0.1:{int(line)}"
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            yield Telegram(proc.pid, url, client)
    finally:
        await stop(proc)


def bot_env(api_url: str, database: Path, policy_file: Path | None) -> dict[str, str]:
    """An operator's settings: token, Bot API URL (the sandbox), SQLite file, policy file;
    everything else at its default. The caller's PORTAVOCE_ variables are left out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAVOCE_")}
    env.update({"PORTAVOCE_TOKEN": TOKEN, "PORTAVOCE_API_BASE_URL": f"{api_url}/bot",
                "PORTAVOCE_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
                "PORTAVOCE_LOG_LEVEL": "INFO"})
    if policy_file is not None:
        env["PORTAVOCE_POLICY_FILE"] = str(policy_file)
    return env


@asynccontextmanager
async def bot_process(env: dict[str, str], log: Path,
                      timeout: float = 900.0) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m bot run``, yielded once it has started (policy read, FAQ index built).

    Runs in the log's directory, so no ``.env`` file of the caller's is read.
    """
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=log.parent, stdout=out,
            stderr=out)
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while STARTED not in read(log):
            alive(proc, log)
            if asyncio.get_running_loop().time() > deadline:
                raise ProcessFailed(f"the bot did not start within {timeout:.0f} s{tail(log)}")
            await asyncio.sleep(POLL)
        yield proc
    finally:
        await stop(proc)


def alive(proc: asyncio.subprocess.Process, log: Path) -> None:
    if proc.returncode is not None:
        raise ProcessFailed(f"the bot exited (code {proc.returncode}){tail(log)}")


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
    except TimeoutError:
        proc.kill()
        await proc.wait()


async def settle(proc: asyncio.subprocess.Process, database: Path, updates: int, log: Path,
                 team_chat_id: int, timeout: float = 600.0) -> None:
    """Wait until the bot has handled ``updates`` updates and owes the groups nothing due
    within a second, as its own database says (read-only: the bot owns it).

    The team chat is left out: the bot tells the team of compliments and complaints, and
    Telegram takes 20 messages a minute in a group, so that backlog drains for minutes (in
    the database, not in memory) after the last update is handled.
    """
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        alive(proc, log)
        handled, failed, due = progress(database, team_chat_id)
        if failed:
            raise ProcessFailed(f"the bot failed {failed} updates{tail(log)}")
        if handled >= updates and not due:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise ProcessFailed(f"after {timeout:.0f} s the bot has handled {handled} of "
                                f"{updates} updates, {due} calls due{tail(log)}")
        await asyncio.sleep(POLL)


def progress(database: Path, team_chat_id: int) -> tuple[int, int, int]:
    """(updates handled, updates failed, outbox calls due within a second outside the team
    chat)."""
    soon = (datetime.now(UTC) + timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=15)) as db:
        counts = dict(db.execute("SELECT status, count(*) FROM inbox GROUP BY status"))
        due = db.execute("SELECT count(*) FROM outbox WHERE status = 'pending' "
                         "AND not_before <= ? AND chat_id != ?",
                         (soon, team_chat_id)).fetchone()[0]
    return counts.get("done", 0), counts.get("failed", 0), int(due)


def read(log: Path) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def tail(log: Path, lines: int = 30) -> str:
    text = read(log).splitlines()[-lines:]
    return f"\n--- last lines of {log.name} ---\n" + "\n".join(text)
