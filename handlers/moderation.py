"""Automatic moderation of every group message and edit (handler group 0)."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.unit_of_work import current_uow
from handlers import metrics
from handlers.cases import message_key, open_case
from handlers.common import chat_language
from handlers.enforce import Target, enforce
from handlers.escalation import new_case
from handlers.members import member_of
from handlers.newcomers import announce_raid
from handlers.views import SERVICE_USER_IDS, message_view
from policies.moderation import MemberHistory
from policies.moderation.flood import flood_key
from policies.moderation.raid import during_raid
from storage.repositories.moderation import RecentMessagesRepo


async def on_group_message(update: Update, context: BotContext) -> None:
    view = message_view(update)
    if view is None or view.chat_type not in ("group", "supergroup"):
        return
    sender = view.sender
    if sender is not None and sender.user_id in SERVICE_USER_IDS and view.sender_chat_id is None:
        return
    services, uow = context.services, current_uow()
    if view.chat_id == services.policy.team.chat_id:
        return  # the team's own chat is not a community
    mod = services.moderation
    settings = await mod.chat_settings(view.chat_id)
    rules = mod.rules(view.chat_id, settings)
    key = None if view.is_edit else flood_key(view.text)
    history = await _history(context, view.chat_id, sender.user_id if sender else None,
                             key, is_edit=view.is_edit)
    decision = mod.engine(view.chat_id, settings).evaluate(view, history, uow.now.timestamp())
    if sender is not None and not history.is_admin:
        await RecentMessagesRepo(uow.session).add(view.chat_id, view.message_id,
                                                  sender.user_id, uow.now, key)
    if decision.action == "none":
        return
    if decision.action != "review" and (
        await mod.state.raids.spam(view.chat_id, rules.raid, uow.now)
    ).started_now:
        await announce_raid(context, view.chat_id, view.chat_title, rules, 0)
    target = Target(
        chat_id=view.chat_id, user_id=sender.user_id if sender and not view.sender_chat_id
        else None, name=sender.first_name if sender else view.chat_title,
        message_id=view.message_id, thread_id=view.thread_id,
        sender_chat_id=view.sender_chat_id, excerpt=view.text[:300],
    )
    now = uow.now
    raid = (await mod.state.raids.state(view.chat_id, rules.raid, now)).active
    if raid:
        decision = during_raid(decision, history, rules.raid, now.timestamp())
    removing = decision.action in ("ban", "kick") and target.user_id is not None
    if removing and await mod.just_removed(view.chat_id, target.user_id or 0, now):
        decision = replace(decision, action="delete", warn=False)  # already gone: just clean
        removing = False
    dry_run = mod.dry_run(view.chat_id, settings)
    for rule in sorted({reason.name for reason in decision.reasons}):
        await metrics.count(services, view.chat_id, f"mod_{rule}")
    await enforce(target, decision, rules, chat_language(services, view.chat_id),
                  dry_run=dry_run, notify=not raid, raid=raid)
    if removing and not dry_run:
        await mod.note_removed(view.chat_id, target.user_id or 0, now)
    if decision.review:
        lang = chat_language(services, view.chat_id)
        case = await new_case(view, "moderation", "normal", decision.summary, lang, services)
        await open_case(services, case, message_key(view.chat_id, view.message_id))
    if decision.delete and not mod.dry_run(view.chat_id, settings):
        raise ApplicationHandlerStop


async def _history(context: BotContext, chat_id: int, user_id: int | None,
                   key: bytes | None, *, is_edit: bool) -> MemberHistory:
    if user_id is None:
        return MemberHistory()
    uow = current_uow()
    member = await member_of(uow, chat_id, user_id)
    flood = context.services.moderation.state.flood
    seen = await flood.record(chat_id, user_id, key, uow.now) if not is_edit else None
    return MemberHistory(
        first_seen=member.first_seen.timestamp() if member and member.first_seen else None,
        message_count=max(0, (member.message_count if member else 0) - 1),
        trusted=bool(member and member.trusted),
        is_admin=bool(member and member.is_admin),
        recent=seen.recent if seen else (),
        repeats_across_chats=seen.repeats_across_chats if seen else 0,
    )
