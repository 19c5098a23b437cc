"""A message's bookkeeping writes on SQLite: one trip, without SQLAlchemy's execution layers.

Every group message leaves three or four rows nobody reads back in the same update: its
recent-messages row, the day's counters and the day's active member. Through the session,
each statement costs 130-250 us of CPU on the benchmark machine (the ORM's execute, the
compiled-cache key, the execution context, the result), against a microsecond or two of
SQLite's own work. Here each named statement is compiled once for SQLite, its parameters
go through the same bind processors SQLAlchemy would use (`UtcDateTime`, ...), and the
statements given together go to the connection's worker thread in one trip, inside the
session's transaction (``BEGIN IMMEDIATE`` included when they open it).

Only for statements whose result is not needed (inserts, upserts without RETURNING). On any
other database (PostgreSQL) the same statements go through the session as before. Errors
come back as SQLAlchemy's exceptions, so a busy database is still a retry for the
dispatcher. Pending ORM objects are flushed first, as the session's autoflush would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories._prepared import prepared
from storage.sqlite_trips import TripConnection

Rows = Sequence[Mapping[str, Any]]
_DIALECT = sqlite.dialect()


@dataclass(frozen=True, slots=True)
class Write:
    """Rows for the statement `name` (built by `build(dialect module)`, as `prepared`)."""

    name: str
    build: Callable[[ModuleType], Any]
    rows: Rows


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    order: tuple[str, ...]  # the row key of each ``?``, in order
    processors: tuple[Callable[[Any], Any] | None, ...]

    def parameters(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(row[key] if process is None else process(row[key])
                     for key, process in zip(self.order, self.processors, strict=True))


_COMPILED: dict[tuple[str, tuple[str, ...]], _Compiled] = {}


async def write(session: AsyncSession, writes: Sequence[Write]) -> None:
    """Run `writes` in the session's transaction: one trip on SQLite, else one statement
    each through the session. A write without rows is skipped."""
    writes = [w for w in writes if w.rows]
    if not writes:
        return
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    if not isinstance(driver, TripConnection):
        for w in writes:
            await session.execute(prepared(session, w.name, w.build), list(w.rows))
        return
    await session.flush()  # what the session's autoflush would do before a statement
    batch = []
    for w in writes:
        compiled = _compiled(w)
        batch.append((compiled.sql, [compiled.parameters(row) for row in w.rows]))
    try:
        await driver.run_writes(batch)
    except sqlite3.Error as error:
        sql, parameters = batch[0]
        raise DBAPIError.instance(sql, parameters, error, sqlite3.Error) from error


def _compiled(w: Write) -> _Compiled:
    keys = tuple(w.rows[0])
    found = _COMPILED.get((w.name, keys))
    if found is None:
        compiled = w.build(sqlite).compile(dialect=_DIALECT, column_keys=list(keys))
        order = tuple(compiled.positiontup or ())
        binds = compiled.binds
        processors = tuple(
            binds[name].type.dialect_impl(_DIALECT).bind_processor(_DIALECT) for name in order)
        keys_of = {name: binds[name].key for name in order}
        found = _COMPILED[w.name, keys] = _Compiled(
            compiled.string, tuple(keys_of[name] for name in order), processors)
    return found
