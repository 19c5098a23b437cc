"""Links to Telegram messages, for cards and "answered here" replies."""

from __future__ import annotations


def message_link(chat_id: int, message_id: int, username: str | None = None,
                 thread_id: int | None = None) -> str | None:
    """t.me link to a message: the public one when the chat has a username, else t.me/c/...

    Basic groups and private chats have no message links (None).
    """
    if username:
        return f"https://t.me/{username}/{message_id}"
    text = str(chat_id)
    if not text.startswith("-100"):
        return None
    internal = text[4:]
    if thread_id:
        return f"https://t.me/c/{internal}/{thread_id}/{message_id}"
    return f"https://t.me/c/{internal}/{message_id}"
