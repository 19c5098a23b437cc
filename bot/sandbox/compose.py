"""Checks shared by every method that posts a message: reachability, rights, body, placement.

Telegram validates in a fixed order (chat, membership, rights, text, thread, reply, buttons)
and names each failure; these helpers keep that order and wording in one place.
"""

from __future__ import annotations

from bot.sandbox.errors import bad_request, forbidden
from bot.sandbox.html_parse import parse_html
from bot.sandbox.model import Chat
from bot.sandbox.params import Params
from bot.sandbox.state import JsonDict, World
from bot.sandbox.text import detect_entities, merge_entities

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                   "copy_text", "callback_game", "pay")
_MARKDOWN_ESCAPABLE = "_*[]()~`>#+-=|{}.!\\"


def target_chat(world: World, params: Params, name: str = "chat_id") -> Chat:
    """The chat a call aims at, after Telegram's existence and membership checks."""
    ref = params.chat_ref(name)
    if isinstance(ref, int) and ref > 0 and ref not in world.chats and ref in world.users:
        raise forbidden("bot can't initiate conversation with a user")
    chat = world.resolve(ref)
    world.require_bot_in(chat)
    return chat


def check_can_post(world: World, chat: Chat, what: str = "text messages",
                   permission: str = "can_send_messages") -> None:
    member = world.bot_member(chat)
    if chat.type == "channel":
        if not member.has_right("can_post_messages"):
            raise bad_request("need administrator rights in the channel chat")
        return
    if chat.is_group and not member.is_admin:
        allowed = chat.permissions.get(permission, True)
        if member.status == "restricted":
            allowed = member.permissions.get(permission, True)
        if not allowed:
            raise bad_request(f"not enough rights to send {what} to the chat")


def parse_body(params: Params, key: str, limit: int) -> tuple[str, list[JsonDict]]:
    """Text (or caption) after ``parse_mode``, with entities; 400 when too long."""
    raw = params.get_str(key) or ""
    mode = (params.get_str("parse_mode") or "").lower()
    if mode == "html":
        text, entities = parse_html(raw)
    elif mode in ("markdown", "markdownv2"):
        text, entities = _strip_markdown_escapes(raw), []
    else:
        text = raw
        entities = params.get_list("entities" if key == "text" else "caption_entities") or []
    if len(text) > limit:
        raise bad_request("message is too long" if key == "text"
                          else "message caption is too long")
    return text, merge_entities(entities, detect_entities(text))


def _strip_markdown_escapes(raw: str) -> str:
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw) and raw[i + 1] in _MARKDOWN_ESCAPABLE:
            i += 1
        out.append(raw[i])
        i += 1
    return "".join(out)


def placement(world: World, chat: Chat, params: Params) -> tuple[int | None, int | None, bool]:
    """(reply_to, message_thread_id, is_topic_message) for a message the bot sends."""
    reply = params.get_obj("reply_parameters") or {}
    reply_id = reply.get("message_id", params.get_int("reply_to_message_id"))
    allow_missing = bool(reply.get("allow_sending_without_reply",
                                   params.get_bool("allow_sending_without_reply")))
    thread = params.get_int("message_thread_id")
    if thread is not None and chat.is_forum:
        topic = chat.topics.get(thread)
        if topic is None:
            raise bad_request("message thread not found")
        if topic.closed and not world.bot_member(chat).has_right("can_manage_topics"):
            raise bad_request("TOPIC_CLOSED")
    target = world.find_message(chat, int(reply_id)) if reply_id is not None else None
    if reply_id is not None and target is None and not allow_missing:
        raise bad_request("message to be replied not found")
    in_topic = thread is not None and chat.is_forum
    if target is None:
        return None, (thread if chat.type == "supergroup" else None), in_topic
    if thread is None and target.thread_id is not None:
        return target.message_id, target.thread_id, target.is_topic_message
    if thread is None and chat.type == "supergroup":
        return target.message_id, target.message_id, False
    return target.message_id, thread, in_topic


def check_markup(markup: JsonDict | None) -> None:
    """Telegram rejects the whole message for one bad button (e.g. data over 64 bytes)."""
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
            if not any(key in button for key in _BUTTON_ACTIONS):
                raise bad_request("can't parse inline keyboard button: Text buttons are "
                                  "unallowed in the inline keyboard")


def post(world: World, chat: Chat, params: Params, **fields: object) -> JsonDict:
    """Store a message from the bot (as the channel in channels) and render it."""
    reply_to, thread, is_topic = placement(world, chat, params)
    markup = params.get_obj("reply_markup")
    check_markup(markup)
    sender: dict[str, object] = (
        {"sender_chat_id": chat.id} if chat.type == "channel" else {"sender_id": world.bot_id})
    message = world.store_message(chat, reply_to=reply_to, thread_id=thread,
                                  is_topic_message=is_topic, reply_markup=markup,
                                  **sender, **fields)
    if chat.type == "channel":
        world.forward_to_discussion(message)
    return world.message_dict(message)
