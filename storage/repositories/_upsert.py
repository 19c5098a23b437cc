"""INSERT ... ON CONFLICT for both supported dialects, and plain inserts, as Core statements.

They target the model's table rather than the mapped class: an ORM-enabled insert goes
through the ORM's bulk machinery (about 60 us more per statement), and these run on the hot
path, several per message, without needing any object back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.direct import returning_one


def insert_ignore(session: AsyncSession, model: Any) -> Any:
    """An insert statement for ``model`` that skips rows that already exist."""
    return upsert(session, model).on_conflict_do_nothing()


def upsert(session: AsyncSession, model: Any) -> Any:
    """A dialect insert whose ``on_conflict_do_update`` the caller fills in."""
    table = getattr(model, "__table__", model)
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def insert_id(session: AsyncSession, model: Any, **values: Any) -> int:
    """Insert one row and return its generated ``id``: a Core statement, where an ORM add
    and flush would cost about as much again for an object nobody reads."""
    table = model.__table__
    row = await returning_one(session, f"insert_id.{table.name}",
                              lambda _: insert(table).returning(table.c.id), values,
                              [table.c.id])
    return int(row["id"])
