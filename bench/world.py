"""A benchmark world: the real Runtime (inbox, dispatcher, Application, outbox) over a sandbox.

Like ``bot.playground`` but with what a benchmark needs: a clock that follows the wall clock
(flood windows and raid timing see real elapsed time), a long-polling poller (the
playground's timeout-0 poller would spin), a rate limiter of the caller's choice, thousands
of members, and timestamps on every Bot API call and every processed update.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import SecretStr
from sqlalchemy import insert

from bot.clock import ManualClock
from bot.poller import Poller
from bot.ratelimit import BudgetRateLimiter
from bot.runtime import Runtime
from bot.sandbox import ApiCall, Sandbox, SandboxError, SandboxRequest
from bot.sandbox.params import UploadedFile
from bot.sandbox.world import ApiResponse
from bot.settings import Settings
from policies.schema import PolicyFile
from storage.db import session_scope
from storage.models import Member
from storage.repositories.faq import FaqRepo
from storage.repositories.inbox import InboxRow

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
TEAM_CHAT_ID = -1001000000099
"""The team chat when the policy names none."""


class LiveClock(ManualClock):
    """Sandbox time = a fixed start + wall time elapsed (+ any explicit jumps)."""

    def __init__(self, start: datetime = START) -> None:
        super().__init__(start)
        self._origin = time.perf_counter()
        self._jump = 0.0

    def now(self) -> datetime:
        return self._now + timedelta(seconds=time.perf_counter() - self._origin + self._jump)

    def advance(self, seconds: float) -> datetime:
        self._jump += seconds
        return self.now()


class TimedSandbox(Sandbox):
    """The sandbox, stamping each Bot API call with ``perf_counter`` when it is answered."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stamps: list[tuple[float, ApiCall]] = []

    async def call(
        self, method: str, raw_params: dict[str, Any] | None = None,
        files: dict[str, UploadedFile] | None = None,
    ) -> ApiResponse:
        response = await super().call(method, raw_params, files)
        if self.calls and self.calls[-1].method != "getUpdates":
            self.stamps.append((time.perf_counter(), self.calls[-1]))
        return response


def unlimited() -> BudgetRateLimiter:
    """No posting budget: throughput runs measure the bot, not Telegram's 30 msg/s."""
    return BudgetRateLimiter(overall_per_second=1e9, group_per_minute=1e12,
                             other_per_second=1e9)


@dataclass(slots=True)
class World:
    sandbox: TimedSandbox
    runtime: Runtime
    clock: LiveClock
    owner: int
    groups: list[int]
    team_chat_id: int
    members: dict[int, list[int]] = field(default_factory=dict)  # chat -> regular members
    done: dict[int, tuple[float, float]] = field(default_factory=dict)  # update -> start, end
    progress: asyncio.Event = field(default_factory=asyncio.Event)  # set when one is done
    running: asyncio.Future[None] | None = None  # run_forever, while live

    async def close(self) -> None:
        await self.runtime.stop()


async def create_world(
    policy: PolicyFile, database_url: str, *, limiter: BudgetRateLimiter | None = None,
    vectors: Mapping[str, bytes] | None = None,
) -> World:
    """Groups of the policy, team chat, bot admin everywhere; started."""
    clock = LiveClock()
    sandbox = TimedSandbox(clock=clock)
    owner, groups, team_id = add_groups(sandbox, policy)
    settings = Settings(database_url=SecretStr(database_url))
    runtime = await Runtime.create(
        settings, token=sandbox.token, policy=policy, clock=clock,
        request=SandboxRequest(sandbox), updates_request=SandboxRequest(sandbox),
        poll_timeout=0, rate_limiter=limiter or unlimited(),
    )
    runtime.poller = Poller(runtime.services, runtime.app.bot, timeout=20)
    if vectors:
        async with session_scope(runtime.services.sessions) as session:
            await FaqRepo(session).add_vectors(dict(vectors))
    world = World(sandbox, runtime, clock, owner, groups, team_id)
    _time_updates(world)
    return world


def add_groups(
    sandbox: Sandbox, policy: PolicyFile, total: int = 0,
) -> tuple[int, list[int], int]:
    """An owner, the policy's groups (plus generated ones up to ``total``) and the team chat:
    (owner id, group ids, team chat id)."""
    owner = int(sandbox.add_user("Elena", username="elena_owner", language_code="it")["id"])
    groups = [c.chat_id for c in policy.communities]
    for chat_id in groups:
        sandbox.add_group(str(chat_id), chat_id=chat_id, owner_id=owner)
    team_id = policy.team.chat_id or TEAM_CHAT_ID
    sandbox.add_group("Team", chat_id=team_id, owner_id=owner)
    while len(groups) < total:
        with contextlib.suppress(SandboxError):  # generated ids may hit the policy's
            groups.append(sandbox.add_group(f"Group {len(groups)}", owner_id=owner))
    return owner, groups, team_id


async def start(world: World) -> None:
    """Start the app, make the bot an admin everywhere, let it settle, forget those calls."""
    await world.runtime.start()
    for chat_id in [*world.groups, world.team_chat_id]:
        world.sandbox.add_bot_to(chat_id, "administrator", by_user_id=world.owner)
    await world.runtime.deliver()
    world.sandbox.clear_calls()
    world.sandbox.stamps.clear()
    world.done.clear()


def _time_updates(world: World) -> None:
    """Note when the dispatcher starts and finishes each update (its own transaction)."""
    dispatcher = world.runtime.dispatcher
    original = dispatcher.process

    async def timed(row: InboxRow) -> Any:
        started = time.perf_counter()
        outcome = await original(row)
        if outcome != "busy":  # "busy": another worker holds the chat; it comes back later
            world.done[row.update_id] = (started, time.perf_counter())
            world.progress.set()
        return outcome

    setattr(dispatcher, "process", timed)  # noqa: B010 - instance-level wrap, on purpose


async def add_members(world: World, per_group: int, *, tenure_days: int = 90) -> None:
    """Long-standing members in every group, in the sandbox and in the bot's database."""
    await record_members(world, add_sandbox_members(world, per_group), tenure_days=tenure_days)


def add_sandbox_members(world: World, per_group: int) -> dict[int, list[int]]:
    """``per_group`` regular members in every group on the sandbox's (Telegram's) side;
    returns the new ids by chat."""
    added: dict[int, list[int]] = {}
    for chat_id in world.groups:
        ids = world.members.setdefault(chat_id, [])
        for _ in range(per_group):
            user = world.sandbox.add_user(f"M{len(ids)}", language_code="it")["id"]
            world.sandbox.set_member(chat_id, user, "member")
            ids.append(user)
        added[chat_id] = ids[len(ids) - per_group:]
    return added


async def record_members(
    world: World, members: dict[int, list[int]], *, tenure_days: int = 90, chunk: int = 5000,
) -> None:
    """The bot's rows for ``members`` (chat -> user ids), as if it had met them long ago.

    Rows are built a chunk at a time: a bot's members are in its database, not in a list in
    its memory, so the scenario must not leave 100,000 freed rows in the allocator either.
    """
    since = world.clock.now() - timedelta(days=tenure_days)
    pairs = [(chat_id, user) for chat_id, ids in members.items() for user in ids]
    for first in range(0, len(pairs), chunk):
        rows = [{"chat_id": chat_id, "user_id": user, "first_name": f"M{n}",
                 "status": "member", "rights": {}, "first_seen": since, "last_seen": since,
                 "message_count": 20, "trusted": False}
                for n, (chat_id, user) in enumerate(pairs[first:first + chunk], first)]
        async with session_scope(world.runtime.services.sessions) as session:
            await session.execute(insert(Member), rows)


def newcomer(world: World, chat_id: int, name: str) -> int:
    """A member the bot has never seen (as a fresh spam account is)."""
    user = int(world.sandbox.add_user(name)["id"])
    world.sandbox.set_member(chat_id, user, "member")
    return user
