"""Escalation triggers: complaints, legal/PR risk, reports, /escalate, review, unanswered.

Each trigger names its reasons; several triggers about one message update one case.
"""

from __future__ import annotations

from telegram import Message, Update

from bot.context import BotContext
from bot.services import Services
from bot.state import REPORT
from bot.unit_of_work import current_uow
from handlers import metrics, reputation
from handlers.cases import context_lines, message_key, open_case, remember_line
from handlers.command_base import begin, reply
from handlers.common import chat_language
from handlers.members import member_of
from handlers.sentiment import complaint_of, language_of
from handlers.views import message_view
from policies.escalation import report_priority
from policies.texts import text
from policies.types import MessageView
from policies.voice import escape_html
from storage.repositories.cases import NewCase
from storage.repositories.faq import FaqRepo

REPORT_WORDS = ("@admin", "@admins")


async def new_case(view: MessageView, kind: str, priority: str, reasons: str, lang: str,
                   services: Services, *, reporter: int | None = None) -> NewCase:
    context = await context_lines(services, view.chat_id, 3)
    sender = view.sender
    return NewCase(
        kind=kind, priority=priority, chat_id=view.chat_id, chat_title=view.chat_title,
        chat_username=view.chat_username, message_id=view.message_id,
        thread_id=view.thread_id, author_id=sender.user_id if sender else None,
        author_name=sender.first_name if sender else view.chat_title, language=lang,
        text=view.text, context=context,
        reasons=reasons, reporter_id=reporter,
    )


async def watch(update: Update, context: BotContext) -> None:
    """Group 3: complaints and risk words, '@admin' reports, team answers to questions."""
    view = message_view(update)
    services = context.services
    if view is None or view.sender is None or view.chat_type not in ("group", "supergroup"):
        return
    if view.chat_id == services.policy.team.chat_id or view.is_edit:
        return
    uow = current_uow()
    member = await member_of(uow, view.chat_id, view.sender.user_id)
    is_staff = bool(member and member.is_admin) or view.sender_chat_id == view.chat_id
    try:
        if is_staff:
            if view.reply_to_id is not None:
                await team_answered(services, view.chat_id, view.reply_to_id)
            return
        await _complaint(view, services)
        if any(word in view.text.lower() for word in REPORT_WORDS):
            await _report_from(update.effective_message, view, services)
    finally:
        await remember_line(services, view.chat_id, view.sender.first_name, view.text,
                            view.sender.user_id)


async def team_answered(services: Services, chat_id: int, question_message_id: int) -> None:
    """An admin or the team answered a member's question: count it and its response time."""
    uow = current_uow()
    asked = await FaqRepo(uow.session).mark_answered_by_team(chat_id, question_message_id,
                                                             uow.now)
    if asked is not None:
        await metrics.count(services, chat_id, "answered_team")
        await metrics.count(services, chat_id, "frt_sum_s",
                            int((uow.now - asked).total_seconds()))
        await metrics.count(services, chat_id, "frt_count")


async def _complaint(view: MessageView, services: Services) -> None:
    config = services.policy.escalation.complaints
    if not view.text.strip():
        return
    lang = language_of(services, view.chat_id, view.text)
    verdict = complaint_of(services, view.text, lang)
    label = {"positive": "sent_pos", "negative": "sent_neg"}.get(verdict.label, "sent_neu")
    await metrics.count(services, view.chat_id, label)
    await reputation.after_assessment(services, view, verdict, lang)
    if not config.enabled:
        return
    negative = verdict.sentiment <= config.sentiment_below and verdict.is_complaint
    if not (verdict.flagged or negative):
        return
    priority = "high" if verdict.risk_terms and verdict.risk_on_brand else "normal"
    reasons = "; ".join(verdict.reasons) or f"sentiment:{verdict.sentiment:.2f}"
    await open_case(services, await new_case(view, "complaint", priority, reasons, lang,
                                             services),
                    message_key(view.chat_id, view.message_id))


async def _report_from(message: Message | None, view: MessageView, services: Services) -> None:
    """'@admin' in a message: a report about the message it replies to (or itself)."""
    if message is None or view.sender is None:
        return
    target = message.reply_to_message if view.reply_to_id is not None else None
    await _file_report(services, view.sender.user_id, target or message, view)


async def _file_report(services: Services, reporter: int, target: Message,
                       origin: MessageView) -> str:
    """Returns a texts key describing the outcome (for /report's answer)."""
    config = services.policy.escalation.reports
    if not config.enabled:
        return "report_off"
    if not await _within_rate(services, origin.chat_id, reporter, config.per_member,
                              config.per):
        return "report_rate_limited"
    view = _view_of(target, origin)
    lang = chat_language(services, origin.chat_id)
    case = await open_case(
        services, await new_case(view, "report", "normal", f"report:{reporter}", lang,
                                 services, reporter=reporter),
        message_key(view.chat_id, view.message_id))
    if case is not None:
        wanted = report_priority(len(case.reporters), config.urgent_after)
        if wanted == "urgent" and case.priority != "urgent":
            bumped = await new_case(view, "report", "urgent", "", lang, services,
                                    reporter=reporter)
            await open_case(services, bumped, message_key(view.chat_id, view.message_id))
    return "report_ok"


async def _within_rate(services: Services, chat_id: int, user_id: int, limit: int,
                       per: int) -> bool:
    """At most ``limit`` reports per member and chat in ``per`` seconds (shared by workers)."""
    stamps, now = services.moderation.state.stamps, services.clock.now()
    if await stamps.count(REPORT, chat_id, user_id, now, per) >= limit:
        return False
    await stamps.add(REPORT, chat_id, user_id, now, per)
    return True


def _view_of(message: Message, origin: MessageView) -> MessageView:
    user = message.from_user
    from policies.types import Sender

    sender = Sender(user.id, user.first_name or "", user.username) if user else None
    return MessageView(
        chat_id=message.chat.id, chat_type=message.chat.type, message_id=message.message_id,
        text=message.text or message.caption or "", sender=sender,
        thread_id=origin.thread_id, chat_title=origin.chat_title,
        chat_username=origin.chat_username,
    )


async def cmd_report(update: Update, context: BotContext) -> None:
    message = update.message
    view = message_view(update)
    if message is None or view is None or view.sender is None:
        return
    lang = chat_language(context.services, message.chat.id)
    reported = message.reply_to_message
    if view.reply_to_id is None or reported is None or message.chat.type == "private":
        await reply(message, escape_html(text("report_how", lang)))
        return
    outcome = await _file_report(context.services, view.sender.user_id, reported, view)
    await reply(message, escape_html(text(outcome, lang)))


async def cmd_escalate(update: Update, context: BotContext) -> None:
    cmd = await begin(update, context, None, bot_needs="")
    if cmd is None:
        return
    reported = cmd.message.reply_to_message
    view = message_view(update)
    if reported is None or view is None:
        await reply(cmd.message, escape_html(text("report_how", cmd.lang)))
        return
    target = _view_of(reported, view)
    reason = "escalate:" + (" ".join(cmd.args) or "admin")
    await open_case(context.services, await new_case(target, "escalated", "high", reason,
                                                     cmd.lang, context.services),
                    message_key(target.chat_id, target.message_id))
    await reply(cmd.message, escape_html(text("report_ok", cmd.lang)))
