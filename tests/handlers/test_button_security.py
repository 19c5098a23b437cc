"""Every kind of button x who presses it, through the real Application over the sandbox.

Button kinds (policies/callbacks.py codec): ``case:`` team cards and drafts
(handlers/case_buttons.py), ``mod:undo`` (handlers/modlog.py), ``dig:draft``
(handlers/reputation.py), ``faq:`` votes (handlers/faq.py), ``ver:`` newcomer checks
(handlers/newcomers.py). Each is pressed by a member, by someone outside the team, in the wrong
chat (its data copied onto another chat's message by a modified client), by a team member who
has left the team chat since, and by the right person. Every refusal answers the press with a
clear text and changes nothing: no Telegram effect, no row in any table.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.playground import Playground
from bot.sandbox import ApiCall
from policies.schema import PolicyFile
from policies.texts import text
from storage.db import session_scope
from storage.models import Base
from storage.repositories.cases import CasesRepo

READS = {"getChatMember", "getUpdates", "getMe", "getChatAdministrators",
         "answerCallbackQuery"}
SKIP_TABLES = {"inbox", "outbox"}
TEAM_ONLY, WRONG_CHAT, NOT_YOU = "team_only", "button_wrong_chat", "verify_not_you"
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@dataclass
class Button:
    chat_id: int
    message_id: int
    data: str
    right: int  # who may press it
    worked: Callable[[list[ApiCall]], Awaitable[bool]]
    team: bool = True  # a team button (else a member's button in a community)


async def _snapshot(play: Playground) -> dict[str, list[str]]:
    async with session_scope(play.runtime.services.sessions) as s:
        out = {}
        for table in Base.metadata.sorted_tables:
            if table.name not in SKIP_TABLES:
                rows = (await s.execute(select(table))).all()
                out[table.name] = sorted(repr(tuple(r)) for r in rows)
        return out


def _team_sends(play: Playground) -> list[ApiCall]:
    return [c for c in play.sandbox.calls_of("sendMessage")
            if c.ok and int(c.params["chat_id"]) == play.team_chat_id]


def _buttons(params: dict[str, Any]) -> dict[str, str]:
    rows = params["reply_markup"]["inline_keyboard"]
    return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}


async def _card(play: Playground) -> tuple[int, dict[str, str]]:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.member,
                       "Ordine mai arrivato dopo tre settimane, servizio pessimo")
    await play.deliver()
    card = next(c for c in _team_sends(play) if " complaint</b>" in c.params["text"])
    return int(card.result["message_id"]), _buttons(card.params)


async def _case_status(play: Playground) -> str:
    async with session_scope(play.runtime.services.sessions) as s:
        case = await CasesRepo(s).get(1)
    return case.status if case else "-"


def _called(method: str, **params: object) -> Callable[[list[ApiCall]], Awaitable[bool]]:
    async def check(calls: list[ApiCall]) -> bool:
        return any(c.method == method and c.ok and all(
            c.params.get(k) == v for k, v in params.items()) for c in calls)
    return check


def _status_is(play: Playground, status: str) -> Callable[[list[ApiCall]], Awaitable[bool]]:
    async def check(_calls: list[ApiCall]) -> bool:
        return await _case_status(play) == status
    return check


def _sent(chat_id: int, fragment: str) -> Callable[[list[ApiCall]], Awaitable[bool]]:
    async def check(calls: list[ApiCall]) -> bool:
        return any(c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id
                   and fragment in str(c.params.get("text")) for c in calls)
    return check


async def _case_button(play: Playground, label: str, expect: str) -> Button:
    message_id, buttons = await _card(play)
    checks = {"claimed": _status_is(play, "claimed"), "resolved": _status_is(play, "resolved"),
              "dismissed": _status_is(play, "dismissed"),
              "prompt": _sent(play.team_chat_id, "#1"),
              "mute": _called("restrictChatMember", user_id=play.people.member),
              "ban": _called("banChatMember", user_id=play.people.member)}
    return Button(play.team_chat_id, message_id, buttons[label], play.people.team,
                  checks[expect])


async def _reopen(play: Playground) -> Button:
    message_id, buttons = await _card(play)
    play.sandbox.press_button(play.team_chat_id, message_id, play.people.team,
                              buttons["🗑 Archivia"])
    await play.deliver()
    edited = play.sandbox.last("editMessageText").params
    return Button(play.team_chat_id, message_id, _buttons(edited)["↩️ Riapri"],
                  play.people.team, _status_is(play, "open"))


async def _approve(play: Playground) -> Button:
    message_id, _ = await _card(play)
    play.sandbox.user_sends(play.team_chat_id, play.people.team, "Ti rimborsiamo subito.",
                            reply_to=message_id)
    await play.deliver()
    draft = _team_sends(play)[-1]
    return Button(play.team_chat_id, int(draft.result["message_id"]),
                  _buttons(draft.params)["✅ Approva e pubblica"], play.people.admin,
                  _sent(play.group_id, "Ti rimborsiamo subito."))


async def _resolved_question(play: Playground) -> tuple[int, dict[str, str]]:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.member,
                       "qualcuno sa se fate consegne a domicilio la domenica mattina?")
    await play.deliver()
    play.clock.advance(31 * 60)
    await play.deliver()
    card = next(c for c in _team_sends(play) if " question</b>" in c.params["text"])
    message_id = int(card.result["message_id"])
    sandbox.user_sends(play.team_chat_id, play.people.team, "Sì, la domenica fino alle 12.",
                       reply_to=message_id)
    await play.deliver()
    sandbox.press_button(play.team_chat_id, message_id, play.people.team,
                         _buttons(card.params)["✅ Risolto"])
    await play.deliver()
    return message_id, _buttons(sandbox.last("editMessageText").params)


async def _save_faq(play: Playground) -> Button:
    message_id, buttons = await _resolved_question(play)
    return Button(play.team_chat_id, message_id, buttons["📚 Salva come FAQ"], play.people.team,
                  _sent(play.team_chat_id, "fino alle 12"))


async def _confirm_faq(play: Playground) -> Button:
    message_id, buttons = await _resolved_question(play)
    play.sandbox.press_button(play.team_chat_id, message_id, play.people.team,
                              buttons["📚 Salva come FAQ"])
    await play.deliver()
    confirm = _team_sends(play)[-1]
    return Button(play.team_chat_id, int(confirm.result["message_id"]),
                  _buttons(confirm.params)["✅ Conferma"], play.people.team,
                  _sent(play.team_chat_id, "case-1"))


async def _undo(play: Playground) -> Button:
    sandbox = play.sandbox
    bait = sandbox.user_sends(play.group_id, play.people.member, "messaggio qualunque")
    sandbox.user_sends(play.group_id, play.people.admin, "/ban", reply_to=bait["message_id"])
    await play.deliver()
    log = next(c for c in _team_sends(play) if "reply_markup" in c.params
               and any(d.startswith("mod:") for d in _buttons(c.params).values()))
    [data] = _buttons(log.params).values()
    return Button(play.team_chat_id, int(log.result["message_id"]), data, play.people.team,
                  _called("unbanChatMember", user_id=play.people.member))


async def _digest_draft(play: Playground) -> Button:
    sandbox = play.sandbox
    for n, question in enumerate(("fate consegne la domenica?",
                                  "consegnate anche di domenica mattina?")):
        asker = sandbox.add_user(f"Curioso{n}")["id"]
        sandbox.set_member(play.group_id, asker, "member")
        sandbox.user_sends(play.group_id, asker, question)
    await play.deliver()
    play.clock.advance(23 * 3600)
    await play.deliver()
    digest = next(c for c in _team_sends(play) if "Digest" in c.params["text"])
    return Button(play.team_chat_id, int(digest.result["message_id"]),
                  _buttons(digest.params)["📝 Bozza FAQ 1"], play.people.team,
                  _sent(play.team_chat_id, "/faq add"))


async def _faq_vote(play: Playground) -> Button:
    play.sandbox.user_sends(play.group_id, play.people.member, "quanto costa la spedizione?")
    await play.deliver()
    answer = next(c for c in play.sandbox.calls_of("sendMessage")
                  if c.ok and int(c.params["chat_id"]) == play.group_id
                  and "reply_markup" in c.params)
    data = _buttons(answer.params)["👎 Non utile"]

    async def voted(_calls: list[ApiCall]) -> bool:
        return any("(1, 100000001, False)" in r for r in
                   (await _snapshot(play))["faq_votes"])

    return Button(play.group_id, int(answer.result["message_id"]), data, play.people.member,
                  voted, team=False)


async def _verify(play: Playground) -> Button:
    sandbox = play.sandbox
    newcomer = sandbox.add_user("Nuova")["id"]
    sandbox.user_joins(play.group_id, newcomer)
    await play.deliver()
    play.clock.advance(6)
    await play.deliver()
    prompt = sandbox.last("sendMessage")
    [data] = _buttons(prompt.params).values()

    async def lifted(calls: list[ApiCall]) -> bool:
        return any(c.method == "restrictChatMember" and c.params["user_id"] == newcomer
                   and c.params["permissions"]["can_send_messages"] for c in calls)

    return Button(play.group_id, int(prompt.result["message_id"]), data, newcomer, lifted,
                  team=False)


KINDS: dict[str, Callable[[Playground], Awaitable[Button]]] = {
    "case:claim": lambda p: _case_button(p, "🙋 Prendo io", "claimed"),
    "case:reply": lambda p: _case_button(p, "💬 Rispondi come brand", "prompt"),
    "case:resolve": lambda p: _case_button(p, "✅ Risolto", "resolved"),
    "case:dismiss": lambda p: _case_button(p, "🗑 Archivia", "dismissed"),
    "case:mute": lambda p: _case_button(p, "🔇 Silenzia 24h", "mute"),
    "case:ban": lambda p: _case_button(p, "⛔ Banna", "ban"),
    "case:reopen": _reopen,
    "case:approve": _approve,
    "case:faq": _save_faq,
    "case:faqok": _confirm_faq,
    "mod:undo": _undo,
    "dig:draft": _digest_draft,
    "faq:vote": _faq_vote,
    "ver": _verify,
}


async def _elsewhere(play: Playground, button: Button) -> tuple[int, int]:
    """A bot message with buttons in another chat, onto which the data is copied."""
    other = play.community_ids[1] if button.chat_id != play.community_ids[1] else play.group_id
    play.sandbox.user_sends(other, play.people.member, "quanto costa la spedizione?")
    await play.deliver()
    answer = next(c for c in reversed(play.sandbox.calls_of("sendMessage"))
                  if c.ok and int(c.params["chat_id"]) == other and "reply_markup" in c.params)
    return other, int(answer.result["message_id"])


async def _press(play: Playground, chat_id: int, message_id: int, who: int,
                 data: str) -> tuple[str, list[ApiCall]]:
    await play.deliver()
    before = len(play.sandbox.calls)
    play.sandbox.press_button(chat_id, message_id, who, data, forged=True)
    await play.deliver()
    calls = play.sandbox.calls[before:]
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 1, [c.method for c in calls]
    return str(answers[0].params.get("text", "")), calls


async def _refused(play: Playground, chat_id: int, message_id: int, who: int, data: str,
                   refusal: str) -> None:
    """Answered with the refusal (in the chat's language), nothing else done or stored."""
    before = await _snapshot(play)
    said, calls = await _press(play, chat_id, message_id, who, data)
    assert said in (text(refusal, "it"), text(refusal, "en"))
    assert [c.method for c in calls if c.method not in READS] == []
    assert await _snapshot(play) == before


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_each_button_is_refused_to_the_wrong_presser_and_works_for_the_right_one(
    play: Playground, kind: str
) -> None:
    sandbox = play.sandbox
    button = await KINDS[kind](play)
    other_chat, foreign_message = await _elsewhere(play, button)
    outsider = sandbox.add_user("Estraneo")["id"]
    not_for = TEAM_ONLY if button.team else NOT_YOU
    if button.team or kind == "ver":  # FAQ votes are open to everyone who sees the answer
        await _refused(play, button.chat_id, button.message_id, outsider, button.data, not_for)
        await _refused(play, button.chat_id, button.message_id, play.people.member,
                       button.data, not_for)
    await _refused(play, other_chat, foreign_message, button.right, button.data, WRONG_CHAT)
    if button.team:  # left the team chat since the card was posted: refused at once
        sandbox.set_member(play.team_chat_id, button.right, "left")
        await _refused(play, button.chat_id, button.message_id, button.right, button.data,
                       TEAM_ONLY)
        sandbox.set_member(play.team_chat_id, button.right, "member")
    _said, calls = await _press(play, button.chat_id, button.message_id, button.right,
                                button.data)
    assert await button.worked(calls), [(c.method, c.params) for c in calls]


async def test_question_check_cannot_be_skipped_with_forged_button_data(
    policy: PolicyFile, tmp_path: Path
) -> None:
    """In question mode, the plain-button data (no answer) must not verify a join bot."""
    members = policy.moderation.new_members.model_copy(update={"verify": "question"})
    strict = policy.model_copy(update={"moderation": policy.moderation.model_copy(
        update={"new_members": members})})
    clock = ManualClock(START)
    play = await Playground.create(strict, f"sqlite+aiosqlite:///{tmp_path / 'q.db'}",
                                   clock=clock)
    try:
        sandbox = play.sandbox
        bot_user = sandbox.add_user("JoinBot")["id"]
        sandbox.user_joins(play.group_id, bot_user)
        await play.deliver()
        play.clock.advance(6)
        await play.deliver()
        prompt = sandbox.last("sendMessage")
        assert re.search(r"quanto fa \d+ \+ \d+", prompt.params["text"])
        tag = next(iter(_buttons(prompt.params).values())).split(":")[2]
        said, calls = await _press(play, play.group_id, int(prompt.result["message_id"]),
                                   bot_user, f"ver:v1:{tag}")
        assert not any(c.method == "restrictChatMember" and c.params["user_id"] == bot_user
                       and c.params["permissions"]["can_send_messages"] for c in calls)
        assert said == text("verify_wrong", "it")
    finally:
        await play.close()
