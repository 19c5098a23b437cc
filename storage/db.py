"""Engine and session helpers. SQLite runs in WAL mode with a busy timeout and BEGIN IMMEDIATE.

BEGIN IMMEDIATE matters: a deferred SQLite transaction that reads and then writes fails at once
with "database is locked" when another connection wrote in between, ignoring the busy timeout.
Taking the write lock up front makes concurrent writers queue instead of fail.

SQLite connections are aiosqlite's, made by ``storage.sqlite_trips``: a statement is one trip to
the connection's thread (not four), and BEGIN IMMEDIATE travels with a transaction's first
statement.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite
from sqlalchemy import event, make_url
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.sqlite_trips import TripConnection, connector

SessionFactory = async_sessionmaker[AsyncSession]
BUSY_TIMEOUT_MS = 15_000
WAL_RETRY_S = 0.05


def create_engine(url: str, *, echo: bool = False, schema: str | None = None) -> AsyncEngine:
    """An async engine; ``schema`` sets PostgreSQL's search_path (tests isolate by schema)."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url, echo=echo)
    connect_args: dict[str, Any] = {}
    if schema:
        connect_args["server_settings"] = {"search_path": schema}
    return create_async_engine(
        url, echo=echo, pool_pre_ping=True, pool_size=10, connect_args=connect_args
    )


def _sqlite_engine(url: str, *, echo: bool) -> AsyncEngine:
    # The file and options as SQLAlchemy's own dialect reads them from the URL.
    args, options = SQLiteDialect_aiosqlite().create_connect_args(make_url(url))
    options = {**options, "timeout": BUSY_TIMEOUT_MS / 1000}
    open_database = connector(*args, **options)

    async def connect() -> TripConnection:
        connection = TripConnection(open_database)
        await connection  # opens the database on the connection's thread
        try:
            await into_wal(connection)
        except BaseException:
            await connection.close()
            raise
        return connection

    engine = create_async_engine(
        url, echo=echo, async_creator=connect,
        pool_size=1, max_overflow=0, pool_timeout=BUSY_TIMEOUT_MS / 1000,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # sent with the transaction's first statement, in the same trip (storage.sqlite_trips)
        conn.connection.driver_connection.begin_immediate()

    return engine


async def into_wal(connection: aiosqlite.Connection) -> None:
    """Put the database in WAL mode (it stays so: later connections only read the mode).

    Switching a new database file needs its exclusive lock, and SQLite refuses it at once,
    without waiting out the busy timeout, to a connection that would otherwise deadlock
    with another one also starting up (two processes starting on a new file: both migrate).
    So a refusal is retried until the busy timeout has passed.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            await connection.execute_fetchall("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(WAL_RETRY_S)


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


@asynccontextmanager
async def session_scope(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any error."""
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
