"""Answer members' questions from the knowledge base, in the brand's voice, or stay silent.

The match is computed in a guard handler before anything touches the database (it runs in a
worker thread), so the update's transaction is never held open during the embedding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from telegram import Update

from bot.context import BotContext
from bot.outbox import on_sent
from bot.unit_of_work import current_uow
from handlers import actions, metrics
from handlers.common import chat_language
from handlers.members import member_of
from handlers.sentiment import complaint_of, language_of
from handlers.views import message_view
from policies.callbacks import decode, encode
from policies.faq import DEFAULT_THRESHOLD, FaqMatch, is_question
from policies.links import message_link
from policies.schema import effective_faq
from policies.texts import text
from policies.types import MessageView
from policies.voice import escape_html, render
from storage.repositories.faq import FaqRepo
from storage.repositories.timers import TimersRepo

PREPARED = "faq"
UNANSWERED = "unanswered"


@dataclass(frozen=True, slots=True)
class Prepared:
    view: MessageView
    language: str
    match: FaqMatch | None


def _candidate(view: MessageView | None) -> bool:
    return (
        view is not None
        and view.sender is not None
        and not view.sender.is_bot
        and view.sender_chat_id is None
        and not view.is_edit
        and not view.is_forward
        and view.chat_type in ("private", "group", "supergroup")
        and bool(view.text.strip())
        and not view.text.startswith("/")
    )


async def prepare(update: Update, context: BotContext) -> None:
    """Group -3: detect a question and match it off the event loop; nothing is written."""
    view = message_view(update)
    if not _candidate(view) or view is None:
        return
    services = context.services
    faq = effective_faq(services.policy, view.chat_id)
    if not faq.enabled or view.chat_id == services.policy.team.chat_id:
        return
    lang = language_of(services, view.chat_id, view.text)
    if not is_question(view.text, lang):
        return
    if complaint_of(services, view.text, lang).flagged:
        return  # a complaint gets a person (a case), not a cheerful canned answer
    match = await services.faq.match(view.text, lang, faq.threshold or DEFAULT_THRESHOLD)
    current_uow().scratch[PREPARED] = Prepared(view, lang, match)


async def answer(update: Update, context: BotContext) -> None:
    """Group 1 (after moderation let the message stay): answer, link back, or log it."""
    uow = current_uow()
    prepared: Prepared | None = uow.scratch.get(PREPARED)
    if prepared is None:
        return
    view, match, sender = prepared.view, prepared.match, prepared.view.sender
    if sender is None:
        return
    repo = FaqRepo(uow.session)
    if view.chat_type != "private":
        member = await member_of(uow, view.chat_id, sender.user_id)
        if member is not None and member.is_admin:
            return  # admins answer, they are not answered
    await metrics.count(context.services, view.chat_id, "questions")
    if match is None:
        question_id = await repo.add_question(
            chat_id=view.chat_id, message_id=view.message_id, thread_id=view.thread_id,
            asker_id=sender.user_id, text=view.text, language=prepared.language, now=uow.now)
        await _watch_unanswered(context, view, question_id)
        return
    faq = effective_faq(context.services.policy, view.chat_id)
    answers_to_asker, previous_answer = await repo.answer_history(
        view.chat_id, sender.user_id, match.entry_id,
        asker_since=uow.now - timedelta(seconds=faq.member_rate.per),
        entry_since=uow.now - timedelta(seconds=faq.cooldown))
    if answers_to_asker >= faq.member_rate.answers:
        return
    await repo.add_question(chat_id=view.chat_id, message_id=view.message_id,
                            thread_id=view.thread_id, asker_id=sender.user_id, text=view.text,
                            language=prepared.language, now=uow.now, status="bot",
                            entry_id=match.entry_id, score=match.score)
    await metrics.count(context.services, view.chat_id, "answered_bot")
    if previous_answer is not None:
        await _link_back(context, view, match, previous_answer)
        return
    await _send_answer(context, view, match, prepared.language)


async def _watch_unanswered(context: BotContext, view: MessageView, question_id: int) -> None:
    """If nobody on the team answers within the configured time, it becomes a case."""
    config = context.services.policy.escalation.unanswered_questions
    if not config.enabled or view.chat_type == "private":
        return
    uow = current_uow()
    await TimersRepo(uow.session).add(
        UNANSWERED, uow.now + timedelta(seconds=config.after), chat_id=view.chat_id,
        payload={"question": question_id, "title": view.chat_title,
                 "username": view.chat_username}, dedupe_key=f"unanswered:{question_id}")


async def _send_answer(context: BotContext, view: MessageView, match: FaqMatch,
                       asked_in: str) -> None:
    uow, services = current_uow(), context.services
    assert view.sender is not None
    answer_id = await FaqRepo(uow.session).record_answer(
        chat_id=view.chat_id, entry_id=match.entry_id, question_message_id=view.message_id,
        asker_id=view.sender.user_id, language=match.language, score=match.score, now=uow.now,
    )
    voice = services.policy.brand.voice
    body = render(voice, match.language, escape_html(match.answer),
                  name=view.sender.first_name)
    lang = match.language
    feedback = [(text("faq_helpful", lang), encode("faq", answer_id, "y")),
                (text("faq_not_helpful", lang), encode("faq", answer_id, "n"))]
    rows = [[(label, url)] for label, url in match.buttons] + [feedback]
    await actions.send_message(view.chat_id, body, reply_to=view.message_id,
                               thread_id=view.thread_id, buttons=rows,
                               ref=("faq_answer", answer_id))


async def _link_back(context: BotContext, view: MessageView, match: FaqMatch,
                     answer_message_id: int) -> None:
    voice = context.services.policy.brand.voice
    link = message_link(view.chat_id, answer_message_id, view.chat_username)
    if link is None:
        return
    body = text("faq_repeat", match.language, formal=voice.formality == "formal",
                link=escape_html(link))
    await actions.send_message(view.chat_id, render(voice, match.language, body, greet=False,
                                                    sign=False),
                               reply_to=view.message_id, thread_id=view.thread_id)


@on_sent("faq_answer")
async def _answer_sent(session, entry, result, now):  # type: ignore[no-untyped-def]
    if isinstance(result, dict) and "message_id" in result and entry.ref_id is not None:
        await FaqRepo(session).set_answer_message(entry.ref_id, int(result["message_id"]))


async def on_feedback(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    parts = decode(query.data, "faq")
    lang = chat_language(context.services, query.message.chat.id if query.message else 0)
    if parts is None or len(parts) != 2 or not parts[0].isdigit() or parts[1] not in "yn":
        await actions.answer_callback(query.id, text("stale_button", lang))
        return
    helpful = parts[1] == "y"
    uow = current_uow()
    answered = await FaqRepo(uow.session).answer(int(parts[0]))
    if answered is not None and (query.message is None
                                 or answered.chat_id != query.message.chat.id):
        await actions.answer_callback(query.id, text("button_wrong_chat", lang), alert=True)
        return  # the data names an answer given in another chat: copied by a modified client
    recorded = await FaqRepo(uow.session).vote(int(parts[0]), query.from_user.id, helpful)
    if not recorded and await FaqRepo(uow.session).answer(int(parts[0])) is None:
        await actions.answer_callback(query.id, text("stale_button", lang))
        return
    key = "faq_thanks" if helpful else "faq_thanks_not_helpful"
    await actions.answer_callback(query.id, text(key, lang))
    if not helpful and recorded:
        await _escalate_not_helpful(context, int(parts[0]))


async def _escalate_not_helpful(context: BotContext, answer_id: int) -> None:
    from handlers.cases import question_case

    uow = current_uow()
    repo = FaqRepo(uow.session)
    answer = await repo.answer(answer_id)
    if answer is None:
        return
    question = await repo.question_at(answer.chat_id, answer.question_message_id)
    if question is not None:
        await question_case(context.services, question, f"faq:{answer.entry_id} not helpful")
