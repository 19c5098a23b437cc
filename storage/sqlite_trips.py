"""aiosqlite connections that make one trip to their thread per statement, not four.

SQLAlchemy's aiosqlite adapter opens a cursor, executes, fetches and closes it: four trips
to aiosqlite's worker thread for every statement, plus one for the ``BEGIN IMMEDIATE`` that
starts each transaction and one for the rollback that resets a connection returned to the
pool after its commit. A trip costs about 24 us of CPU here (a queue put, a thread wake-up,
a write to the event loop's self-pipe and the loop waking up: about 1 us is SQLite's),
and on one core each is two context switches. The echo-only benchmark floor made 34 trips a
message and the full pipeline 45.

Here a statement is one trip (execute, fetch every row, close, all on the worker thread),
``BEGIN IMMEDIATE`` goes in the same trip as the transaction's first statement, and a
commit or rollback with no transaction open makes no trip at all. The worker thread, the
queue and the connection are aiosqlite's own; only the cursor is buffered.

This uses ``aiosqlite.Connection._execute`` (queue a function for the worker thread), as
SQLAlchemy's own adapter uses aiosqlite's queue directly; ``tests/storage`` runs every
repository through it, and the aiosqlite range in pyproject.toml is the one tested.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Any

import aiosqlite


class BufferedCursor:
    """What SQLAlchemy's adapter needs of an aiosqlite cursor, filled in one trip."""

    arraysize = 1

    def __init__(self, connection: TripConnection) -> None:
        self._connection = connection
        self._rows: list[Any] = []
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> BufferedCursor:  # SQLAlchemy: `await cursor.__aenter__()`
        return self

    def __await__(self) -> Generator[Any, None, BufferedCursor]:  # aiosqlite's own form
        return self.__aenter__().__await__()

    async def __aexit__(self, *_exc: object) -> None:
        return None

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> BufferedCursor:
        await self._connection.run_statement(self, sql, parameters, many=False)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> BufferedCursor:
        await self._connection.run_statement(self, sql, list(parameters), many=True)
        return self

    def fill(self, cursor: sqlite3.Cursor) -> None:
        """On the worker thread: take everything the statement produced."""
        self.description = cursor.description
        self._rows = cursor.fetchall() if cursor.description else []
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = size or self.arraysize
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def close(self) -> None:
        self._rows = []

    async def setinputsizes(self, *_sizes: Any) -> None:
        return None

    async def nextset(self) -> None:
        return None


class TripConnection(aiosqlite.Connection):
    """An aiosqlite connection whose statements each take one trip to its thread.

    ``begin_immediate()`` asks for ``BEGIN IMMEDIATE`` before the next statement (sent with
    it); SQLAlchemy's ``begin`` event calls it (storage.db).
    """

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._thread.daemon = True  # as SQLAlchemy's dialect does for its own connections
        self._begin_pending = False
        self._deferred: list[tuple[str, Sequence[Sequence[Any]]]] = []

    def begin_immediate(self) -> None:
        self._begin_pending = True

    def cursor(self) -> BufferedCursor:  # type: ignore[override]
        """No trip: the sqlite3 cursor is made on the thread, with the statement."""
        return BufferedCursor(self)

    def defer_writes(self, batch: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> None:
        """Statements, each with its rows of parameters, whose results nobody reads
        (storage.direct): no trip now; they run, in order, at the start of the next trip
        (a statement's or the commit's). A rollback drops them."""
        self._deferred.extend(batch)

    def _prologue(self) -> Callable[[sqlite3.Connection], None]:
        """What the next trip runs before its own work: BEGIN IMMEDIATE if it opens the
        transaction, then the deferred writes. Taken on the event loop's side."""
        begin, self._begin_pending = self._begin_pending, False
        deferred, self._deferred = self._deferred, []

        def run(conn: sqlite3.Connection) -> None:
            if begin:
                conn.execute("BEGIN IMMEDIATE")
            for sql, rows in deferred:
                if len(rows) == 1:
                    conn.execute(sql, rows[0])
                else:
                    conn.executemany(sql, rows)

        return run

    async def run_statement(self, target: BufferedCursor, sql: str, parameters: Any,
                            *, many: bool) -> None:
        prologue = self._prologue()

        def run() -> None:
            conn = self._conn
            prologue(conn)
            cursor = conn.cursor()
            try:
                if many:
                    cursor.executemany(sql, parameters)
                elif parameters is None:
                    cursor.execute(sql)
                else:
                    cursor.execute(sql, parameters)
                target.fill(cursor)
            finally:
                cursor.close()

        # If BEGIN fails (busy), nothing is open and the caller's rollback has nothing to
        # do; if the statement fails after it, the transaction stays open for that rollback,
        # as it did when BEGIN was a trip of its own.
        await self._execute(run)  # type: ignore[no-untyped-call]

    async def run_returning(self, sql: str, parameters: Sequence[Any]) -> list[Any]:
        """One statement in one trip, its rows back (storage.direct)."""
        prologue = self._prologue()

        def run() -> list[Any]:
            conn = self._conn
            prologue(conn)
            cursor = conn.execute(sql, parameters)
            try:
                return cursor.fetchall()
            finally:
                cursor.close()

        rows: list[Any] = await self._execute(run)  # type: ignore[no-untyped-call]
        return rows

    async def commit(self) -> None:
        if self._deferred:  # the writes and COMMIT in one trip
            prologue = self._prologue()

            def run() -> None:
                conn = self._conn
                prologue(conn)
                conn.commit()

            await self._execute(run)  # type: ignore[no-untyped-call]
            return
        self._begin_pending = False
        if self._connection is not None and self._connection.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        self._begin_pending = False
        self._deferred = []
        if self._connection is not None and self._connection.in_transaction:
            await super().rollback()


def connector(database: str, **options: Any) -> Callable[[], sqlite3.Connection]:
    """What aiosqlite calls on its thread to open the database."""
    options = {**options, "check_same_thread": False}  # our reads of in_transaction
    return lambda: sqlite3.connect(database, **options)
