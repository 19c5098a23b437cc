"""storage.direct: a message's bookkeeping rows in one trip on SQLite, inside the
update's transaction, stored exactly as the session would store them."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import db, migrate
from storage.db import create_engine, make_session_factory, session_scope
from storage.models import FaqAnswer, ModerationEvent, Question, RecentMessage
from storage.repositories._upsert import insert_id
from storage.repositories.cases import CasesRepo, NewCase
from storage.repositories.faq import FaqRepo
from storage.repositories.metrics import MetricsRepo
from storage.repositories.moderation import EventsRepo, RecentMessagesRepo

NOW = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


async def _bookkeeping(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        await RecentMessagesRepo(s).add(-1, 10, 7, NOW, b"12345678")
        await RecentMessagesRepo(s).add(-1, 10, 7, NOW, b"12345678")  # a replay: ignored
        await RecentMessagesRepo(s).add(-1, 11, 7, NOW + timedelta(minutes=1), None)
        await MetricsRepo(s).record({(-1, "2026-03-01", "messages"): 2,
                                     (-1, "2026-03-01", "questions"): 1}, [(-1, "2026-03-01", 7)])
    async with session_scope(sessions) as s:
        await MetricsRepo(s).record({(-1, "2026-03-01", "messages"): 1},
                                    [(-1, "2026-03-01", 7), (-1, "2026-03-01", 8)])


async def test_rows_read_back_as_the_session_stored_them(engine: AsyncEngine) -> None:
    """On both backends: the same rows, datetimes compared in SQL as before."""
    await _bookkeeping(engine)
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        recent = RecentMessagesRepo(s)
        assert await recent.of_user(-1, 7, NOW) == [10, 11]
        assert await recent.of_user(-1, 7, NOW + timedelta(microseconds=1)) == [11]
        stored = (await s.execute(select(RecentMessage).order_by(RecentMessage.message_id))
                  ).scalars().all()
        series = await MetricsRepo(s).series("2026-03-01", "2026-03-01", chat_id=-1)
    assert [(r.at, r.text_key) for r in stored] == [
        (NOW, b"12345678"), (NOW + timedelta(minutes=1), None)]
    assert series == {"2026-03-01": {"messages": 3, "questions": 1, "active": 2}}


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> Any:
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'direct.db'}")
    await migrate.upgrade(eng)
    yield eng
    await eng.dispose()


async def test_on_sqlite_a_row_is_stored_as_the_session_stores_it(
    sqlite_engine: AsyncEngine,
) -> None:
    """The same bind processors: the stored text of a datetime is SQLAlchemy's, so that
    comparisons in SQL against the session's parameters hold."""
    sessions = make_session_factory(sqlite_engine)
    async with session_scope(sessions) as s:
        await RecentMessagesRepo(s).add(-1, 10, 7, NOW, b"12345678")
        s.add(RecentMessage(chat_id=-1, message_id=11, user_id=7, at=NOW, text_key=b"12345678"))
    async with session_scope(sessions) as s:
        rows = (await s.execute(text(
            "SELECT message_id, at, typeof(at), text_key FROM recent_messages "
            "ORDER BY message_id"))).all()
    assert rows[0][1:] == rows[1][1:]
    assert rows[0][1] == "2026-03-01 12:00:00.123456"


async def test_on_sqlite_the_writes_ride_with_the_commit(
    sqlite_engine: AsyncEngine, trips: list[str],
) -> None:
    sessions = make_session_factory(sqlite_engine)
    async with session_scope(sessions) as s:
        await s.execute(text("SELECT 1"))  # the pool's connection is open
    trips.clear()
    async with session_scope(sessions) as s:
        await RecentMessagesRepo(s).add(-1, 10, 7, NOW)
        await MetricsRepo(s).record({(-1, "2026-03-01", "messages"): 1,
                                     (-2, "2026-03-01", "messages"): 1},
                                    [(-1, "2026-03-01", 7), (-2, "2026-03-01", 7)])
        assert trips == []
    # BEGIN IMMEDIATE, three statements, five rows and COMMIT: one trip
    assert trips == ["TripConnection.commit.<locals>.run"]
    async with session_scope(sessions) as s:
        assert (await MetricsRepo(s).series("2026-03-01", "2026-03-01")) == {
            "2026-03-01": {"messages": 2, "active": 1}}
        assert await RecentMessagesRepo(s).of_user(-1, 7, NOW) == [10]


async def test_writes_ride_with_the_next_statement_which_sees_them(
    sqlite_engine: AsyncEngine, tmp_path: Path, trips: list[str],
) -> None:
    sessions = make_session_factory(sqlite_engine)
    other = sqlite3.connect(tmp_path / "direct.db", timeout=0, isolation_level=None)
    try:
        async with sessions() as s:
            await RecentMessagesRepo(s).add(-1, 10, 7, NOW)
            other.execute("BEGIN IMMEDIATE")  # nothing sent yet: the lock is free
            other.execute("ROLLBACK")
            assert await RecentMessagesRepo(s).of_user(-1, 7, NOW) == [10]
            assert len(trips) == 1  # BEGIN IMMEDIATE, the write and the read
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")  # the transaction holds the lock
            await s.rollback()
        assert other.execute("SELECT count(*) FROM recent_messages").fetchone() == (0,)
    finally:
        other.close()


async def test_a_rollback_drops_writes_not_sent_yet(sqlite_engine: AsyncEngine) -> None:
    sessions = make_session_factory(sqlite_engine)
    async with sessions() as s:
        await RecentMessagesRepo(s).add(-1, 10, 7, NOW)
        await s.rollback()
    async with session_scope(sessions) as s:
        await RecentMessagesRepo(s).add(-1, 11, 7, NOW)
    async with session_scope(sessions) as s:
        assert await RecentMessagesRepo(s).of_user(-1, 7, NOW) == [11]


async def test_a_busy_database_is_sqlalchemys_operational_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The dispatcher retries on OperationalError "locked": the direct path raises it too,
    and the connection stays usable."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "busy.db"
    eng = create_engine(f"sqlite+aiosqlite:///{path}")
    await migrate.upgrade(eng)
    sessions = make_session_factory(eng)
    try:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError, match="locked"):
            async with session_scope(sessions) as s:
                await MetricsRepo(s).record({(-1, "2026-03-01", "messages"): 1}, [])
        other.execute("ROLLBACK")
        other.close()
        async with session_scope(sessions) as s:
            await MetricsRepo(s).record({(-1, "2026-03-01", "messages"): 1}, [])
        async with session_scope(sessions) as s:
            assert await MetricsRepo(s).series("2026-03-01", "2026-03-01") == {
                "2026-03-01": {"messages": 1}}
    finally:
        await eng.dispose()


async def test_one_session_through_several_transactions(
    sqlite_engine: AsyncEngine, tmp_path: Path,
) -> None:
    """The connection kept for a transaction is asked for again in the next one, whose
    writes open it (BEGIN IMMEDIATE) and are committed with it."""
    sessions = make_session_factory(sqlite_engine)
    other = sqlite3.connect(tmp_path / "direct.db", timeout=0, isolation_level=None)
    try:
        async with sessions() as s:
            await RecentMessagesRepo(s).add(-1, 10, 7, NOW)
            await s.commit()
            assert other.execute("SELECT count(*) FROM recent_messages").fetchone() == (1,)
            await RecentMessagesRepo(s).add(-1, 11, 7, NOW)
            assert await RecentMessagesRepo(s).of_user(-1, 7, NOW) == [10, 11]
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            await s.commit()
        assert other.execute("SELECT count(*) FROM recent_messages").fetchone() == (2,)
    finally:
        other.close()


async def test_ids_come_back_and_python_side_defaults_still_apply(engine: AsyncEngine) -> None:
    """A row whose statement leaves out a column with a Python-side default (computed per
    execution by SQLAlchemy) goes through the session; the others take the direct path.
    Both give their ids and the same stored rows, on both backends."""
    sessions = make_session_factory(engine)
    common = {"chat_id": -1, "thread_id": None, "asker_id": 7, "text": "q?", "language": "it",
              "entry_id": None, "score": None, "asked_at": NOW, "answered_at": None}
    async with session_scope(sessions) as s:
        first = await insert_id(s, Question, message_id=1, status="bot", **common)
        second = await insert_id(s, Question, message_id=2, **common)  # status: default
        third = await insert_id(s, Question, message_id=3, status="bot", **common)
    assert second == first + 1 and third == second + 1
    async with session_scope(sessions) as s:
        rows = (await s.execute(select(Question.id, Question.status, Question.asked_at)
                                .order_by(Question.id))).all()
    assert [tuple(r) for r in rows] == [(first, "bot", NOW), (second, "open", NOW),
                                        (third, "bot", NOW)]


async def _delivered(engine: AsyncEngine) -> tuple[int, int, int]:
    """An event, an answer and a case, then the ids of their delivered messages recorded
    as the outbox's hooks do; their rows' ids."""
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        event = await EventsRepo(s).add(chat_id=-1, user_id=7, message_id=5, action="warn",
                                        reasons="blocklist", now=NOW)
        answer = await FaqRepo(s).record_answer(
            chat_id=-1, entry_id="ship", question_message_id=1, asker_id=7, language="it",
            score=0.9, now=NOW)
        case, _ = await CasesRepo(s).open_or_update(_case(), "msg:-1:5", NOW, max)
        await EventsRepo(s).add(chat_id=-1, user_id=8, message_id=6, action="warn",
                                reasons="blocklist", now=NOW)  # not delivered yet
        await FaqRepo(s).record_answer(
            chat_id=-1, entry_id="pay", question_message_id=2, asker_id=8, language="it",
            score=0.9, now=NOW)
    async with session_scope(sessions) as s:
        await EventsRepo(s).set_notice(event, 101)
        await FaqRepo(s).set_answer_message(answer, 102)
        await CasesRepo(s).set_card(case.id, -99, 103)
    return event, answer, case.id


def _case() -> NewCase:
    return NewCase(kind="complaint", priority="normal", chat_id=-1, chat_title="G",
                   chat_username=None, message_id=5, thread_id=None, author_id=7,
                   author_name="Giulia", language="it", text="pessimo", context=[],
                   reasons="complaint")


async def test_delivered_messages_are_recorded_on_their_rows(engine: AsyncEngine) -> None:
    """On both backends: the notice, answer and card message ids land on their own rows
    (and only there)."""
    event, answer, case = await _delivered(engine)
    sessions = make_session_factory(engine)
    async with session_scope(sessions) as s:
        notices = (await s.execute(select(ModerationEvent.id, ModerationEvent.notice_message_id)
                                   .order_by(ModerationEvent.id))).all()
        answers = (await s.execute(select(FaqAnswer.id, FaqAnswer.answer_message_id)
                                   .order_by(FaqAnswer.id))).all()
        card = await CasesRepo(s).get(case)
    assert [tuple(r) for r in notices] == [(event, 101), (event + 1, None)]
    assert [tuple(r) for r in answers] == [(answer, 102), (answer + 1, None)]
    assert card is not None and (card.card_chat_id, card.card_message_id) == (-99, 103)


async def test_on_sqlite_the_delivery_records_ride_with_the_commit(
    sqlite_engine: AsyncEngine, trips: list[str],
) -> None:
    event, answer, case = await _delivered(sqlite_engine)
    sessions = make_session_factory(sqlite_engine)
    trips.clear()
    async with session_scope(sessions) as s:
        await EventsRepo(s).set_notice(event, 201)
        await FaqRepo(s).set_answer_message(answer, 202)
        await CasesRepo(s).set_card(case, -99, 203)
        assert trips == []
    assert trips == ["TripConnection.commit.<locals>.run"]  # BEGIN, three updates, COMMIT
    async with session_scope(sessions) as s:
        card = await CasesRepo(s).get(case)
    assert card is not None and card.card_message_id == 203


async def test_a_case_opens_once_per_message_and_later_triggers_fold_into_it(
    engine: AsyncEngine,
) -> None:
    """On both backends: the first trigger inserts the case (what it returns is what is
    stored), a second one about the same message, in the same transaction or a later one,
    updates it; a case without a message key is always new."""
    sessions = make_session_factory(engine)
    report = replace(_case(), kind="report", reasons="report:8", reporter_id=8)
    async with session_scope(sessions) as s:
        first, before = await CasesRepo(s).open_or_update(_case(), "msg:-1:5", NOW, max)
        again, previous = await CasesRepo(s).open_or_update(report, "msg:-1:5", NOW, max)
        loose, _ = await CasesRepo(s).open_or_update(_case(), None, NOW, max)
        other, _ = await CasesRepo(s).open_or_update(_case(), None, NOW, max)
    assert before is None and previous == first
    assert again.id == first.id and (again.version, again.reporters) == (2, [8])
    assert again.reasons == "complaint; report:8"
    assert len({first.id, loose.id, other.id}) == 3
    async with session_scope(sessions) as s:
        stored = await CasesRepo(s).get(loose.id)
        third, earlier = await CasesRepo(s).open_or_update(report, "msg:-1:5", NOW, max)
    assert stored == loose
    assert earlier == again and third.version == 3 and third.reporters == [8]
