"""Hot-path statements built once per dialect and run with bound parameters.

Building a Core statement costs about as much as running it on SQLite: SQLAlchemy makes the
statement's objects, then walks them for the key of its compiled-statement cache, on every
call. Measured on SQLite (session 9, when a statement took four trips to aiosqlite's thread,
about 175 us; one since, see storage.sqlite_trips): a member's one-row
upsert built per call took 595 us, prebuilt 455 us; a one-row select 334 against 182 us.
A multi-row insert built with `.values(rows)` is also a new statement, and a new compiled
form, for every number of rows; prebuilt, the rows go as executemany parameters. The
statements on every message's path are built here once, keyed by name and dialect: the
benchmark's full pipeline went from 11.3-13.6 to 9.0 ms of CPU a message, the echo-only
floor from 6.0-6.4 to 5.3 (`bench`'s traffic, 1,500 messages, one core).
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

_BUILT: dict[tuple[str, str], Any] = {}


def prepared(session: AsyncSession, name: str, build: Callable[[ModuleType], Any]) -> Any:
    """The statement `name` for this session's database, built by `build(dialect module)`
    the first time (the module gives `insert` with `on_conflict_do_*`)."""
    dialect = session.get_bind().dialect.name
    statement = _BUILT.get((name, dialect))
    if statement is None:
        statement = build(postgresql if dialect == "postgresql" else sqlite)
        _BUILT[name, dialect] = statement
    return statement


def ignoring(model: Any) -> Callable[[ModuleType], Any]:
    """Builds an insert of `model`'s rows that skips the ones already there."""
    table = getattr(model, "__table__", model)
    return lambda dialect: dialect.insert(table).on_conflict_do_nothing()


def setting(model: Any, *columns: str) -> Callable[[ModuleType], Any]:
    """Builds an update of `columns` in the row whose id is the parameter ``row_id``; each
    column's new value is the parameter ``new_<column>``."""
    table = getattr(model, "__table__", model)
    return lambda dialect: update(table).where(table.c.id == bindparam("row_id")).values(
        {name: bindparam(f"new_{name}") for name in columns})
