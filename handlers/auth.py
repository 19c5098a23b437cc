"""Who may do what: every manager action is checked against the caller's real rights.

Rights are read fresh from Telegram (getChatMember) right before a destructive action; the
cache only serves cheap questions ("is this member an admin, so don't answer/moderate them").
Anonymous admins (posting as the group itself) count as admins; their individual rights are
unknown to bots, so they are trusted with the admin rights Telegram requires to be anonymous.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import CallbackQuery, ChatMember, ChatMemberAdministrator, Message
from telegram.error import TelegramError

from bot.context import BotContext
from handlers.views import SERVICE_USER_IDS

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Caller:
    user_id: int
    anonymous: bool
    status: str


@dataclass(frozen=True, slots=True)
class Refusal:
    key: str  # a policies.texts key
    right: str = ""


def has_right(member: ChatMember, right: str | None) -> bool:
    if member.status == ChatMember.OWNER:
        return True
    if not isinstance(member, ChatMemberAdministrator):
        return False
    return right is None or bool(getattr(member, right, False))


async def fetch_member(context: BotContext, chat_id: int, user_id: int) -> ChatMember | None:
    try:
        return await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError as exc:
        log.info("getChatMember %s/%s failed: %s", chat_id, user_id, exc)
        return None


async def authorize(context: BotContext, message: Message, right: str | None) -> Caller | Refusal:
    """The caller of a command in a group, if they hold ``right`` there (None: any admin)."""
    chat = message.chat
    if chat.type not in ("group", "supergroup"):
        return Refusal("auth_group_only")
    if message.sender_chat is not None:
        if message.sender_chat.id == chat.id:
            return Caller(user_id=0, anonymous=True, status="administrator")
        return Refusal("auth_not_admin")
    user = message.from_user
    if user is None:
        return Refusal("auth_not_admin")
    member = await fetch_member(context, chat.id, user.id)
    if member is None or member.status not in (ChatMember.OWNER, ChatMember.ADMINISTRATOR):
        return Refusal("auth_not_admin")
    if not has_right(member, right):
        return Refusal("auth_missing_right", right or "")
    return Caller(user_id=user.id, anonymous=False, status=member.status)


async def bot_lacks(context: BotContext, chat_id: int, right: str) -> bool:
    """True when the bot itself cannot do it (checked before trying, to say so plainly)."""
    me = await fetch_member(context, chat_id, context.bot.id)
    return me is None or not has_right(me, right)


async def protected_target(context: BotContext, chat_id: int, user_id: int) -> str | None:
    """Why this member must not be acted on (a texts key), or None if they may be."""
    if user_id == context.bot.id:
        return "target_is_bot"
    if user_id in SERVICE_USER_IDS:
        return "target_is_service"
    if user_id in context.services.policy.team.members:
        return "target_is_team"
    member = await fetch_member(context, chat_id, user_id)
    if member is not None and member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR):
        return "target_is_admin"
    return None


async def is_team_member(context: BotContext, user_id: int) -> bool:
    """A member of the team chat (or listed in team.members): may press team buttons."""
    team = context.services.policy.team
    if user_id in team.members:
        return True
    if team.chat_id is None:
        return False
    member = await fetch_member(context, team.chat_id, user_id)
    if member is None:
        return False
    if member.status == ChatMember.RESTRICTED:
        return bool(getattr(member, "is_member", False))
    return member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER)


def from_team_chat(context: BotContext, query: CallbackQuery) -> bool:
    """The press comes from a message in the team chat: team buttons live nowhere else, so
    their data copied onto another chat's message (a modified client) is refused."""
    message = query.message
    return message is not None and message.chat.id == context.services.policy.team.chat_id
