"""One database transaction per update, reachable from every handler of that update.

The dispatcher opens it, PTB runs the handlers, and the inbox row is marked done in the same
transaction as the handlers' writes: either all of an update's effects are recorded (and the
outbox then sends them) or none are and the update is processed again after a restart.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import SessionFactory, session_scope

_current: ContextVar[UnitOfWork | None] = ContextVar("portavoce_uow", default=None)


@dataclass(slots=True)
class UnitOfWork:
    session: AsyncSession
    update_id: int | None
    now: datetime
    error: BaseException | None = None
    outbox_touched: bool = False
    notes: list[str] = field(default_factory=list)
    scratch: dict[str, Any] = field(default_factory=dict)  # handler-to-handler, this update
    before_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


def current_uow() -> UnitOfWork:
    uow = _current.get()
    if uow is None:
        raise RuntimeError("no unit of work: updates must go through bot.dispatcher")
    return uow


def maybe_uow() -> UnitOfWork | None:
    return _current.get()


T = TypeVar("T")


def once_per_update(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in the current update's scratch under ``key`` (computed every
    time outside an update)."""
    uow = maybe_uow()
    if uow is None:
        return compute()
    if key not in uow.scratch:
        uow.scratch[key] = compute()
    kept: T = uow.scratch[key]
    return kept


@asynccontextmanager
async def update_or_own_session(sessions: SessionFactory) -> AsyncIterator[AsyncSession]:
    """The current update's session if there is one, else a short session of its own.

    Inside an update a second session would wait for the first on SQLite's single write lock
    (a deadlock until the busy timeout), so shared services reuse the update's session.
    """
    uow = _current.get()
    if uow is not None:
        yield uow.session
        return
    async with session_scope(sessions) as session:
        yield session


@asynccontextmanager
async def unit_of_work(
    sessions: SessionFactory, update_id: int | None, now: datetime
) -> AsyncIterator[UnitOfWork]:
    """Open a session, expose it to handlers, commit on success, roll back on error."""
    async with sessions() as session:
        uow = UnitOfWork(session=session, update_id=update_id, now=now)
        token = _current.set(uow)
        try:
            yield uow
            if uow.error is not None:
                raise uow.error
            for flush in uow.before_commit:  # writes gathered during the update (counters)
                await flush()
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        finally:
            _current.reset(token)
    for callback in uow.after_commit:  # only reached when the commit succeeded
        await callback()
