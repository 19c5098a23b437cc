"""`portavoce db upgrade|downgrade|backup`."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
from pathlib import Path

from bot.settings import Settings
from storage import migrate
from storage.db import create_engine


async def run_db_command(settings: Settings, args: argparse.Namespace) -> int:
    url = settings.database_url.get_secret_value()
    if args.db_command == "backup":
        return backup(url, args.target)
    engine = create_engine(url)
    try:
        if args.db_command == "upgrade":
            await migrate.upgrade(engine)
            print("database is at the latest revision")
        else:
            await migrate.downgrade(engine, args.revision)
            print(f"database downgraded ({args.revision})")
    finally:
        await engine.dispose()
    return 0


def backup(url: str, target: Path) -> int:
    """A consistent copy while the bot runs, via SQLite's online backup API."""
    if not url.startswith("sqlite"):
        print("portavoce: db backup copies SQLite databases; for PostgreSQL use pg_dump")
        return 2
    source_path = url.split(":///", 1)[1]
    if target.exists():
        print(f"portavoce: {target} exists; choose a new file")
        return 2
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    print(f"backed up {source_path} to {target}")
    return 0


async def export(settings: Settings, what: str, days: int, out: Path | None) -> int:
    """`portavoce export cases|stats`: the CSV /export sends, from the command line."""
    from bot.clock import SystemClock
    from bot.policy_loader import load_policy
    from bot.services import Services
    from bot.unit_of_work import unit_of_work
    from handlers.reputation import export_csv
    from storage.db import make_session_factory

    engine = create_engine(settings.database_url.get_secret_value())
    try:
        await migrate.upgrade(engine)
        services = Services(settings=settings, policy=load_policy(settings.policy_file),
                            engine=engine, sessions=make_session_factory(engine),
                            clock=SystemClock())
        now = services.clock.now()
        async with unit_of_work(services.sessions, None, now):
            _name, content = await export_csv(services, what, days, now)
    finally:
        await engine.dispose()
    if out is None:
        print(content.decode(), end="")
    else:
        await asyncio.to_thread(out.write_bytes, content)
        print(f"wrote {out}")
    return 0
