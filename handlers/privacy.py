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
from handlers import metrics, reputation
from handlers.command_base import begin, reply
from handlers.targets import Unresolved, resolve
from handlers.views import SERVICE_USER_IDS
from policies.texts import text
from policies.voice import escape_html
from storage.repositories.privacy import PrivacyRepo, compact_after_erasure

RESTRICT = "can_restrict_members"


async def cmd_forget(update: Update, context: BotContext) -> None:
    cmd = await begin(update, context, RESTRICT)
    if cmd is None:
        return
    found = await resolve(cmd.message, cmd.args)
    if (isinstance(found, Unresolved) or found.user_id is None
            or found.user_id in SERVICE_USER_IDS or found.user_id == context.bot.id):
        await reply(cmd.message, escape_html(text("forget_usage", cmd.lang)))
        return
    uow = current_uow()
    report = await PrivacyRepo(uow.session).forget_user(
        found.user_id, current_update_id=uow.update_id)
    services = context.services

    async def compact() -> None:
        metrics.forget_cached(services)  # their activity and kudos rows are gone
        reputation.forget_cached(services)
        await compact_after_erasure(services.engine)

    uow.after_commit.append(compact)
    body = text("forget_done", cmd.lang, user_id=found.user_id, rows=report.total)
    await reply(cmd.message, escape_html(body))
