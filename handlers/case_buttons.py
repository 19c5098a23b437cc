"""The team acts on cases: buttons on the card, replies as the brand, /open and /case N.

Every press is checked again here: the presser must be on the team, the case must be in a state
that allows the action, and the move is a compare-and-set on the case's version, so double
presses and stale cards change nothing and get a polite answer.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Message, Update

from bot.context import BotContext
from bot.notices import team_language
from bot.unit_of_work import current_uow
from handlers import actions
from handlers.auth import bot_lacks, from_team_chat, is_team_member, protected_target
from handlers.cases import card_of, refresh_card
from handlers.command_base import reply
from handlers.enforce import MUTED
from policies.callbacks import decode, encode
from policies.escalation import CLAIMED, OPEN, card_text, transition
from policies.texts import right_label, text
from policies.voice import escape_html, render
from storage.repositories.cases import CaseInfo, CasesRepo
from storage.repositories.faq import FaqRepo

MUTE_FOR = timedelta(hours=24)


async def on_case_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    services = context.services
    lang = team_language(services)
    parts = decode(query.data, "case")
    if parts is None or len(parts) < 2 or not parts[0].isdigit():
        await actions.answer_callback(query.id, text("stale_button", lang))
        return
    if not from_team_chat(context, query):
        await actions.answer_callback(query.id, text("button_wrong_chat", lang), alert=True)
        return
    if not await is_team_member(context, query.from_user.id):
        await actions.answer_callback(query.id, text("team_only", lang), alert=True)
        return
    repo = CasesRepo(current_uow().session)
    case = await repo.get(int(parts[0]))
    action = parts[1]
    if case is None:
        await actions.answer_callback(query.id, text("stale_button", lang))
        return
    if action == "approve" and len(parts) == 3 and parts[2].isdigit():
        if await repo.draft_author(int(parts[2])) == query.from_user.id:
            await actions.answer_callback(query.id, text("case_own_draft", lang), alert=True)
            return
        await _approve(context, case, int(parts[2]), query.from_user.id, query.id, lang)
        return
    if action == "faqok":
        await _save_faq(context, case, query.id, lang)
        return
    if transition(case.status, action) is None:
        await actions.answer_callback(query.id, text("case_stale", lang, id=case.id,
                                                     status=case.status))
        return
    await _act(context, case, action, query.from_user.id, query.from_user.first_name,
               query.id, lang)


async def _act(context: BotContext, case: CaseInfo, action: str, user_id: int, name: str,
               query_id: str, lang: str) -> None:
    uow, services = current_uow(), context.services
    repo = CasesRepo(uow.session)
    new_status = transition(case.status, action) or case.status
    if action in ("claim", "resolve", "dismiss", "reopen"):
        moved = await repo.move(case.id, expected_version=case.version, status=new_status,
                                now=uow.now, assignee=(user_id, name) if action == "claim"
                                else None, by=name)
        if not moved:
            await actions.answer_callback(query_id, text("case_stale", lang, id=case.id,
                                                         status=case.status))
            return
    elif action == "reply":
        await _prompt_reply(context, case, lang)
    elif action in ("mute", "ban"):
        if not await _restrict_author(context, case, action, query_id, lang):
            return
    elif action == "faq":
        await _confirm_faq(context, case, lang)
    await actions.answer_callback(query_id, text("case_done", lang, id=case.id))
    fresh = await repo.get(case.id)
    if fresh is not None:
        await refresh_card(services, fresh)


async def _prompt_reply(context: BotContext, case: CaseInfo, lang: str) -> None:
    if case.card_chat_id is None:
        return
    params = {"chat_id": case.card_chat_id, "text": text("case_prompt", lang, id=case.id),
              "reply_parameters": {"message_id": case.card_message_id,
                                   "allow_sending_without_reply": True},
              "reply_markup": {"force_reply": True, "selective": True}}
    await actions.call(case.card_chat_id, "sendMessage", params, ref=("case_prompt", case.id))


async def _restrict_author(context: BotContext, case: CaseInfo, action: str, query_id: str,
                           lang: str) -> bool:
    if case.author_id is None:
        await actions.answer_callback(query_id, text("need_target", lang))
        return False
    why = await protected_target(context, case.chat_id, case.author_id)
    if why is None and await bot_lacks(context, case.chat_id, "can_restrict_members"):
        why = "bot_missing_right"
    if why is not None:
        label = right_label("can_restrict_members", lang)
        await actions.answer_callback(query_id, text(why, lang, right=label), alert=True)
        return False
    uow = current_uow()
    if action == "mute":
        await actions.restrict(case.chat_id, case.author_id, until=uow.now + MUTE_FOR,
                               permissions=MUTED)
    else:
        await actions.ban(case.chat_id, case.author_id)
    return True


async def on_team_reply(update: Update, context: BotContext) -> None:
    """A team member replies to a card (or to the Reply prompt): answer as the brand."""
    message = update.message
    services = context.services
    if (message is None or message.reply_to_message is None or message.from_user is None
            or message.chat.id != services.policy.team.chat_id or not message.text):
        return
    repo = CasesRepo(current_uow().session)
    case = await repo.by_card(message.chat.id, message.reply_to_message.message_id)
    if case is None or case.status not in (OPEN, CLAIMED):
        return
    if not await is_team_member(context, message.from_user.id):
        return
    lang = team_language(services)
    if case.kind in services.policy.escalation.sensitive_kinds:
        uow = current_uow()
        draft = await repo.add_draft(case.id, message.text, message.from_user.id,
                                     message.from_user.first_name, uow.now)
        body = text("case_draft", lang, who=escape_html(message.from_user.first_name),
                    id=case.id, text=escape_html(message.text))
        button = [(text("case_approve", lang), encode("case", case.id, "approve", draft))]
        await actions.send_message(message.chat.id, body, reply_to=message.message_id,
                                   thread_id=_thread(message), buttons=[button])
        return
    await post_reply(context, case, message.text, message.chat.id, _thread(message))


def _thread(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None


async def post_reply(context: BotContext, case: CaseInfo, body: str, team_chat: int,
                     thread: int | None) -> None:
    uow, services = current_uow(), context.services
    voice = services.policy.brand.voice
    rendered = render(voice, case.language, escape_html(body), name=case.author_name)
    await actions.send_message(case.chat_id, rendered, reply_to=case.message_id,
                               thread_id=case.thread_id, ref=("case_reply", case.id))
    repo = CasesRepo(uow.session)
    await repo.set_reply(case.id, body, uow.now)
    if case.message_id is not None:
        from handlers.escalation import team_answered

        await team_answered(services, case.chat_id, case.message_id)
    lang = team_language(services)
    await actions.send_message(team_chat, text("case_replied", lang, id=case.id),
                               thread_id=thread)
    fresh = await repo.get(case.id)
    if fresh is not None:
        await refresh_card(services, fresh)


async def _approve(context: BotContext, case: CaseInfo, draft_id: int, user_id: int,
                   query_id: str, lang: str) -> None:
    """A second team member approves a sensitive draft; the author cannot approve their own."""
    repo = CasesRepo(current_uow().session)
    pending = await repo.approve_draft(draft_id, user_id)
    if pending is None:
        await actions.answer_callback(query_id, text("case_stale", lang, id=case.id,
                                                     status="approved"))
        return
    _case_id, body, _author = pending
    await actions.answer_callback(query_id, text("case_done", lang, id=case.id))
    if case.card_chat_id is not None:
        await post_reply(context, case, body, case.card_chat_id, None)


async def _confirm_faq(context: BotContext, case: CaseInfo, lang: str) -> None:
    if case.card_chat_id is None or not case.reply_text:
        return
    body = text("case_faq_confirm", lang, id=f"case-{case.id}",
                question=escape_html(case.text[:300]), answer=escape_html(case.reply_text[:500]))
    button = [(text("case_faq_confirm_button", lang), encode("case", case.id, "faqok"))]
    await actions.send_message(case.card_chat_id, body, buttons=[button])


async def _save_faq(context: BotContext, case: CaseInfo, query_id: str, lang: str) -> None:
    """Confirmed: the question and the team's answer become a FAQ entry (or a new phrasing)."""
    uow, services = current_uow(), context.services
    if not case.reply_text:
        await actions.answer_callback(query_id, text("stale_button", lang))
        return
    repo = FaqRepo(uow.session)
    found = services.faq.index.candidates(case.text, case.language, k=1)
    best = found[0] if found and found[0].score >= 0.5 else None
    existing = await repo.get(best.entry_id) if best else None
    if existing is not None:
        data = dict(existing.data)
        questions = {k: list(v) for k, v in data.get("questions", {}).items()}
        questions.setdefault(case.language, []).append(case.text[:300])
        data["questions"] = questions
        entry_id = existing.id
    else:
        entry_id = f"case-{case.id}"
        data = {"questions": {case.language: [case.text[:300]]},
                "answer": {case.language: case.reply_text}}
    await repo.put(entry_id, data, source="telegram", by=None, now=uow.now)
    faq = services.faq
    uow.after_commit.append(lambda: faq.load(sync_file=False))
    await actions.answer_callback(query_id, text("case_faq_saved", lang, id=entry_id))
    if case.card_chat_id is not None:
        await actions.send_message(case.card_chat_id, text("case_faq_saved", lang, id=entry_id))


async def cmd_open(update: Update, context: BotContext) -> None:
    message = update.message
    if message is None or message.from_user is None:
        return
    if not await is_team_member(context, message.from_user.id):
        return
    lang = team_language(context.services)
    cases = await CasesRepo(current_uow().session).list_open()
    if not cases:
        await reply(message, text("no_open_cases", lang))
        return
    lines = [text("open_cases", lang, count=len(cases))]
    for case in cases:
        who = escape_html(case.assignee_name or "—")
        lines.append(f"#{case.id} {case.kind} · {case.priority} · {case.status} · {who} · "
                     f"{escape_html(case.text[:60])}")
    await reply(message, "\n".join(lines))


async def cmd_case(update: Update, context: BotContext) -> None:
    message = update.message
    if message is None or message.from_user is None:
        return
    if not await is_team_member(context, message.from_user.id):
        return
    lang = team_language(context.services)
    arg = (context.args or [""])[0].lstrip("#")
    case = await CasesRepo(current_uow().session).get(int(arg)) if arg.isdigit() else None
    if case is None:
        await reply(message, text("no_case", lang, id=escape_html(arg)))
        return
    await reply(message, card_text(card_of(case), lang))
