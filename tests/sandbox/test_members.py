"""Moderation rights, member statuses and callback answers, checked like Telegram does."""

from __future__ import annotations

import datetime as dtm
import json

import pytest
from telegram import Bot, ChatPermissions, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.clock import ManualClock
from bot.sandbox import Sandbox, SandboxError
from bot.sandbox.model import NO_FLAGS
from bot.sandbox.persist import dump_state, load_state
from tests.sandbox.conftest import Community

MUTE = ChatPermissions.no_permissions()


@pytest.mark.parametrize(
    ("bot_can_restrict", "target", "outcome"),
    [(True, "member", "restricted"), (False, "member", "not enough rights"),
     (True, "admin", "user is an administrator"), (True, "owner", "can't remove chat owner"),
     (True, "bot", "can't restrict self")],
    ids=["ok", "bot-lacks-right", "admin", "owner", "self"],
)
async def test_restrict_rights_matrix(
    bot: Bot, sandbox: Sandbox, community: Community, bot_can_restrict: bool, target: str,
    outcome: str,
) -> None:
    sandbox.set_member(community.group, sandbox.bot_id, "administrator",
                       can_restrict_members=bot_can_restrict)
    user_id = sandbox.bot_id if target == "bot" else getattr(community, target)
    if outcome == "restricted":
        assert await bot.restrict_chat_member(community.group, user_id, MUTE)
        member = await bot.get_chat_member(community.group, user_id)
        assert member.status == "restricted"
        assert member.can_send_messages is False  # type: ignore[attr-defined]
    else:
        with pytest.raises(BadRequest) as raised:
            await bot.restrict_chat_member(community.group, user_id, MUTE)
        assert outcome in raised.value.message.lower()


async def test_mute_until_date_and_lift(
    bot: Bot, sandbox: Sandbox, community: Community, clock: ManualClock
) -> None:
    until = clock.now() + dtm.timedelta(minutes=10)
    await bot.restrict_chat_member(community.group, community.member, MUTE, until_date=until)
    member = await bot.get_chat_member(community.group, community.member)
    assert member.until_date == until  # type: ignore[attr-defined]
    await bot.restrict_chat_member(community.group, community.member,
                                   ChatPermissions.all_permissions())
    assert (await bot.get_chat_member(community.group, community.member)).status == "member"


@pytest.mark.parametrize("action", ["mute", "ban"], ids=str)
async def test_temporary_restrictions_lift_themselves(
    bot: Bot, sandbox: Sandbox, community: Community, clock: ManualClock, action: str
) -> None:
    until = clock.now() + dtm.timedelta(minutes=10)
    if action == "mute":
        await bot.restrict_chat_member(community.group, community.member, MUTE,
                                       until_date=until)
    else:
        await bot.ban_chat_member(community.group, community.member, until_date=until)
    with pytest.raises(SandboxError):
        sandbox.user_sends(community.group, community.member, "posso?")
    clock.advance(11 * 60)
    expected = "member" if action == "mute" else "left"
    assert (await bot.get_chat_member(community.group, community.member)).status == expected


async def test_a_restriction_already_due_lifts_within_the_same_second(
    bot: Bot, sandbox: Sandbox, community: Community, clock: ManualClock
) -> None:
    """The sandbox looks for due restrictions once per second of its clock, unless a new
    timed restriction was made since: one made already due is lifted at the next call."""
    assert (await bot.get_chat_member(community.group, community.member)).status == "member"
    past = int(clock.now().timestamp()) - 5  # the clock has not moved since that call
    sandbox.set_member(community.group, community.member, "restricted", until_date=past)
    assert (await bot.get_chat_member(community.group, community.member)).status == "member"
    sandbox.set_member(community.group, community.member, "restricted")  # no until_date
    assert (await bot.get_chat_member(community.group, community.member)).status == \
        "restricted"


async def test_restrict_in_basic_group_is_supergroup_only(bot: Bot, sandbox: Sandbox) -> None:
    group = sandbox.add_group("Base", supergroup=False)
    sandbox.add_bot_to(group)
    user = sandbox.add_user("U")["id"]
    with pytest.raises(BadRequest, match=r"(?i)only for supergroups"):
        await bot.restrict_chat_member(group, user, MUTE)


async def test_ban_removes_messages_and_emits_chat_member(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    spam = sandbox.user_sends(community.group, community.member, "spam")["message_id"]
    assert await bot.ban_chat_member(community.group, community.member)
    assert sandbox.message(community.group, spam).deleted
    assert (await bot.get_chat_member(community.group, community.member)).status == "kicked"
    updates = await bot.get_updates(allowed_updates=["chat_member", "message"])
    change = updates[-1].chat_member
    assert change is not None and change.new_chat_member.status == "kicked"
    assert await bot.unban_chat_member(community.group, community.member, only_if_banned=True)
    assert (await bot.get_chat_member(community.group, community.member)).status == "left"


async def test_unban_without_only_if_banned_removes_a_member(
    bot: Bot, community: Community
) -> None:
    assert await bot.unban_chat_member(community.group, community.member)
    assert (await bot.get_chat_member(community.group, community.member)).status == "left"


async def test_ban_needs_the_right(bot: Bot, sandbox: Sandbox, community: Community) -> None:
    sandbox.set_member(community.group, sandbox.bot_id, "administrator", default_rights=False,
                       can_pin_messages=True)
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to restrict"):
        await bot.ban_chat_member(community.group, community.member)
    with pytest.raises(BadRequest, match=r"(?i)not enough rights"):
        await bot.ban_chat_sender_chat(community.group, community.channel)


async def test_administrators_and_counts(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    admins = await bot.get_chat_administrators(community.group)
    assert {a.user.id for a in admins} == {community.owner, community.admin, sandbox.bot_id}
    assert {a.status for a in admins} == {"creator", "administrator"}
    assert await bot.get_chat_member_count(community.group) == 4
    info = await bot.get_chat(community.discussion)
    assert info.linked_chat_id == community.channel


async def test_leave_chat_emits_my_chat_member(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    assert await bot.leave_chat(community.group)
    update = (await bot.get_updates())[-1]
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "left"


@pytest.mark.parametrize(
    ("seconds_later", "answered_before", "ok"),
    [(1, False, True), (16, False, False), (1, True, False)],
    ids=["fresh", "too-old", "answered-twice"],
)
async def test_answer_callback_query(
    bot: Bot, sandbox: Sandbox, community: Community, clock: ManualClock,
    seconds_later: int, answered_before: bool, ok: bool,
) -> None:
    sent = await bot.send_message(community.forum, "Caso #1", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("Prendo io", callback_data="esc:v1:1:claim")]]))
    query = sandbox.press_button(community.forum, sent.message_id, community.admin,
                                 "esc:v1:1:claim")
    if answered_before:
        await bot.answer_callback_query(query["id"])
    clock.advance(seconds_later)
    if ok:
        assert await bot.answer_callback_query(query["id"], "Preso!")
        assert sandbox.callback_answer(query["id"]) == {"text": "Preso!"}
    else:
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query(query["id"], "Preso!")


async def test_press_checks_button_data_unless_forged(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    sent = await bot.send_message(community.forum, "x", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("ok", callback_data="a")]]))
    with pytest.raises(SandboxError, match="no button"):
        sandbox.press_button(community.forum, sent.message_id, community.member, "zzz")
    query = sandbox.press_button(community.forum, sent.message_id, community.member, "zzz",
                                 forged=True)
    update = (await bot.get_updates())[-1]
    assert update.callback_query is not None
    assert (update.callback_query.id, update.callback_query.data) == (query["id"], "zzz")


async def test_ordinary_members_share_no_flags_and_changes_stay_their_own(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    others = [sandbox.add_user(f"Quiet{n}")["id"] for n in range(3)]
    for user_id in others:
        sandbox.set_member(community.group, user_id, "member")
    await bot.restrict_chat_member(community.group, community.member, MUTE)
    sandbox.set_member(community.group, others[0], "administrator")
    chat = sandbox.chat(community.group)
    quiet = [chat.members[user_id] for user_id in others[1:]]
    assert all(m.rights is NO_FLAGS and m.permissions is NO_FLAGS for m in quiet)
    assert NO_FLAGS == {}
    assert chat.members[community.member].permissions["can_send_messages"] is False
    assert chat.members[others[0]].rights["can_delete_messages"] is True
    restored = Sandbox()
    load_state(restored, json.loads(json.dumps(dump_state(sandbox))))
    assert restored.chat(community.group).members == chat.members
