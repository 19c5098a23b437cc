"""The memory benchmark's prepared files say what the bot would have: its policy read back
equal, every chat and member in its database, and the bot an administrator in the world."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bench.memory_world import DATABASE, POLICY, STATE, prepare, write_policy
from bench.plan import QUICK, Plan
from bench.policy import make_policy
from bot.policy_loader import load_policy
from bot.sandbox import Sandbox
from bot.sandbox.persist import load_file

SMALL = Plan(**{**{f: getattr(QUICK, f) for f in QUICK.__dataclass_fields__},
                "terms": 50, "regexes": 5, "memory_chats": 4, "memory_members": 12,
                "memory_faq": 6})


def test_the_policy_file_reads_back_to_the_same_policy(tmp_path: Path) -> None:
    policy = make_policy(50, 5, 6)
    write_policy(policy, tmp_path / POLICY)
    assert load_policy(tmp_path / POLICY) == policy


async def test_prepared_world_and_database_agree(tmp_path: Path) -> None:
    layout = await prepare(SMALL, tmp_path)
    assert len(layout.groups) == 4
    assert layout.members == 12
    world = Sandbox()
    assert load_file(world, tmp_path / STATE)
    assert not world.pending  # nothing left to deliver: the bot is in every chat already
    for chat_id in [*layout.groups, layout.team_chat_id]:
        assert world.chat(chat_id).member(world.bot_id).status == "administrator"
    for chat_id, user in layout.speakers.items():
        assert world.chat(chat_id).member(user).status == "member"
    with closing(sqlite3.connect(tmp_path / DATABASE)) as db:
        chats = dict(db.execute("SELECT chat_id, bot_status FROM chats"))
        members = dict(db.execute("SELECT status, count(*) FROM members GROUP BY status"))
        vectors = db.execute("SELECT count(*) FROM faq_vectors").fetchone()[0]
    assert chats == dict.fromkeys([*layout.groups, layout.team_chat_id], "administrator")
    assert members == {"creator": 5, "member": 12}  # each chat's owner (team too), members
    assert vectors > 0
