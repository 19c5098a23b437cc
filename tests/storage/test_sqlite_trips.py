"""SQLite through storage.sqlite_trips: one trip to aiosqlite's thread per statement, with the
transaction semantics the rest of the bot relies on (BEGIN IMMEDIATE, rollback, busy)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import CursorResult, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import db
from storage.db import create_engine, make_session_factory, session_scope
from storage.sqlite_trips import TripConnection


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'trips.db'}")
    async with eng.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
    yield eng
    await eng.dispose()


async def test_a_transaction_is_one_trip_per_statement_and_one_to_commit(
    engine: AsyncEngine, trips: list[str],
) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:  # warm: the pool's connection is open
        await s.execute(text("SELECT 1"))
    trips.clear()
    async with session_scope(sessions) as s:
        await s.execute(text("INSERT INTO t (v) VALUES ('a')"))
        await s.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": "b"}, {"v": "c"}])
        rows = (await s.execute(text("SELECT v FROM t ORDER BY id"))).scalars().all()
    assert rows == ["a", "b", "c"]
    # no BEGIN, cursor, fetch, close, reset
    assert [name.rsplit(".", 1)[-1] for name in trips] == ["run", "run", "run", "commit"]
    trips.clear()
    async with session_scope(sessions):
        pass  # a transaction that never ran a statement costs no trip
    assert trips == []


async def test_the_transaction_holds_the_write_lock_from_its_first_statement(
    engine: AsyncEngine, tmp_path: Path,
) -> None:
    """BEGIN IMMEDIATE rides with the first statement, even a read: a writer elsewhere waits."""
    sessions = make_session_factory(engine)
    other = sqlite3.connect(tmp_path / "trips.db", timeout=0, isolation_level=None)
    try:
        async with session_scope(sessions) as s:
            await s.execute(text("SELECT count(*) FROM t"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()


async def test_a_failed_statement_rolls_the_whole_transaction_back(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)

    async def insert_then_fail() -> None:
        async with session_scope(sessions) as s:
            await s.execute(text("INSERT INTO t (v) VALUES ('kept?')"))
            await s.execute(text("INSERT INTO nowhere VALUES (1)"))

    with pytest.raises(OperationalError):
        await insert_then_fail()
    async with session_scope(sessions) as s:
        assert (await s.execute(text("SELECT count(*) FROM t"))).scalar() == 0
    async with engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        assert isinstance(driver, TripConnection) and not driver.in_transaction


async def test_rowcount_and_lastrowid_come_back(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        first = await s.execute(text("INSERT INTO t (v) VALUES ('x')"))
        second = await s.execute(text("INSERT INTO t (v) VALUES ('y') RETURNING id"))
        updated = await s.execute(text("UPDATE t SET v = 'z' WHERE v IN ('x', 'y')"))
        missed = await s.execute(text("UPDATE t SET v = 'w' WHERE id = 99"))
        assert isinstance(first, CursorResult) and isinstance(updated, CursorResult)
        assert isinstance(missed, CursorResult)
        assert first.lastrowid == 1
        assert second.scalar_one() == 2
        assert (updated.rowcount, missed.rowcount) == (2, 0)


async def test_a_busy_database_fails_the_first_statement_and_leaves_the_connection_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "busy.db"
    eng = create_engine(f"sqlite+aiosqlite:///{path}")
    sessions = make_session_factory(eng)
    try:
        async with session_scope(sessions) as s:
            await s.execute(text("CREATE TABLE t (v TEXT)"))
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")

        async def insert() -> None:
            async with session_scope(sessions) as s:
                await s.execute(text("INSERT INTO t VALUES ('blocked')"))

        with pytest.raises(OperationalError, match="locked"):
            await insert()
        other.execute("ROLLBACK")
        other.close()
        async with session_scope(sessions) as s:
            await s.execute(text("INSERT INTO t VALUES ('later')"))
        async with session_scope(sessions) as s:
            assert (await s.execute(text("SELECT v FROM t"))).scalars().all() == ["later"]
    finally:
        await eng.dispose()


class _Refusing:
    """A connection whose first ``refusals`` mode switches are refused as SQLite refuses a
    connection that would deadlock with another one starting up."""

    def __init__(self, refusals: int, error: str = "database is locked") -> None:
        self.refusals, self.error, self.calls = refusals, error, 0

    async def execute_fetchall(self, sql: str) -> list[Any]:
        assert sql == "PRAGMA journal_mode=WAL"
        self.calls += 1
        if self.calls <= self.refusals:
            raise sqlite3.OperationalError(self.error)
        return [("wal",)]


async def test_switching_to_wal_is_retried_while_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(db, "WAL_RETRY_S", 0.001)
    refusing = _Refusing(3)
    await db.into_wal(refusing)  # type: ignore[arg-type]
    assert refusing.calls == 4
    other = _Refusing(1, "disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        await db.into_wal(other)  # type: ignore[arg-type]
    assert other.calls == 1
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 20)
    stuck = _Refusing(10**9)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        await db.into_wal(stuck)  # type: ignore[arg-type]


async def test_a_new_database_is_in_wal_mode(tmp_path: Path) -> None:
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    try:
        async with eng.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
    finally:
        await eng.dispose()
