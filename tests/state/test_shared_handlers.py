"""The handlers with the database-backed state (role worker), through the real Application.

The same scenarios the handler tests run with the in-memory state must give the same result
with the shared one; and two runtimes on one database see each other's changes: a rule added
through one applies in the other, as do a /spam verdict and a FAQ edit.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot import leader as leader_module
from bot.clock import ManualClock
from bot.moderation_service import ModerationService
from bot.playground import Playground
from bot.ratelimit import BudgetRateLimiter
from bot.runtime import Runtime
from bot.sandbox import Sandbox
from bot.sandbox.request import SandboxRequest
from bot.settings import Settings
from policies.schema import PolicyFile
from storage.db import session_scope
from storage.repositories.inbox import InboxRepo
from storage.repositories.outbox import OutboxRepo
from tests.conftest import POSTGRES_URL
from tests.handlers import test_escalation, test_moderation, test_newcomers, test_reputation
from tests.handlers.test_faq_admin import NEW_ENTRY

SCENARIOS: list[Callable[[Playground], Awaitable[None]]] = [
    test_moderation.test_flood_mutes_the_member,
    test_moderation.test_delete_and_warn_escalates_to_mute_at_the_limit,
    test_newcomers.test_joins_close_together_share_one_welcome,
    test_newcomers.test_raid_is_cleaned_without_the_bot_flooding_the_group,
    test_escalation.test_complaint_opens_a_case_with_a_card_in_the_complaints_topic,
    test_escalation.test_report_rate_limit_per_member,
    test_escalation.test_report_by_several_members_becomes_urgent,
    test_reputation.test_spike_of_complaints_opens_one_urgent_case,
]


async def share(runtime: Runtime) -> None:
    """Switch a runtime to the state several workers use (the role is all in the playground)."""
    services = runtime.services
    services.moderation_service = ModerationService(services, shared=True)
    await services.moderation.load()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__[5:] for s in SCENARIOS])
async def test_same_behaviour_with_shared_state(
    play: Playground, scenario: Callable[[Playground], Awaitable[None]]
) -> None:
    await share(play.runtime)
    assert play.runtime.services.moderation.state.shared
    await scenario(play)


@dataclass
class Pair:
    play: Playground
    other: Runtime
    database: str

    async def through(self, runtime: Runtime) -> None:
        """Fetch what the sandbox has, let ``runtime`` handle it, and the leader (the
        playground's runtime, which started first) send what is owed."""
        await self.play.runtime.poller.poll_once(timeout=0)
        await runtime.dispatcher.schedule_pending()
        await runtime.dispatcher.wait_idle()
        async with session_scope(runtime.services.sessions) as session:
            assert await InboxRepo(session).count_pending() == 0
        leader = self.play.runtime
        assert await leader.leader.check()
        assert not await self.other.leader.check() or not leader.leader.shared
        await leader.sender.flush()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def pair(request: pytest.FixtureRequest, policy: PolicyFile,
               tmp_path: Path) -> AsyncIterator[Pair]:
    """Two runtimes (two workers) on one database and one sandbox Telegram."""
    async with _database(request.param, tmp_path) as url:
        clock = ManualClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
        play = await Playground.create(policy, url, clock=clock)
        other = await Runtime.create(
            Settings(database_url=SecretStr(url)), token=play.sandbox.token, policy=policy,
            clock=clock, request=SandboxRequest(play.sandbox), poll_timeout=0,
            rate_limiter=BudgetRateLimiter(other_per_second=10_000))
        try:
            await other.start()
            await share(play.runtime)
            await share(other)
            yield Pair(play, other, request.param)
        finally:
            await other.stop()
            await play.close()


@asynccontextmanager
async def _database(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PORTAVOCE_TEST_POSTGRES_URL is not set")
    name = f"pv_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_a_rule_added_in_one_worker_applies_in_another(pair: Pair) -> None:
    play, sandbox = pair.play, pair.play.sandbox
    sandbox.user_sends(play.group_id, play.people.member, "buongiorno a tutti")
    await pair.through(pair.other)  # the other worker has compiled the group's rules
    sandbox.user_sends(play.group_id, play.people.admin, "/blocklist add bananone")
    await pair.through(play.runtime)
    spam = sandbox.user_sends(play.group_id, play.people.member, "vendo bananone a poco")
    await pair.through(pair.other)
    deleted = [c.params for c in sandbox.calls_of("deleteMessage") if c.ok]
    assert any(p["message_id"] == spam["message_id"] for p in deleted)


async def test_a_mode_change_in_one_worker_applies_in_another(pair: Pair) -> None:
    play, sandbox = pair.play, pair.play.sandbox
    sandbox.user_sends(play.group_id, play.people.member, "buongiorno a tutti")
    await pair.through(pair.other)
    sandbox.user_sends(play.group_id, play.people.admin, "/mode dry_run")
    await pair.through(play.runtime)
    sandbox.clear_calls()
    sandbox.user_sends(play.group_id, play.people.member, "questa è una truffa")
    await pair.through(pair.other)
    assert not sandbox.calls_of("deleteMessage") and not sandbox.calls_of("deleteMessages")


async def test_spam_verdicts_and_faq_edits_reach_the_other_worker(pair: Pair) -> None:
    if pair.database == "sqlite":
        pytest.skip("workers share PostgreSQL; the FAQ index reloads in a session of its own, "
                    "which SQLite's single connection cannot give inside an update")
    play, sandbox = pair.play, pair.play.sandbox
    before = pair.other.services.moderation.spam_model.samples
    spammer = sandbox.add_user("Spammer")["id"]
    sandbox.set_member(play.group_id, spammer, "member")
    bad = sandbox.user_sends(play.group_id, spammer, "compra crypto dal mio canale")
    sandbox.user_sends(play.group_id, play.people.admin, "/spam", reply_to=bad["message_id"])
    sandbox.user_sends(play.team_chat_id, play.people.team, NEW_ENTRY)
    await pair.through(play.runtime)
    sandbox.user_sends(play.group_id, play.people.member, "avete anche il decaffeinato?")
    await pair.through(pair.other)
    assert pair.other.services.moderation.spam_model.samples == (before[0] + 1, before[1])
    answers = [c.params["text"] for c in sandbox.calls_of("sendMessage")
               if c.ok and c.params["chat_id"] == play.group_id]
    assert "miscela Notte" in answers[-1]


async def test_a_new_leader_posts_nothing_before_counting_the_old_leaders_posts(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """The group's 20 posts a minute hold across a takeover: the new leader sends nothing
    until it has counted what the old one posted, then only what is left of the minute."""
    if pair.database == "sqlite":
        pytest.skip("one process leads on SQLite: there is no takeover")
    monkeypatch.setattr(leader_module, "TAKEOVER_GRACE_S", 0.0)
    play, sandbox, old, new = pair.play, pair.play.sandbox, pair.play.runtime, pair.other
    await _queue_posts(old, play.group_id, "before", 12)
    assert await old.leader.check() and may_send(old)
    await old.sender.flush()
    assert len(_posts(sandbox, play.group_id)) == 12
    await _timed_out_post(old, play.group_id)  # it may have landed after the timeout
    await old.leader.release()  # the old leader dies, or loses its database
    assert await new.leader.check() and new.leader.leads
    await _queue_posts(new, play.group_id, "after", 12)
    assert not may_send(new)  # leading, but it has not counted the old posts yet
    await new.sender.flush()
    assert len(_posts(sandbox, play.group_id)) == 12  # nothing went out
    await new._take_over()
    assert may_send(new)
    # 12 posts counted, one that timed out, and one the old leader may have had in flight
    # (the group has posts due): 6 go out, the last 6 wait for the minute to pass
    await new.sender.flush(wait=False)
    for _ in range(100):
        if len(_posts(sandbox, play.group_id)) >= 18:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    assert _posts(sandbox, play.group_id)[12:] == [f"after {n}" for n in range(6)]
    await new.sender.stop()


def may_send(runtime: Runtime) -> bool:
    """Read afresh (a property: mypy would keep what an earlier assert said of it)."""
    return runtime.leader.may_send


async def _queue_posts(runtime: Runtime, chat_id: int, label: str, count: int) -> None:
    now = runtime.services.clock.now()
    async with session_scope(runtime.services.sessions) as session:
        for n in range(count):
            await OutboxRepo(session).enqueue(
                chat_id, "sendMessage", {"chat_id": chat_id, "text": f"{label} {n}"}, now=now)


async def _timed_out_post(runtime: Runtime, chat_id: int) -> None:
    """A post whose call timed out: backing off, due in an hour."""
    later = runtime.services.clock.now() + timedelta(hours=1)
    async with session_scope(runtime.services.sessions) as session:
        repo = OutboxRepo(session)
        await repo.enqueue(chat_id, "sendMessage", {"chat_id": chat_id, "text": "lost"},
                           now=later)
        [row] = [e for e in await repo.due(later) if e.params["text"] == "lost"]
        await repo.retry_later(row.id, later, "network: Timed out")


def _posts(sandbox: Sandbox, chat_id: int) -> list[str]:
    return [str(c.params["text"]) for c in sandbox.calls_of("sendMessage")
            if c.ok and c.params["chat_id"] == chat_id]
