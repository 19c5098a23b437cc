"""Plain views of what happened in Telegram, made by handlers/views.py for the policies."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Sender:
    user_id: int
    first_name: str
    username: str | None = None
    is_bot: bool = False
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class LinkRef:
    """A link or mention found in entities (or the visible text), with where it came from."""

    kind: str  # url | text_link | mention | text_mention | button
    target: str


@dataclass(frozen=True, slots=True)
class MessageView:
    chat_id: int
    chat_type: str
    message_id: int
    text: str
    sender: Sender | None
    sender_chat_id: int | None = None
    thread_id: int | None = None
    reply_to_id: int | None = None
    reply_to_user_id: int | None = None
    is_edit: bool = False
    is_forward: bool = False
    forward_from_channel: bool = False
    is_automatic_forward: bool = False
    media: tuple[str, ...] = ()
    links: tuple[LinkRef, ...] = ()
    mentions: int = 0
    custom_emoji: int = 0
    date: float = 0.0
    chat_title: str = ""
    chat_username: str | None = None
    is_topic_message: bool = False
    extra_texts: tuple[str, ...] = field(default=())
