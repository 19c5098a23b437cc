"""Escalation: every trigger opens (or updates) one case with a card the team acts on."""

from __future__ import annotations

from typing import Any

from bot.playground import Playground
from storage.db import session_scope
from storage.repositories.cases import CaseInfo, CasesRepo


def _team(play: Playground) -> list[Any]:
    return [c for c in play.sandbox.calls_of("sendMessage")
            if c.params["chat_id"] == play.team_chat_id and c.ok]


async def _cases(play: Playground) -> list[CaseInfo]:
    async with session_scope(play.runtime.services.sessions) as s:
        repo = CasesRepo(s)
        found = [await repo.get(i) for i in range(1, 50)]
    return [c for c in found if c is not None]


def _buttons(call: Any) -> dict[str, str]:
    rows = call.params["reply_markup"]["inline_keyboard"]
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}


async def _complaint(play: Playground) -> tuple[dict[str, Any], Any]:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.member, "ciao a tutti")
    message = sandbox.user_sends(play.group_id, play.people.member,
                                 "Ordine mai arrivato dopo tre settimane, servizio pessimo")
    await play.deliver()
    card = next(c for c in _team(play) if "#1 complaint" in c.params["text"])
    return message, card


async def test_complaint_opens_a_case_with_a_card_in_the_complaints_topic(
    play: Playground,
) -> None:
    message, card = await _complaint(play)
    assert card.params["message_thread_id"] == 2
    text = card.params["text"]
    assert "Giulia" in text and "servizio pessimo" in text and "ciao a tutti" in text
    assert f"https://t.me/c/1000000001/{message['message_id']}" in text
    assert set(_buttons(card)) == {"🙋 Prendo io", "💬 Rispondi come brand", "✅ Risolto",
                                   "🗑 Archivia", "🔇 Silenzia 24h", "⛔ Banna"}
    [case] = await _cases(play)
    assert (case.kind, case.status, case.card_message_id) == (
        "complaint", "open", card.result["message_id"])


async def test_off_topic_negativity_and_sarcasm_free_praise_open_nothing(
    play: Playground,
) -> None:
    for line in ("che tempo orribile oggi, piove da tre giorni", "la partita di ieri è stata "
                 "un disastro", "adoro la vostra nuova miscela"):
        play.sandbox.user_sends(play.group_id, play.people.member, line)
    await play.deliver()
    assert await _cases(play) == []


async def test_claim_then_double_press_is_harmless(play: Playground) -> None:
    _message, card = await _complaint(play)
    claim = _buttons(card)["🙋 Prendo io"]
    for attempt in range(2):  # the second press arrives from a client that still shows it
        play.sandbox.press_button(play.team_chat_id, card.result["message_id"], play.people.team,
                                  claim, forged=attempt > 0)
        await play.deliver()
    answers = [c.params.get("text") for c in play.sandbox.calls_of("answerCallbackQuery")]
    assert answers == ["Fatto (#1).", "Il caso #1 è già claimed."]
    [case] = await _cases(play)
    assert case.status == "claimed" and case.assignee_name == "Sara"
    edit = play.sandbox.last("editMessageText")
    assert "preso da Sara" in edit.params["text"]


async def test_presses_from_outside_the_team_are_refused(play: Playground) -> None:
    _message, card = await _complaint(play)
    outsider = play.sandbox.add_user("Intruso")["id"]
    play.sandbox.set_member(play.team_chat_id, outsider, "left")
    play.sandbox.press_button(play.team_chat_id, card.result["message_id"], outsider,
                              _buttons(card)["⛔ Banna"], forged=True)
    await play.deliver()
    assert play.sandbox.last("answerCallbackQuery").params["text"].startswith("Solo i membri")
    assert not play.sandbox.calls_of("banChatMember")


async def test_forged_and_stale_data_are_answered_politely(play: Playground) -> None:
    _message, card = await _complaint(play)
    for data in ("case:v1:999:claim", "case:v9:1:claim", "case:v1:1:explode"):
        play.sandbox.press_button(play.team_chat_id, card.result["message_id"],
                                  play.people.team, data, forged=True)
        await play.deliver()
    answers = [c.params.get("text") for c in play.sandbox.calls_of("answerCallbackQuery")]
    assert answers == ["Questo pulsante non è più valido.", "Questo pulsante non è più valido.",
                       "Il caso #1 è già open."]


async def _report(play: Playground) -> tuple[dict[str, Any], Any]:
    sandbox = play.sandbox
    message = sandbox.user_sends(play.group_id, play.people.member, "dove trovo il listino?")
    sandbox.user_sends(play.group_id, play.people.team, "/report", reply_to=message["message_id"])
    await play.deliver()
    card = next(c for c in _team(play) if "#1 report" in c.params["text"])
    return message, card


async def test_reply_as_brand_posts_in_the_group_as_a_reply(play: Playground) -> None:
    message, card = await _report(play)
    play.sandbox.user_sends(play.team_chat_id, play.people.team,
                            "Ci dispiace! Ti scriviamo in privato per il rimborso.",
                            reply_to=card.result["message_id"])
    await play.deliver()
    posted = [c for c in play.sandbox.calls_of("sendMessage")
              if c.params["chat_id"] == play.group_id][-1]
    assert posted.params["reply_parameters"]["message_id"] == message["message_id"]
    assert posted.params["text"].startswith("Ciao Giulia!")
    assert "Ti scriviamo in privato" in posted.params["text"]
    [case] = await _cases(play)
    assert case.reply_text is not None


async def test_reply_button_uses_a_forced_reply_prompt(play: Playground) -> None:
    _message, card = await _report(play)
    play.sandbox.press_button(play.team_chat_id, card.result["message_id"], play.people.team,
                              _buttons(card)["💬 Rispondi come brand"])
    await play.deliver()
    prompt = _team(play)[-1]
    assert prompt.params["reply_markup"]["force_reply"] is True
    play.sandbox.user_sends(play.team_chat_id, play.people.team, "Risolto, grazie!",
                            reply_to=prompt.result["message_id"])
    await play.deliver()
    assert "Risolto, grazie!" in play.sandbox.sent_texts(play.group_id)[-1]


async def test_report_by_several_members_becomes_urgent(play: Playground) -> None:
    sandbox = play.sandbox
    bad = sandbox.user_sends(play.group_id, play.people.member, "un messaggio strano")
    reporters = [sandbox.add_user(f"R{n}")["id"] for n in range(3)]
    for reporter in reporters:
        sandbox.set_member(play.group_id, reporter, "member")
        sandbox.user_sends(play.group_id, reporter, "/report", reply_to=bad["message_id"])
        await play.deliver()
    [case] = await _cases(play)
    assert case.kind == "report" and case.priority == "urgent"
    assert sorted(case.reporters) == sorted(reporters)
    assert len([c for c in _team(play) if "#1 report" in c.params["text"]]) == 1


async def test_report_rate_limit_per_member(play: Playground) -> None:
    sandbox = play.sandbox
    answers = []
    for n in range(7):
        author = sandbox.add_user(f"Autore{n}")["id"]
        sandbox.set_member(play.group_id, author, "member")
        target = sandbox.user_sends(play.group_id, author, f"messaggio {n}")
        sandbox.user_sends(play.group_id, play.people.member, "/report",
                           reply_to=target["message_id"])
        await play.deliver()
        play.clock.advance(30)
        answers.append(sandbox.sent_texts(play.group_id)[-1])
    assert answers.count("Grazie, ho avvisato il team.") == 5
    assert "Hai già fatto diverse segnalazioni" in answers[-1]


async def test_at_admin_reports_the_replied_message(play: Playground) -> None:
    sandbox = play.sandbox
    bad = sandbox.user_sends(play.group_id, play.people.team, "compra follower qui")
    sandbox.user_sends(play.group_id, play.people.member, "@admin guardate",
                       reply_to=bad["message_id"])
    await play.deliver()
    [case] = await _cases(play)
    assert case.kind == "report" and case.message_id == bad["message_id"]


async def test_unanswered_question_becomes_a_case_after_the_wait(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.member,
                       "qualcuno sa se fate consegne a domicilio la domenica mattina?")
    await play.deliver()
    assert await _cases(play) == []
    play.clock.advance(31 * 60)
    await play.deliver()
    [case] = await _cases(play)
    assert case.kind == "question" and "unanswered:30m" in case.reasons


async def test_question_answered_by_an_admin_is_not_escalated(play: Playground) -> None:
    sandbox = play.sandbox
    question = sandbox.user_sends(play.group_id, play.people.member,
                                  "qualcuno sa se fate consegne a domicilio la domenica?")
    await play.deliver()
    sandbox.user_sends(play.group_id, play.people.admin, "Sì, a Torino!",
                       reply_to=question["message_id"])
    await play.deliver()
    play.clock.advance(31 * 60)
    await play.deliver()
    assert await _cases(play) == []


async def test_not_helpful_feedback_opens_a_question_case(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.member, "quanto costa la spedizione?")
    await play.deliver()
    answer = sandbox.last("sendMessage")
    not_helpful = answer.params["reply_markup"]["inline_keyboard"][-1][1]["callback_data"]
    sandbox.press_button(play.group_id, answer.result["message_id"], play.people.member,
                         not_helpful)
    await play.deliver()
    [case] = await _cases(play)
    assert case.kind == "question" and "not helpful" in case.reasons


async def test_escalate_command_by_admin(play: Playground) -> None:
    sandbox = play.sandbox
    target = sandbox.user_sends(play.group_id, play.people.member, "ho un problema serio")
    sandbox.user_sends(play.group_id, play.people.admin, "/escalate cliente importante",
                       reply_to=target["message_id"])
    await play.deliver()
    [case] = await _cases(play)
    assert (case.kind, case.priority) == ("escalated", "high")


async def test_mute_and_ban_buttons_act_on_the_author(play: Playground) -> None:
    _message, card = await _complaint(play)
    buttons = _buttons(card)
    play.sandbox.press_button(play.team_chat_id, card.result["message_id"], play.people.team,
                              buttons["🔇 Silenzia 24h"])
    await play.deliver()
    mute = play.sandbox.last("restrictChatMember").params
    assert mute["user_id"] == play.people.member
    assert mute["until_date"] == int(play.clock.now().timestamp()) + 86400


async def test_resolve_then_save_as_faq(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.member,
                       "qualcuno sa se fate consegne a domicilio la domenica mattina?")
    await play.deliver()
    play.clock.advance(31 * 60)
    await play.deliver()
    card = next(c for c in _team(play) if "#1 question" in c.params["text"])
    sandbox.user_sends(play.team_chat_id, play.people.team, "Sì, la domenica fino alle 12.",
                       reply_to=card.result["message_id"])
    await play.deliver()
    sandbox.press_button(play.team_chat_id, card.result["message_id"], play.people.team,
                         _buttons(card)["✅ Risolto"])
    await play.deliver()
    edited = sandbox.last("editMessageText")
    faq_button = {b["text"]: b["callback_data"]
                  for row in edited.params["reply_markup"]["inline_keyboard"] for b in row}
    sandbox.press_button(play.team_chat_id, card.result["message_id"], play.people.team,
                         faq_button["📚 Salva come FAQ"])
    await play.deliver()
    confirm = _team(play)[-1]
    sandbox.press_button(play.team_chat_id, confirm.result["message_id"], play.people.team,
                         _buttons(confirm)["✅ Conferma"])
    await play.deliver()
    sandbox.user_sends(play.group_id, play.people.member,
                       "ma fate consegne a domicilio la domenica mattina?")
    await play.deliver()
    assert "fino alle 12" in sandbox.sent_texts(play.group_id)[-1]


async def test_sensitive_case_reply_needs_a_second_team_member(play: Playground) -> None:
    sandbox = play.sandbox
    _message, card = await _complaint(play)
    sandbox.user_sends(play.team_chat_id, play.people.team, "Ti rimborsiamo subito.",
                       reply_to=card.result["message_id"])
    await play.deliver()
    draft = _team(play)[-1]
    assert draft.params["text"].startswith("📝 Bozza di Sara")
    approve = _buttons(draft)["✅ Approva e pubblica"]
    sandbox.press_button(play.team_chat_id, draft.result["message_id"], play.people.team, approve)
    await play.deliver()
    assert sandbox.last("answerCallbackQuery").params["text"].startswith("Serve l'approvazione")
    assert not any("rimborsiamo" in t for t in sandbox.sent_texts(play.group_id))
    sandbox.press_button(play.team_chat_id, draft.result["message_id"], play.people.admin,
                         approve)
    await play.deliver()
    assert "Ti rimborsiamo subito." in sandbox.sent_texts(play.group_id)[-1]


async def test_open_and_case_commands(play: Playground) -> None:
    await _complaint(play)
    play.sandbox.user_sends(play.team_chat_id, play.people.team, "/open")
    play.sandbox.user_sends(play.team_chat_id, play.people.team, "/case 1")
    await play.deliver()
    listing, shown = [c.params["text"] for c in _team(play)][-2:]
    assert listing.startswith("Casi aperti (1):") and "#1 complaint" in listing
    assert "servizio pessimo" in shown


async def test_unclaimed_case_is_reminded_once(play: Playground) -> None:
    await _complaint(play)
    play.clock.advance(2 * 3600 + 1)
    await play.deliver()
    play.clock.advance(3 * 3600)
    await play.deliver()
    reminders = [c for c in _team(play) if c.params["text"].startswith("⏰")]
    assert len(reminders) == 1


async def test_dismiss_reopen_and_ban_buttons(play: Playground) -> None:
    sandbox = play.sandbox
    _message, card = await _complaint(play)
    message_id = card.result["message_id"]
    sandbox.press_button(play.team_chat_id, message_id, play.people.team,
                         _buttons(card)["⛔ Banna"])
    await play.deliver()
    assert sandbox.last("banChatMember").params["user_id"] == play.people.member
    sandbox.press_button(play.team_chat_id, message_id, play.people.team,
                         _buttons(card)["🗑 Archivia"])
    await play.deliver()
    [case] = await _cases(play)
    assert case.status == "dismissed" and case.resolved_by == "Sara"
    edited = sandbox.last("editMessageText")
    reopen = {b["text"]: b["callback_data"]
              for row in edited.params["reply_markup"]["inline_keyboard"] for b in row}
    sandbox.press_button(play.team_chat_id, message_id, play.people.team, reopen["↩️ Riapri"])
    await play.deliver()
    [case] = await _cases(play)
    assert case.status == "open"


async def test_a_trigger_that_changes_nothing_on_the_card_does_not_edit_it(
    play: Playground,
) -> None:
    sandbox = play.sandbox
    bad = sandbox.user_sends(play.group_id, play.people.member, "un messaggio strano")
    reporter = sandbox.add_user("Rita")["id"]
    sandbox.set_member(play.group_id, reporter, "member")
    for _ in range(2):  # the same member reporting the same message twice
        sandbox.user_sends(play.group_id, reporter, "/report", reply_to=bad["message_id"])
        await play.deliver()
        play.clock.advance(30)
    [case] = await _cases(play)
    edits = [c for c in sandbox.calls_of("editMessageText")
             if c.params["message_id"] == case.card_message_id]
    assert edits == []  # Telegram would have refused it: "message is not modified"
    other = sandbox.add_user("Sara")["id"]
    sandbox.set_member(play.group_id, other, "member")
    sandbox.user_sends(play.group_id, other, "/report", reply_to=bad["message_id"])
    await play.deliver()
    edits = [c for c in sandbox.calls_of("editMessageText")
             if c.params["message_id"] == case.card_message_id]
    assert len(edits) == 1 and edits[0].ok  # a second reporter shows on the card
