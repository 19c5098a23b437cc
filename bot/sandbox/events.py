"""What people do in Telegram, turned into the updates the bot would receive.

Each method changes the sandbox the way Telegram would (stores the message, changes the
membership) and queues the matching update(s), then returns the Bot API dict so a test can
refer to the message or callback query it just caused.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.sandbox.builders import Builders
from bot.sandbox.errors import SandboxError
from bot.sandbox.media import fake_media
from bot.sandbox.model import (
    CHANNEL_BOT_ID,
    GROUP_ANONYMOUS_BOT_ID,
    MEDIA_KINDS,
    Chat,
    Member,
    StoredMessage,
)
from bot.sandbox.state import JsonDict, PendingQuery
from bot.sandbox.text import detect_entities


class Events(Builders):
    def user_sends(
        self, chat_id: int, user_id: int, text: str | None = None, *,
        caption: str | None = None, media: str | None = None,
        entities: list[JsonDict] | None = None, reply_to: int | None = None,
        thread_id: int | None = None, sender_chat_id: int | None = None,
        forward_from_chat_id: int | None = None, forward_from_user_id: int | None = None,
        is_automatic_forward: bool = False, reply_markup: JsonDict | None = None,
    ) -> JsonDict:
        """A user's message in a chat; entities are auto-detected unless given."""
        chat = self.chat(chat_id)
        if text is None and caption is None and media is None:
            raise SandboxError("a message needs text, caption or media")
        if media is not None and media not in MEDIA_KINDS:
            raise SandboxError(f"media must be one of {MEDIA_KINDS}")
        self._check_sender(chat, user_id, sender_chat_id)
        thread, is_topic = self.thread_for(chat, reply_to, thread_id)
        extra: JsonDict = {}
        if media is not None:
            self.next_file_seq += 1
            extra[media] = fake_media(media, self.next_file_seq)
            if media == "animation":
                extra["document"] = fake_media("document", self.next_file_seq,
                                               file_name="animation.mp4", mime_type="video/mp4")
        extra.update(self._forward_origin(forward_from_chat_id, forward_from_user_id))
        if is_automatic_forward:
            extra["is_automatic_forward"] = True
        sender_id = user_id
        if sender_chat_id is not None:
            sender_id = GROUP_ANONYMOUS_BOT_ID if sender_chat_id == chat_id else CHANNEL_BOT_ID
        body = text if text is not None else caption
        message = self.store_message(
            chat, sender_id=sender_id, sender_chat_id=sender_chat_id, text=text,
            caption=caption if text is None else None,
            entities=entities if entities is not None else detect_entities(body or ""),
            reply_to=reply_to, thread_id=thread, is_topic_message=is_topic,
            reply_markup=reply_markup, extra=extra)
        self.emit_message("message", message)
        return self.message_dict(message)

    def _check_sender(self, chat: Chat, user_id: int, sender_chat_id: int | None) -> None:
        user = self.user(user_id)
        self.expire_restrictions()
        if chat.type == "channel":
            raise SandboxError("users do not write in channels; use channel_posts()")
        if chat.type == "private":
            if chat.id != user_id:
                raise SandboxError("only the chat's own user writes in a private chat")
            if user.blocked_bot:
                self.block_bot(user_id, blocked=False)
            return
        if sender_chat_id is not None and sender_chat_id in chat.banned_sender_chats:
            raise SandboxError(f"sender chat {sender_chat_id} is banned in {chat.id}")
        member = chat.member(user_id)
        if member.status == "kicked":
            raise SandboxError(f"user {user_id} is banned from {chat.id}")
        if member.status == "restricted" and not member.permissions.get("can_send_messages"):
            raise SandboxError(f"user {user_id} is muted in {chat.id}")
        if not member.present:
            chat.members[user_id] = Member(user_id, "member")

    def thread_for(
        self, chat: Chat, reply_to: int | None, thread_id: int | None
    ) -> tuple[int | None, bool]:
        """The thread a new message lands in, and whether it is a forum-topic message.

        A reply inherits its target's thread; in supergroups a reply outside any topic starts
        a reply thread rooted at its target (that is the General-topic quirk in forums).
        """
        if thread_id is not None:
            if chat.is_forum and thread_id not in chat.topics:
                raise SandboxError(f"no topic {thread_id} in {chat.id}")
            return thread_id, chat.is_forum
        if reply_to is None:
            return None, False
        target = self.find_message(chat, reply_to)
        if target is None:
            raise SandboxError(f"no message {reply_to} in {chat.id}")
        if target.thread_id is not None:
            return target.thread_id, target.is_topic_message
        if chat.type == "supergroup":
            return target.message_id, False
        return None, False

    def _forward_origin(self, from_chat: int | None, from_user: int | None) -> JsonDict:
        if from_chat is not None:
            source = self.chat(from_chat)
            return {"forward_origin": {"type": "channel" if source.type == "channel" else "chat",
                                       "chat": source.to_api(), "message_id": 1,
                                       "date": self.now()}}
        if from_user is not None:
            return {"forward_origin": {"type": "user", "sender_user": self.user_api(from_user),
                                       "date": self.now()}}
        return {}

    def user_edits(self, chat_id: int, message_id: int, text: str) -> JsonDict:
        """The author edits a message (text, or caption for media); entities re-detected."""
        chat = self.chat(chat_id)
        message = self.find_message(chat, message_id)
        if message is None:
            raise SandboxError(f"no message {message_id} in {chat_id}")
        if message.text is not None:
            message.text = text
        else:
            message.caption = text
        message.entities = detect_entities(text)
        message.edit_date = self.now()
        kind = "edited_channel_post" if chat.type == "channel" else "edited_message"
        self.emit_message(kind, message)
        return self.message_dict(message)

    def user_joins(self, chat_id: int, user_id: int, *, by_user_id: int | None = None) -> JsonDict:
        """A user joins (or is added): ``chat_member`` update plus the service message."""
        chat = self.chat(chat_id)
        self.expire_restrictions()
        old = chat.member(user_id)
        if old.status == "kicked":
            raise SandboxError(f"user {user_id} is banned from {chat_id}")
        if old.present:
            raise SandboxError(f"user {user_id} is already in {chat_id}")
        if old.status == "restricted":
            chat.members[user_id] = copy.deepcopy(old)
            chat.members[user_id].is_member = True
        else:
            self.set_member(chat_id, user_id, "member")
        actor = by_user_id if by_user_id is not None else user_id
        self.emit_member_change(chat, user_id, old, actor)
        joined = [self.user_api(user_id)]
        service = self.store_message(chat, sender_id=actor, extra={
            "new_chat_members": joined, "new_chat_member": joined[0],
            "new_chat_participant": joined[0]})
        self.emit_message("message", service)
        return self.message_dict(service)

    def user_leaves(self, chat_id: int, user_id: int) -> JsonDict:
        """A user leaves: ``chat_member`` update plus the ``left_chat_member`` message."""
        chat = self.chat(chat_id)
        old = chat.member(user_id)
        if not old.present or old.status == "creator":
            raise SandboxError(f"user {user_id} cannot leave {chat_id}")
        chat.members[user_id] = Member(user_id, "left")
        self.emit_member_change(chat, user_id, old, user_id)
        gone = self.user_api(user_id)
        service = self.store_message(chat, sender_id=user_id, extra={
            "left_chat_member": gone, "left_chat_participant": gone})
        self.emit_message("message", service)
        return self.message_dict(service)

    def press_button(
        self, chat_id: int, message_id: int, user_id: int, data: str, *, forged: bool = False
    ) -> JsonDict:
        """A user presses an inline button; returns the ``callback_query`` (``["id"]``).

        The data must belong to a button of that message, as Telegram guarantees, unless
        ``forged=True`` (a modified client sending arbitrary data).
        """
        chat = self.chat(chat_id)
        message = self.find_message(chat, message_id)
        if message is None:
            raise SandboxError(f"no message {message_id} in {chat_id}")
        if not forged and data not in _button_data(message):
            raise SandboxError(f"message {message_id} has no button with data {data!r}")
        query_id = str(4_700_000_000_000_000_000 + self.next_query_seq)
        self.next_query_seq += 1
        self.queries[query_id] = PendingQuery(query_id, self.now_float())
        payload = {"id": query_id, "from": self.user_api(user_id),
                   "message": self.message_dict(message),
                   "chat_instance": str(abs(chat_id) * 7 + 13), "data": data}
        self.emit("callback_query", payload)
        return payload

    def channel_posts(
        self, channel_id: int, text: str, *, entities: list[JsonDict] | None = None
    ) -> tuple[JsonDict, JsonDict | None]:
        """A post in a channel, and its automatic forward into the discussion group."""
        channel = self.chat(channel_id)
        if channel.type != "channel":
            raise SandboxError(f"{channel_id} is not a channel")
        post = self.store_message(
            channel, sender_chat_id=channel_id, text=text,
            entities=entities if entities is not None else detect_entities(text))
        self.emit_message("channel_post", post)
        forward = self.forward_to_discussion(post)
        return self.message_dict(post), self.message_dict(forward) if forward else None

    def migrate_to_supergroup(self, group_id: int) -> int:
        """Upgrade a basic group; the old id then answers 400 with ``migrate_to_chat_id``."""
        old = self.chat(group_id)
        if old.type != "group":
            raise SandboxError(f"{group_id} is not a basic group")
        new_id = self._new_chat_id(True)
        self.chats[new_id] = Chat(new_id, "supergroup", title=old.title,
                                  permissions=dict(old.permissions),
                                  members=copy.deepcopy(old.members))
        owner = next(m.user_id for m in old.members.values() if m.status == "creator")
        to_new = self.store_message(old, sender_id=owner, extra={"migrate_to_chat_id": new_id})
        from_old = self.store_message(self.chats[new_id], sender_id=owner,
                                      extra={"migrate_from_chat_id": group_id})
        old.migrated_to = new_id
        self.emit_message("message", to_new)
        self.emit_message("message", from_old)
        return new_id


def _button_data(message: StoredMessage) -> set[str]:
    rows: list[list[dict[str, Any]]] = (message.reply_markup or {}).get("inline_keyboard", [])
    return {b["callback_data"] for row in rows for b in row if "callback_data" in b}
