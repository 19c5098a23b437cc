"""One leader among workers on PostgreSQL: it alone spends Telegram's posting budgets.

Real advisory locks on a throw-away database; the lease, the receiver that never leads, a
leader whose session the server ended, and a process that lost the lead while a post waited
for its budget (the post is not sent: the row stays for the new leader).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import leader as leader_module
from bot.leader import Leadership
from bot.ratelimit import BudgetRateLimiter, NotLeading
from storage.db import create_engine
from tests.conftest import POSTGRES_URL
from tests.pgdb import fresh_database

pytestmark = pytest.mark.postgres


def leads(process: Leadership) -> bool:
    """Read afresh (a property: mypy would keep what an earlier assert said of it)."""
    return process.leads


@pytest.fixture
async def url() -> AsyncIterator[str]:
    if not POSTGRES_URL:
        pytest.skip("PORTAVOCE_TEST_POSTGRES_URL is not set")
    async with fresh_database(POSTGRES_URL) as database:
        yield database


@pytest.fixture
async def engines(url: str) -> AsyncIterator[list[AsyncEngine]]:
    made = [create_engine(url) for _ in range(3)]  # three processes' pools
    yield made
    for engine in made:
        await engine.dispose()


async def test_one_leader_and_a_receiver_never_leads(engines: list[AsyncEngine]) -> None:
    receiver = Leadership(engines[0], contend=False)
    first, second = Leadership(engines[1]), Leadership(engines[2])
    assert not await receiver.check()  # the lock is free, and still it does not take it
    assert await first.check() and leads(first) and first.grace == 0.0
    assert not await second.check() and not leads(second)
    assert await first.check()  # renewing keeps it
    await first.release()
    assert await second.check() and leads(second)
    assert second.grace > 0  # a takeover: wait for the old leader's calls in flight
    assert not leads(receiver)
    await second.release()


async def test_the_lease_ends_without_checks(engines: list[AsyncEngine],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(leader_module, "LEASE_S", 0.2)
    leading = Leadership(engines[0])
    assert await leading.check() and leads(leading)
    await asyncio.sleep(0.3)
    assert not leads(leading)  # it stops sending before anyone could have taken over
    assert await leading.check() and leads(leading)  # its session still holds the lock
    await leading.release()


async def test_a_leader_whose_session_ended_gives_way(engines: list[AsyncEngine],
                                                      url: str) -> None:
    old, new = Leadership(engines[0]), Leadership(engines[1])
    assert await old.check()
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:  # what the server does to a leader cut off for IDLE_END_S, or an admin's kill
        ended = await conn.fetchval(
            "select count(*) from (select pg_terminate_backend(pid) from pg_locks "
            "where locktype = 'advisory' and granted) t")
        assert ended == 1
        assert await new.check() and leads(new)
        assert not await old.check() and not leads(old)
    finally:
        await conn.close()
        await new.release()


async def test_a_silent_leader_session_ends_and_the_lock_passes(
        engines: list[AsyncEngine], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(leader_module, "IDLE_END_S", 1)
    monkeypatch.setattr(leader_module, "LEASE_S", 0.5)  # always shorter than IDLE_END_S
    frozen, other = Leadership(engines[0]), Leadership(engines[1])
    assert await frozen.check()
    assert not await other.check()
    await asyncio.sleep(1.6)  # the leader's process hangs: no check, its lease long over
    assert not leads(frozen)
    assert await other.check() and leads(other)  # the server released the lock
    await other.release()
    await frozen.release()


async def test_a_post_waiting_for_its_budget_is_not_sent_after_the_lead_is_lost() -> None:
    limiter = BudgetRateLimiter(group_per_minute=1, group_period=0.5)  # + 1 s margin
    leads = True
    limiter.gate = lambda: leads
    calls: list[str] = []

    async def call(name: str) -> bool:
        calls.append(name)
        return True

    async def post(n: int) -> bool | object:
        return await limiter.process_request(call, (f"post {n}",), {}, "sendMessage",
                                             {"chat_id": -100}, None)

    assert await post(1)
    waiting = asyncio.ensure_future(post(2))  # the group's minute is spent: it waits
    await asyncio.sleep(0.05)
    leads = False  # the lead is lost while the post waits for its budget
    with pytest.raises(NotLeading):
        await asyncio.wait_for(waiting, timeout=5)
    assert calls == ["post 1"]
    # deletions and bans are not posts: a follower may still make them (e.g. a cleanup)
    assert await limiter.process_request(call, ("delete",), {}, "deleteMessage",
                                         {"chat_id": -100}, None)
