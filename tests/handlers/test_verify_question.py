"""Verification by question: the right answer lets a newcomer write, a wrong one removes them."""

from __future__ import annotations

import re

import pytest

from bot.playground import Playground
from bot.policy_loader import load_policy
from policies.schema import PolicyFile


@pytest.fixture
def policy() -> PolicyFile:
    base = load_policy()
    members = base.moderation.new_members.model_copy(update={"verify": "question"})
    return base.model_copy(update={"moderation": base.moderation.model_copy(
        update={"new_members": members})})


async def test_right_answer_verifies_wrong_answer_removes(play: Playground) -> None:
    sandbox = play.sandbox
    good, bad = sandbox.add_user("Buona")["id"], sandbox.add_user("Bot")["id"]
    sandbox.user_joins(play.group_id, good)
    sandbox.user_joins(play.group_id, bad)
    await play.deliver()
    play.clock.advance(6)
    await play.deliver()
    prompt = sandbox.last("sendMessage")
    first, second = map(int, re.findall(r"quanto fa (\d+) \+ (\d+)", prompt.params["text"])[0])
    buttons = {b["text"]: b["callback_data"]
               for b in prompt.params["reply_markup"]["inline_keyboard"][0]}
    assert len(buttons) == 4 and str(first + second) in buttons
    wrong = next(data for label, data in buttons.items() if label != str(first + second))
    message_id = prompt.result["message_id"]
    sandbox.press_button(play.group_id, message_id, bad, wrong)
    sandbox.press_button(play.group_id, message_id, good, buttons[str(first + second)])
    await play.deliver()
    assert [c.params["user_id"] for c in sandbox.calls_of("banChatMember")] == [bad]
    lifted = [c.params for c in sandbox.calls_of("restrictChatMember")
              if c.params["permissions"]["can_send_messages"]]
    assert [p["user_id"] for p in lifted] == [good]
