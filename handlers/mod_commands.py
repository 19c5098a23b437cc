"""/ban /unban /mute /unmute /kick /warn /unwarn /warns: by reply, @username or id."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update

from bot.context import BotContext
from bot.unit_of_work import current_uow
from handlers import actions
from handlers.auth import protected_target
from handlers.command_base import Command, begin, reply
from handlers.enforce import UNMUTED, Target, enforce
from handlers.targets import DurationError, Resolved, Unresolved, resolve, split_duration
from policies.moderation import Decision, RuleResult
from policies.texts import text
from policies.voice import escape_html
from storage.repositories.moderation import EventsRepo, WarningsRepo

RESTRICT = "can_restrict_members"


async def _target(cmd: Command, context: BotContext) -> Resolved | None:
    found = await resolve(cmd.message, cmd.args)
    if isinstance(found, Unresolved):
        await reply(cmd.message, escape_html(text(found.key, cmd.lang, who=found.who)))
        return None
    if found.user_id is not None:
        why = await protected_target(context, cmd.chat_id, found.user_id)
        if why is not None:
            await reply(cmd.message, escape_html(text(why, cmd.lang)))
            return None
    return found


async def _act(update: Update, context: BotContext, action: str, *, warn: bool = False) -> None:
    cmd = await begin(update, context, RESTRICT)
    if cmd is None:
        return
    found = await _target(cmd, context)
    if found is None:
        return
    try:
        duration, reason = split_duration(found.args)
    except DurationError as exc:
        await reply(cmd.message, escape_html(str(exc)))
        return
    services = context.services
    rules = services.moderation.rules(cmd.chat_id,
                                      await services.moderation.chat_settings(cmd.chat_id))
    if action == "mute" and duration is None:
        duration = rules.flood.duration
    detail = reason or "-"
    decision = Decision.from_reasons((RuleResult("manual", detail, action, duration),), None)
    if warn:
        decision = Decision.from_reasons((RuleResult("manual", detail, "warn"),), None)
    target = Target(cmd.chat_id, found.user_id, found.name, message_id=None,
                    thread_id=cmd.thread_id, sender_chat_id=found.sender_chat_id)
    await enforce(target, decision, rules, cmd.lang, dry_run=False, by=cmd.caller.user_id)
    if not warn:
        what = f"{action} {escape_html(found.name)}"
        await reply(cmd.message, escape_html(text("mod_done", cmd.lang, what=what)))


async def cmd_ban(update: Update, context: BotContext) -> None:
    await _act(update, context, "ban")


async def cmd_mute(update: Update, context: BotContext) -> None:
    await _act(update, context, "mute")


async def cmd_kick(update: Update, context: BotContext) -> None:
    await _act(update, context, "kick")


async def cmd_warn(update: Update, context: BotContext) -> None:
    await _act(update, context, "warn", warn=True)


async def _lift(update: Update, context: BotContext, action: str) -> None:
    cmd = await begin(update, context, RESTRICT)
    if cmd is None:
        return
    found = await resolve(cmd.message, cmd.args)
    if isinstance(found, Unresolved) or found.user_id is None:
        key = found.key if isinstance(found, Unresolved) else "need_target"
        await reply(cmd.message, escape_html(text(key, cmd.lang)))
        return
    if action == "unmute":
        await actions.restrict(cmd.chat_id, found.user_id, until=None, permissions=UNMUTED)
    else:
        await actions.unban(cmd.chat_id, found.user_id)
    uow = current_uow()
    await EventsRepo(uow.session).add(chat_id=cmd.chat_id, user_id=found.user_id,
                                      message_id=None, action=action, reasons="manual",
                                      now=uow.now, by=cmd.caller.user_id)
    what = f"{action} {escape_html(found.name)}"
    await reply(cmd.message, escape_html(text("mod_done", cmd.lang, what=what)))


async def cmd_unban(update: Update, context: BotContext) -> None:
    await _lift(update, context, "unban")


async def cmd_unmute(update: Update, context: BotContext) -> None:
    await _lift(update, context, "unmute")


async def cmd_unwarn(update: Update, context: BotContext) -> None:
    await _warnings(update, context, remove=True)


async def cmd_warns(update: Update, context: BotContext) -> None:
    await _warnings(update, context, remove=False)


async def _warnings(update: Update, context: BotContext, *, remove: bool) -> None:
    cmd = await begin(update, context, RESTRICT if remove else None, bot_needs="")
    if cmd is None:
        return
    found = await resolve(cmd.message, cmd.args)
    if isinstance(found, Unresolved) or found.user_id is None:
        await reply(cmd.message, escape_html(text("need_target", cmd.lang)))
        return
    uow, services = current_uow(), context.services
    rules = services.moderation.rules(cmd.chat_id,
                                      await services.moderation.chat_settings(cmd.chat_id))
    repo = WarningsRepo(uow.session)
    if remove:
        await repo.remove_last(cmd.chat_id, found.user_id)
    since = uow.now - timedelta(seconds=rules.warnings.window)
    active = await repo.active(cmd.chat_id, found.user_id, since)
    name, limit = escape_html(found.name), rules.warnings.limit
    if remove:
        body = text("mod_unwarned", cmd.lang, name=name, count=len(active), limit=limit)
    elif not active:
        body = text("mod_no_warnings", cmd.lang, name=name)
    else:
        items = "\n".join(f"• {escape_html(w.reason)}" for w in active)
        body = text("mod_warns", cmd.lang, name=name, count=len(active), limit=limit, list=items)
    await reply(cmd.message, body)
