"""Generated updates through the real Application: random mixes of the fields that break bots.

Hypothesis builds Bot API updates (messages, edits, channel posts, button presses) with random
chats (groups, the team chat, a DM, a channel, a chat the bot is not in), senders (members,
admins, strangers, anonymous admins, channels, Telegram itself, nobody), texts (commands,
blocklisted words, questions, astral characters, RTL and zero-width marks), entities with random
types and UTF-16 offsets (in range or not), replies, forwards, media captions and service
fields. Property: no update reaches the global error handler, none is left failed or pending,
and the bot keeps answering a normal command.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.playground import Playground
from bot.sandbox.model import CHANNEL_BOT_ID, GROUP_ANONYMOUS_BOT_ID, TELEGRAM_SERVICE_ID
from bot.sandbox.text import detect_entities, utf16_len
from policies.schema import PolicyFile
from storage.db import session_scope
from storage.models import InboxUpdate
from tests.handlers.test_bad_input import SERVICE_FIELDS
from tests.reliability.conftest import texts_to, trapping_errors

EXAMPLES = 250
FRAGMENTS = [
    "/ban", "/mute 10m", "/warn spam", "/kick", "/del", "/purge", "/forget", "/rules",
    "/help", "/report", "/escalate", "/faq add", "/faq rm x", "/lock sticker", "/unlock all",
    "/blocklist add parola", "/mode dry", "/why", "/stats 7d", "/export cases", "/open",
    "/case 1", "/start@portavoce_bot", "/mute 99999999w", "/mute ²m", "truffa", "free crypto",
    "guadagna subito", "t.me/+AbCd123", "https://caffeaurora.it/x", "quanto costa la spedizione?",
    "voglio il rimborso", "@admin", "@giulia", "#1", "😀", "🇮🇹", "👍🏽", "𝕏", "\u200b", "\u202e",
    "e\u0301", "ﷺ", "\x00", "\n", "   ", "-1001000000001", "100000001", "ⅷ", "٣", "₁₂",
]
ENTITY_TYPES = ["bold", "italic", "mention", "url", "bot_command", "hashtag", "code", "pre",
                "spoiler", "blockquote", "text_link", "text_mention", "custom_emoji"]
BUTTON_DATA = ["case:v1:1:ban", "case:v1:1:claim", "case:v1:99:approve:1", "mod:v1:undo:1",
               "faq:v1:1:n", "faq:v1:1:y", "ver:v1:1000000001", "ver:v1:1000000001:7",
               "dig:v1:draft:1", "case:v2:1:ban", "::", "x" * 64, ""]


def _user(uid: int, name: str = "U", *, bot: bool = False) -> dict[str, Any]:
    return {"id": uid, "is_bot": bot, "first_name": name}


class World:
    """The ids of the playground's chats and people, for the strategies."""

    def __init__(self, play: Playground, channel: int) -> None:
        p = play.people
        group = play.sandbox.chat(play.group_id).to_api()
        self.chats = [group, play.sandbox.chat(play.community_ids[1]).to_api(),
                      play.sandbox.chat(play.team_chat_id).to_api(),
                      play.sandbox.chat(p.member).to_api(),
                      {"id": -1001999999999, "type": "supergroup", "title": "Sconosciuto"}]
        self.channel = play.sandbox.chat(channel).to_api()
        self.users = [play.sandbox.user_api(u) for u in (p.member, p.admin, p.team, p.owner)]
        self.users += [_user(424242, "Estraneo"), _user(play.sandbox.bot_id, "Portavoce",
                                                        bot=True)]


def _entities(draw: st.DrawFn, text: str, users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if draw(st.booleans()):
        return detect_entities(text)
    size = utf16_len(text)
    out = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.sampled_from(ENTITY_TYPES))
        entity: dict[str, Any] = {"type": kind, "offset": draw(st.integers(0, size + 3)),
                                  "length": draw(st.integers(1, size + 5))}
        if kind == "text_link":
            entity["url"] = draw(st.sampled_from(["https://t.me/+x", "https://caffeaurora.it"]))
        elif kind == "text_mention":
            entity["user"] = draw(st.sampled_from(users))
        elif kind == "custom_emoji":
            entity["custom_emoji_id"] = "5368324170671202286"
        elif kind == "pre":
            entity["language"] = "python"
        out.append(entity)
    return out


@st.composite
def updates(draw: st.DrawFn, world: World, ids: list[int]) -> tuple[str, dict[str, Any]]:
    ids[0] += 1
    message_id = ids[0]
    text = "".join(draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)),
                                 max_size=8)))
    kind = draw(st.sampled_from(["message", "message", "message", "edited_message",
                                 "channel_post", "edited_channel_post", "callback_query"]))
    if kind == "callback_query":
        query: dict[str, Any] = {"id": str(message_id), "from": draw(st.sampled_from(
            world.users)), "chat_instance": "1", "data": draw(st.sampled_from(BUTTON_DATA))}
        if draw(st.booleans()):
            query["message"] = {"message_id": draw(st.integers(1, 40)), "date": 0,
                                "chat": draw(st.sampled_from(world.chats)),
                                "from": world.users[-1], "text": "x"}
        else:
            query["inline_message_id"] = "AAAA"
        return kind, query
    chat = world.channel if "channel" in kind else draw(st.sampled_from(world.chats))
    message: dict[str, Any] = {"message_id": message_id, "date": 1772445600, "chat": chat}
    sender = draw(st.sampled_from(["user", "user", "anonymous", "channel", "telegram", "none"]))
    if "channel" in kind or sender == "none":
        message["sender_chat"] = world.channel if "channel" in kind else chat
    elif sender == "anonymous":
        message["from"], message["sender_chat"] = _user(GROUP_ANONYMOUS_BOT_ID, bot=True), chat
    elif sender == "channel":
        message["from"], message["sender_chat"] = (_user(CHANNEL_BOT_ID, bot=True),
                                                   world.channel)
    elif sender == "telegram":
        message.update({"from": _user(TELEGRAM_SERVICE_ID, "Telegram"),
                        "sender_chat": world.channel, "is_automatic_forward": True})
    else:
        message["from"] = draw(st.sampled_from(world.users))
    service = draw(st.sampled_from([None, None, None, *sorted(SERVICE_FIELDS)]))
    if service is not None and service != "pinned_message":
        message[service] = SERVICE_FIELDS[service]
    elif draw(st.booleans()) or not text:
        message["text"] = text or "."
        message["entities"] = _entities(draw, text or ".", world.users)
    else:
        message["caption"] = text
        message["caption_entities"] = _entities(draw, text, world.users)
        message["photo"] = [{"file_id": "f", "file_unique_id": "u", "width": 9, "height": 9}]
    if draw(st.booleans()):
        message["reply_to_message"] = {"message_id": draw(st.integers(1, 40)), "date": 0,
                                       "chat": chat, "from": draw(st.sampled_from(world.users)),
                                       "text": draw(st.sampled_from(FRAGMENTS))}
    if draw(st.integers(0, 4)) == 0:
        message["forward_origin"] = {"type": "channel", "chat": world.channel,
                                     "message_id": 1, "date": 0}
    if "edited" in kind:
        message["edit_date"] = 1772445700
    return kind, message


async def _statuses(play: Playground) -> dict[str, int]:
    async with session_scope(play.runtime.services.sessions) as s:
        rows = await s.execute(select(InboxUpdate.status, func.count())
                               .group_by(InboxUpdate.status))
        return {str(k): int(v) for k, v in rows.all()}


def test_generated_updates_never_reach_the_error_handler(
    policy: PolicyFile, tmp_path: Path
) -> None:
    loop = asyncio.new_event_loop()
    clock = ManualClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    play = loop.run_until_complete(Playground.create(
        policy, f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", clock=clock))
    try:
        _run(play, loop, clock)
    finally:
        loop.run_until_complete(play.close())
        loop.close()


def _run(play: Playground, loop: asyncio.AbstractEventLoop, clock: ManualClock) -> None:
    channel = play.sandbox.add_channel("Canale", owner_id=play.people.owner)
    play.sandbox.add_bot_to(channel, "administrator", by_user_id=play.people.owner)
    play.sandbox.add_private_chat(play.people.member)
    world, ids, fed = World(play, channel), [100_000], [0]

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.lists(updates(world, ids), min_size=1, max_size=6))
    def feed(batch: list[tuple[str, dict[str, Any]]]) -> None:
        with trapping_errors() as trap:
            for kind, payload in batch:
                play.sandbox.emit(kind, payload)
            loop.run_until_complete(play.deliver())
            clock.advance(7)
        fed[0] += len(batch)
        assert trap.records == [], [r.getMessage() for r in trap.records]
        statuses = loop.run_until_complete(_statuses(play))
        assert set(statuses) == {"done"}, statuses

    feed()
    # the generated updates may have got any of the play's members banned: a new one asks
    fresh = play.sandbox.add_user("Ultima")["id"]
    play.sandbox.set_member(play.group_id, fresh, "member")
    play.sandbox.user_sends(play.group_id, fresh, "/rules")
    loop.run_until_complete(play.deliver())
    assert "Regole" in texts_to(play, play.group_id)[-1]
    print(f"fuzzed {fed[0]} updates in {EXAMPLES} examples")
