"""A ready-made sandbox world around the real runtime: used by `portavoce try` and the tests.

It creates the brand's communities and team chat from the policy file (same chat ids), a
member, an admin and a team member, adds the bot as admin everywhere, and drives the same
Runtime that `portavoce run` uses, through the in-process sandbox Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from bot.clock import ManualClock
from bot.ratelimit import BudgetRateLimiter
from bot.runtime import Runtime
from bot.sandbox import Sandbox
from bot.sandbox.request import SandboxRequest
from bot.settings import Settings
from policies.schema import Community, PolicyFile
from storage.db import session_scope
from storage.repositories.members import MembersRepo


@dataclass(slots=True)
class People:
    member: int
    admin: int
    team: int
    owner: int


@dataclass(slots=True)
class Playground:
    sandbox: Sandbox
    runtime: Runtime
    clock: ManualClock
    people: People
    group_id: int
    team_chat_id: int
    community_ids: list[int] = field(default_factory=list)

    @classmethod
    async def create(
        cls, policy: PolicyFile, database_url: str, *, clock: ManualClock | None = None
    ) -> Playground:
        clock = clock or ManualClock(datetime.now(UTC).replace(microsecond=0))
        sandbox = Sandbox(clock=clock)
        people = People(
            member=sandbox.add_user("Giulia", username="giulia", language_code="it")["id"],
            admin=sandbox.add_user("Marco", username="marco_mod", language_code="it")["id"],
            team=sandbox.add_user("Sara", username="sara_team", language_code="it")["id"],
            owner=sandbox.add_user("Elena", username="elena_owner", language_code="it")["id"],
        )
        communities = policy.communities or [Community(chat_id=-1001000000001, name="Community")]
        ids = [_add_group(sandbox, c.chat_id, c.name or policy.brand.name, people)
               for c in communities]
        team_id = policy.team.chat_id or -1001000000099
        _add_team_chat(sandbox, team_id, policy, people)
        settings = Settings(database_url=SecretStr(database_url))
        runtime = await Runtime.create(
            settings, token=sandbox.token, policy=policy, clock=clock,
            request=SandboxRequest(sandbox), poll_timeout=0,
            # The playground's clock is manual, Telegram's budgets are real time: a test that
            # posts 21 times in a group would sleep a real minute. The budgets are proven where
            # time is real (tests/sandbox, the process tests, the benchmark's raid).
            rate_limiter=BudgetRateLimiter(overall_per_second=1e9, group_per_minute=1e9,
                                           other_per_second=1e9),
        )
        await runtime.start()
        for chat_id in [*ids, team_id]:
            sandbox.add_bot_to(chat_id, "administrator", by_user_id=people.owner)
        await runtime.deliver()
        await _seed_regulars(runtime, ids, people, clock)
        sandbox.clear_calls()
        return cls(sandbox, runtime, clock, people, ids[0], team_id, ids)

    async def deliver(self) -> None:
        await self.runtime.deliver()

    async def close(self) -> None:
        await self.runtime.stop()


async def _seed_regulars(runtime: Runtime, chat_ids: list[int], people: People,
                         clock: ManualClock) -> None:
    """Giulia and Sara are long-standing members, not newcomers under scrutiny."""
    since = clock.now() - timedelta(days=90)
    async with session_scope(runtime.services.sessions) as session:
        members = MembersRepo(session)
        for chat_id in chat_ids:
            for user_id, name in ((people.member, "Giulia"), (people.team, "Sara")):
                for _ in range(20):
                    await members.seen(chat_id, user_id, now=clock.now(), first_name=name,
                                       message=True, first_seen=since)


def _add_group(sandbox: Sandbox, chat_id: int, title: str, people: People) -> int:
    sandbox.add_group(title, chat_id=chat_id, owner_id=people.owner)
    sandbox.set_member(chat_id, people.admin, "administrator")
    sandbox.set_member(chat_id, people.member, "member")
    sandbox.set_member(chat_id, people.team, "member")
    return chat_id


def _add_team_chat(sandbox: Sandbox, chat_id: int, policy: PolicyFile, people: People) -> None:
    sandbox.add_group(f"{policy.brand.name} team", chat_id=chat_id, forum=bool(policy.team.topics),
                      owner_id=people.owner)
    for name, thread in sorted(policy.team.topics.items(), key=lambda item: item[1]):
        sandbox.add_topic(chat_id, name, thread_id=thread)
    sandbox.set_member(chat_id, people.team, "member")
    sandbox.set_member(chat_id, people.admin, "member")


def temporary_database(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'portavoce-try.db'}"
