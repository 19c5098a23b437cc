"""Bad and unusual input through the real Application, not just the parsers.

Giant texts and captions, hundreds of entities, UTF-16 offsets after emoji, updates without a
sender, service messages, edits and update kinds the bot does not handle: each is processed
without reaching the global error handler, nothing is marked failed, moderation still finds
what it must, and the next normal update is served.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.playground import Playground
from bot.sandbox.text import make_entity, utf16_len
from storage.db import session_scope
from storage.models import InboxUpdate, Warning_
from tests.reliability.conftest import ErrorTrap, texts_to, trapping_errors

SCAM = "truffa"  # in the example policy's blocklist: delete


@pytest.fixture
def error_trap() -> Iterator[ErrorTrap]:
    """Every record of the global error handler's logger during the test."""
    with trapping_errors() as trap:
        yield trap


async def _healthy(play: Playground, error_trap: ErrorTrap, *, failed: int = 0) -> None:
    """No handler error, no failed update, and a normal command is still answered."""
    sandbox = play.sandbox
    before = len(texts_to(play, play.group_id))
    sandbox.user_sends(play.group_id, play.people.member, "/rules")
    await play.deliver()
    assert "Regole" in texts_to(play, play.group_id)[before:][-1]
    assert error_trap.records == []
    async with session_scope(play.runtime.services.sessions) as s:
        statuses = dict((await s.execute(select(InboxUpdate.status, func.count())
                                         .group_by(InboxUpdate.status))).all())
    assert statuses.get("failed", 0) == failed and "pending" not in statuses, statuses


def _deleted(play: Playground, chat_id: int, message_id: int) -> bool:
    return play.sandbox.message(chat_id, message_id).deleted


def _newcomer(play: Playground, name: str) -> int:
    user = int(play.sandbox.add_user(name)["id"])
    play.sandbox.set_member(play.group_id, user, "member")
    return user


async def test_giant_texts_and_captions(play: Playground, error_trap: ErrorTrap) -> None:
    sandbox, group = play.sandbox, play.group_id
    astral = "😀" * 2048  # 4096 UTF-16 units: Telegram's limit, in characters that count two
    assert utf16_len(astral) == 4096
    sandbox.user_sends(group, play.people.member, astral)
    sandbox.user_sends(group, play.people.member, "x" * 4096)
    sandbox.user_sends(group, play.people.member, caption="ciao " * 204, media="photo")
    sandbox.user_sends(group, play.people.member, caption="é" * 4096, media="document")
    tail = sandbox.user_sends(group, _newcomer(play, "Coda"), "a " * 2045 + SCAM)
    await play.deliver()
    assert _deleted(play, group, tail["message_id"])  # the blocklist reads to the very end
    await _healthy(play, error_trap)


async def test_hundreds_of_entities(play: Playground, error_trap: ErrorTrap) -> None:
    sandbox, group = play.sandbox, play.group_id
    words = [f"@utente{n:03d}" for n in range(300)]
    body = " ".join(words)
    entities: list[dict[str, Any]] = []
    start = 0
    for word in words:
        entities.append(make_entity(body, start, start + len(word), "mention"))
        entities.append(make_entity(body, start, start + len(word), "bold"))
        start += len(word) + 1
    entities += [{"type": "italic", "offset": 0, "length": utf16_len(body)},
                 {"type": "url", "offset": utf16_len(body) - 2, "length": 50},  # past the end
                 {"type": "text_link", "offset": 3, "length": 4, "url": "https://t.me/+abc"}]
    sandbox.user_sends(group, play.people.member, body, entities=entities)
    sandbox.user_sends(group, play.people.member, caption=body[:1024], media="photo",
                       entities=entities[:200])
    await play.deliver()
    await _healthy(play, error_trap)


async def test_entity_that_splits_an_emoji(play: Playground, error_trap: ErrorTrap) -> None:
    """Offsets landing inside a surrogate pair: PTB's own parser raises on them."""
    sandbox = play.sandbox
    broken = [{"type": "bold", "offset": 1, "length": 2}, {"type": "url", "offset": 3,
                                                         "length": 1}]
    sandbox.user_sends(play.group_id, play.people.member, "😀😀 ciao", entities=broken)
    sandbox.user_sends(play.group_id, play.people.member, caption="🚀x", media="photo",
                       entities=[{"type": "mention", "offset": 1, "length": 1}])
    await play.deliver()
    await _healthy(play, error_trap)


async def test_blocklisted_word_after_astral_characters_is_found(
    play: Playground, error_trap: ErrorTrap
) -> None:
    sandbox, group = play.sandbox, play.group_id
    body = "🚀🇮🇹👍🏽𝕏 questa è una " + SCAM + " 🙂"
    scam = sandbox.user_sends(group, _newcomer(play, "Astrale"), body)
    link = sandbox.user_sends(group, _newcomer(play, "Link"), "🚀🚀🚀 guarda t.me/+AbCdEf123 ora")
    assert link["entities"][0]["offset"] == 14  # three rockets count six UTF-16 units
    await play.deliver()
    assert _deleted(play, group, scam["message_id"])
    assert _deleted(play, group, link["message_id"])
    await _healthy(play, error_trap)


async def test_command_with_a_text_mention_targets_the_mentioned_member(
    play: Playground, error_trap: ErrorTrap
) -> None:
    sandbox, group = play.sandbox, play.group_id
    starry = sandbox.add_user("🌟Stella")["id"]  # no username: only a text mention names her
    sandbox.set_member(group, starry, "member")
    body = "/warn 🌟Stella spam 🚀 ripetuto"
    mention = make_entity(body, 6, 13, "text_mention", user=sandbox.user_api(starry))
    assert mention["length"] == 8  # the star counts two UTF-16 units
    command = make_entity(body, 0, 5, "bot_command")
    sandbox.user_sends(group, play.people.admin, body, entities=[command, mention])
    await play.deliver()
    async with session_scope(play.runtime.services.sessions) as s:
        reasons = list(await s.scalars(select(Warning_.reason)
                                       .where(Warning_.user_id == starry)))
    assert len(reasons) == 1 and "spam 🚀 ripetuto" in reasons[0]
    await _healthy(play, error_trap)


async def test_updates_without_a_sender(play: Playground, error_trap: ErrorTrap) -> None:
    sandbox, group = play.sandbox, play.group_id
    channel = sandbox.add_channel("Canale del brand", owner_id=play.people.owner)
    sandbox.add_bot_to(channel, "administrator", by_user_id=play.people.owner)
    discussion = sandbox.add_group("Discussione", owner_id=play.people.owner)
    linked = sandbox.add_channel("Canale collegato", linked_group=discussion,
                                 owner_id=play.people.owner)
    sandbox.add_bot_to(discussion, "administrator", by_user_id=play.people.owner)
    await play.deliver()
    sandbox.channel_posts(channel, "Nuova miscela in arrivo! Qual è il vostro caffè preferito?")
    sandbox.channel_posts(linked, "Post collegato con una " + SCAM + " citata")  # automatic fwd
    stranger = sandbox.add_channel("Canale estraneo")
    foreign = sandbox.user_sends(group, play.people.member, "compra qui, " + SCAM,
                                 sender_chat_id=stranger)
    anonymous = sandbox.user_sends(group, play.people.admin, "avviso: attenti alla " + SCAM,
                                   sender_chat_id=group)
    sandbox.user_sends(group, play.people.admin, "/rules", sender_chat_id=group)
    await play.deliver()
    assert _deleted(play, group, foreign["message_id"])  # a foreign channel is moderated
    assert not _deleted(play, group, anonymous["message_id"])  # the group's anonymous admin
    assert error_trap.records == []
    await _healthy(play, error_trap)


SERVICE_FIELDS: dict[str, Any] = {
    "pinned_message": {"message_id": 1, "date": 0, "chat": {"id": 0, "type": "supergroup"}},
    "new_chat_title": "Nuovo titolo " + SCAM,
    "new_chat_photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}],
    "delete_chat_photo": True,
    "group_chat_created": True,
    "supergroup_chat_created": True,
    "message_auto_delete_timer_changed": {"message_auto_delete_time": 86400},
    "video_chat_scheduled": {"start_date": 1772445600},
    "video_chat_started": {},
    "video_chat_ended": {"duration": 60},
    "video_chat_participants_invited": {"users": []},
    "forum_topic_created": {"name": "Nuovo " + SCAM, "icon_color": 7322096},
    "forum_topic_edited": {"name": "Rinominato"},
    "forum_topic_closed": {},
    "forum_topic_reopened": {},
    "general_forum_topic_hidden": {},
    "general_forum_topic_unhidden": {},
    "write_access_allowed": {"from_request": True},
    "boost_added": {"boost_count": 2},
    "proximity_alert_triggered": {"traveler": {"id": 1, "is_bot": False, "first_name": "A"},
                                  "watcher": {"id": 2, "is_bot": False, "first_name": "B"},
                                  "distance": 10},
    "chat_shared": {"request_id": 1, "chat_id": -100123},
    "users_shared": {"request_id": 2, "users": [{"user_id": 5}]},
    "giveaway_created": {},
    "unknown_future_service_field": {"x": 1},
}


@pytest.mark.parametrize("field", sorted(SERVICE_FIELDS))
async def test_service_messages(play: Playground, error_trap: ErrorTrap, field: str) -> None:
    sandbox, group = play.sandbox, play.group_id
    value = SERVICE_FIELDS[field]
    if field == "pinned_message":
        value = sandbox.message_dict(sandbox.message(group, 1), nested=False)
    message = sandbox.store_message(sandbox.chat(group), sender_id=play.people.admin,
                                    extra={field: value})
    sandbox.emit_message("message", message)
    left = sandbox.user_leaves(group, play.people.team)
    await play.deliver()
    assert not _deleted(play, group, message.message_id)
    assert left["left_chat_member"]["id"] == play.people.team
    assert texts_to(play, group) == []  # nothing to say about a service message
    await _healthy(play, error_trap)


async def test_edited_messages(play: Playground, error_trap: ErrorTrap) -> None:
    sandbox, group = play.sandbox, play.group_id
    user = _newcomer(play, "Modifica")
    plain = sandbox.user_sends(group, user, "messaggio innocente")
    command = sandbox.user_sends(group, play.people.member, "/help")
    photo = sandbox.user_sends(group, play.people.member, caption="foto", media="photo")
    await play.deliver()
    answered = len(texts_to(play, group))
    sandbox.user_edits(group, plain["message_id"], "messaggio con una " + SCAM)
    sandbox.user_edits(group, command["message_id"], "/rules")
    sandbox.user_edits(group, photo["message_id"], "didascalia 🚀" * 300)
    channel = sandbox.add_channel("Canale", owner_id=play.people.owner)
    sandbox.add_bot_to(channel, "administrator", by_user_id=play.people.owner)
    post, _ = sandbox.channel_posts(channel, "post")
    sandbox.user_edits(channel, post["message_id"], "post corretto")
    await play.deliver()
    assert _deleted(play, group, plain["message_id"])  # the edit is moderated
    assert len(texts_to(play, group)) == answered  # an edited command is not run again
    await _healthy(play, error_trap)


async def test_update_kinds_the_bot_does_not_handle(
    play: Playground, error_trap: ErrorTrap
) -> None:
    sandbox, group = play.sandbox, play.group_id
    member = sandbox.user_api(play.people.member)
    chat = sandbox.chat(group).to_api()
    sandbox.emit("callback_query", {"id": "1", "from": member, "chat_instance": "1",
                                    "inline_message_id": "AAA", "data": "case:v1:1:ban"})
    sandbox.emit("callback_query", {"id": "2", "from": member, "chat_instance": "1",
                                    "game_short_name": "x"})
    sandbox.emit("message_reaction", {"chat": chat, "message_id": 1, "date": 0,
                                      "user": member, "old_reaction": [],
                                      "new_reaction": [{"type": "emoji", "emoji": "👍"}]})
    sandbox.emit("message_reaction_count", {"chat": chat, "message_id": 1, "date": 0,
                                            "reactions": []})
    sandbox.emit("chat_join_request", {"chat": chat, "from": member, "user_chat_id": 1,
                                       "date": 0})
    sandbox.emit("poll", {"id": "p", "question": "?", "options": [], "total_voter_count": 0,
                          "is_closed": False, "is_anonymous": True, "type": "regular",
                          "allows_multiple_answers": False, "allows_revoting": False,
                          "members_only": False})
    sandbox.emit("poll_answer", {"poll_id": "p", "user": member, "option_ids": [0],
                                 "option_persistent_ids": ["a"]})
    sandbox.emit("inline_query", {"id": "q", "from": member, "query": SCAM, "offset": ""})
    sandbox.emit("chat_boost", {"chat": chat, "boost": {"boost_id": "b", "add_date": 0,
                                "expiration_date": 1, "source": {"source": "premium",
                                                                 "user": member}}})
    sandbox.emit("a_kind_telegram_adds_next_year", {"chat": chat, "anything": [1, 2]})
    await play.deliver()
    await _healthy(play, error_trap)


async def test_a_malformed_update_fails_alone_and_blocks_nothing_behind_it(
    play: Playground, error_trap: ErrorTrap
) -> None:
    """A payload the library cannot read (here a poll without a field PTB requires since Bot
    API 9.6, as an older self-hosted Bot API server would send) is marked failed once; the
    chat-less updates queued behind it (same ordering key) are still handled."""
    sandbox = play.sandbox
    member = sandbox.user_api(play.people.member)
    sandbox.emit("poll", {"id": "p", "question": "?", "options": [], "total_voter_count": 0,
                          "is_closed": False, "is_anonymous": True, "type": "regular",
                          "allows_multiple_answers": False})
    sandbox.emit("inline_query", {"id": "q", "from": member, "query": "ciao", "offset": ""})
    sandbox.emit("poll_answer", {"poll_id": "p", "user": member, "option_ids": [0],
                                 "option_persistent_ids": ["a"]})
    for _ in range(3):  # later rounds must not pick the broken update up again
        await play.deliver()
    await _healthy(play, error_trap, failed=1)
