"""Members seen in chats; their Telegram status and rights double as the admin cache."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any

from sqlalchemy import bindparam, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from storage.direct import Write, returning_one, write
from storage.models import Member

ADMIN_STATUSES = frozenset({"creator", "administrator"})
_COLUMNS = tuple(Member.__table__.c)  # what the member upsert returns


@dataclass(frozen=True, slots=True)
class MemberInfo:
    chat_id: int
    user_id: int
    first_name: str
    username: str | None
    status: str
    rights: dict[str, Any] = field(default_factory=dict)
    rights_checked_at: datetime | None = None
    first_seen: datetime | None = None
    message_count: int = 0
    trusted: bool = False

    @property
    def is_admin(self) -> bool:
        return self.status in ADMIN_STATUSES


def _seen_statement(dialect: ModuleType) -> Any:
    table = Member.__table__
    insert = dialect.insert(table).values(
        chat_id=bindparam("chat_id"), user_id=bindparam("user_id"),
        first_name=bindparam("first_name"), username=bindparam("username"), status="member",
        rights={}, first_seen=bindparam("first_seen"), last_seen=bindparam("now"),
        message_count=bindparam("increment"), trusted=False,
    )
    return insert.on_conflict_do_update(
        index_elements=[table.c.chat_id, table.c.user_id],
        set_={"first_name": insert.excluded.first_name, "username": insert.excluded.username,
              "last_seen": insert.excluded.last_seen,
              "message_count": table.c.message_count + insert.excluded.message_count},
    ).returning(*table.c)


def _status_statement(dialect: ModuleType) -> Any:
    table = Member.__table__
    insert = dialect.insert(table).values(
        chat_id=bindparam("chat_id"), user_id=bindparam("user_id"), first_name="",
        username=None, status=bindparam("status"), rights=bindparam("rights"),
        rights_checked_at=bindparam("now"), first_seen=bindparam("now"),
        last_seen=bindparam("now"), message_count=0, trusted=False,
    )
    return insert.on_conflict_do_update(
        index_elements=[table.c.chat_id, table.c.user_id],
        set_={"status": insert.excluded.status, "rights": insert.excluded.rights,
              "rights_checked_at": insert.excluded.rights_checked_at},
    )


def _info(row: Member) -> MemberInfo:
    return MemberInfo(
        chat_id=row.chat_id,
        user_id=row.user_id,
        first_name=row.first_name,
        username=row.username,
        status=row.status,
        rights=dict(row.rights or {}),
        rights_checked_at=row.rights_checked_at,
        first_seen=row.first_seen,
        message_count=row.message_count,
        trusted=row.trusted,
    )


class MembersRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, chat_id: int, user_id: int) -> MemberInfo | None:
        row = await self._s.get(Member, (chat_id, user_id))
        return _info(row) if row else None

    async def seen(
        self,
        chat_id: int,
        user_id: int,
        *,
        now: datetime,
        first_name: str = "",
        username: str | None = None,
        message: bool = False,
        first_seen: datetime | None = None,
    ) -> MemberInfo:
        """Record activity in one atomic upsert (no read-modify-write race between workers).

        ``first_seen`` is set once and is the member's tenure for new-member rules.
        """
        params = {"chat_id": chat_id, "user_id": user_id, "first_name": first_name[:128],
                  "username": username, "first_seen": first_seen or now, "now": now,
                  "increment": 1 if message else 0}
        # Core, not ORM: the row is only read (an ORM load costs about as much as the
        # statement); on SQLite without the session's execution layers (storage.direct).
        # A Member already loaded in this session is kept in step.
        loaded = await self._loaded(chat_id, user_id)
        row = await returning_one(self._s, "members.seen", _seen_statement, params, _COLUMNS)
        if loaded is not None:
            for key, value in row.items():
                set_committed_value(loaded, key, value)
        return MemberInfo(
            chat_id=row["chat_id"], user_id=row["user_id"], first_name=row["first_name"],
            username=row["username"], status=row["status"], rights=dict(row["rights"] or {}),
            rights_checked_at=row["rights_checked_at"], first_seen=row["first_seen"],
            message_count=row["message_count"], trusted=row["trusted"],
        )

    async def names(
        self, members: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], tuple[str, str | None]]:
        """(chat_id, user_id) -> (first name, username) of several members, one statement."""
        wanted = set(members)
        if not wanted:
            return {}
        rows = await self._s.execute(
            select(Member.chat_id, Member.user_id, Member.first_name, Member.username)
            .where(tuple_(Member.chat_id, Member.user_id).in_(wanted)))
        return {(int(c), int(u)): (str(name), username) for c, u, name, username in rows}

    async def set_status(
        self, chat_id: int, user_id: int, status: str, rights: dict[str, Any], now: datetime
    ) -> None:
        """One upsert (a member not seen yet is stored with this status); on SQLite it
        rides with the transaction's next trip (storage.direct)."""
        loaded = await self._loaded(chat_id, user_id)
        await write(self._s, [Write("members.status", _status_statement, [
            {"chat_id": chat_id, "user_id": user_id, "status": status, "rights": rights,
             "now": now}])])
        if loaded is not None:
            for key, value in (("status", status), ("rights", rights),
                               ("rights_checked_at", now)):
                set_committed_value(loaded, key, value)

    async def _loaded(self, chat_id: int, user_id: int) -> Member | None:
        """Before a Core statement on a member: the session's pending changes are flushed
        (as the ORM's autoflush would), and the member's row, if this session has it loaded,
        is returned to be kept in step."""
        if self._s.new or self._s.dirty or self._s.deleted:
            await self._s.flush()
        if not self._s.identity_map:
            return None  # the usual case, at a fraction of an identity key's cost
        loaded = self._s.identity_map.get(self._s.identity_key(Member, (chat_id, user_id)))
        return loaded if isinstance(loaded, Member) else None

    async def set_trusted(self, chat_id: int, user_id: int, trusted: bool, now: datetime) -> None:
        row = await self._s.get(Member, (chat_id, user_id))
        if row is None:
            row = Member(chat_id=chat_id, user_id=user_id, first_seen=now, last_seen=now,
                         rights={}, status="member", message_count=0)
            self._s.add(row)
        row.trusted = trusted

    async def list_admins(self, chat_id: int) -> list[MemberInfo]:
        rows = await self._s.scalars(
            select(Member).where(Member.chat_id == chat_id, Member.status.in_(ADMIN_STATUSES))
        )
        return [_info(r) for r in rows]

    async def count(self) -> int:
        return int(await self._s.scalar(select(func.count()).select_from(Member)) or 0)

    async def forget_user(self, user_id: int) -> int:
        rows = list(await self._s.scalars(select(Member).where(Member.user_id == user_id)))
        for row in rows:
            row.first_name, row.username = "", None
        return len(rows)

    async def find_by_username(self, chat_id: int, username: str) -> MemberInfo | None:
        row = await self._s.scalar(
            select(Member).where(Member.chat_id == chat_id,
                                 func.lower(Member.username) == username.lower().lstrip("@"))
        )
        return _info(row) if row else None
