"""Save and restore a sandbox's world as JSON (``server.py --state-file``).

A process-level test can restart the sandbox server (or hand a prepared world to it) without
losing chats, members, messages or unconfirmed updates. Written atomically: a crash mid-write
leaves the previous file intact.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bot.sandbox.model import Chat, Member, StoredMessage, Topic, User
from bot.sandbox.params import UploadedFile
from bot.sandbox.state import PendingQuery, World

JsonDict = dict[str, Any]
_COUNTERS = ("next_update_id", "next_user_id", "next_chat_seq", "next_query_seq",
             "next_file_seq")


def dump_state(world: World) -> JsonDict:
    """Everything but the call record: that belongs to one run, not to the world."""
    chats = []
    for chat in world.chats.values():
        data = asdict(chat)
        data["banned_sender_chats"] = sorted(chat.banned_sender_chats)
        data["members"] = list(data["members"].values())
        data["messages"] = list(data["messages"].values())
        data["topics"] = list(data["topics"].values())
        chats.append(data)
    return {
        "users": [asdict(u) for u in world.users.values()],
        "chats": chats,
        "pending": world.pending,
        "webhook": world.webhook,
        "allowed_updates": world.allowed_updates,
        "commands": world.commands,
        "queries": [asdict(q) for q in world.queries.values()],
        "files": {fid: {"filename": f.filename, "mime_type": f.mime_type,
                        "content": base64.b64encode(f.content).decode("ascii")}
                  for fid, f in world.files.items()},
        "counters": {name: getattr(world, name) for name in _COUNTERS},
    }


def load_state(world: World, data: JsonDict) -> None:
    world.users = {u["id"]: User(**u) for u in data["users"]}
    world.chats = {}
    for raw in data["chats"]:
        chat = Chat(**{**raw, "members": {}, "messages": {}, "topics": {},
                       "banned_sender_chats": set(raw["banned_sender_chats"])})
        chat.members = {m["user_id"]: Member(**m) for m in raw["members"]}
        chat.messages = {m["message_id"]: StoredMessage(**m) for m in raw["messages"]}
        chat.topics = {t["thread_id"]: Topic(**t) for t in raw["topics"]}
        world.chats[chat.id] = chat
    world.pending = list(data["pending"])
    world.webhook = dict(data["webhook"])
    world.allowed_updates = data["allowed_updates"]
    world.commands = dict(data["commands"])
    world.queries = {q["query_id"]: PendingQuery(**q) for q in data["queries"]}
    world.files = {fid: UploadedFile(f["filename"], base64.b64decode(f["content"]),
                                     f["mime_type"]) for fid, f in data["files"].items()}
    for name, value in data["counters"].items():
        setattr(world, name, value)


def save_file(world: World, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(dump_state(world), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def load_file(world: World, path: Path) -> bool:
    """Restore from ``path`` if it exists; False when starting fresh."""
    if not path.exists():
        return False
    load_state(world, json.loads(path.read_text(encoding="utf-8")))
    return True
