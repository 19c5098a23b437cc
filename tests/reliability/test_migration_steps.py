"""Every migration steps back one revision and forward again, on SQLite and PostgreSQL.

Revisions are read from storage/migrations at run time, so a new one is covered as soon as it
exists. For each: upgrade to it, downgrade one step (the schema must be exactly the previous
revision's), upgrade again (exactly its own). A row written at the first revision survives
every step, including SQLite's table rebuilds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import migrate


def _revisions() -> list[str]:
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    return [s.revision for s in reversed(list(scripts.walk_revisions()))]


def _schema(connection: Any) -> dict[str, Any]:
    found = inspect(connection)
    out: dict[str, Any] = {}
    for table in sorted(found.get_table_names()):
        if table == "alembic_version":
            continue
        out[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"])
                        for c in found.get_columns(table)],
            "pk": found.get_pk_constraint(table).get("constrained_columns"),
            "indexes": sorted((i["name"] or "", tuple(i["column_names"]), bool(i["unique"]))
                              for i in found.get_indexes(table)),
            "uniques": sorted(tuple(u["column_names"])
                              for u in found.get_unique_constraints(table)),
            "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"])
                          for f in found.get_foreign_keys(table)),
        }
    return out


async def _state(engine: AsyncEngine) -> tuple[dict[str, Any], str | None, int]:
    async with engine.connect() as conn:
        schema = await conn.run_sync(_schema)
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        version = (await conn.scalar(text("select version_num from alembic_version"))
                   if "alembic_version" in tables else None)
        canary = (await conn.scalar(text("select count(*) from inbox where update_id = 4242"))
                  if "inbox" in schema else 0)
    return schema, version, int(canary or 0)


async def test_each_revision_steps_down_and_up_again(engine: AsyncEngine) -> None:
    revisions = _revisions()
    assert revisions[0] == "0001" and len(revisions) >= 5
    await migrate.downgrade(engine, "base")
    previous = await _state(engine)
    assert previous == ({}, None, 0)
    for revision in revisions:
        await migrate.upgrade(engine, revision)
        reached = await _state(engine)
        assert reached[1] == revision
        await migrate.downgrade(engine, "-1")
        assert await _state(engine) == previous, f"{revision} down is not {previous[1]}"
        await migrate.upgrade(engine, revision)
        assert await _state(engine) == reached, f"{revision} up again differs"
        if revision == revisions[0]:  # a row that must survive every later step
            async with engine.begin() as conn:
                await conn.execute(text(
                    "insert into inbox (update_id, chat_id, payload, status, received_at) "
                    "values (4242, -1, '{}', 'done', :at)"), {"at": datetime.now(UTC)})
            reached = await _state(engine)
        assert reached[2] == 1
        previous = reached
