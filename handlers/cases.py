"""Opening and showing cases: the card in the team chat is written with the case, durably.

The case row and its card (an outbox row) commit in the same transaction as the trigger, so a
case is never lost and its card is delivered exactly once, retried until Telegram takes it.
"""

from __future__ import annotations

from datetime import timedelta

from bot.notices import team_language
from bot.outbox import on_sent
from bot.services import Services
from bot.state import CONTEXT, Line
from bot.unit_of_work import current_uow
from handlers import actions, metrics
from policies.escalation import (
    TOPIC_OF_KIND,
    CardView,
    card_buttons,
    card_text,
    raise_priority,
)
from policies.links import message_link
from storage.repositories.cases import CaseInfo, CasesRepo, NewCase
from storage.repositories.chats import ChatsRepo
from storage.repositories.faq import FaqRepo, QuestionInfo
from storage.repositories.members import MembersRepo
from storage.repositories.timers import TimersRepo

REMIND = "case_remind"
ContextLine = tuple[str, str, int | None]


async def context_lines(services: Services, chat_id: int, count: int) -> list[ContextLine]:
    """The chat's last few lines before this message, quoted on a new case's card."""
    lines = await services.moderation.state.lines.latest(CONTEXT, chat_id, count,
                                                         current_uow().now)
    return [(line.name, line.text, line.user_id) for line in lines]


async def remember_line(services: Services, chat_id: int, name: str, said: str,
                        user_id: int | None) -> None:
    """Keep a line of context: in memory (one process) or, for several workers, in a few
    rows per chat; never stored beyond that unless a case quotes it."""
    await services.moderation.state.lines.add(
        CONTEXT, chat_id, Line(name, said[:300], user_id, current_uow().now))


def message_key(chat_id: int, message_id: int | None) -> str | None:
    return f"msg:{chat_id}:{message_id}" if message_id is not None else None


def card_of(case: CaseInfo) -> CardView:
    link = (message_link(case.chat_id, case.message_id, case.chat_username)
            if case.message_id else None)
    return CardView(
        id=case.id, kind=case.kind, priority=case.priority, status=case.status,
        chat_title=case.chat_title, author_name=case.author_name, author_id=case.author_id,
        text=case.text, context=case.context, reasons=case.reasons, link=link,
        assignee=case.assignee_name, resolved_by=case.resolved_by, reply_text=case.reply_text,
        reporters=len(case.reporters),
    )


async def open_case(services: Services, new: NewCase, key: str | None) -> CaseInfo | None:
    """Open (or update) a case and queue its card; None when there is no team chat."""
    team = services.policy.team
    if team.chat_id is None:
        return None
    uow = current_uow()
    case, before = await CasesRepo(uow.session).open_or_update(new, key, uow.now,
                                                               raise_priority)
    lang = team_language(services)
    card = card_of(case)
    if before is None:
        await metrics.count(services, case.chat_id, f"cases_{case.kind}")
        if case.kind in ("complaint", "report"):
            await metrics.count(services, case.chat_id,
                                "complaints" if case.kind == "complaint" else "reports")
        topic = team.topics.get(TOPIC_OF_KIND.get(case.kind, "complaints"))  # type: ignore[call-overload]
        await actions.send_message(team.chat_id, card_text(card, lang), thread_id=topic,
                                   buttons=card_buttons(card, lang), ref=("case_card", case.id))
        remind = services.policy.escalation.remind_unclaimed_after
        await TimersRepo(uow.session).add(REMIND, uow.now + timedelta(seconds=remind),
                                          chat_id=team.chat_id, payload={"case": case.id},
                                          dedupe_key=f"remind:{case.id}")
    elif _shown(card_of(before), lang) != _shown(card, lang):
        await refresh_card(services, case)  # else Telegram would refuse it: "not modified"
    return case


def _shown(card: CardView, lang: str) -> tuple[str, object]:
    """What a card shows: its text and its buttons."""
    return card_text(card, lang), card_buttons(card, lang)


async def refresh_card(services: Services, case: CaseInfo) -> None:
    """Edit the card to show the case as it is now (who claimed, resolved, answered)."""
    if case.card_chat_id is None or case.card_message_id is None:
        return  # not delivered yet: it will be sent as it was; the next change edits it
    lang = team_language(services)
    card = card_of(case)
    await actions.edit_message(case.card_chat_id, case.card_message_id, card_text(card, lang),
                               buttons=card_buttons(card, lang))


@on_sent("case_card")
async def _card_sent(session, entry, result, now):  # type: ignore[no-untyped-def]
    if isinstance(result, dict) and "message_id" in result and entry.ref_id is not None:
        chat = result.get("chat", {}).get("id", entry.chat_id)
        await CasesRepo(session).set_card(entry.ref_id, int(chat), int(result["message_id"]))


@on_sent("case_prompt")
async def _prompt_sent(session, entry, result, now):  # type: ignore[no-untyped-def]
    if isinstance(result, dict) and "message_id" in result and entry.ref_id is not None:
        await CasesRepo(session).set_prompt(entry.ref_id, int(result["message_id"]))


@on_sent("case_reply")
async def _reply_sent(session, entry, result, now):  # type: ignore[no-untyped-def]
    if isinstance(result, dict) and "message_id" in result and entry.ref_id is not None:
        await CasesRepo(session).set_reply_message(entry.ref_id, int(result["message_id"]))


async def question_case(services: Services, question: QuestionInfo, reason: str) -> None:
    """A member's question the team should answer (unanswered, or answer not helpful)."""
    uow = current_uow()
    chat = await ChatsRepo(uow.session).get(question.chat_id)
    member = await MembersRepo(uow.session).get(question.chat_id, question.asker_id)
    await open_case(services, NewCase(
        kind="question", priority="normal", chat_id=question.chat_id,
        chat_title=chat.title if chat else str(question.chat_id),
        chat_username=chat.username if chat else None, message_id=question.message_id,
        thread_id=question.thread_id, author_id=question.asker_id,
        author_name=member.first_name if member else "", language=question.language,
        text=question.text, context=[], reasons=reason,
    ), message_key(question.chat_id, question.message_id))


async def unanswered_due(services: Services, question_id: int) -> None:
    """Timer: the question is still open after the configured time: hand it to the team."""
    repo = FaqRepo(current_uow().session)
    question = await repo.question(question_id)
    if question is None or question.status != "open":
        return
    await repo.set_question_status(question_id, "escalated")
    await metrics.count(services, question.chat_id, "unanswered")
    after = services.policy.escalation.unanswered_questions.after
    await question_case(services, question, f"unanswered:{after // 60}m")


async def remind_due(services: Services, case_id: int) -> None:
    """Timer: an unclaimed case gets one reminder, as a reply to its card."""
    case = await CasesRepo(current_uow().session).get(case_id)
    if case is None or case.status != "open" or case.card_chat_id is None:
        return
    lang = team_language(services)
    from policies.texts import text

    await actions.send_message(case.card_chat_id, text("case_remind", lang, id=case.id),
                               reply_to=case.card_message_id)
