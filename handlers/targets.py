"""Who a manager command is about: the replied-to member, a text mention (members without a
username), an @username or a numeric id."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message, MessageEntity, User

from bot.unit_of_work import current_uow
from policies.durations import DurationError, parse_duration
from storage.repositories.members import MembersRepo


@dataclass(frozen=True, slots=True)
class Resolved:
    user_id: int | None
    name: str
    sender_chat_id: int | None
    message_id: int | None  # the replied-to message, if any
    args: tuple[str, ...]   # what is left after the target


@dataclass(frozen=True, slots=True)
class Unresolved:
    key: str
    who: str = ""


async def resolve(message: Message, args: list[str]) -> Resolved | Unresolved:
    reply = message.reply_to_message
    if reply is not None and not reply.forum_topic_created:
        if reply.sender_chat is not None and reply.sender_chat.id != message.chat.id:
            title = reply.sender_chat.title or str(reply.sender_chat.id)
            return Resolved(None, title, reply.sender_chat.id, reply.message_id, tuple(args))
        if reply.from_user is not None:
            user = reply.from_user
            return Resolved(user.id, user.first_name, None, reply.message_id, tuple(args))
    mentioned = _text_mention(message)
    if mentioned is not None:
        user, rest = mentioned
        return Resolved(user.id, user.first_name, None, None, rest)
    if not args:
        return Unresolved("need_target")
    first, rest = args[0], tuple(args[1:])
    if first.lstrip("-").isdigit():
        member = await MembersRepo(current_uow().session).get(message.chat.id, int(first))
        name = member.first_name if member and member.first_name else first
        return Resolved(int(first), name, None, None, rest)
    if first.startswith("@"):
        member = await MembersRepo(current_uow().session).find_by_username(message.chat.id,
                                                                            first)
        if member is None:
            return Unresolved("unknown_target", first)
        return Resolved(member.user_id, member.first_name or first, None, None, rest)
    return Unresolved("need_target")


def _text_mention(message: Message) -> tuple[User, tuple[str, ...]] | None:
    """``/command <text mention> rest``: the mentioned user and the words after the mention.

    Entity offsets count UTF-16 code units (an emoji in a name counts two), as Telegram sends.
    """
    units = (message.text or "").encode("utf-16-le")
    for entity in message.entities:
        if entity.type != MessageEntity.TEXT_MENTION or entity.user is None:
            continue
        before = units[:entity.offset * 2].decode("utf-16-le", "replace").split()
        if len(before) == 1:  # right after the command word
            after = units[(entity.offset + entity.length) * 2:].decode("utf-16-le", "replace")
            return entity.user, tuple(after.split())
    return None


def split_duration(args: tuple[str, ...]) -> tuple[int | None, str]:
    """A leading duration (10m, 2h, 3d) and the reason after it.

    Raises:
        DurationError: the first word looks like a duration but is not a valid one.
    """
    if not args:
        return None, ""
    first = args[0]
    if first[:1].isdigit():
        return parse_duration(first), " ".join(args[1:])
    return None, " ".join(args)


__all__ = ["DurationError", "Resolved", "Unresolved", "resolve", "split_duration"]
