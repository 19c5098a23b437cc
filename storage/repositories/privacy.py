"""Right to erasure: remove one member's words and names from every table that stores them.

What is kept, and why (see docs/RELIABILITY.md, "Privacy"): warnings, bans/mutes and the
moderation audit rows (without their message excerpts) stay, because they are needed to enforce
the community rules (the same line Marie's /gdpr draws); numeric ids stay wherever a row needs
its owner (a warning must know whom it counts against). Pending outbox rows are Telegram calls
still owed (a reply, an unmute): they are delivered, not rewritten. Updates still pending in the
inbox are processed normally; only finished ones are scrubbed.

On SQLite, erased bytes would otherwise linger in free page space and in the WAL, so the
erasure turns on ``secure_delete`` for its connection and :func:`compact_after_erasure`
checkpoints and truncates the WAL once the transaction is committed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.models import (
    Case,
    InboxUpdate,
    ModerationEvent,
    OutboxItem,
    Question,
    RecentMessage,
    SpamSample,
    Timer,
)
from storage.repositories import chat_state
from storage.repositories.cases import CasesRepo
from storage.repositories.faq import FaqRepo
from storage.repositories.members import MembersRepo
from storage.repositories.metrics import MetricsRepo

ERASED = "[erased]"
MIN_TEXT = 8   # shorter texts ("ok", "grazie") are too common to identify anyone
MIN_NAME = 4   # likewise for names when searching sent Telegram calls


@dataclass(frozen=True, slots=True)
class ForgetReport:
    """How many rows each kind of data lost; the manager sees the total."""

    members: int
    cases: int
    events: int
    recent_messages: int
    timers: int
    inbox: int
    outbox: int
    spam_samples: int

    @property
    def total(self) -> int:
        return (self.members + self.cases + self.events + self.recent_messages + self.timers
                + self.inbox + self.outbox + self.spam_samples)


class PrivacyRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def forget_user(
        self, user_id: int, *, current_update_id: int | None = None
    ) -> ForgetReport:
        """Erase ``user_id``'s messages, names and case texts everywhere they are stored.

        ``current_update_id`` is the update asking for the erasure: its own inbox row (which
        may quote the member, e.g. a /forget sent as a reply) is scrubbed too.
        """
        await self._secure_delete()
        marks = await self._fingerprints(user_id)
        members = await MembersRepo(self._s).forget_user(user_id)
        cases = await CasesRepo(self._s).forget_user(user_id)
        await FaqRepo(self._s).forget_user(user_id)
        await MetricsRepo(self._s).forget_user(user_id)
        events = await self._events(user_id)
        recent = await self._count_deleted(
            delete(RecentMessage).where(RecentMessage.user_id == user_id))
        recent += await chat_state.forget_user(self._s, user_id)  # lines kept for workers
        timers = await self._timers(user_id)
        inbox = await self._inbox(user_id, current_update_id)
        outbox = await self._outbox(user_id, marks)
        samples = await self._spam_samples(marks.texts)
        return ForgetReport(members, cases, events, recent, timers, inbox, outbox, samples)

    async def _secure_delete(self) -> None:
        if self._s.get_bind().dialect.name == "sqlite":
            await self._s.execute(text("PRAGMA secure_delete = ON"))

    async def _fingerprints(self, user_id: int) -> _Marks:
        """The member's own texts and names, read before they are erased."""
        texts: set[str] = set()
        names: set[str] = set()
        query = select(InboxUpdate.payload).where(InboxUpdate.payload.contains(str(user_id)))
        for row in await self._s.scalars(query):
            _collect(json.loads(row), user_id, texts, names)
        texts.update(await self._s.scalars(select(Case.text).where(Case.author_id == user_id)))
        texts.update(await self._s.scalars(
            select(Question.text).where(Question.asker_id == user_id)))
        names.update(await self._s.scalars(
            select(Case.author_name).where(Case.author_id == user_id)))
        return _Marks(
            frozenset(t for t in texts if len(t) >= MIN_TEXT and t != ERASED),
            frozenset(n for n in names if len(n) >= MIN_NAME and n != ERASED),
        )

    async def _events(self, user_id: int) -> int:
        result = await self._s.execute(
            update(ModerationEvent)
            .where(ModerationEvent.user_id == user_id, ModerationEvent.excerpt != "")
            .values(excerpt=""))
        return int(getattr(result, "rowcount", 0) or 0)

    async def _timers(self, user_id: int) -> int:
        rows = list(await self._s.scalars(select(Timer).where(Timer.user_id == user_id)))
        for row in rows:
            row.payload = {k: v for k, v in (row.payload or {}).items() if k != "name"}
        return len(rows)

    async def _inbox(self, user_id: int, current: int | None) -> int:
        finished = InboxUpdate.status != "pending"
        where = or_(finished, InboxUpdate.update_id == current) if current else finished
        changed = 0
        query = select(InboxUpdate).where(where, InboxUpdate.payload.contains(str(user_id)))
        for row in await self._s.scalars(query):
            if _mentions(json.loads(row.payload), user_id):
                row.payload, changed = "{}", changed + 1
        return changed

    async def _outbox(self, user_id: int, marks: _Marks) -> int:
        changed = 0
        for row in await self._s.scalars(
                select(OutboxItem).where(OutboxItem.status != "pending")):
            body = {"params": row.params, "result": row.result}
            if _mentions(body, user_id) or marks.found_in(json.dumps(body, ensure_ascii=False)):
                row.params, row.result, changed = {}, None, changed + 1
        return changed

    async def _spam_samples(self, texts: Iterable[str]) -> int:
        wanted = [t[:4000] for t in texts]
        if not wanted:
            return 0
        return await self._count_deleted(delete(SpamSample).where(SpamSample.text.in_(wanted)))

    async def _count_deleted(self, statement: Any) -> int:
        result = await self._s.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True, slots=True)
class _Marks:
    texts: frozenset[str]
    names: frozenset[str]

    def found_in(self, blob: str) -> bool:
        return any(t in blob for t in self.texts) or any(n in blob for n in self.names)


async def compact_after_erasure(engine: AsyncEngine) -> None:
    """Checkpoint and truncate SQLite's WAL so erased rows leave no copy behind.

    Best effort: while another connection reads, the checkpoint cannot finish; the WAL is then
    recycled by SQLite's own checkpoints shortly after.
    """
    if engine.dialect.name != "sqlite":
        return
    async with engine.connect() as conn:
        await conn.run_sync(_checkpoint)


def _checkpoint(sync_conn: Any) -> None:
    raw = sync_conn.connection.dbapi_connection
    cursor = raw.cursor()
    try:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        cursor.close()


_USER_KEYS = ("from", "user", "sender_user", "new_chat_member", "old_chat_member",
              "left_chat_member", "new_chat_participant", "left_chat_participant")


def _mentions(node: Any, user_id: int) -> bool:
    """Whether a Bot API JSON value carries this member (as a user object or a user_id)."""
    if isinstance(node, dict):
        if node.get("user_id") == user_id or (
                node.get("id") == user_id and ("first_name" in node or "is_bot" in node)):
            return True
        return any(_mentions(value, user_id) for value in node.values())
    if isinstance(node, list):
        return any(_mentions(value, user_id) for value in node)
    return False


def _collect(node: Any, user_id: int, texts: set[str], names: set[str]) -> None:
    """Texts of messages the member wrote, and the names they appear under."""
    if isinstance(node, list):
        for value in node:
            _collect(value, user_id, texts, names)
        return
    if not isinstance(node, dict):
        return
    sender = node.get("from")
    if isinstance(sender, dict) and sender.get("id") == user_id:
        texts.update(str(node[k]) for k in ("text", "caption") if node.get(k))
    if node.get("id") == user_id and "first_name" in node:
        names.update(str(node[k]) for k in ("first_name", "last_name", "username")
                     if node.get(k))
    for value in node.values():
        _collect(value, user_id, texts, names)


__all__ = ["ERASED", "ForgetReport", "PrivacyRepo", "compact_after_erasure"]
