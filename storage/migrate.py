"""Apply Alembic migrations programmatically (on start and via `portavoce db upgrade`).

Alembic (about 10 MB of modules) is imported only when there is something to migrate: on a
start against a database already at the head revision, `upgrade` reads the version table
with SQLAlchemy and compares it with the head revision read from the migration files'
``revision = "..."`` lines, and returns.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"  # alembic's default; env.py does not change it

_REVISION = re.compile(r"""^revision(?:\s*:\s*[\w\[\]| ]+)?\s*=\s*['"]([^'"]+)['"]""", re.M)
_DOWN = re.compile(
    r"""^down_revision(?:\s*:\s*[\w\[\]|, ]+)?\s*=\s*(None|['"][^'"]*['"])""", re.M)


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@cache
def head_revision() -> str | None:
    """The head revision, from the migration files alone (no alembic import).

    None when the files do not show exactly one head in a plain form (a merge revision, a
    tuple of down revisions): `upgrade` then leaves the decision to alembic.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(source), _DOWN.findall(source)
        if len(revision) != 1 or len(down) != 1:
            return None
        revisions.add(revision[0])
        if down[0] != "None":
            parents.add(down[0].strip("'\""))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def _current_revisions(connection: Any) -> set[str] | None:
    """The revisions recorded in the database; None before the first migration."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    return {str(row[0]) for row in rows}


MIGRATION_LOCK = 0x506F7274_6D6967  # several processes starting together migrate one by one


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` to ``revision`` inside its own transaction.

    Already at the head revision (the usual restart), nothing else is done and alembic is
    not imported.
    """
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                     {"key": MIGRATION_LOCK})
        head = head_revision()
        if revision == "head" and head is not None:
            current = await connection.run_sync(_current_revisions)
            if current == {head}:
                return
        await connection.run_sync(_upgrade_sync, revision)


async def downgrade(engine: AsyncEngine, revision: str = "-1") -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_downgrade_sync, revision)


def _upgrade_sync(connection: object, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade_sync(connection: object, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)
