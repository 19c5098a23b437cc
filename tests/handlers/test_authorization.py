"""Authorisation matrix: every manager command x who calls it x whom it targets."""

from __future__ import annotations

import pytest

from bot.playground import Playground

RESTRICT, DELETE, INFO, ANY = ("can_restrict_members", "can_delete_messages", "can_change_info",
                               None)
COMMANDS: dict[str, tuple[str, str | None, bool]] = {
    # command: (arguments, right needed, takes a target by reply)
    "ban": ("", RESTRICT, True), "mute": ("10m", RESTRICT, True), "kick": ("", RESTRICT, True),
    "warn": ("spam", RESTRICT, True), "unban": ("", RESTRICT, True),
    "unmute": ("", RESTRICT, True), "unwarn": ("", RESTRICT, True), "warns": ("", ANY, True),
    "approve": ("", RESTRICT, True), "unapprove": ("", RESTRICT, True),
    "del": ("", DELETE, True), "purge": ("", DELETE, True), "spam": ("", DELETE, True),
    "notspam": ("", DELETE, True), "lock": ("sticker", INFO, False),
    "unlock": ("sticker", INFO, False), "locks": ("", ANY, False),
    "blocklist": ("list", INFO, False), "mode": ("", INFO, False), "why": ("", ANY, True),
    "reload": ("", ANY, False),
}
REFUSALS = {
    "not_admin": "Solo gli amministratori del gruppo possono farlo.",
    "missing_right": "Ti serve il permesso",
    "target_admin": "È un amministratore: non agisco sugli amministratori.",
    "target_bot": "Non posso agire su me stesso.",
}
PROTECTED = {"ban", "mute", "kick", "warn", "spam"}


async def _run(play: Playground, command: str, *, caller: str, target: str) -> list[str]:
    sandbox, group = play.sandbox, play.group_id
    people = play.people
    weak = sandbox.add_user("Pina")["id"]
    sandbox.set_member(group, weak, "administrator", can_restrict_members=False,
                       can_delete_messages=False, can_change_info=False)
    victim = {"member": people.member, "admin": people.admin, "bot": sandbox.bot_id}[target]
    if target == "bot":
        sandbox.user_sends(group, people.member, "/rules")
        await play.deliver()
        bait = sandbox.last("sendMessage").result["message_id"]
    else:
        bait = sandbox.user_sends(group, victim, "un messaggio qualsiasi")["message_id"]
    await play.deliver()
    sandbox.clear_calls()
    args, _right, targeted = COMMANDS[command]
    text = f"/{command} {args}".strip()
    reply_to = bait if targeted else None
    if caller == "anonymous":
        sandbox.user_sends(group, people.admin, text, reply_to=reply_to, sender_chat_id=group)
    else:
        who = {"member": people.member, "weak_admin": weak, "admin": people.admin}[caller]
        sandbox.user_sends(group, who, text, reply_to=reply_to)
    await play.deliver()
    return [c.params["text"] for c in sandbox.calls_of("sendMessage")
            if c.params["chat_id"] == group]


def _refused(replies: list[str], kind: str) -> bool:
    return any(REFUSALS[kind] in r for r in replies)


@pytest.mark.parametrize("command", sorted(COMMANDS))
async def test_members_are_refused(play: Playground, command: str) -> None:
    replies = await _run(play, command, caller="member", target="member")
    assert _refused(replies, "not_admin")


@pytest.mark.parametrize("command", sorted(COMMANDS))
async def test_admin_without_the_right(play: Playground, command: str) -> None:
    replies = await _run(play, command, caller="weak_admin", target="member")
    needs_right = COMMANDS[command][1] is not None
    assert _refused(replies, "missing_right") is needs_right
    assert not _refused(replies, "not_admin")


@pytest.mark.parametrize("caller", ["admin", "anonymous"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
async def test_admins_with_the_right_are_obeyed(play: Playground, command: str,
                                                caller: str) -> None:
    replies = await _run(play, command, caller=caller, target="member")
    assert not any(_refused(replies, kind) for kind in REFUSALS)
    effects = {c.method for c in play.sandbox.calls if c.ok} - {"getChatMember", "getMe",
                                                                 "getUpdates"}
    assert effects, f"/{command} did nothing"


@pytest.mark.parametrize("target", ["admin", "bot"])
@pytest.mark.parametrize("command", sorted(PROTECTED))
async def test_admins_and_the_bot_are_never_targets(play: Playground, command: str,
                                                    target: str) -> None:
    replies = await _run(play, command, caller="admin", target=target)
    assert _refused(replies, f"target_{target}")
    assert not play.sandbox.calls_of("banChatMember")
    assert not play.sandbox.calls_of("restrictChatMember")
