"""Bot API methods that send, edit, delete, copy, forward and pin messages."""

from __future__ import annotations

from typing import Any

from bot.sandbox.compose import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    check_can_post,
    check_markup,
    parse_body,
    post,
    target_chat,
)
from bot.sandbox.errors import bad_request
from bot.sandbox.media import fake_media
from bot.sandbox.model import MEDIA_KINDS, Chat, StoredMessage
from bot.sandbox.params import Params, UploadedFile
from bot.sandbox.state import JsonDict, World

DELETE_WINDOW = 48 * 3600
_UNDELETABLE = frozenset({"forum_topic_created", "group_chat_created",
                          "supergroup_chat_created", "channel_chat_created"})
_NOT_MODIFIED = ("message is not modified: specified new message content and reply markup "
                 "are exactly the same as a current content and reply markup of the message")


def send_message(world: World, params: Params) -> JsonDict:
    chat = target_chat(world, params)
    check_can_post(world, chat)
    text, entities = parse_body(params, "text", TEXT_LIMIT)
    if not text.strip():
        raise bad_request("message text is empty")
    return post(world, chat, params, text=text, entities=entities)


def _send_file(world: World, params: Params, kind: str, what: str) -> JsonDict:
    chat = target_chat(world, params)
    check_can_post(world, chat, what, f"can_send_{kind}s")
    upload = params.upload(kind)
    if upload is None or upload == "":
        raise bad_request(f"there is no {kind} in the request")
    world.next_file_seq += 1
    seq = world.next_file_seq
    if isinstance(upload, UploadedFile):
        media = fake_media(kind, seq, file_name=upload.filename, mime_type=upload.mime_type,
                           size=len(upload.content))
        file_id = (media[-1] if isinstance(media, list) else media)["file_id"]
        world.files[file_id] = upload
    else:
        known = world.files.get(upload)
        media = fake_media(kind, seq, file_name=known.filename if known else
                           upload.rsplit("/", 1)[-1], size=len(known.content) if known else 0)
    caption, entities = (parse_body(params, "caption", CAPTION_LIMIT)
                         if params.has("caption") else (None, []))
    return post(world, chat, params, caption=caption, entities=entities, extra={kind: media})


def send_photo(world: World, params: Params) -> JsonDict:
    return _send_file(world, params, "photo", "photos")


def send_document(world: World, params: Params) -> JsonDict:
    return _send_file(world, params, "document", "documents")


def _bot_message(world: World, params: Params, verb: str) -> StoredMessage:
    """A message of the bot's it may edit, as Telegram finds it (or the 400 it answers)."""
    if params.has("inline_message_id"):
        raise bad_request(f"message to {verb} not found")
    chat = target_chat(world, params)
    message = world.find_message(chat, params.req_int("message_id"))
    if message is None:
        raise bad_request(f"message to {verb} not found")
    own = message.sender_id == world.bot_id or (
        chat.type == "channel" and world.bot_member(chat).has_right("can_edit_messages"))
    if not own:
        raise bad_request("message can't be edited")
    return message


def edit_message_text(world: World, params: Params) -> JsonDict:
    message = _bot_message(world, params, "edit")
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text, entities = parse_body(params, "text", TEXT_LIMIT)
    return _apply_edit(world, message, params, text=text, entities=entities)


def edit_message_caption(world: World, params: Params) -> JsonDict:
    message = _bot_message(world, params, "edit")
    if message.caption is None and not message.has_media:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = parse_body(params, "caption", CAPTION_LIMIT)
    return _apply_edit(world, message, params, caption=caption, entities=entities)


def edit_message_reply_markup(world: World, params: Params) -> JsonDict:
    message = _bot_message(world, params, "edit")
    return _apply_edit(world, message, params)


def _apply_edit(world: World, message: StoredMessage, params: Params, **changes: Any) -> JsonDict:
    markup = params.get_obj("reply_markup")
    check_markup(markup)
    changes["reply_markup"] = markup  # omitted markup removes the keyboard, as in Telegram
    if all(getattr(message, key) == value for key, value in changes.items()):
        raise bad_request(_NOT_MODIFIED)
    for key, value in changes.items():
        setattr(message, key, value)
    message.edit_date = world.now()
    return world.message_dict(message)


def can_delete(world: World, chat: Chat, message: StoredMessage) -> bool:
    """Telegram's deletion rules: 48 hours, own messages, admin rights per chat type."""
    if _UNDELETABLE & message.extra.keys() or world.now() - message.date > DELETE_WINDOW:
        return False
    if message.sender_id == world.bot_id or chat.type == "private":
        return True
    member = world.bot_member(chat)
    if chat.type == "group":
        return member.is_admin
    return member.has_right("can_delete_messages")


def delete_message(world: World, params: Params) -> bool:
    chat = target_chat(world, params)
    message = world.find_message(chat, params.req_int("message_id"))
    if message is None:
        raise bad_request("message to delete not found")
    if not can_delete(world, chat, message):
        raise bad_request("message can't be deleted")
    message.deleted, message.deleted_at = True, world.now_float()
    return True


def delete_messages(world: World, params: Params) -> bool:
    """Up to 100 ids; missing ones are skipped, as Telegram does."""
    chat = target_chat(world, params)
    ids = params.get_list("message_ids") or []
    if not ids:
        raise bad_request("message identifiers are not specified")
    if len(ids) > 100:
        raise bad_request("too many message identifiers specified")
    found = [m for m in (world.find_message(chat, int(i)) for i in ids) if m is not None]
    deletable = [m for m in found if can_delete(world, chat, m)]
    if found and not deletable:
        raise bad_request("message can't be deleted")
    for message in deletable:
        if not message.deleted:
            message.deleted, message.deleted_at = True, world.now_float()
    return True


def _source(world: World, params: Params, verb: str) -> StoredMessage:
    source_chat = target_chat(world, params, "from_chat_id")
    message = world.find_message(source_chat, params.req_int("message_id"))
    if message is None:
        raise bad_request(f"message to {verb} not found")
    if message.is_service:
        raise bad_request(f"message can't be {verb}ed")
    return message


def copy_message(world: World, params: Params) -> JsonDict:
    source = _source(world, params, "copy")
    chat = target_chat(world, params)
    check_can_post(world, chat)
    media = {k: v for k, v in source.extra.items() if k in MEDIA_KINDS}
    caption, entities = source.caption, list(source.entities)
    if source.text is None and params.has("caption"):
        caption, entities = parse_body(params, "caption", CAPTION_LIMIT)
    copied = post(world, chat, params, text=source.text, caption=caption, entities=entities,
                  extra=media)
    return {"message_id": copied["message_id"]}


def forward_message(world: World, params: Params) -> JsonDict:
    source = _source(world, params, "forward")
    chat = target_chat(world, params)
    check_can_post(world, chat)
    if source.sender_chat_id is not None:
        origin = {"type": "channel", "chat": world.chats[source.sender_chat_id].to_api(),
                  "message_id": source.message_id, "date": source.date}
    else:
        origin = {"type": "user", "sender_user": world.user_api(source.sender_id or 0),
                  "date": source.date}
    extra = {k: v for k, v in source.extra.items() if k in MEDIA_KINDS}
    extra["forward_origin"] = origin
    return post(world, chat, params, text=source.text, caption=source.caption,
                entities=list(source.entities), extra=extra)


def pin_chat_message(world: World, params: Params) -> bool:
    chat = target_chat(world, params)
    message = world.find_message(chat, params.req_int("message_id"))
    if message is None:
        raise bad_request("message to pin not found")
    right = "can_edit_messages" if chat.type == "channel" else "can_pin_messages"
    if chat.type != "private" and not world.bot_member(chat).has_right(right):
        raise bad_request("not enough rights to manage pinned messages in the chat")
    chat.pinned_message_id = message.message_id
    world.store_message(chat, sender_id=world.bot_id,
                        extra={"pinned_message": world.message_dict(message, nested=False)})
    return True


def unpin_chat_message(world: World, params: Params) -> bool:
    chat = target_chat(world, params)
    right = "can_edit_messages" if chat.type == "channel" else "can_pin_messages"
    if chat.type != "private" and not world.bot_member(chat).has_right(right):
        raise bad_request("not enough rights to manage pinned messages in the chat")
    chat.pinned_message_id = None
    return True


def send_chat_action(world: World, params: Params) -> bool:
    chat = target_chat(world, params)
    check_can_post(world, chat)
    params.req_str("action")
    return True


METHODS = {
    "sendMessage": send_message, "sendPhoto": send_photo, "sendDocument": send_document,
    "editMessageText": edit_message_text, "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup, "deleteMessage": delete_message,
    "deleteMessages": delete_messages, "copyMessage": copy_message,
    "forwardMessage": forward_message, "pinChatMessage": pin_chat_message,
    "unpinChatMessage": unpin_chat_message, "sendChatAction": send_chat_action,
}
