"""FAQ answers through the real Application and sandbox: right answer, right place, or none."""

from __future__ import annotations

from typing import Any

from bot.playground import Playground
from storage.db import session_scope
from storage.repositories.faq import FaqRepo


def _group_sends(play: Playground, chat_id: int | None = None) -> list[dict[str, Any]]:
    target = chat_id or play.group_id
    return [c.params for c in play.sandbox.calls_of("sendMessage")
            if c.params["chat_id"] == target and c.ok]


async def test_question_is_answered_as_a_reply_in_the_askers_language(play: Playground) -> None:
    question = play.sandbox.user_sends(play.group_id, play.people.member,
                                       "ragazzi ma la spedizione è gratis?")
    await play.deliver()
    [sent] = _group_sends(play)
    assert sent["reply_parameters"]["message_id"] == question["message_id"]
    assert sent["text"].startswith("Ciao Giulia!")
    assert "gratuita sopra i 30 €" in sent["text"]
    assert sent["text"].endswith("— Il team Aurora ☕")
    labels = [b["text"] for row in sent["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["👍 Utile", "👎 Non utile"]


async def test_english_question_in_italian_group_gets_english_answer(play: Playground) -> None:
    play.sandbox.user_sends(play.group_id, play.people.member, "how much is shipping to Italy?")
    await play.deliver()
    [sent] = _group_sends(play)
    assert "Shipping is free over €30" in sent["text"]
    assert sent["text"].startswith("Hi Giulia!")


async def test_chit_chat_and_statements_get_no_answer(play: Playground) -> None:
    for line in ("buongiorno a tutti", "che tempo fa a Torino?", "adoro il vostro caffè"):
        play.sandbox.user_sends(play.group_id, play.people.member, line)
    await play.deliver()
    assert _group_sends(play) == []


async def test_answer_stays_in_the_forum_topic(play: Playground) -> None:
    sandbox = play.sandbox
    forum = sandbox.add_group("Forum Aurora", forum=True, owner_id=play.people.owner)
    sandbox.set_member(forum, play.people.member, "member")
    sandbox.add_bot_to(forum, "administrator", by_user_id=play.people.owner)
    topic = sandbox.add_topic(forum, "Ordini")
    sandbox.user_sends(forum, play.people.member, "le capsule vanno bene per la nespresso?",
                       thread_id=topic)
    await play.deliver()
    [sent] = _group_sends(play, forum)
    assert sent["message_thread_id"] == topic
    assert "compatibili Nespresso" in sent["text"]


async def test_same_question_within_cooldown_links_to_the_first_answer(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.member, "quanto costa la spedizione?")
    await play.deliver()
    first_answer = sandbox.last("sendMessage").result["message_id"]
    other = sandbox.add_user("Paolo")["id"]
    sandbox.set_member(play.group_id, other, "member")
    play.clock.advance(60)
    sandbox.user_sends(play.group_id, other, "scusate, quanto costa spedire?")
    await play.deliver()
    second = _group_sends(play)[-1]
    assert f"https://t.me/c/1000000001/{first_answer}" in second["text"]
    assert "Ne abbiamo parlato poco fa" in second["text"]


async def test_member_rate_limit_stops_answers(play: Playground) -> None:
    questions = ["quanto costa la spedizione?", "le capsule sono compostabili?",
                 "come faccio un reso?", "a che ora apre la torrefazione?"]
    for question in questions:
        play.sandbox.user_sends(play.group_id, play.people.member, question)
    await play.deliver()
    assert len(_group_sends(play)) == 3  # member_rate: 3 answers per 10 minutes


async def test_admins_are_not_answered(play: Playground) -> None:
    play.sandbox.add_bot_to(play.group_id, "administrator", by_user_id=play.people.owner)
    await play.deliver()  # the bot refreshes its admin list when its rights change
    play.sandbox.user_sends(play.group_id, play.people.admin, "quanto costa la spedizione?")
    await play.deliver()
    assert _group_sends(play) == []


async def test_private_chat_questions_are_answered(play: Playground) -> None:
    dm = play.sandbox.add_private_chat(play.people.member)
    play.sandbox.user_sends(dm, play.people.member, "posso mettere in pausa l'abbonamento?")
    await play.deliver()
    [sent] = _group_sends(play, dm)
    assert "pausa o disdirlo" in sent["text"]
    assert sent["reply_markup"]["inline_keyboard"][0][0]["url"] == "https://caffeaurora.it/account"


async def test_feedback_is_counted_once_per_member(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.member, "quanto costa la spedizione?")
    await play.deliver()
    answer = sandbox.last("sendMessage")
    buttons = answer.params["reply_markup"]["inline_keyboard"][-1]
    not_helpful = buttons[1]["callback_data"]
    for _ in range(2):
        sandbox.press_button(play.group_id, answer.result["message_id"], play.people.member,
                             not_helpful)
        await play.deliver()
    answers = sandbox.calls_of("answerCallbackQuery")
    assert [a.params.get("text") for a in answers] == ["Grazie, lo segnalo al team."] * 2
    async with session_scope(play.runtime.services.sessions) as s:
        totals = await FaqRepo(s).feedback_totals()
    assert totals["shipping-cost"] == (1, 0, 1)


async def test_forged_feedback_data_is_answered_politely(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.member, "quanto costa la spedizione?")
    await play.deliver()
    answer = sandbox.last("sendMessage")
    sandbox.press_button(play.group_id, answer.result["message_id"], play.people.member,
                         "faq:v1:999999:y", forged=True)
    await play.deliver()
    stale = "Questo pulsante non è più valido."
    assert sandbox.last("answerCallbackQuery").params["text"] == stale


async def test_unanswered_question_is_kept_for_the_team(play: Playground) -> None:
    play.sandbox.user_sends(play.group_id, play.people.member,
                            "qualcuno sa se fate consegne a domicilio la domenica mattina?")
    await play.deliver()
    async with session_scope(play.runtime.services.sessions) as s:
        assert await FaqRepo(s).count_questions(play.group_id, ["open"]) + \
            await FaqRepo(s).count_questions(play.group_id, ["bot"]) == 1
