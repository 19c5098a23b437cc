"""The sender's member row, read once per update.

Moderation, the FAQ and escalation all ask "who is this member (tenure, admin, trusted)?"
for the same message; `track_activity` already has the row from its upsert, so the others
reuse it from the update's scratch space instead of reading it again.
"""

from __future__ import annotations

from bot.unit_of_work import UnitOfWork
from storage.repositories.members import MemberInfo, MembersRepo


def _key(chat_id: int, user_id: int) -> str:
    return f"member:{chat_id}:{user_id}"


def remember(uow: UnitOfWork, info: MemberInfo) -> None:
    uow.scratch[_key(info.chat_id, info.user_id)] = info


async def member_of(uow: UnitOfWork, chat_id: int, user_id: int) -> MemberInfo | None:
    key = _key(chat_id, user_id)
    if key not in uow.scratch:
        uow.scratch[key] = await MembersRepo(uow.session).get(chat_id, user_id)
    info: MemberInfo | None = uow.scratch[key]
    return info
