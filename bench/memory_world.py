"""What the memory scenario's processes start from: the policy file, Telegram's world (the
sandbox's state file) and the bot's database, as a bot that has served its chats for months
finds them when the operator (re)starts it.

- Policy file: the benchmark's generated policy, written as YAML and read back by the bot
  (``PORTAVOCE_POLICY_FILE``) like any operator's file.
- Sandbox: the policy's communities plus generated groups, the team chat, an owner, and
  ``per_group`` members in each group; the bot is an administrator everywhere already
  (put silently: no ``my_chat_member`` update is left to deliver).
- Database: migrated to the head revision (so the bot's start does not import alembic, as
  on any restart), the FAQ's vectors (else the bot embeds 10,000 entries, minutes), every
  chat as the bot stores it when made an administrator (``on_my_chat_member``: the chat,
  the bot's status and rights, the owner in the admin cache) and every member as a bot that
  met them long ago has them. The members table has no foreign key: rows go in by chunks.

Nothing here is kept once the files are written: the bench process is not measured.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy import insert

from bench.plan import Plan
from bench.policy import faq_vector_batches, make_policy
from bench.world import add_groups
from bot.policy_loader import load_policy
from bot.sandbox import Sandbox
from bot.sandbox.persist import save_file
from handlers.membership import RIGHT_FLAGS
from policies.schema import PolicyFile
from storage import migrate
from storage.db import create_engine, make_session_factory, session_scope
from storage.models import Chat, Member
from storage.repositories.faq import FaqRepo

POLICY, STATE, DATABASE, BASELINE = "policy.yaml", "sandbox.json", "bot.db", "baseline.db"
CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class Layout:
    """Who is where in the saved world: the scenario needs one speaker per group."""

    groups: list[int]
    team_chat_id: int
    speakers: dict[int, int]  # group -> a regular member who will post there
    members: int  # regular members in all groups


def write_policy(policy: PolicyFile, path: Path) -> None:
    """The policy as a YAML file the bot's loader reads back to an equal PolicyFile."""
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    text = io.StringIO()
    yaml.dump(policy.model_dump(mode="json", exclude_defaults=True), text)
    path.write_text(text.getvalue(), encoding="utf-8")


def build_sandbox(policy: PolicyFile, groups: int, per_group: int) -> tuple[Sandbox, Layout]:
    """Telegram's side: ``groups`` groups (the policy's first), the team chat, members."""
    sandbox = Sandbox()
    _, chat_ids, team = add_groups(sandbox, policy, groups)
    for chat_id in [*chat_ids, team]:
        sandbox.set_member(chat_id, sandbox.bot_id, "administrator")
    speakers: dict[int, int] = {}
    for chat_id in chat_ids:
        for n in range(per_group):
            user = sandbox.add_user(f"M{n}", language_code="it")["id"]
            sandbox.set_member(chat_id, user, "member")
            speakers.setdefault(chat_id, user)
    return sandbox, Layout(chat_ids, team, speakers, per_group * len(chat_ids))


async def prepare(plan: Plan, directory: Path) -> Layout:
    """Every file in ``directory``: POLICY, STATE, DATABASE and BASELINE (a database with the
    schema and the bundled example's vectors, for a bot started on the example policy)."""
    policy = make_policy(plan.terms, plan.regexes, plan.memory_faq)
    write_policy(policy, directory / POLICY)
    sandbox, layout = build_sandbox(policy, plan.memory_chats,
                                    plan.memory_members // plan.memory_chats)
    save_file(sandbox, directory / STATE)
    await prepare_database(directory / DATABASE, policy, sandbox,
                           [*layout.groups, layout.team_chat_id])
    await prepare_database(directory / BASELINE, load_policy(), None, [])
    return layout


async def prepare_database(path: Path, policy: PolicyFile, sandbox: Sandbox | None,
                           chat_ids: list[int]) -> None:
    """Schema, the policy's FAQ vectors and (with a sandbox) ``chat_ids`` and their members."""
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await migrate.upgrade(engine)
        sessions = make_session_factory(engine)
        for vectors in faq_vector_batches(policy):
            async with session_scope(sessions) as session:
                await FaqRepo(session).add_vectors(vectors)
        if sandbox is None:
            return
        now = datetime.now(UTC)
        async with session_scope(sessions) as session:
            await session.execute(insert(Chat), [_chat_row(sandbox, c, now) for c in chat_ids])
        rows = _member_rows(sandbox, chat_ids, now)
        while chunk := list(islice(rows, CHUNK)):
            async with session_scope(sessions) as session:
                await session.execute(insert(Member), chunk)
    finally:
        await engine.dispose()


def _chat_row(sandbox: Sandbox, chat_id: int, now: datetime) -> dict[str, Any]:
    """The row ``on_my_chat_member`` leaves for a chat where the bot was made an admin."""
    chat, bot = sandbox.chat(chat_id), sandbox.chat(chat_id).member(sandbox.bot_id)
    rights = {flag: bool(bot.rights.get(flag, False)) for flag in RIGHT_FLAGS}
    rights["is_anonymous"] = bot.is_anonymous
    return {"chat_id": chat_id, "type": chat.type, "title": chat.title or "",
            "username": chat.username, "is_forum": chat.is_forum, "bot_status": bot.status,
            "bot_rights": rights, "active": True, "updated_at": now}


def _member_rows(sandbox: Sandbox, chat_ids: list[int],
                 now: datetime) -> Iterator[dict[str, Any]]:
    """Owners as the admin cache has them; members met 90 days ago, 20 messages each."""
    since = now - timedelta(days=90)
    for chat_id in chat_ids:
        for member in sandbox.chat(chat_id).members.values():
            if member.user_id == sandbox.bot_id:
                continue
            owner = member.status == "creator"
            yield {"chat_id": chat_id, "user_id": member.user_id,
                   "first_name": sandbox.user(member.user_id).first_name,
                   "status": member.status,
                   "rights": dict.fromkeys(RIGHT_FLAGS, True) if owner else {},
                   "rights_checked_at": now if owner else None, "first_seen": since,
                   "last_seen": since, "message_count": 0 if owner else 20,
                   "trusted": False}
