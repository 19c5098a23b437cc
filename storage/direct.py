"""Statements on every message's path, run on SQLite without SQLAlchemy's execution layers.

Every group message upserts its member (reading the row back) and leaves three or four rows
nobody reads back in the same update: its recent-messages row, the day's counters and the
day's active member. A question adds its row (its id read back) and the timer that
escalates it if nobody answers; an enforcement its event; a ban reads the member's recent
messages; an answer first reads the FAQ's answer history; a complaint inserts its case
(`fetch`); a delivered notice, answer or card records its message id, and a membership
update its member's status (deferred writes). Through the session each
statement costs 130-250 us of CPU on the benchmark machine (the ORM's execute, the
compiled-cache key, the execution context, the result), against a microsecond or two of
SQLite's own work.

Here each named statement (built once, as `storage.repositories._prepared`) is compiled
once for SQLite; its parameters go through the bind processors SQLAlchemy would use
(`UtcDateTime`, JSON, ...) and a returned row through its result processors, so rows are
stored and read exactly as through the session. Writes make no trip of their own: the
connection runs them, in order, at the start of its next trip in the same transaction (the
next statement's, or the commit's), so a message's bookkeeping rides with the COMMIT. A
trip to aiosqlite's thread costs about 37 us of CPU on one core (two context switches),
and these were two of the full pipeline's eleven a message. Pending ORM objects are
flushed first, as the session's autoflush would. A statement that leaves out a column
with a Python-side default (which SQLAlchemy computes per execution) goes through the
session. An error in a deferred write surfaces at
that next trip, where it fails the transaction as it would have failed it here; errors
come back as SQLAlchemy's exceptions, so a busy database is still a retry for the
dispatcher.

On any other database (PostgreSQL) the same statements go through the session.
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
from sqlalchemy.sql.elements import KeyedColumnElement

from storage.repositories._prepared import prepared
from storage.sqlite_trips import TripConnection

Rows = Sequence[Mapping[str, Any]]
Build = Callable[[ModuleType], Any]
Columns = Sequence[KeyedColumnElement[Any]]
Process = Callable[[Any], Any] | None
_DIALECT = sqlite.dialect()
_MISSING = object()
_DRIVER = "storage.direct.driver"  # session.info: (transaction, connection or None)


@dataclass(frozen=True, slots=True)
class Write:
    """Rows for the statement `name` (built by `build(dialect module)`, as `prepared`)."""

    name: str
    build: Build
    rows: Rows


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    binds: tuple[tuple[str, Any, Process], ...]  # name, constant (processed), process

    def parameters(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        values = []
        for name, constant, process in self.binds:
            if name in row:
                value = row[name]
                values.append(value if process is None else process(value))
            elif constant is _MISSING:
                raise KeyError(f"no value for the parameter {name!r}")
            else:
                values.append(constant)
        return tuple(values)


_COMPILED: dict[tuple[str, tuple[str, ...]], _Compiled] = {}
_NEEDS_SESSION: set[tuple[str, tuple[str, ...]]] = set()


async def write(session: AsyncSession, writes: Sequence[Write]) -> None:
    """Run `writes` in the session's transaction: on SQLite with the connection's next trip,
    else one statement each through the session. A write without rows is skipped."""
    writes = [w for w in writes if w.rows]
    if not writes:
        return
    driver = await _trip_connection(session)
    for w in writes:
        compiled = None if driver is None else _compiled(w.name, w.build, w.rows[0])
        if driver is None or compiled is None:
            await session.execute(prepared(session, w.name, w.build), list(w.rows))
        else:
            driver.defer_writes([(compiled.sql, [compiled.parameters(row) for row in w.rows])])


async def returning_one(session: AsyncSession, name: str, build: Build,
                        params: Mapping[str, Any], columns: Columns,
                        ) -> dict[str, Any]:
    """The one row the statement `name` returns (its RETURNING lists `columns`), by column
    key, with the values the session would give."""
    found = await fetch(session, name, build, params, columns)
    if len(found) != 1:
        raise LookupError(f"{name}: {len(found)} rows returned, one expected")
    return found[0]


async def fetch(session: AsyncSession, name: str, build: Build, params: Mapping[str, Any],
                columns: Columns) -> list[dict[str, Any]]:
    """The rows the statement `name` gives (a SELECT of `columns`, or a write RETURNING
    them), by column key, with the values the session would give; in one trip on SQLite,
    with the writes deferred before it."""
    driver = await _trip_connection(session)
    compiled = None if driver is None else _compiled(name, build, params)
    if driver is None or compiled is None:
        result = await session.execute(prepared(session, name, build), params)
        return [{column.key: row._mapping[column] for column in columns} for row in result]
    try:
        rows = await driver.run_returning(compiled.sql, compiled.parameters(params))
    except sqlite3.Error as error:
        raise DBAPIError.instance(compiled.sql, params, error, sqlite3.Error) from error
    readers = _readers(columns)
    return [{column.key: value if process is None else process(value)
             for column, process, value in zip(columns, readers, row, strict=True)}
            for row in rows]


async def _trip_connection(session: AsyncSession) -> TripConnection | None:
    """The session's SQLite connection (None on other databases), its transaction begun.
    Kept in ``session.info`` for the rest of the transaction: asking the session for its
    connection costs about 27 us, and a message asks three times."""
    transaction = session.sync_session.get_transaction()
    known = session.info.get(_DRIVER)
    if known is None or transaction is None or known[0] is not transaction \
            or not transaction.is_active:
        connection = await session.connection()
        raw = (await connection.get_raw_connection()).driver_connection
        known = session.info[_DRIVER] = (session.sync_session.get_transaction(),
                                         raw if isinstance(raw, TripConnection) else None)
    driver: TripConnection | None = known[1]
    if driver is not None and (session.new or session.dirty or session.deleted):
        await session.flush()  # what the session's autoflush does before a statement
    return driver


def _compiled(name: str, build: Build, first: Mapping[str, Any]) -> _Compiled | None:
    """The statement for rows with `first`'s keys; None when it needs the session: a column
    left out has a Python-side default (computed per execution by SQLAlchemy)."""
    keys = tuple(sorted(first))
    if (name, keys) in _NEEDS_SESSION:
        return None
    found = _COMPILED.get((name, keys))
    if found is None:
        compiled = build(sqlite).compile(dialect=_DIALECT, column_keys=list(keys))
        if compiled.insert_prefetch or compiled.update_prefetch:
            _NEEDS_SESSION.add((name, keys))
            return None
        binds = []
        for bind_name in compiled.positiontup or ():
            bind = compiled.binds[bind_name]
            process = bind.type.dialect_impl(_DIALECT).bind_processor(_DIALECT)
            constant = _MISSING
            if not bind.required:  # a constant of the statement: processed once
                value = bind.effective_value
                constant = value if process is None else process(value)
            binds.append((bind_name, constant, process))
        found = _COMPILED[name, keys] = _Compiled(compiled.string, tuple(binds))
    return found


_READERS: dict[tuple[KeyedColumnElement[Any], ...], tuple[Process, ...]] = {}


def _readers(columns: Columns) -> tuple[Process, ...]:
    key = tuple(columns)
    found = _READERS.get(key)
    if found is None:
        found = _READERS[key] = tuple(
            column.type.dialect_impl(_DIALECT).result_processor(_DIALECT, None)
            for column in columns)
    return found
