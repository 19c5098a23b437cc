"""New members: verification, quiet period (in the engine), and raid mode.

During a raid the bot never becomes the flood: no welcome or verification messages, new joiners
are restricted silently, their join messages are deleted in batches, and the team gets one
notice per raid.
"""

from __future__ import annotations

import random
from datetime import timedelta

from telegram import Update, User

from bot.cas import CasClient
from bot.context import BotContext
from bot.notices import team_language, to_team
from bot.outbox import on_sent
from bot.services import Services
from bot.unit_of_work import current_uow
from handlers import actions
from handlers.common import chat_language
from handlers.enforce import MUTED, UNMUTED, Target, enforce
from policies.callbacks import decode, encode
from policies.durations import format_duration
from policies.moderation import Decision, RuleResult
from policies.schema import Moderation, effective_moderation
from policies.texts import text
from policies.voice import escape_html
from storage.repositories.members import MembersRepo
from storage.repositories.timers import TimersRepo

VERIFY, PROMPT = "verify", "verify_prompt"
PROMPT_DELAY_S = 5  # joins within this window share one welcome message


async def on_join(update: Update, context: BotContext) -> None:
    message = update.message
    if message is None or not message.new_chat_members:
        return
    services = context.services
    chat_id = message.chat.id
    known_spammers = await _cas_check(services, chat_id, message.new_chat_members)
    uow = current_uow()  # CAS was asked before the transaction started
    mod = services.moderation
    rules = mod.rules(chat_id, await mod.chat_settings(chat_id))
    for user in known_spammers:
        decision = Decision.from_reasons((RuleResult("cas", "listed", "ban"),), None)
        target = Target(chat_id, user.id, user.first_name, message_id=message.message_id)
        await enforce(target, decision, rules, chat_language(services, chat_id), dry_run=mod
                      .dry_run(chat_id, await mod.chat_settings(chat_id)), notify=False)
    humans = [u for u in message.new_chat_members
              if not u.is_bot and u not in known_spammers]
    raids = mod.state.raids
    for user in humans:
        await MembersRepo(uow.session).seen(chat_id, user.id, now=uow.now,
                                            first_name=user.first_name, username=user.username)
        state = await raids.join(chat_id, user.id, rules.raid, uow.now)
        if state.started_now:
            await announce_raid(context, chat_id, message.chat.title or str(chat_id), rules,
                                state.joins_in_window)
    if not humans:
        return
    if (await raids.state(chat_id, rules.raid, uow.now)).active:
        until = uow.now + timedelta(seconds=rules.raid.duration)
        for user in humans:
            await actions.restrict(chat_id, user.id, until=until, permissions=MUTED)
        await actions.delete_messages(chat_id, [message.message_id], raid=True)
        return
    if rules.new_members.verify != "none":
        await _ask_to_verify(context, chat_id, humans, rules, message.message_thread_id)


async def _cas_check(services: Services, chat_id: int, users: tuple[User, ...]) -> list[User]:
    if not effective_moderation(services.policy, chat_id).spam.cas:
        return []
    client = services.extras.get("cas")
    if client is None:
        client = services.extras["cas"] = CasClient(services.settings.cas_url)
    return [u for u in users if not u.is_bot and await client.is_banned(u.id)]


async def announce_raid(context: BotContext, chat_id: int, title: str, rules: Moderation,
                        joins: int) -> None:
    services = context.services
    lang = team_language(services)
    body = text("raid_on", lang, chat=f"<b>{escape_html(title)}</b>", joins=joins,
                seconds=rules.raid.seconds, duration=format_duration(rules.raid.duration))
    minute = int(current_uow().now.timestamp() // 60)
    await to_team(services, body, dedupe=f"raid:{chat_id}:{minute}", topic="moderation")


async def _ask_to_verify(context: BotContext, chat_id: int, users: list[User],
                         rules: Moderation, thread_id: int | None) -> None:
    """Restrict each newcomer now; one batched prompt a few seconds later names them all."""
    uow = current_uow()
    timers = TimersRepo(uow.session)
    due = uow.now + timedelta(seconds=rules.new_members.timeout)
    stamp = int(uow.now.timestamp())
    for user in users:
        await actions.restrict(chat_id, user.id, until=None, permissions=MUTED)
        await timers.add(VERIFY, due, chat_id=chat_id, user_id=user.id,
                         payload={"name": user.first_name[:64]},
                         dedupe_key=f"verify:{chat_id}:{user.id}:{stamp}")
    if not await timers.pending_of_kind(PROMPT, chat_id):
        await timers.add(PROMPT, uow.now + timedelta(seconds=PROMPT_DELAY_S), chat_id=chat_id,
                         payload={"thread_id": thread_id},
                         dedupe_key=f"prompt:{chat_id}:{stamp}")


async def send_prompt(chat_id: int, prompt_timer_id: int, raid_active: bool,
                      rules: Moderation, lang: str) -> None:
    """Timer callback: one welcome-and-verify message for everyone who joined meanwhile."""
    uow = current_uow()
    timers = TimersRepo(uow.session)
    waiting = [t for t in await timers.pending_of_kind(VERIFY, chat_id)
               if "prompt" not in t.payload]
    if raid_active or not waiting:
        return  # during a raid the bot stays silent; newcomers stay restricted
    for timer in waiting:
        await timers.merge_payload(timer.id, {"prompt": prompt_timer_id})
    names = ", ".join(escape_html(str(t.payload.get("name", "")))
                      for t in waiting[:20])
    timeout = format_duration(rules.new_members.timeout)
    tag = chat_id_tag(chat_id)
    if rules.new_members.verify == "question":
        first, second, options = _question(prompt_timer_id)
        await timers.merge_payload(prompt_timer_id, {"answer": first + second})
        body = text("verify_question", lang, names=names, timeout=timeout, a=first, b=second)
        buttons = [[(str(o), encode("ver", tag, o)) for o in options]]
    else:
        body = text("verify_prompt", lang, names=names, timeout=timeout)
        buttons = [[(text("verify_button", lang), encode("ver", tag))]]
    await actions.send_message(chat_id, body, buttons=buttons,
                               ref=("verify_prompt", prompt_timer_id))


def _question(seed: int) -> tuple[int, int, list[int]]:
    """A small sum and four answers, one right: enough to stop join bots, easy for people."""
    pick = random.Random(seed)
    first, second = pick.randint(2, 9), pick.randint(2, 9)
    right = first + second
    options = {right}
    while len(options) < 4:
        options.add(right + pick.choice([-3, -2, -1, 1, 2, 3]))
    return first, second, sorted(options)


def chat_id_tag(chat_id: int) -> str:
    return str(abs(chat_id))


@on_sent("verify_prompt")
async def _prompt_sent(session, entry, result, now):  # type: ignore[no-untyped-def]
    if isinstance(result, dict) and "message_id" in result and entry.ref_id:
        await TimersRepo(session).merge_payload(entry.ref_id,
                                                {"prompt_id": int(result["message_id"])})


async def on_verify_press(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.message is None:
        return
    chat_id = query.message.chat.id
    lang = chat_language(context.services, chat_id)
    parts = decode(query.data, "ver")
    if parts is None or len(parts) > 2:
        await actions.answer_callback(query.id, text("stale_button", lang))
        return
    if parts[0] != chat_id_tag(chat_id):  # a prompt's data copied onto another chat's message
        await actions.answer_callback(query.id, text("button_wrong_chat", lang), alert=True)
        return
    uow = current_uow()
    timers = TimersRepo(uow.session)
    timer = await timers.pending(VERIFY, chat_id, query.from_user.id)
    if timer is None:
        await actions.answer_callback(query.id, text("verify_not_you", lang), alert=True)
        return
    await timers.finish(timer.id)
    given = parts[1] if len(parts) == 2 else None
    if not await _right_answer(timers, timer.payload, given):
        await actions.answer_callback(query.id, text("verify_wrong", lang), alert=True)
        await verification_expired(chat_id, query.from_user.id, timer.payload)
        return
    await actions.restrict(chat_id, query.from_user.id, until=None, permissions=UNMUTED)
    await actions.answer_callback(query.id, text("verify_ok", lang))
    others = [t for t in await timers.pending_of_kind(VERIFY, chat_id)
              if t.payload.get("prompt") == timer.payload.get("prompt")]
    if not others:
        await actions.delete_messages(chat_id, [query.message.message_id])


async def _right_answer(timers: TimersRepo, payload: dict[str, object],
                        given: str | None) -> bool:
    """No question asked (button mode), or the right answer; data without one is wrong."""
    prompt = payload.get("prompt")
    prompt_timer = await timers.get(prompt) if isinstance(prompt, int) else None
    answer = prompt_timer.payload.get("answer") if prompt_timer else None
    return answer is None or given == str(answer)


async def verification_expired(chat_id: int, user_id: int, payload: dict[str, object]) -> None:
    """Timer callback: the member never pressed; remove them (they may join again)."""
    await actions.ban(chat_id, user_id)
    await actions.unban(chat_id, user_id)
    uow = current_uow()
    timers = TimersRepo(uow.session)
    prompt = payload.get("prompt")
    if not isinstance(prompt, int):
        return
    still = [t for t in await timers.pending_of_kind(VERIFY, chat_id)
             if t.payload.get("prompt") == prompt]
    prompt_timer = await timers.get(prompt)
    message_id = prompt_timer.payload.get("prompt_id") if prompt_timer else None
    if not still and isinstance(message_id, int):
        await actions.delete_messages(chat_id, [message_id])
