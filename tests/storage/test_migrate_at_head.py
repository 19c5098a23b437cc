"""A start against a database already at the head revision neither runs nor imports alembic."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import migrate
from storage.db import create_engine

ROOT = Path(__file__).resolve().parents[2]

START = """
import asyncio, json, sys
from sqlalchemy import text
from storage import migrate
from storage.db import create_engine

async def main():
    engine = create_engine(sys.argv[1])
    await migrate.upgrade(engine)
    async with engine.connect() as conn:
        version = await conn.scalar(text("select version_num from alembic_version"))
    await engine.dispose()
    print(json.dumps({"alembic": "alembic" in sys.modules, "version": version}))

asyncio.run(main())
"""


def _start(url: str) -> dict[str, Any]:
    """What a fresh process sees after `migrate.upgrade` on the database at `url`."""
    done = subprocess.run([sys.executable, "-c", START, url], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=120)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def _version(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        version = await conn.scalar(text("select version_num from alembic_version"))
    return None if version is None else str(version)


def test_head_revision_read_from_the_files_is_alembics_head() -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == scripts.get_current_head()


async def test_upgrade_at_head_leaves_alembic_alone(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(migrate, "_upgrade_sync", lambda _conn, rev: calls.append(rev))
    await migrate.upgrade(engine)
    assert (calls, await _version(engine)) == ([], migrate.head_revision())


async def test_upgrade_below_head_still_migrates(engine: AsyncEngine) -> None:
    await migrate.downgrade(engine, "-1")
    below = await _version(engine)
    await migrate.upgrade(engine)
    assert (below != migrate.head_revision(), await _version(engine)) == (
        True, migrate.head_revision())


async def test_restart_process_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    first = _start(url)  # a fresh database: migrated by alembic
    second = _start(url)  # a restart
    engine = create_engine(url)
    try:
        await migrate.downgrade(engine, "-1")
    finally:
        await engine.dispose()
    after_downgrade = _start(url)  # behind the head again: alembic migrates it
    head = migrate.head_revision()
    assert [first, second, after_downgrade] == [
        {"alembic": True, "version": head},
        {"alembic": False, "version": head},
        {"alembic": True, "version": head},
    ]
