"""Several workers: first thing in every update, drop what another process made stale.

A /blocklist, /lock or /mode handled by another worker, a /spam verdict, a FAQ edit: the
rules, spam model and FAQ index this process cached from them are rebuilt before any handler
uses them (one cheap query per update, only in role `worker`; nothing in role `all`).
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext


async def refresh(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    await context.services.moderation.sync(chat.id if chat is not None else 0)
