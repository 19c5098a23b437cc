"""Handler order lives here, in one place.

Groups: -4 caches another worker made stale (role `worker` only), -3 preparation that must not
hold the database (FAQ matching in a thread), -2 guards,
-1 tracking, 0 moderation, 1 FAQ answers, 2 commands and buttons, 3 escalation watch
(complaints, '@admin'), 4 the team's replies to cards. Only one handler per group runs for an
update. Commands never fire on edited messages (PTB's CommandHandler does by default: editing
/ban would ban again).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import (
    basic,
    case_buttons,
    escalation,
    faq,
    faq_admin,
    freshness,
    membership,
    mod_commands,
    moderation,
    modlog,
    newcomers,
    privacy,
    reputation,
    rule_commands,
)

COMMANDS = filters.UpdateType.MESSAGE
WATCHED = (filters.ChatType.GROUPS & filters.UpdateType.MESSAGE & (filters.TEXT | filters.CAPTION)
           & ~filters.COMMAND)
MODERATED = (
    filters.ChatType.GROUPS
    & (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE)
    # A service message never has text or a caption: checking those first spares most
    # messages StatusUpdate.ALL's thirty-odd checks (25 us of the 46 all groups took).
    & (filters.TEXT | filters.CAPTION | ~filters.StatusUpdate.ALL)
)


def register(app: Any) -> None:
    app.add_handler(TypeHandler(Update, freshness.refresh), group=-4)
    app.add_handler(MessageHandler(filters.TEXT | filters.CAPTION, faq.prepare), group=-3)
    app.add_handler(ChatMemberHandler(membership.on_my_chat_member,
                                      ChatMemberHandler.MY_CHAT_MEMBER), group=-2)
    app.add_handler(ChatMemberHandler(membership.on_chat_member,
                                      ChatMemberHandler.CHAT_MEMBER), group=-2)
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, membership.on_migration),
                    group=-2)
    app.add_handler(MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, newcomers.on_join),
                    group=-2)
    app.add_handler(MessageHandler(filters.ALL, membership.track_activity), group=-1)
    app.add_handler(MessageHandler(MODERATED, moderation.on_group_message), group=0)
    app.add_handler(CommandHandler(["start", "help"], basic.cmd_help, filters=COMMANDS),
                    group=2)
    app.add_handler(CommandHandler("rules", basic.cmd_rules, filters=COMMANDS), group=2)
    app.add_handler(CommandHandler("faq", faq_admin.cmd_faq, filters=COMMANDS), group=2)
    app.add_handler(CommandHandler("forget", privacy.cmd_forget, filters=COMMANDS), group=2)
    for name, callback in (("report", escalation.cmd_report),
                           ("escalate", escalation.cmd_escalate),
                           ("open", case_buttons.cmd_open), ("case", case_buttons.cmd_case),
                           ("stats", reputation.cmd_stats),
                           ("export", reputation.cmd_export)):
        app.add_handler(CommandHandler(name, callback, filters=COMMANDS), group=2)
    app.add_handler(CallbackQueryHandler(case_buttons.on_case_button, pattern=r"^case:"),
                    group=2)
    app.add_handler(CallbackQueryHandler(reputation.on_digest_button, pattern=r"^dig:"),
                    group=2)
    app.add_handler(MessageHandler(WATCHED, escalation.watch), group=3)
    app.add_handler(MessageHandler(filters.REPLY & filters.TEXT & ~filters.COMMAND
                                   & filters.UpdateType.MESSAGE, case_buttons.on_team_reply),
                    group=4)
    for module in (mod_commands, rule_commands):
        for name in dir(module):
            if name.startswith("cmd_"):
                app.add_handler(CommandHandler(name[4:], getattr(module, name), filters=COMMANDS),
                                group=2)
    app.add_handler(MessageHandler(filters.TEXT | filters.CAPTION, faq.answer), group=1)
    app.add_handler(CallbackQueryHandler(faq.on_feedback, pattern=r"^faq:"), group=2)
    app.add_handler(CallbackQueryHandler(newcomers.on_verify_press, pattern=r"^ver:"), group=2)
    app.add_handler(CallbackQueryHandler(modlog.on_undo, pattern=r"^mod:"), group=2)
