"""Real processes on 127.0.0.1: the sandbox HTTP server and `portavoce run`."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

TOKEN = "7000000001:AAHsandboxSANDBOXsandboxSANDBOX_proc"


@dataclass
class SandboxServer:
    url: str
    client: httpx.AsyncClient

    async def do(self, action: str, **kwargs: Any) -> Any:
        response = await self.client.post(f"/sandbox/do/{action}", json=kwargs)
        assert response.status_code == 200, response.text
        return response.json()["result"]

    async def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        params = {"method": method} if method else {}
        response = await self.client.get("/sandbox/calls", params=params)
        return list(response.json()["result"])

    async def wait_for_call(self, method: str, predicate: Any = None,
                            timeout: float = 30.0) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            for call in await self.calls(method):
                if predicate is None or predicate(call):
                    return call
            await asyncio.sleep(0.1)
        raise AssertionError(f"no {method} call within {timeout}s")


@asynccontextmanager
async def running_sandbox(state_file: Path | None = None) -> AsyncIterator[SandboxServer]:
    """The sandbox server as a process; ``state_file``: a world prepared in-process."""
    extra = ["--state-file", str(state_file)] if state_file is not None else []
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.sandbox.server", "--port", "0", *extra,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), timeout=20)
    url = f"http://127.0.0.1:{int(line)}"
    try:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            yield SandboxServer(url, client)
    finally:
        proc.terminate()
        await proc.wait()


@pytest.fixture
async def sandbox_server() -> AsyncIterator[SandboxServer]:
    async with running_sandbox() as server:
        yield server


def bot_env(server: SandboxServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAVOCE_")}
    env.update({
        "PORTAVOCE_TOKEN": TOKEN,
        "PORTAVOCE_API_BASE_URL": f"{server.url}/bot",
        "PORTAVOCE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "PORTAVOCE_LOG_LEVEL": "INFO",
    })
    env.update(extra)
    return env


async def start_bot(env: dict[str, str], *args: str,
                    log: Path | None = None) -> asyncio.subprocess.Process:
    """``log``: the process's output goes to that file (appended), not to a pipe nobody
    reads while the process runs (a full pipe would block its writes, and its event loop)."""
    if log is None:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", *args, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", *args, env=env, stdout=out, stderr=out)
