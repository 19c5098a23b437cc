"""/forget: a manager erases a member's stored messages and names (right to erasure).

Needs the same right as /ban (``can_restrict_members``), because it removes evidence the team
might otherwise use. The member is named by reply, @username or numeric id; the bot answers with
the id only, so the confirmation does not store the name again. Warnings and bans are kept (see
storage/repositories/privacy.py for what is kept and why).
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.unit_of_work import current_uow
from handlers.command_base import begin, reply
from handlers.targets import Unresolved, resolve
from handlers.views import SERVICE_USER_IDS
from policies.voice import escape_html
from storage.repositories.privacy import PrivacyRepo, compact_after_erasure

RESTRICT = "can_restrict_members"

# Kept here until they move to policies/texts.py (owned by another change).
_TEXTS = {
    "forget_done": {
        "it": "🗑 Ho cancellato i messaggi e il nome dell'utente {user_id} ({rows} dati). "
              "Avvisi e ban restano, servono a far rispettare le regole.",
        "en": "🗑 I erased the messages and name of user {user_id} ({rows} items). "
              "Warnings and bans stay: they are needed to enforce the rules.",
    },
    "forget_usage": {
        "it": "Rispondi a un messaggio del membro con /forget, oppure /forget <id>.",
        "en": "Reply to the member's message with /forget, or send /forget <id>.",
    },
}


def _say(key: str, lang: str, **params: object) -> str:
    variants = _TEXTS[key]
    return (variants.get(lang) or variants["en"]).format(**params)


async def cmd_forget(update: Update, context: BotContext) -> None:
    cmd = await begin(update, context, RESTRICT)
    if cmd is None:
        return
    found = await resolve(cmd.message, cmd.args)
    if (isinstance(found, Unresolved) or found.user_id is None
            or found.user_id in SERVICE_USER_IDS or found.user_id == context.bot.id):
        await reply(cmd.message, escape_html(_say("forget_usage", cmd.lang)))
        return
    uow = current_uow()
    report = await PrivacyRepo(uow.session).forget_user(
        found.user_id, current_update_id=uow.update_id)
    engine = context.services.engine

    async def compact() -> None:
        await compact_after_erasure(engine)

    uow.after_commit.append(compact)
    body = _say("forget_done", cmd.lang, user_id=found.user_id, rows=report.total)
    await reply(cmd.message, escape_html(body))
