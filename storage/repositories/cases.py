"""Cases for the brand team, and reply drafts awaiting approval."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.direct import Write, fetch, write
from storage.models import Case, Draft
from storage.repositories._prepared import setting

CLOSED = ("resolved", "dismissed")


@dataclass(frozen=True, slots=True)
class CaseInfo:
    id: int
    kind: str
    priority: str
    status: str
    chat_id: int
    chat_title: str
    chat_username: str | None
    message_id: int | None
    thread_id: int | None
    author_id: int | None
    author_name: str
    language: str
    text: str
    context: list[tuple[str, str]]
    reasons: str
    reporters: list[int]
    assignee_id: int | None
    assignee_name: str | None
    resolved_by: str | None
    reply_text: str | None
    card_chat_id: int | None
    card_message_id: int | None
    version: int
    created_at: datetime
    extra: dict[str, Any] = field(default_factory=dict)


def _info(row: Case) -> CaseInfo:
    context = [(str(c[0]), str(c[1])) for c in (row.context or {}).get("lines", [])]
    return CaseInfo(
        row.id, row.kind, row.priority, row.status, row.chat_id, row.chat_title,
        row.chat_username, row.message_id, row.thread_id, row.author_id, row.author_name,
        row.language, row.text, context, row.reasons,
        [int(r) for r in (row.reporters or {}).get("ids", [])], row.assignee_id,
        row.assignee_name, row.resolved_by, row.reply_text, row.card_chat_id,
        row.card_message_id, row.version, row.created_at,
    )


@dataclass(frozen=True, slots=True)
class NewCase:
    kind: str
    priority: str
    chat_id: int
    chat_title: str
    chat_username: str | None
    message_id: int | None
    thread_id: int | None
    author_id: int | None
    author_name: str
    language: str
    text: str
    context: list[tuple[str, str, int | None]]
    reasons: str
    reporter_id: int | None = None
    current: bool = False
    """The trigger states the case as it is now (a spike's count): folded into an open case,
    its text, reasons and context replace the previous ones instead of adding to them."""


_SET_CARD = setting(Case, "card_chat_id", "card_message_id")
_CASES = Case.__table__


def _open_statement(dialect: ModuleType) -> Any:
    return (dialect.insert(_CASES).on_conflict_do_nothing(index_elements=[_CASES.c.dedupe_key])
            .returning(_CASES.c.id))


class CasesRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def open_or_update(self, new: NewCase, key: str | None, now: datetime,
                             priority_of: Any) -> tuple[CaseInfo, CaseInfo | None]:
        """Open a case, or fold this trigger into the open case about the same message.

        Returns the case and, when it already existed, the case as it was before this
        trigger (None: created now). ``priority_of(current, wanted)`` merges priorities
        (they only go up).
        """
        values: dict[str, Any] = {
            "kind": new.kind, "priority": new.priority, "status": "open",
            "chat_id": new.chat_id, "chat_title": new.chat_title,
            "chat_username": new.chat_username, "message_id": new.message_id,
            "thread_id": new.thread_id, "author_id": new.author_id,
            "author_name": new.author_name[:128], "language": new.language,
            "text": new.text[:4000], "context": {"lines": [list(c) for c in new.context]},
            "reasons": new.reasons,
            "reporters": {"ids": [new.reporter_id] if new.reporter_id else []},
            "dedupe_key": key, "version": 1, "created_at": now, "updated_at": now,
        }
        # One statement for a new case (the usual one): inserted unless a case about the
        # same message exists (on SQLite without the session's execution layers).
        created = await fetch(self._s, "cases.open", _open_statement, values, (_CASES.c.id,))
        if created:
            return _info(Case(id=created[0]["id"], **values)), None
        row = await self._s.scalar(select(Case).where(Case.dedupe_key == key))
        if row is None:  # the insert met this key's case: it exists
            raise LookupError(f"case {key!r}: neither inserted nor found")
        before = _info(row)
        if new.current:
            reasons = [r for r in new.reasons.split("; ") if r]
            row.text = new.text[:4000]
            row.context = {"lines": [list(c) for c in new.context]}
        else:
            reasons = [r for r in row.reasons.split("; ") if r]
            for reason in new.reasons.split("; "):
                if reason and reason not in reasons:
                    reasons.append(reason)
        reporters = list((row.reporters or {}).get("ids", []))
        if new.reporter_id and new.reporter_id not in reporters:
            reporters.append(new.reporter_id)
        row.reasons, row.reporters = "; ".join(reasons)[:2000], {"ids": reporters}
        row.priority = priority_of(row.priority, new.priority)
        row.version, row.updated_at = row.version + 1, now
        await self._s.flush()
        return _info(row), before

    async def get(self, case_id: int) -> CaseInfo | None:
        row = await self._s.get(Case, case_id)
        return _info(row) if row else None

    async def by_card(self, chat_id: int, message_id: int) -> CaseInfo | None:
        row = await self._s.scalar(select(Case).where(
            Case.card_chat_id == chat_id,
            (Case.card_message_id == message_id) | (Case.prompt_message_id == message_id)))
        return _info(row) if row else None

    async def set_card(self, case_id: int, chat_id: int, message_id: int) -> None:
        """Deferred on SQLite to the transaction's next trip (storage.direct)."""
        await write(self._s, [Write("cases.card", _SET_CARD, [
            {"row_id": case_id, "new_card_chat_id": chat_id,
             "new_card_message_id": message_id}])])

    async def set_prompt(self, case_id: int, message_id: int) -> None:
        await self._s.execute(update(Case).where(Case.id == case_id)
                              .values(prompt_message_id=message_id))

    async def move(self, case_id: int, *, expected_version: int, status: str, now: datetime,
                   assignee: tuple[int, str] | None = None, by: str | None = None) -> bool:
        """Compare-and-set on the version: a second press of the same button changes nothing."""
        values: dict[str, Any] = {"status": status, "updated_at": now,
                                  "version": expected_version + 1}
        if assignee is not None:
            values["assignee_id"], values["assignee_name"] = assignee
        if status in CLOSED:
            values["closed_at"], values["resolved_by"], values["dedupe_key"] = now, by, None
        elif status == "open":
            values["closed_at"] = None
        result = await self._s.execute(
            update(Case).where(Case.id == case_id, Case.version == expected_version)
            .values(**values))
        return bool(getattr(result, "rowcount", 0))

    async def set_reply(self, case_id: int, text: str, now: datetime) -> None:
        await self._s.execute(update(Case).where(Case.id == case_id).values(
            reply_text=text[:4000], updated_at=now, version=Case.version + 1))

    async def set_reply_message(self, case_id: int, message_id: int) -> None:
        await self._s.execute(update(Case).where(Case.id == case_id)
                              .values(reply_message_id=message_id))

    async def list_open(self, limit: int = 30) -> list[CaseInfo]:
        rows = await self._s.scalars(
            select(Case).where(Case.status.in_(("open", "claimed")))
            .order_by(Case.created_at).limit(limit))
        return [_info(r) for r in rows]

    async def forget_user(self, user_id: int) -> int:
        """Erase a member's words and name from every case (authored or quoted as context)."""
        rows = list(await self._s.scalars(select(Case)))
        changed = 0
        for row in rows:
            lines = (row.context or {}).get("lines", [])
            kept = [line for line in lines if len(line) < 3 or line[2] != user_id]
            if row.author_id == user_id:
                row.text, row.author_name, row.reply_text = "[erased]", "[erased]", None
                changed += 1
            if len(kept) != len(lines):
                row.context = {"lines": kept}
                changed += 1
        return changed

    async def expire_texts(self, before: datetime) -> None:
        """Retention: closed cases older than ``before`` keep their numbers, not the words."""
        await self._s.execute(
            update(Case).where(Case.status.in_(CLOSED), Case.closed_at < before,
                               Case.text != "[expired]")
            .values(text="[expired]", context={"lines": []}, reply_text=None, author_name=""))

    async def add_draft(self, case_id: int, text: str, author_id: int, author_name: str,
                        now: datetime) -> int:
        row = Draft(case_id=case_id, text=text[:4000], author_id=author_id,
                    author_name=author_name[:128], status="pending", created_at=now)
        self._s.add(row)
        await self._s.flush()
        return row.id

    async def approve_draft(self, draft_id: int, by: int) -> tuple[int, str, int] | None:
        """(case id, text, author id) of a pending draft now approved; None if not pending."""
        row = await self._s.get(Draft, draft_id)
        if row is None or row.status != "pending":
            return None
        row.status, row.approved_by = "approved", by
        return row.case_id, row.text, row.author_id

    async def draft_author(self, draft_id: int) -> int | None:
        row = await self._s.get(Draft, draft_id)
        return row.author_id if row else None

    async def since(self, since: datetime) -> list[CaseInfo]:
        rows = await self._s.scalars(select(Case).where(Case.created_at >= since)
                                     .order_by(Case.id))
        return [_info(r) for r in rows]
