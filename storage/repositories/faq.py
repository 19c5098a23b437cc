"""The FAQ knowledge base, its embeddings, the answers given and the questions asked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.direct import Write, fetch, write
from storage.models import FaqAnswer, FaqEntryRow, FaqVector, FaqVote, Question
from storage.repositories._prepared import setting
from storage.repositories._upsert import insert_id, insert_ignore, upsert


@dataclass(frozen=True, slots=True)
class StoredEntry:
    id: str
    data: dict[str, Any]
    source: str


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    id: int
    chat_id: int
    message_id: int
    thread_id: int | None
    asker_id: int
    text: str
    language: str
    status: str


def _question(row: Question) -> QuestionInfo:
    return QuestionInfo(row.id, row.chat_id, row.message_id, row.thread_id, row.asker_id,
                        row.text, row.language, row.status)


@dataclass(frozen=True, slots=True)
class AnswerInfo:
    id: int
    chat_id: int
    entry_id: str
    question_message_id: int
    asker_id: int
    answer_message_id: int | None
    at: datetime
    helpful: int
    not_helpful: int


def _answer(row: FaqAnswer) -> AnswerInfo:
    return AnswerInfo(row.id, row.chat_id, row.entry_id, row.question_message_id, row.asker_id,
                      row.answer_message_id,
                      row.at, row.helpful, row.not_helpful)


_SET_ANSWER_MESSAGE = setting(FaqAnswer, "answer_message_id")
_ANSWERS = FaqAnswer.__table__
_ASKED = (select(func.count())
          .where(_ANSWERS.c.chat_id == bindparam("chat_id"),
                 _ANSWERS.c.asker_id == bindparam("asker_id"),
                 _ANSWERS.c.at >= bindparam("asker_since"))
          .scalar_subquery().label("asked"))
_LATEST = (select(_ANSWERS.c.answer_message_id)
           .where(_ANSWERS.c.chat_id == bindparam("chat_id"),
                  _ANSWERS.c.entry_id == bindparam("entry_id"),
                  _ANSWERS.c.at >= bindparam("entry_since"))
           .order_by(_ANSWERS.c.at.desc(), _ANSWERS.c.id.desc()).limit(1)
           .scalar_subquery().label("latest"))
_HISTORY = select(_ASKED, _LATEST)
"""`answer_history`'s one statement (the same on every database)."""


class FaqRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def entries(self) -> list[StoredEntry]:
        rows = await self._s.scalars(select(FaqEntryRow).order_by(FaqEntryRow.id))
        return [StoredEntry(r.id, dict(r.data), r.source) for r in rows]

    async def get(self, entry_id: str) -> StoredEntry | None:
        row = await self._s.get(FaqEntryRow, entry_id)
        return StoredEntry(row.id, dict(row.data), row.source) if row else None

    async def put(self, entry_id: str, data: dict[str, Any], *, source: str,
                  by: int | None, now: datetime) -> None:
        """Insert or replace, atomically: processes starting together may seed the same entry."""
        values = {"data": data, "source": source, "updated_by": by, "updated_at": now}
        statement = upsert(self._s, FaqEntryRow).values(id=entry_id, **values)
        await self._s.execute(statement.on_conflict_do_update(
            index_elements=[FaqEntryRow.id], set_=values))

    async def remove(self, entry_id: str) -> bool:
        result = await self._s.execute(delete(FaqEntryRow).where(FaqEntryRow.id == entry_id))
        return bool(getattr(result, "rowcount", 0))

    async def sync_from_file(self, entries: Mapping[str, dict[str, Any]], now: datetime) -> int:
        """Make the file's entries live; entries edited from Telegram are left as they are.

        Entries that came from the file and are no longer in it are removed. Returns how many
        rows changed.
        """
        current = {e.id: e for e in await self.entries()}
        changed = 0
        for entry_id, data in entries.items():
            existing = current.get(entry_id)
            if existing is None or (existing.source == "file" and existing.data != data):
                await self.put(entry_id, data, source="file", by=None, now=now)
                changed += 1
        for entry_id, existing in current.items():
            if existing.source == "file" and entry_id not in entries:
                await self.remove(entry_id)
                changed += 1
        return changed

    async def vectors_for(self, keys: Sequence[str], chunk: int = 500) -> list[tuple[str, bytes]]:
        """The stored vectors of those `keys` that have one (in chunks of `chunk` keys, under
        every database's limit on bound parameters)."""
        found: list[tuple[str, bytes]] = []
        for start in range(0, len(keys), chunk):
            wanted = list(keys[start:start + chunk])
            rows = await self._s.execute(
                select(FaqVector.key, FaqVector.vector).where(FaqVector.key.in_(wanted)))
            found.extend((key, bytes(vector)) for key, vector in rows)
        return found

    async def add_vectors(self, vectors: Mapping[str, bytes]) -> None:
        rows = [{"key": key, "vector": vector} for key, vector in vectors.items()]
        if rows:
            await self._s.execute(insert_ignore(self._s, FaqVector), rows)

    async def record_answer(
        self, *, chat_id: int, entry_id: str, question_message_id: int, asker_id: int,
        language: str, score: float, now: datetime,
    ) -> int:
        return await insert_id(self._s, FaqAnswer, chat_id=chat_id, entry_id=entry_id,
                               question_message_id=question_message_id, asker_id=asker_id,
                               language=language, score=score, at=now, helpful=0,
                               not_helpful=0)

    async def set_answer_message(self, answer_id: int, message_id: int) -> None:
        """Deferred on SQLite to the transaction's next trip (storage.direct)."""
        await write(self._s, [Write("faq_answers.message", _SET_ANSWER_MESSAGE, [
            {"row_id": answer_id, "new_answer_message_id": message_id}])])

    async def answer_history(self, chat_id: int, asker_id: int, entry_id: str, *,
                             asker_since: datetime, entry_since: datetime,
                             ) -> tuple[int, int | None]:
        """Before answering, in one statement: how many answers the asker got since
        ``asker_since`` (their rate limit), and the message of the entry's latest answer in
        the chat since ``entry_since`` (its cooldown; None if none, or not delivered yet)."""
        params = {"chat_id": chat_id, "asker_id": asker_id, "entry_id": entry_id,
                  "asker_since": asker_since, "entry_since": entry_since}
        (row,) = await fetch(self._s, "faq_answers.history", lambda _: _HISTORY, params,
                             (_ASKED, _LATEST))
        return int(row["asked"] or 0), row["latest"]

    async def answer(self, answer_id: int) -> AnswerInfo | None:
        row = await self._s.get(FaqAnswer, answer_id)
        return _answer(row) if row else None

    async def vote(self, answer_id: int, user_id: int, helpful: bool) -> bool:
        """Record a vote; returns False when it repeats the member's existing vote."""
        row = await self._s.get(FaqAnswer, answer_id)
        if row is None:
            return False
        vote = await self._s.get(FaqVote, (answer_id, user_id))
        if vote is not None and vote.helpful == helpful:
            return False
        if vote is not None:
            if vote.helpful:
                row.helpful -= 1
            else:
                row.not_helpful -= 1
            vote.helpful = helpful
        else:
            self._s.add(FaqVote(answer_id=answer_id, user_id=user_id, helpful=helpful))
        if helpful:
            row.helpful += 1
        else:
            row.not_helpful += 1
        await self._s.flush()
        return True

    async def feedback_totals(self) -> dict[str, tuple[int, int, int]]:
        """Per entry: (answers given, helpful votes, not-helpful votes)."""
        rows = await self._s.execute(
            select(FaqAnswer.entry_id, func.count(), func.sum(FaqAnswer.helpful),
                   func.sum(FaqAnswer.not_helpful)).group_by(FaqAnswer.entry_id)
        )
        return {e: (int(n), int(h or 0), int(nh or 0)) for e, n, h, nh in rows}

    async def add_question(
        self, *, chat_id: int, message_id: int, thread_id: int | None, asker_id: int,
        text: str, language: str, now: datetime, status: str = "open",
        entry_id: str | None = None, score: float | None = None,
    ) -> int:
        return await insert_id(self._s, Question, chat_id=chat_id, message_id=message_id,
                               thread_id=thread_id, asker_id=asker_id, text=text[:2000],
                               language=language, status=status, entry_id=entry_id,
                               score=score, asked_at=now,
                               answered_at=now if status == "bot" else None)

    async def mark_answered_by_team(self, chat_id: int, message_id: int,
                                    now: datetime) -> datetime | None:
        """Record the team's answer; returns when it was asked (None if not an open question)."""
        row = await self._s.scalar(select(Question).where(
            Question.chat_id == chat_id, Question.message_id == message_id,
            Question.status.in_(("open", "escalated"))).limit(1))
        if row is None:
            return None
        row.status, row.answered_at = "team", now
        return row.asked_at

    async def count_questions(self, chat_id: int, statuses: Iterable[str]) -> int:
        query = select(func.count()).where(
            Question.chat_id == chat_id, Question.status.in_(list(statuses))
        )
        return int(await self._s.scalar(query) or 0)

    async def question(self, question_id: int) -> QuestionInfo | None:
        row = await self._s.get(Question, question_id)
        return _question(row) if row else None

    async def question_at(self, chat_id: int, message_id: int) -> QuestionInfo | None:
        row = await self._s.scalar(select(Question).where(
            Question.chat_id == chat_id, Question.message_id == message_id).limit(1))
        return _question(row) if row else None

    async def set_question_status(self, question_id: int, status: str) -> None:
        await self._s.execute(update(Question).where(Question.id == question_id)
                              .values(status=status))

    async def forget_user(self, user_id: int) -> None:
        await self._s.execute(update(Question).where(Question.asker_id == user_id)
                              .values(text="[erased]"))

    async def top_entries(self, since: datetime, limit: int = 5) -> list[tuple[str, int]]:
        rows = await self._s.execute(
            select(FaqAnswer.entry_id, func.count()).where(FaqAnswer.at >= since)
            .group_by(FaqAnswer.entry_id).order_by(func.count().desc()).limit(limit))
        return [(str(e), int(n)) for e, n in rows]

    async def unanswered_since(self, since: datetime, limit: int = 500) -> list[QuestionInfo]:
        rows = await self._s.scalars(
            select(Question).where(Question.asked_at >= since,
                                   Question.status.in_(("open", "escalated")))
            .order_by(Question.asked_at).limit(limit))
        return [_question(r) for r in rows]
