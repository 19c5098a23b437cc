"""Automatic moderation through the real Application and sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from bot.playground import Playground
from policies.moderation import ModerationEngine
from storage.db import session_scope
from storage.repositories.moderation import EventsRepo


def _calls(play: Playground, method: str, chat_id: int | None = None) -> list[dict[str, Any]]:
    return [c.params for c in play.sandbox.calls_of(method)
            if c.ok and (chat_id is None or c.params.get("chat_id") == chat_id)]


def _deleted_ids(play: Playground, chat_id: int) -> set[int]:
    ids: set[int] = set()
    for method in ("deleteMessage", "deleteMessages"):
        for params in _calls(play, method, chat_id):
            ids.update(params.get("message_ids") or [params["message_id"]])
    return ids


async def test_blocklisted_term_is_deleted_and_logged_for_the_team(play: Playground) -> None:
    message = play.sandbox.user_sends(play.group_id, play.people.member, "questa è una truffa")
    await play.deliver()
    assert message["message_id"] in _deleted_ids(play, play.group_id)
    [log] = _calls(play, "sendMessage", play.team_chat_id)
    assert 'blocklist:"truffa"' in log["text"]
    assert log["message_thread_id"] == 5  # the moderation topic
    async with session_scope(play.runtime.services.sessions) as s:
        event = await EventsRepo(s).by_message(play.group_id, message["message_id"])
    assert event is not None and event.action == "delete" and not event.dry_run


async def test_evasions_of_a_blocklisted_term_are_caught(play: Playground) -> None:
    variants = ["è una t r u f f a", "è una truuuuffa!!", "è una tr\u200buffa", "è una trυffa",
                "è una TRUFF4"]
    sent = [play.sandbox.user_sends(play.group_id, play.people.member, v)["message_id"]
            for v in variants]
    await play.deliver()
    assert set(sent) <= _deleted_ids(play, play.group_id)


async def test_words_that_merely_contain_a_term_are_left_alone(play: Playground) -> None:
    play.sandbox.user_sends(play.group_id, play.people.member, "che truffatori questi tartufi")
    await play.deliver()
    assert _deleted_ids(play, play.group_id) == set()


async def test_delete_and_warn_escalates_to_mute_at_the_limit(play: Playground) -> None:
    for n in range(3):
        play.sandbox.user_sends(play.group_id, play.people.member, f"sei un idiota {n}")
        await play.deliver()
    notices = [p["text"] for p in _calls(play, "sendMessage", play.group_id)]
    assert notices[0].startswith("⚠️ Giulia, ho rimosso il tuo messaggio")
    assert "(avviso 1/3)" in notices[0] and "(avviso 2/3)" in notices[1]
    assert notices[2].startswith("🔇 Giulia non può scrivere per 1d")
    [mute] = _calls(play, "restrictChatMember", play.group_id)
    assert mute["user_id"] == play.people.member
    assert mute["permissions"]["can_send_messages"] is False
    assert mute["until_date"] == int(play.clock.now().timestamp()) + 86400


async def test_dry_run_records_but_does_nothing(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.admin, "/mode dry_run")
    await play.deliver()
    sandbox.clear_calls()
    sandbox.user_sends(play.group_id, play.people.member, "questa è una truffa")
    await play.deliver()
    assert _deleted_ids(play, play.group_id) == set()
    team = [p["text"] for p in _calls(play, "sendMessage", play.team_chat_id)]
    assert any("avrei delete" in t and 'blocklist:"truffa"' in t for t in team)


async def test_admins_are_never_moderated(play: Playground) -> None:
    play.sandbox.user_sends(play.group_id, play.people.admin, "attenti alla truffa di oggi")
    await play.deliver()
    assert _deleted_ids(play, play.group_id) == set()


async def test_flood_mutes_the_member(play: Playground) -> None:
    for n in range(6):
        play.sandbox.user_sends(play.group_id, play.people.member, f"messaggio numero {n}")
        play.clock.advance(1)
    await play.deliver()
    [mute] = _calls(play, "restrictChatMember", play.group_id)
    assert mute["user_id"] == play.people.member
    async with session_scope(play.runtime.services.sessions) as s:
        counts = await EventsRepo(s).count_by_action(play.group_id, play.clock.now().replace(
            year=2000))
    assert counts == {"mute": 1}


async def test_edited_message_with_a_blocked_term_is_deleted(play: Playground) -> None:
    message = play.sandbox.user_sends(play.group_id, play.people.member, "ciao a tutti")
    await play.deliver()
    play.sandbox.user_edits(play.group_id, message["message_id"], "ciao, è una truffa")
    await play.deliver()
    assert message["message_id"] in _deleted_ids(play, play.group_id)


async def test_new_member_link_is_deleted_established_member_link_is_not(
    play: Playground,
) -> None:
    sandbox = play.sandbox
    newcomer = sandbox.add_user("Nuovo")["id"]
    sandbox.set_member(play.group_id, newcomer, "member")
    first = sandbox.user_sends(play.group_id, newcomer, "guardate http://example.org/pagina")
    regular = sandbox.user_sends(play.group_id, play.people.member,
                                 "la ricetta è qui http://example.org/ricetta")
    await play.deliver()
    deleted = _deleted_ids(play, play.group_id)
    assert first["message_id"] in deleted
    assert regular["message_id"] not in deleted


async def test_brand_channel_automatic_forward_is_not_moderated(play: Playground) -> None:
    sandbox = play.sandbox
    channel = sandbox.add_channel("Caffè Aurora News", linked_group=play.group_id,
                                  owner_id=play.people.owner)
    sandbox.add_bot_to(channel, "administrator", by_user_id=play.people.owner)
    await play.deliver()
    sandbox.clear_calls()
    _post, forward = sandbox.channel_posts(channel, "Nuova miscela! https://example.org/x")
    await play.deliver()
    assert forward is not None
    assert forward["message_id"] not in _deleted_ids(play, play.group_id)


async def test_locked_stickers_are_deleted(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.admin, "/lock sticker")
    await play.deliver()
    sticker = sandbox.user_sends(play.group_id, play.people.member, media="sticker")
    await play.deliver()
    assert sticker["message_id"] in _deleted_ids(play, play.group_id)


async def test_a_ban_does_not_delete_again_what_a_rule_already_deleted(
        play: Playground) -> None:
    """A ban cleans up the member's recent messages; one a rule already removed is not in
    that clean-up a second time (each message is queued for deletion once)."""
    sandbox, member = play.sandbox, play.people.member
    removed = sandbox.user_sends(play.group_id, member, "questa è una truffa")["message_id"]
    await play.deliver()
    kept = sandbox.user_sends(play.group_id, member, "messaggio qualunque")["message_id"]
    sandbox.user_sends(play.group_id, play.people.admin, "/ban", reply_to=kept)
    await play.deliver()
    assert [c["user_id"] for c in _calls(play, "banChatMember", play.group_id)] == [member]
    sent: list[int] = []
    for method in ("deleteMessage", "deleteMessages"):
        for params in _calls(play, method, play.group_id):
            sent += params.get("message_ids") or [params["message_id"]]
    assert sorted(m for m in sent if m in (removed, kept)) == [removed, kept]


async def test_the_rules_are_compiled_at_start_not_at_the_first_message(
    play: Playground, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_build(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the first message compiled the rules")

    monkeypatch.setattr(ModerationEngine, "build", no_build)
    message = play.sandbox.user_sends(play.group_id, play.people.member, "questa è una truffa")
    await play.deliver()
    assert message["message_id"] in _deleted_ids(play, play.group_id)
