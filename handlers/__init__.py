"""Handler order lives here, in one place.

Groups: -3 preparation that must not hold the database (FAQ matching in a thread), -2 guards,
-1 tracking, 0 moderation, 1 FAQ and reputation, 2 commands and callbacks.
Commands never fire on edited messages (PTB's CommandHandler does by default: editing /ban
would ban again).
"""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import basic, faq, membership

COMMANDS = filters.UpdateType.MESSAGE


def register(app: Any) -> None:
    app.add_handler(MessageHandler(filters.TEXT | filters.CAPTION, faq.prepare), group=-3)
    app.add_handler(ChatMemberHandler(membership.on_my_chat_member,
                                      ChatMemberHandler.MY_CHAT_MEMBER), group=-2)
    app.add_handler(ChatMemberHandler(membership.on_chat_member,
                                      ChatMemberHandler.CHAT_MEMBER), group=-2)
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, membership.on_migration),
                    group=-2)
    app.add_handler(MessageHandler(filters.ALL, membership.track_activity), group=-1)
    app.add_handler(CommandHandler(["start", "help"], basic.cmd_help, filters=COMMANDS),
                    group=2)
    app.add_handler(CommandHandler("rules", basic.cmd_rules, filters=COMMANDS), group=2)
    app.add_handler(MessageHandler(filters.TEXT | filters.CAPTION, faq.answer), group=1)
    app.add_handler(CallbackQueryHandler(faq.on_feedback, pattern=r"^faq:"), group=2)
