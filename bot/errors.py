"""The one error handler: log with update and chat ids, mark the update's work as failed."""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import BotContext
from bot.unit_of_work import maybe_uow

log = logging.getLogger("portavoce.errors")


async def on_error(update: object, context: BotContext) -> None:
    """Never re-raise: a handler bug must not stop the bot, and the update is not retried."""
    update_id = update.update_id if isinstance(update, Update) else None
    chat = update.effective_chat if isinstance(update, Update) else None
    chat_id = chat.id if chat else None
    error = context.error
    log.error(
        "handler failed for update %s in chat %s: %s: %s",
        update_id, chat_id, type(error).__name__, error,
        exc_info=error, extra={"update_id": update_id, "chat_id": chat_id},
    )
    uow = maybe_uow()
    if uow is not None and error is not None:
        uow.error = error
