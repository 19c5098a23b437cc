"""/del /purge /approve /unapprove /lock /unlock /locks /blocklist /spam /notspam /why
/reload /mode: the chat's rules, managed from Telegram."""

from __future__ import annotations

from typing import Any, get_args

from telegram import Update

from bot.context import BotContext
from bot.moderation_service import BLOCKLIST_KEY, LOCKS_KEY, MODE_KEY
from bot.unit_of_work import current_uow
from handlers import actions
from handlers.auth import protected_target
from handlers.command_base import Command, begin, reply
from handlers.enforce import UNMUTED, Target, enforce
from handlers.membership import fetch_admins, store_admins
from handlers.targets import Unresolved, resolve
from policies.moderation import Decision, RuleResult
from policies.patterns import PatternError, compile_pattern
from policies.schema import Action, BlockRule, Lock
from policies.texts import text
from policies.voice import escape_html
from storage.repositories.members import MembersRepo
from storage.repositories.moderation import EventsRepo, SpamSamplesRepo
from storage.repositories.settings import ChatSettingsRepo

DELETE, CHANGE_INFO, RESTRICT = "can_delete_messages", "can_change_info", "can_restrict_members"
KNOWN_LOCKS: tuple[str, ...] = get_args(Lock)
KNOWN_ACTIONS: tuple[str, ...] = get_args(Action)
PURGE_LIMIT = 500


async def _put(context: BotContext, cmd: Command, key: str, value: Any) -> None:
    uow = current_uow()
    await ChatSettingsRepo(uow.session).put(cmd.chat_id, key, value, by=cmd.caller.user_id,
                                            now=uow.now)
    context.services.moderation.invalidate(cmd.chat_id)


async def cmd_del(update: Update, context: BotContext) -> None:
    cmd = await begin(update, context, DELETE)
    if cmd is None or cmd.message.reply_to_message is None:
        return
    await actions.delete_messages(cmd.chat_id, [cmd.message.reply_to_message.message_id,
                                                cmd.message.message_id])


async def cmd_purge(update: Update, context: BotContext) -> None:
    cmd = await begin(update, context, DELETE)
    if cmd is None or cmd.message.reply_to_message is None:
        return
    first = max(cmd.message.reply_to_message.message_id,
                cmd.message.message_id - PURGE_LIMIT)
    await actions.delete_messages(cmd.chat_id, list(range(first, cmd.message.message_id + 1)))


async def _trust(update: Update, context: BotContext, trusted: bool) -> None:
    cmd = await begin(update, context, RESTRICT, bot_needs="")
    if cmd is None:
        return
    found = await resolve(cmd.message, cmd.args)
    if isinstance(found, Unresolved) or found.user_id is None:
        await reply(cmd.message, escape_html(text("need_target", cmd.lang)))
        return
    uow = current_uow()
    await MembersRepo(uow.session).set_trusted(cmd.chat_id, found.user_id, trusted, uow.now)
    verb = "approve" if trusted else "unapprove"
    await reply(cmd.message, escape_html(text("mod_done", cmd.lang,
                                              what=f"{verb} {found.name}")))


async def cmd_approve(update: Update, context: BotContext) -> None:
    await _trust(update, context, True)


async def cmd_unapprove(update: Update, context: BotContext) -> None:
    await _trust(update, context, False)


async def _lock(update: Update, context: BotContext, on: bool) -> None:
    cmd = await begin(update, context, CHANGE_INFO, bot_needs="")
    if cmd is None:
        return
    mod = context.services.moderation
    current = [str(lock) for lock in
               mod.rules(cmd.chat_id, await mod.chat_settings(cmd.chat_id)).locks]
    if not cmd.args or any(a not in KNOWN_LOCKS for a in cmd.args):
        bad = next((a for a in cmd.args if a not in KNOWN_LOCKS), "")
        await reply(cmd.message, escape_html(text("unknown_lock", cmd.lang, lock=bad,
                                                  known=", ".join(KNOWN_LOCKS))))
        return
    wanted = [*current, *(a for a in cmd.args if a not in current)] if on else [
        lock for lock in current if lock not in cmd.args]
    await _put(context, cmd, LOCKS_KEY, wanted)
    await reply(cmd.message, _locks_text(wanted, cmd.lang))


def _locks_text(locks: list[str], lang: str) -> str:
    if not locks:
        return text("locks_none", lang)
    return escape_html(text("locks_list", lang, locks=", ".join(locks)))


async def cmd_lock(update: Update, context: BotContext) -> None:
    await _lock(update, context, True)


async def cmd_unlock(update: Update, context: BotContext) -> None:
    await _lock(update, context, False)


async def cmd_locks(update: Update, context: BotContext) -> None:
    cmd = await begin(update, context, None, bot_needs="")
    if cmd is None:
        return
    mod = context.services.moderation
    rules = mod.rules(cmd.chat_id, await mod.chat_settings(cmd.chat_id))
    await reply(cmd.message, _locks_text([str(lock) for lock in rules.locks], cmd.lang))


async def cmd_blocklist(update: Update, context: BotContext) -> None:
    cmd = await begin(update, context, CHANGE_INFO, bot_needs="")
    if cmd is None:
        return
    mod = context.services.moderation
    added: list[dict[str, Any]] = list((await mod.chat_settings(cmd.chat_id)).get(
        BLOCKLIST_KEY, []))
    sub, rest = (cmd.args[0].lower(), cmd.args[1:]) if cmd.args else ("", [])
    if sub == "list":
        rules = mod.rules(cmd.chat_id, await mod.chat_settings(cmd.chat_id))
        items = [f"• {r.term or 're:' + (r.regex or '')} → {r.action}" for r in rules.blocklist]
        await reply(cmd.message, escape_html(text("blocklist_list", cmd.lang, count=len(items),
                                                  items="\n".join(items[:100]))))
        return
    if sub == "add" and rest:
        rule = _parse_rule(rest)
        if isinstance(rule, str):
            await reply(cmd.message, escape_html(rule if rule else
                                                 text("blocklist_usage", cmd.lang)))
            return
        await _put(context, cmd, BLOCKLIST_KEY,
                   [*added, rule.model_dump(exclude_none=True)])
        await reply(cmd.message, escape_html(text("mod_done", cmd.lang, what=f"+ {rest[0]}")))
        return
    if sub == "rm" and rest:
        term = " ".join(rest)
        kept = [r for r in added if r.get("term") != term and f"re:{r.get('regex')}" != term]
        await _put(context, cmd, BLOCKLIST_KEY, kept)
        await reply(cmd.message, escape_html(text("mod_done", cmd.lang, what=f"- {term}")))
        return
    await reply(cmd.message, escape_html(text("blocklist_usage", cmd.lang)))


def _parse_rule(words: list[str]) -> BlockRule | str:
    """`TERM [action] [duration]` or `re:REGEX [action]`; a string is the error to show."""
    first, action, duration = words[0], "delete", None
    options = words[1:]
    if options and options[0] in KNOWN_ACTIONS:
        action, options = options[0], options[1:]
    if options:
        duration = options[0]
    if first.startswith("re:"):
        pattern = first[3:]
        try:
            compile_pattern(pattern)
        except PatternError as exc:
            return f"Regex: {exc}"
        data: dict[str, Any] = {"regex": pattern, "action": action}
    else:
        data = {"term": first.replace("_", " "), "action": action}
    if duration:
        data["duration"] = duration
    try:
        return BlockRule.model_validate(data)
    except ValueError as exc:
        return str(exc).splitlines()[-1] if str(exc) else ""


async def _verdict(update: Update, context: BotContext, is_spam: bool) -> None:
    cmd = await begin(update, context, DELETE)
    if cmd is None:
        return
    reply_to = cmd.message.reply_to_message
    if reply_to is None:
        await reply(cmd.message, escape_html(text("need_target", cmd.lang)))
        return
    uow, mod = current_uow(), context.services.moderation
    author = reply_to.from_user
    if is_spam and author is not None and reply_to.sender_chat is None:
        why = await protected_target(context, cmd.chat_id, author.id)
        if why is not None:
            await reply(cmd.message, escape_html(text(why, cmd.lang)))
            return
    event = await EventsRepo(uow.session).by_notice(cmd.chat_id, reply_to.message_id)
    sample = event.excerpt if event else (reply_to.text or reply_to.caption or "")
    if sample:
        await SpamSamplesRepo(uow.session).add(sample, is_spam, by=cmd.caller.user_id,
                                               now=uow.now)
        mod.learn(sample, is_spam)
    if is_spam and event is None and reply_to.from_user is not None:
        rules = mod.rules(cmd.chat_id, await mod.chat_settings(cmd.chat_id))
        target = Target(cmd.chat_id, reply_to.from_user.id, reply_to.from_user.first_name,
                        message_id=reply_to.message_id, excerpt=sample[:300])
        decision = Decision.from_reasons((RuleResult("manual", "spam", "ban"),), None)
        await enforce(target, decision, rules, cmd.lang, dry_run=False, by=cmd.caller.user_id)
    elif (
        not is_spam and event is not None and event.user_id is not None
        and await EventsRepo(uow.session).mark_undone(event.id, cmd.caller.user_id)
    ):
        await actions.unban(cmd.chat_id, event.user_id)
        await actions.restrict(cmd.chat_id, event.user_id, until=None, permissions=UNMUTED)
    what = "spam" if is_spam else "not spam"
    await reply(cmd.message, escape_html(text("mod_done", cmd.lang, what=what)))


async def cmd_spam(update: Update, context: BotContext) -> None:
    await _verdict(update, context, True)


async def cmd_notspam(update: Update, context: BotContext) -> None:
    await _verdict(update, context, False)


async def cmd_why(update: Update, context: BotContext) -> None:
    cmd = await begin(update, context, None, bot_needs="")
    if cmd is None:
        return
    reply_to = cmd.message.reply_to_message
    uow = current_uow()
    event = None
    if reply_to is not None:
        repo = EventsRepo(uow.session)
        event = (await repo.by_notice(cmd.chat_id, reply_to.message_id)
                 or await repo.by_message(cmd.chat_id, reply_to.message_id))
    if event is None:
        await reply(cmd.message, escape_html(text("why_none", cmd.lang)))
        return
    dry = text("dry_suffix", cmd.lang) if event.dry_run else ""
    body = text("why", cmd.lang, reasons=event.reasons, action=event.action, dry=dry,
                at=event.at.strftime("%Y-%m-%d %H:%M UTC"))
    await reply(cmd.message, escape_html(body))


async def cmd_reload(update: Update, context: BotContext) -> None:
    cmd = await begin(update, context, None, bot_needs="")
    if cmd is None:
        return
    admins = await fetch_admins(context, cmd.chat_id)
    await store_admins(cmd.chat_id, admins)
    context.services.moderation.invalidate(cmd.chat_id)
    await reply(cmd.message, escape_html(text("reloaded", cmd.lang, admins=len(admins))))


async def cmd_mode(update: Update, context: BotContext) -> None:
    cmd = await begin(update, context, CHANGE_INFO, bot_needs="")
    if cmd is None:
        return
    if cmd.args and cmd.args[0] in ("enforce", "dry_run"):
        await _put(context, cmd, MODE_KEY, cmd.args[0])
    mod = context.services.moderation
    mode = mod.rules(cmd.chat_id, await mod.chat_settings(cmd.chat_id)).mode
    await reply(cmd.message, escape_html(f"moderation.mode = {mode}"))
