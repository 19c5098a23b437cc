"""Sending, editing and deleting through a real PTB Bot: shapes, entities, Telegram's errors."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import BadRequest

from bot.clock import ManualClock
from bot.sandbox import Sandbox
from bot.sandbox.html_parse import parse_html
from bot.sandbox.text import detect_entities
from tests.sandbox.conftest import Community


async def test_get_me_describes_the_bot(bot: Bot, sandbox: Sandbox) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (sandbox.bot_id, "portavoce_bot", True)
    assert me.can_read_all_group_messages is True


@pytest.mark.parametrize("where", ["group", "member", "discussion"], ids=str)
async def test_send_message_is_parsed_by_ptb(
    bot: Bot, sandbox: Sandbox, community: Community, where: str
) -> None:
    chat_id = getattr(community, where)
    sent = await bot.send_message(chat_id, "Ciao a tutti")
    assert isinstance(sent, Message)
    assert (sent.chat.id, sent.from_user.id if sent.from_user else None) == (
        chat_id, sandbox.bot_id)
    assert sent.text == "Ciao a tutti"
    assert sandbox.last("sendMessage").params == {"chat_id": chat_id, "text": "Ciao a tutti"}


async def test_channel_post_by_bot_is_forwarded_to_discussion(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    sent = await bot.send_message(community.channel, "Nuova miscela!")
    assert sent.sender_chat is not None and sent.sender_chat.id == community.channel
    forwarded = sandbox.messages(community.discussion)[-1]
    assert forwarded["is_automatic_forward"] is True
    assert forwarded["forward_origin"]["message_id"] == sent.message_id


async def test_reply_in_forum_topic_keeps_the_thread(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    question = sandbox.user_sends(community.forum, community.admin, "Chi segue?",
                                  thread_id=community.topic)
    sent = await bot.send_message(community.forum, "Io",
                                  reply_parameters=ReplyParameters(question["message_id"]))
    assert sent.message_thread_id == community.topic
    assert sent.is_topic_message is True
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.message_id == question["message_id"]


@pytest.mark.parametrize(
    "text",
    ["🙂 vai su https://caffeaurora.it/ordini ora",
     "𝐂𝐚𝐟𝐟è @marco_r /start@portavoce_bot 👍🏽",
     "scrivi a info@caffeaurora.it #caffè $EUR 🇮🇹 t.me/+AbCdEf",
     "/help"],
    ids=["emoji-url", "astral-mention-command", "email-hashtag-flag", "command"],
)
async def test_detected_entities_use_utf16_offsets(
    bot: Bot, sandbox: Sandbox, community: Community, text: str
) -> None:
    sandbox.user_sends(community.group, community.member, text)
    update = (await bot.get_updates(timeout=0))[-1]
    assert update.message is not None
    parsed = update.message.parse_entities()
    assert parsed, "expected at least one entity"
    for entity, value in parsed.items():
        assert value.strip() == value and value in text, (entity.type, value)


@settings(max_examples=150, deadline=None)
@given(prefix=st.text(max_size=30), name=st.from_regex(r"[a-z][a-z0-9_]{4,12}", fullmatch=True))
def test_mentions_after_any_text_land_on_the_mention(prefix: str, name: str) -> None:
    text = f"{prefix} @{name}"
    message = Message.de_json({"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"},
                               "text": text, "entities": detect_entities(text)}, None)
    assert f"@{name}" in message.parse_entities().values()


async def test_html_entities_have_utf16_offsets(bot: Bot, community: Community) -> None:
    sent = await bot.send_message(community.group, "🙂🙂 <b>grassetto</b> &lt;ok&gt; <a "
                                  'href="https://x.it">link</a>', parse_mode="HTML")
    assert sent.text == "🙂🙂 grassetto <ok> link"
    assert sorted(sent.parse_entities().values()) == ["grassetto", "link"]


@pytest.mark.parametrize(
    ("html", "fragment"),
    [("<b>aperto", "can't find end tag"), ("chiuso</b>", "unexpected end tag"),
     ("<foo>x</foo>", 'unsupported start tag "foo"'), ("<b>x</i>", "unmatched end tag"),
     ("a < b", "unsupported start tag"), ("<b", "unclosed start tag")],
    ids=["unclosed", "stray-end", "unknown-tag", "mismatch", "lone-lt", "truncated"],
)
async def test_malformed_html_is_rejected_like_telegram(
    bot: Bot, community: Community, html: str, fragment: str
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as raised:
        await bot.send_message(community.group, html, parse_mode="HTML")
    assert fragment in raised.value.message.lower()


@pytest.mark.parametrize(
    ("text", "parse_mode", "ok"),
    [("a" * 4096, None, True), ("a" * 4097, None, False), ("🙂" * 4096, None, True),
     ("<b>" + "a" * 4096 + "</b>", "HTML", True), ("&amp;" * 4097, "HTML", False)],
    ids=["limit", "over", "astral-limit", "tags-not-counted", "entities-counted"],
)
async def test_text_limit_counts_after_parsing(
    bot: Bot, community: Community, text: str, parse_mode: str | None, ok: bool
) -> None:
    if ok:
        assert (await bot.send_message(community.group, text, parse_mode=parse_mode)).text
    else:
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(community.group, text, parse_mode=parse_mode)


@pytest.mark.parametrize(
    ("thread", "fragment"), [(999, "message thread not found"), (1, "message thread not found")],
    ids=["unknown", "general-is-not-a-thread"],
)
async def test_unknown_forum_thread(
    bot: Bot, community: Community, thread: int, fragment: str
) -> None:
    with pytest.raises(BadRequest) as raised:
        await bot.send_message(community.forum, "x", message_thread_id=thread)
    assert fragment in raised.value.message.lower()


async def test_callback_data_over_64_bytes_rejects_message(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    before = len(sandbox.messages(community.group))
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("è", callback_data="è" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(community.group, "x", reply_markup=too_long)
    assert len(sandbox.messages(community.group)) == before


async def test_edit_unchanged_is_not_modified(bot: Bot, community: Community) -> None:
    sent = await bot.send_message(community.group, "uguale")
    edited = await bot.edit_message_text("diverso", community.group, sent.message_id)
    assert isinstance(edited, Message) and edited.edit_date is not None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("diverso", community.group, sent.message_id)


async def test_delete_rules(
    bot: Bot, sandbox: Sandbox, community: Community, clock: ManualClock
) -> None:
    by_member = sandbox.user_sends(community.group, community.member, "spam")["message_id"]
    assert await bot.delete_message(community.group, by_member)
    assert sandbox.message(community.group, by_member).deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(community.group, by_member)
    old = sandbox.user_sends(community.group, community.member, "vecchio")["message_id"]
    clock.advance(49 * 3600)
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_message(community.group, old)


async def test_delete_without_right_fails(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    sandbox.set_member(community.group, sandbox.bot_id, "administrator",
                       can_delete_messages=False)
    target = sandbox.user_sends(community.group, community.member, "x")["message_id"]
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_message(community.group, target)


async def test_delete_messages_skips_missing(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    ids = [sandbox.user_sends(community.group, community.member, f"m{i}")["message_id"]
           for i in range(3)]
    assert await bot.delete_messages(community.group, [*ids, 9999])
    assert all(sandbox.message(community.group, i).deleted for i in ids)
    with pytest.raises(BadRequest):
        await bot.delete_messages(community.group, list(range(1, 102)))


async def test_copy_forward_and_pin(bot: Bot, sandbox: Sandbox, community: Community) -> None:
    source = sandbox.user_sends(community.group, community.member, media="photo",
                                caption="bella foto")
    copied = await bot.copy_message(community.forum, community.group, source["message_id"],
                                    message_thread_id=community.topic)
    stored = sandbox.message(community.forum, copied.message_id)
    assert (stored.caption, stored.thread_id, "photo" in stored.extra) == (
        "bella foto", community.topic, True)
    forwarded = await bot.forward_message(community.forum, community.group,
                                          source["message_id"])
    assert forwarded.forward_origin is not None
    assert await bot.pin_chat_message(community.group, source["message_id"])
    assert (await bot.get_chat(community.group)).pinned_message is not None


async def test_upload_keeps_file_name_and_size(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    sent = await bot.send_document(community.group, b"%PDF-1.4 listino", filename="listino.pdf",
                                   caption="Listino")
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.file_size) == ("listino.pdf", 16)
    assert sent.caption == "Listino"
    photo = await bot.send_photo(community.group, b"\x89PNG fake")
    assert photo.photo and photo.photo[-1].file_size == 9


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_escaped_html_round_trips(text: str) -> None:
    plain, entities = parse_html(f"<b>{html.escape(text, quote=False)}</b>")
    assert plain == text
    if text:
        message = Message.de_json({"message_id": 1, "date": 0, "text": plain,
                                   "chat": {"id": 1, "type": "private"},
                                   "entities": entities}, None)
        assert list(message.parse_entities().values()) == [text]
