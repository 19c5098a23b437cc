"""INSERT ... ON CONFLICT DO NOTHING for both supported dialects."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_ignore(session: AsyncSession, model: Any) -> Any:
    """An insert statement for ``model`` that skips rows that already exist."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    return sqlite.insert(model).on_conflict_do_nothing()


def upsert(session: AsyncSession, model: Any) -> Any:
    """A dialect insert whose ``on_conflict_do_update`` the caller fills in."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
