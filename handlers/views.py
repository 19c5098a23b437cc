"""Update -> plain views. All of Telegram's Optional narrowing happens here, nowhere else."""

from __future__ import annotations

from telegram import Message, MessageEntity, Update, User

from bot.unit_of_work import maybe_uow
from policies.types import LinkRef, MessageView, Sender

_MEDIA = ("sticker", "animation", "voice", "video_note", "document", "photo", "video", "audio",
          "poll", "contact", "location", "game", "dice", "venue", "story")
# Telegram, GroupAnonymousBot, the channel bot: never moderated, never banned.
SERVICE_USER_IDS = frozenset({777000, 1087968824, 136817688})
_VIEW = "views.message"  # unit-of-work scratch: (update, its view)


def sender_of(user: User | None) -> Sender | None:
    if user is None:
        return None
    return Sender(user.id, user.first_name or "", user.username, user.is_bot, user.language_code)


def message_of(update: Update) -> tuple[Message, bool] | None:
    if update.message is not None:
        return update.message, False
    if update.edited_message is not None:
        return update.edited_message, True
    return None


def message_view(update: Update) -> MessageView | None:
    """The view of a member's message or edit; None for service messages and empty updates.

    Built once per update: the FAQ, moderation and escalation handlers all ask for it (the
    view is frozen, so sharing it through the update's scratch space is safe).
    """
    uow = maybe_uow()
    cached: tuple[Update, MessageView | None] | None = uow.scratch.get(_VIEW) if uow else None
    if cached is not None and cached[0] is update:
        return cached[1]
    view = _build_view(update)
    if uow is not None:
        uow.scratch[_VIEW] = (update, view)
    return view


def _build_view(update: Update) -> MessageView | None:
    found = message_of(update)
    if found is None:
        return None
    message, is_edit = found
    if message.new_chat_members or message.left_chat_member or message.migrate_to_chat_id:
        return None
    text = message.text or message.caption or ""
    entities = _entity_texts(message)
    links, mentions, custom = _links(entities, message)
    origin = message.forward_origin
    return MessageView(
        chat_id=message.chat.id,
        chat_type=message.chat.type,
        message_id=message.message_id,
        text=text,
        sender=sender_of(message.from_user),
        sender_chat_id=message.sender_chat.id if message.sender_chat else None,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to_id=_reply_id(message),
        reply_to_user_id=_reply_user(message),
        is_edit=is_edit,
        is_forward=origin is not None,
        forward_from_channel=origin is not None and origin.type == "channel",
        is_automatic_forward=bool(message.is_automatic_forward),
        media=tuple(kind for kind in _MEDIA if getattr(message, kind, None)),
        links=links,
        mentions=mentions,
        custom_emoji=custom,
        date=message.date.timestamp(),
        chat_title=message.chat.title or "",
        chat_username=message.chat.username,
        is_topic_message=bool(message.is_topic_message),
        extra_texts=_extra_texts(message),
    )


def _entity_texts(message: Message) -> dict[MessageEntity, str]:
    """Each entity with the text it covers (offsets in UTF-16 units, as Telegram counts).

    PTB's parse_entities raises on an entity that splits an emoji's surrogate pair; such a
    malformed entity gets a replacement character here instead of crashing the update.
    """
    units = (message.text or message.caption or "").encode("utf-16-le")
    entities = message.entities if message.text else message.caption_entities
    return {e: units[e.offset * 2:(e.offset + e.length) * 2].decode("utf-16-le", "replace")
            for e in entities}


def _links(
    entities: dict[MessageEntity, str], message: Message
) -> tuple[tuple[LinkRef, ...], int, int]:
    links: list[LinkRef] = []
    mentions = custom = 0
    for entity, value in entities.items():
        if entity.type == MessageEntity.URL:
            links.append(LinkRef("url", value))
        elif entity.type == MessageEntity.TEXT_LINK and entity.url:
            links.append(LinkRef("text_link", entity.url))
        elif entity.type == MessageEntity.MENTION:
            mentions += 1
            links.append(LinkRef("mention", value))
        elif entity.type == MessageEntity.TEXT_MENTION:
            mentions += 1
        elif entity.type == MessageEntity.CUSTOM_EMOJI:
            custom += 1
    markup = message.reply_markup
    if markup is not None:
        for row in markup.inline_keyboard:
            links.extend(LinkRef("button", b.url) for b in row if b.url)
    return tuple(links), mentions, custom


def _reply_id(message: Message) -> int | None:
    reply = message.reply_to_message
    if reply is None or (message.is_topic_message and reply.forum_topic_created):
        return None  # in a topic, the "reply" to the topic's first message is not a reply
    return reply.message_id


def _reply_user(message: Message) -> int | None:
    if _reply_id(message) is None or message.reply_to_message is None:
        return None
    user = message.reply_to_message.from_user
    return user.id if user else None


def _extra_texts(message: Message) -> tuple[str, ...]:
    """Text a member shows without typing it: quotes and external replies (spam hides there)."""
    texts = []
    if message.quote and message.quote.text:
        texts.append(message.quote.text)
    external = message.external_reply
    if external is not None and external.origin is not None and message.reply_to_message is None:
        texts.append("external-reply")
    return tuple(texts)
