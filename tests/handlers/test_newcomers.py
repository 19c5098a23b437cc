"""New members: verification, and raids that never make the bot the flood."""

from __future__ import annotations

from sqlalchemy import select

from bot.outbox import GATHER
from bot.playground import Playground
from storage.db import session_scope
from storage.models import ModerationEvent, OutboxItem
from storage.repositories.moderation import EventsRepo


def _group_texts(play: Playground) -> list[str]:
    return [c.params["text"] for c in play.sandbox.calls_of("sendMessage")
            if c.params["chat_id"] == play.group_id and c.ok]


async def _join(play: Playground, name: str) -> int:
    user = play.sandbox.add_user(name)["id"]
    play.sandbox.user_joins(play.group_id, user)
    return int(user)


async def test_newcomer_is_restricted_until_they_press_the_button(play: Playground) -> None:
    sandbox = play.sandbox
    newcomer = await _join(play, "Nadia")
    await play.deliver()
    [restrict] = sandbox.calls_of("restrictChatMember")
    assert restrict.params["user_id"] == newcomer
    assert restrict.params["permissions"]["can_send_messages"] is False
    play.clock.advance(6)
    await play.deliver()
    prompt = sandbox.last("sendMessage")
    assert "Nadia" in prompt.params["text"]
    data = prompt.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    sandbox.press_button(play.group_id, prompt.result["message_id"], play.people.member, data)
    await play.deliver()
    assert sandbox.last("answerCallbackQuery").params["text"] == "Questo pulsante non è per te."
    sandbox.press_button(play.group_id, prompt.result["message_id"], newcomer, data)
    await play.deliver()
    lifted = sandbox.last("restrictChatMember").params
    assert lifted["user_id"] == newcomer and lifted["permissions"]["can_send_messages"] is True
    assert sandbox.message(play.group_id, prompt.result["message_id"]).deleted


async def test_newcomer_who_never_verifies_is_removed_after_the_timeout(
    play: Playground,
) -> None:
    newcomer = await _join(play, "Bot Sospetto")
    await play.deliver()
    play.clock.advance(6)
    await play.deliver()
    play.clock.advance(121)
    await play.deliver()
    assert [c.params["user_id"] for c in play.sandbox.calls_of("banChatMember")] == [newcomer]
    assert [c.params["user_id"] for c in play.sandbox.calls_of("unbanChatMember")] == [newcomer]


async def test_joins_close_together_share_one_welcome(play: Playground) -> None:
    for name in ("Ada", "Bruno", "Carla"):
        await _join(play, name)
    await play.deliver()
    play.clock.advance(6)
    await play.deliver()
    [welcome] = _group_texts(play)
    assert all(name in welcome for name in ("Ada", "Bruno", "Carla"))


async def test_raid_is_cleaned_without_the_bot_flooding_the_group(play: Playground) -> None:
    sandbox = play.sandbox
    raiders = []
    for n in range(200):
        user = sandbox.add_user(f"Raider{n}")["id"]
        sandbox.user_joins(play.group_id, user)
        raiders.append(user)
    spam = []
    for n in range(1000):
        raider = raiders[n % len(raiders)]
        text = f"💰 guadagna subito 500€ al giorno con crypto! scrivimi t.me/+pump{n % 7}"
        spam.append(sandbox.user_sends(play.group_id, raider, text)["message_id"])
    await play.deliver()
    play.clock.advance(10)
    await play.deliver()
    deleted: set[int] = set()
    for call in sandbox.calls:
        if call.method in ("deleteMessage", "deleteMessages") and call.ok:
            deleted.update(call.params.get("message_ids") or [call.params["message_id"]])
    assert set(spam) <= deleted
    assert len(_group_texts(play)) <= 3
    team = [c.params["text"] for c in sandbox.calls_of("sendMessage")
            if c.params["chat_id"] == play.team_chat_id]
    assert sum("🚨 Raid" in t for t in team) == 1
    deletion_calls = [c for c in sandbox.calls if c.method in ("deleteMessage", "deleteMessages")]
    assert len(deletion_calls) <= 1 + len(spam) // 50
    async with session_scope(play.runtime.services.sessions) as s:
        counts = await EventsRepo(s).count_by_action(play.group_id, play.clock.now().replace(
            year=2000))
    assert sum(counts.values()) == 1000
    async with session_scope(play.runtime.services.sessions) as s:
        rows = (await s.execute(select(OutboxItem.params, OutboxItem.ref_kind)
                                .where(OutboxItem.method == "deleteMessage"))).all()
    gathered = {params["message_id"] for params, kind in rows if kind == GATHER}
    assert set(spam) <= gathered  # raid deletions may wait to fill their batches


async def test_during_a_raid_a_newcomer_is_banned_on_the_first_removed_message(
        play: Playground) -> None:
    """'truffa' alone only deletes; from someone who joined for the raid it bans at once,
    with a reason that says why. A long-standing member only loses the line."""
    sandbox, member = play.sandbox, play.people.member
    raiders = [sandbox.add_user(f"Raider{n}")["id"] for n in range(20)]
    for user in raiders:
        sandbox.user_joins(play.group_id, user)
    # sent before the bot has restricted the newcomers (their joins are still queued)
    sandbox.user_sends(play.group_id, raiders[-1], "che truffa questo gruppo")
    sandbox.user_sends(play.group_id, member, "che truffa questo gruppo")
    await play.deliver()
    banned = [c.params["user_id"] for c in sandbox.calls_of("banChatMember") if c.ok]
    assert banned == [raiders[-1]]
    async with session_scope(play.runtime.services.sessions) as s:
        events = (await s.execute(select(ModerationEvent.user_id, ModerationEvent.action,
                                         ModerationEvent.reasons)
                                  .order_by(ModerationEvent.id))).all()
    assert [(u, a) for u, a, _ in events[-2:]] == [(raiders[-1], "ban"), (member, "delete")]
    assert 'raid:joined during a raid' in events[-2][2]
