"""Carry out a moderation decision: audit row first, then effects (honouring dry run).

Shared by automatic moderation and managers' commands, so both leave the same audit trail,
the same notices and the same Undo button in the team's moderation log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.outbox import on_sent
from bot.unit_of_work import current_uow
from handlers import actions
from policies.durations import format_duration
from policies.moderation import Decision, escalate_warning
from policies.schema import Moderation
from policies.texts import text
from policies.voice import escape_html
from storage.repositories.moderation import EventsRepo, RecentMessagesRepo, WarningsRepo

MUTED = {"can_send_messages": False, "can_send_audios": False, "can_send_documents": False,
         "can_send_photos": False, "can_send_videos": False, "can_send_video_notes": False,
         "can_send_voice_notes": False, "can_send_polls": False,
         "can_send_other_messages": False, "can_add_web_page_previews": False}
UNMUTED = dict.fromkeys(MUTED, True)
CLEANUP_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Target:
    chat_id: int
    user_id: int | None
    name: str
    message_id: int | None = None
    thread_id: int | None = None
    sender_chat_id: int | None = None
    excerpt: str = ""


async def enforce(
    target: Target, decision: Decision, rules: Moderation, lang: str, *, dry_run: bool,
    by: int | None = None, notify: bool = True, raid: bool = False,
) -> int:
    """Record and (unless dry run) execute; returns the audit event id. ``raid``: the chat
    is under a raid (its deletions may wait to leave in full batches)."""
    uow = current_uow()
    action, duration = decision.action, decision.duration_s
    reason = decision.summary
    count = 0
    if decision.warn and target.user_id is not None and not dry_run:
        warnings = WarningsRepo(uow.session)
        await warnings.add(target.chat_id, target.user_id, reason, by=by, now=uow.now)
        since = uow.now - timedelta(seconds=rules.warnings.window)
        count = len(await warnings.active(target.chat_id, target.user_id, since))
        escalated, escalated_for = escalate_warning(count, rules.warnings)
        if escalated != "warn":
            action, duration = escalated, escalated_for
            await warnings.reset(target.chat_id, target.user_id)
    event_id = await EventsRepo(uow.session).add(
        chat_id=target.chat_id, user_id=target.user_id, message_id=target.message_id,
        action=action, reasons=reason, now=uow.now, excerpt=target.excerpt, dry_run=dry_run,
        by=by, detail={"spam": decision.spam_score, "duration": duration},
    )
    if dry_run:
        return event_id
    deleted = target.message_id if decision.delete else None
    if deleted is not None:
        await actions.delete_messages(target.chat_id, [deleted], raid=raid)
    await _restrict(target, action, duration, deleted=deleted, raid=raid)
    if notify and action in ("warn", "mute", "ban", "kick") and (decision.warn or by is None):
        await _notice(target, action, duration, reason, lang, count, rules, event_id)
    return event_id


async def _restrict(target: Target, action: str, duration: int | None, *,
                   deleted: int | None = None, raid: bool = False) -> None:
    uow = current_uow()
    until = uow.now + timedelta(seconds=duration) if duration else None
    if target.user_id is None:
        if target.sender_chat_id is not None and action in ("ban", "kick", "mute"):
            await actions.ban_sender_chat(target.chat_id, target.sender_chat_id)
        return
    if action == "mute":
        await actions.restrict(target.chat_id, target.user_id, until=until, permissions=MUTED)
    elif action in ("ban", "kick"):
        await actions.ban(target.chat_id, target.user_id, until=until if action == "ban" else None)
        await clean_up_after(target.chat_id, target.user_id, deleted=deleted, raid=raid)
        if action == "kick":
            await actions.unban(target.chat_id, target.user_id)


async def clean_up_after(chat_id: int, user_id: int, *, deleted: int | None = None,
                         raid: bool = False) -> None:
    """Delete a removed member's recent messages (batched by the outbox, 100 ids a call),
    but for ``deleted``, the one this decision already deletes."""
    uow = current_uow()
    ids = await RecentMessagesRepo(uow.session).of_user(chat_id, user_id,
                                                        uow.now - CLEANUP_WINDOW)
    ids = [i for i in ids if i != deleted]
    if ids:
        await actions.delete_messages(chat_id, ids, raid=raid)


async def _notice(target: Target, action: str, duration: int | None, reason: str, lang: str,
                  count: int, rules: Moderation, event_id: int) -> None:
    name = escape_html(target.name)
    reason_html = escape_html(reason)
    if action == "warn":
        body = text("mod_notice_warn", lang, name=name, reason=reason_html, count=count,
                    limit=rules.warnings.limit)
    elif action == "mute":
        body = text("mod_notice_mute", lang, name=name, reason=reason_html,
                    duration=format_duration(duration or 0) if duration else "∞")
    else:
        body = text(f"mod_notice_{action}", lang, name=name, reason=reason_html)
    await actions.send_message(target.chat_id, body, thread_id=target.thread_id,
                               ref=("mod_notice", event_id))


@on_sent("mod_notice")
async def _notice_sent(session, entry, result, now):  # type: ignore[no-untyped-def]
    if isinstance(result, dict) and "message_id" in result and entry.ref_id is not None:
        await EventsRepo(session).set_notice(entry.ref_id, int(result["message_id"]))
