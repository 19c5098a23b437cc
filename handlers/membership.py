"""Where the bot is and with which rights; who is in each chat; groups becoming supergroups."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import ChatMember, ChatMemberAdministrator, Update
from telegram.error import NetworkError, TelegramError

from bot.context import BotContext
from bot.notices import team_language
from bot.unit_of_work import current_uow
from handlers import actions, metrics
from handlers.members import remember
from policies.texts import text
from policies.voice import escape_html
from storage.repositories.chats import ChatsRepo
from storage.repositories.members import MembersRepo

log = logging.getLogger(__name__)

RIGHT_FLAGS = (
    "can_manage_chat", "can_delete_messages", "can_restrict_members", "can_promote_members",
    "can_change_info", "can_invite_users", "can_pin_messages", "can_manage_topics",
    "can_post_messages", "can_edit_messages", "is_anonymous",
)


def rights_of(member: ChatMember) -> dict[str, Any]:
    if member.status == ChatMember.OWNER:
        return dict.fromkeys(RIGHT_FLAGS, True)
    if isinstance(member, ChatMemberAdministrator):
        return {flag: bool(getattr(member, flag, False)) for flag in RIGHT_FLAGS}
    return {}


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    change = update.my_chat_member
    if change is None:
        return
    chat, new = change.chat, change.new_chat_member
    admins = await fetch_admins(context, chat.id) if new.status == ChatMember.ADMINISTRATOR else []
    uow = current_uow()  # Telegram is asked first: no transaction is open during the call
    chats = ChatsRepo(uow.session)
    await chats.upsert(chat.id, type=chat.type, title=chat.title or "", now=uow.now,
                       username=chat.username, is_forum=bool(chat.is_forum))
    await chats.set_bot_status(chat.id, new.status, rights_of(new), uow.now)
    await store_admins(chat.id, admins)
    await _tell_team(context, chat.id, chat.title or str(chat.id), new)


async def fetch_admins(context: BotContext, chat_id: int) -> list[ChatMember]:
    """The chat's administrators from Telegram (empty if Telegram refuses).

    A network hiccup is retried (three tries, 0.5 and 1 s apart): an empty answer leaves the
    admin cache without the chat's owner until the next promotion or refresh.
    """
    for delay in (0.5, 1.0, None):
        try:
            return list(await context.bot.get_chat_administrators(chat_id))
        except NetworkError as exc:  # timeouts included
            if delay is None:
                log.warning("could not list admins of %s: %s", chat_id, exc)
                return []
            await asyncio.sleep(delay)
        except TelegramError as exc:
            log.info("could not list admins of %s: %s", chat_id, exc)
            return []
    return []


async def store_admins(chat_id: int, admins: list[ChatMember]) -> None:
    """Refresh the admin cache: listed admins get their rights, former admins are demoted."""
    uow = current_uow()
    members = MembersRepo(uow.session)
    listed = {m.user.id for m in admins}
    if admins:
        for former in await members.list_admins(chat_id):
            if former.user_id not in listed:
                await members.set_status(chat_id, former.user_id, "member", {}, uow.now)
    for admin in admins:
        if not admin.user.is_bot:
            await members.set_status(chat_id, admin.user.id, admin.status, rights_of(admin),
                                     uow.now)


async def _tell_team(context: BotContext, chat_id: int, title: str, new: ChatMember) -> None:
    services = context.services
    team_chat = services.policy.team.chat_id
    if team_chat is None or chat_id == team_chat:
        return
    lang = team_language(services)
    label = f"<b>{escape_html(title)}</b>"
    if new.status in (ChatMember.LEFT, ChatMember.BANNED):
        body = text("bot_removed", lang, chat=label)
    else:
        rights = rights_of(new)
        ok = rights.get("can_delete_messages") and rights.get("can_restrict_members")
        advice = "" if ok else text("bot_needs_admin", lang)
        body = text("bot_added", lang, chat=label, status=new.status, advice=advice)
    await actions.send_message(team_chat, body)


async def on_chat_member(update: Update, context: BotContext) -> None:
    """Keep the admin cache fresh: promotions and demotions arrive as chat_member updates."""
    change = update.chat_member
    if change is None:
        return
    uow, new = current_uow(), change.new_chat_member
    await MembersRepo(uow.session).set_status(
        change.chat.id, new.user.id, new.status, rights_of(new), uow.now
    )


async def on_migration(update: Update, context: BotContext) -> None:
    """Telegram sends migrate_to (old chat) and migrate_from (new chat); either one moves it."""
    message = update.message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old_id, new_id = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old_id, new_id = message.migrate_from_chat_id, message.chat.id
    else:
        return
    uow = current_uow()
    await ChatsRepo(uow.session).migrate(old_id, new_id, uow.now)


def _known(known: set[int], chat_id: int) -> Callable[[], Awaitable[None]]:
    async def remember_chat() -> None:
        known.add(chat_id)
    return remember_chat


async def track_activity(update: Update, context: BotContext) -> None:
    """Remember the chat and the member (tenure, activity) for every group message."""
    message = update.message or update.edited_message
    if message is None or message.chat.type not in ("group", "supergroup"):
        return
    uow, chat, user = current_uow(), message.chat, message.from_user
    services = context.services
    known: set[int] = services.extras.setdefault("known_chats", set())
    if chat.id not in known:  # chats are never deleted: once stored, no need to look again
        chats = ChatsRepo(uow.session)
        if await chats.get(chat.id) is None:
            await chats.upsert(chat.id, type=chat.type, title=chat.title or "", now=uow.now,
                               username=chat.username, is_forum=bool(chat.is_forum))
        uow.after_commit.append(_known(known, chat.id))
    if message.new_chat_members:
        humans = [u for u in message.new_chat_members if not u.is_bot]
        if humans:
            await metrics.count(services, chat.id, "joins", len(humans))
        return
    if message.left_chat_member:
        if not message.left_chat_member.is_bot:
            await metrics.count(services, chat.id, "leaves")
        return
    if user is not None and not user.is_bot and message.sender_chat is None:
        remember(uow, await MembersRepo(uow.session).seen(
            chat.id, user.id, now=uow.now, first_name=user.first_name or "",
            username=user.username, message=update.message is not None,
        ))
        if update.message is not None and chat.id != services.policy.team.chat_id:
            await metrics.count(services, chat.id, "messages")
            await metrics.active(services, chat.id, user.id)
