"""Daily counters per chat: cheap upserts on the hot path, read back for stats and digests."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from types import ModuleType
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.direct import Write, write
from storage.models import DailyActive, DailyMetric, Kudos
from storage.repositories._prepared import ignoring
from storage.repositories._upsert import insert_ignore, upsert

Series = dict[str, dict[str, int]]  # day -> key -> value


def _add_statement(dialect: ModuleType) -> Any:
    table = DailyMetric.__table__
    insert = dialect.insert(table)
    return insert.on_conflict_do_update(
        index_elements=[table.c.chat_id, table.c.day, table.c.key],
        set_={"value": table.c.value + insert.excluded.value})


class MetricsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def incr(self, chat_id: int, day: str, key: str, by: int = 1) -> None:
        statement = upsert(self._s, DailyMetric).values(
            chat_id=chat_id, day=day, key=key, value=by)
        await self._s.execute(statement.on_conflict_do_update(
            index_elements=[DailyMetric.chat_id, DailyMetric.day, DailyMetric.key],
            set_={"value": DailyMetric.value + by}))

    async def record(self, counts: dict[tuple[int, str, str], int],
                     active: list[tuple[int, str, int]]) -> None:
        """Counters to add to and members active on a day, together (one trip on SQLite,
        see storage.direct). Counters are sorted so that concurrent writers on
        PostgreSQL lock rows in the same order."""
        await write(self._s, [
            Write("daily_metrics.add", _add_statement,
                  [{"chat_id": c, "day": d, "key": k, "value": v}
                   for (c, d, k), v in sorted(counts.items()) if v]),
            Write("daily_active.add", ignoring(DailyActive),
                  [{"chat_id": c, "day": d, "user_id": u} for c, d, u in active]),
        ])

    async def active(self, chat_id: int, day: str, user_id: int) -> None:
        await self._s.execute(insert_ignore(self._s, DailyActive).values(
            chat_id=chat_id, day=day, user_id=user_id))

    async def series(self, first_day: str, last_day: str,
                     chat_id: int | None = None) -> Series:
        """Counters summed over chats (or one chat), day by day, with active members."""
        query = (select(DailyMetric.day, DailyMetric.key, func.sum(DailyMetric.value))
                 .where(DailyMetric.day >= first_day, DailyMetric.day <= last_day)
                 .group_by(DailyMetric.day, DailyMetric.key))
        active = (select(DailyActive.day, func.count(func.distinct(DailyActive.user_id)))
                  .where(DailyActive.day >= first_day, DailyActive.day <= last_day)
                  .group_by(DailyActive.day))
        if chat_id is not None:
            query = query.where(DailyMetric.chat_id == chat_id)
            active = active.where(DailyActive.chat_id == chat_id)
        out: Series = defaultdict(dict)
        for day, key, value in await self._s.execute(query):
            out[day][key] = int(value or 0)
        for day, count in await self._s.execute(active):
            out[day]["active"] = int(count)
        return dict(out)

    async def chats_with_activity(self, first_day: str, last_day: str) -> list[int]:
        rows = await self._s.scalars(
            select(DailyMetric.chat_id).where(DailyMetric.day >= first_day,
                                              DailyMetric.day <= last_day).distinct())
        return list(rows)

    async def purge_active(self, before_day: str) -> None:
        await self._s.execute(delete(DailyActive).where(DailyActive.day < before_day))

    async def add_kudos(self, chat_id: int, message_id: int, author_id: int | None,
                        author_name: str, text: str, now: datetime) -> None:
        self._s.add(Kudos(chat_id=chat_id, message_id=message_id, author_id=author_id,
                          author_name=author_name[:128], text=text[:1000], at=now))
        await self._s.flush()

    async def kudos_since(self, since: datetime,
                          limit: int = 5) -> list[tuple[int, int, str, str]]:
        rows = await self._s.execute(
            select(Kudos.chat_id, Kudos.message_id, Kudos.author_name, Kudos.text)
            .where(Kudos.at >= since).order_by(Kudos.at.desc()).limit(limit))
        return [(int(c), int(m), str(a), str(t)) for c, m, a, t in rows]

    async def nth_latest_kudos(self, chat_id: int, since: datetime, n: int) -> datetime | None:
        """When the chat's ``n``-th most recent kudos since ``since`` was given (None: fewer
        than ``n``). The chat stays at ``n`` or more until that one leaves the window."""
        return await self._s.scalar(
            select(Kudos.at).where(Kudos.chat_id == chat_id, Kudos.at >= since)
            .order_by(Kudos.at.desc()).limit(1).offset(n - 1))

    async def forget_user(self, user_id: int) -> None:
        await self._s.execute(delete(Kudos).where(Kudos.author_id == user_id))
        await self._s.execute(delete(DailyActive).where(DailyActive.user_id == user_id))
