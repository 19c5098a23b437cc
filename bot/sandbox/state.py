"""The sandbox's state and the rules every part shares: ids, lookups, rendering, delivery.

Builders, user-side events and Bot API methods all mutate this one object; keeping the shared
rules here (who receives which update, how a message renders) means they cannot drift apart.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.clock import Clock
from bot.sandbox.errors import SandboxError, chat_not_found, forbidden, migrated
from bot.sandbox.faults import Faults
from bot.sandbox.model import (
    CHANNEL_BOT_ID,
    GROUP_ANONYMOUS_BOT_ID,
    TELEGRAM_SERVICE_ID,
    ApiCall,
    Chat,
    Member,
    PendingQuery,
    StoredMessage,
    User,
    timed_members_made,
)
from bot.sandbox.params import UploadedFile

JsonDict = dict[str, Any]

# Update kinds Telegram leaves out unless listed in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class World:
    """Users, chats, the update queue and the record of calls."""

    callback_answer_window = 15.0  # seconds before answerCallbackQuery says "too old"

    def __init__(
        self,
        *,
        bot_id: int = 7000000001,
        bot_username: str = "portavoce_bot",
        bot_first_name: str = "Portavoce",
        clock: Clock | None = None,
        privacy_mode: bool = False,
        enforce_limits: bool = False,
    ) -> None:
        self.clock = clock
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.privacy_mode = privacy_mode
        self.enforce_limits = enforce_limits
        self.token = f"{bot_id}:SANDBOX-token"
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.pending: list[JsonDict] = []
        self.emitted: list[JsonDict] = []
        self.calls: list[ApiCall] = []
        self.faults = Faults()
        self.queries: dict[str, PendingQuery] = {}
        self.commands: dict[str, list[JsonDict]] = {}
        self.webhook: JsonDict = {}
        self.files: dict[str, UploadedFile] = {}
        self.allowed_updates: list[str] | None = None
        self.next_update_id = 1
        self.next_user_id = 100000001
        self.next_chat_seq = 1
        self.next_query_seq = 1
        self.next_file_seq = 1
        self.poll_generation = 0
        self._expiry_checked: tuple[int, int] | None = None  # (second, timed members made)
        self._wakeup: asyncio.Event | None = None
        self._wakeup_loop: asyncio.AbstractEventLoop | None = None
        self.users[bot_id] = User(bot_id, bot_first_name, username=bot_username, is_bot=True)
        self._seed_service_users()

    def _seed_service_users(self) -> None:
        """Accounts Telegram itself uses as senders in groups and discussion chats."""
        for uid, name, username, is_bot in (
            (TELEGRAM_SERVICE_ID, "Telegram", None, False),
            (GROUP_ANONYMOUS_BOT_ID, "Group", "GroupAnonymousBot", True),
            (CHANNEL_BOT_ID, "Channel", "Channel_Bot", True),
        ):
            self.users[uid] = User(uid, name, username=username, is_bot=is_bot)

    # time ------------------------------------------------------------------------------
    def now_float(self) -> float:
        return self.clock.now().timestamp() if self.clock else time.time()

    def now(self) -> int:
        return int(self.now_float())

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``: on a manual clock time jumps instead of passing."""
        advance = getattr(self.clock, "advance", None)
        if advance is not None:
            advance(seconds)
            await asyncio.sleep(0)
        else:
            await asyncio.sleep(seconds)

    # lookups ---------------------------------------------------------------------------
    def user(self, user_id: int) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise SandboxError(f"unknown user {user_id}") from None

    def chat(self, chat_id: int) -> Chat:
        try:
            return self.chats[chat_id]
        except KeyError:
            raise SandboxError(f"unknown chat {chat_id}") from None

    def user_api(self, user_id: int) -> JsonDict:
        user = self.users.get(user_id)
        return user.to_api() if user else {"id": user_id, "is_bot": False, "first_name": "?"}

    def resolve(self, ref: int | str) -> Chat:
        """The chat a Bot API call names, answering like Telegram when it cannot be used."""
        chat: Chat | None
        if isinstance(ref, str):
            name = ref.removeprefix("@").lower()
            chat = next((c for c in self.chats.values()
                         if c.username and c.username.lower() == name), None)
        else:
            chat = self.chats.get(ref)
        if chat is None:
            raise chat_not_found()
        if chat.migrated_to is not None:
            raise migrated(chat.migrated_to)
        return chat

    def bot_member(self, chat: Chat) -> Member:
        return chat.member(self.bot_id)

    def require_bot_in(self, chat: Chat) -> None:
        """403 when the bot cannot reach the chat (kicked, never joined, blocked)."""
        if chat.type == "private":
            user = self.users.get(chat.id)
            if user is not None and user.blocked_bot:
                raise forbidden("bot was blocked by the user")
            return
        member = self.bot_member(chat)
        kind = {"group": "group chat", "supergroup": "supergroup chat",
                "channel": "channel chat"}[chat.type]
        if member.status == "kicked":
            raise forbidden(f"bot was kicked from the {kind}")
        if not member.present:
            raise forbidden(f"bot is not a member of the {kind}")

    def expire_restrictions(self) -> None:
        """Telegram lifts a temporary mute or ban by itself once ``until_date`` has passed."""
        now = self.now()
        checked = (now, timed_members_made())
        if checked == self._expiry_checked:  # every call used to scan every member
            return
        self._expiry_checked = checked
        for chat in self.chats.values():
            for uid, member in list(chat.members.items()):
                if member.status in ("restricted", "kicked") and 0 < member.until_date <= now:
                    present = member.status == "restricted" and member.is_member
                    chat.members[uid] = Member(uid, "member" if present else "left")

    # messages --------------------------------------------------------------------------
    def store_message(self, chat: Chat, **fields: Any) -> StoredMessage:
        message = StoredMessage(chat_id=chat.id, message_id=chat.next_message_id,
                                date=self.now(), **fields)
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        return message

    def find_message(self, chat: Chat, message_id: int) -> StoredMessage | None:
        message = chat.messages.get(message_id)
        return None if message is None or message.deleted else message

    def message_dict(self, message: StoredMessage, *, nested: bool = True) -> JsonDict:
        """The message as the Bot API renders it (the replied-to message one level deep)."""
        chat = self.chats[message.chat_id]
        data: JsonDict = {"message_id": message.message_id, "date": message.date,
                          "chat": chat.to_api()}
        if message.sender_id is not None:
            data["from"] = self.user_api(message.sender_id)
        if message.sender_chat_id is not None:
            data["sender_chat"] = self.chats[message.sender_chat_id].to_api()
        if message.thread_id is not None:
            data["message_thread_id"] = message.thread_id
        if message.is_topic_message:
            data["is_topic_message"] = True
        if message.text is not None:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.caption is not None:
            data["caption"] = message.caption
            if message.entities:
                data["caption_entities"] = message.entities
        data.update(message.extra)
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if nested and message.reply_to is not None:
            target = chat.messages.get(message.reply_to)
            if target is not None and not target.deleted:
                data["reply_to_message"] = self.message_dict(target, nested=False)
        return data

    def forward_to_discussion(self, post: StoredMessage) -> StoredMessage | None:
        """Telegram copies each channel post into the linked discussion group."""
        channel = self.chats[post.chat_id]
        group = self.chats.get(channel.linked_chat_id or 0)
        if group is None:
            return None
        origin = {"type": "channel", "chat": channel.to_api(), "message_id": post.message_id,
                  "date": post.date}
        forward = self.store_message(
            group, sender_id=TELEGRAM_SERVICE_ID, sender_chat_id=channel.id, text=post.text,
            caption=post.caption, entities=list(post.entities),
            extra={**post.extra, "is_automatic_forward": True, "forward_origin": origin})
        self.emit_message("message", forward)
        return forward

    # updates ---------------------------------------------------------------------------
    def emit(self, kind: str, payload: JsonDict) -> JsonDict:
        """Queue an update for getUpdates and wake any long poll."""
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.pending.append(update)
        self.emitted.append(update)
        self.wake_pollers()
        return update

    def emit_message(self, kind: str, message: StoredMessage) -> JsonDict | None:
        """Queue a message update if the bot would receive it there."""
        chat = self.chats[message.chat_id]
        if not self.bot_receives(chat, message):
            return None
        return self.emit(kind, self.message_dict(message))

    def bot_receives(self, chat: Chat, message: StoredMessage) -> bool:
        if chat.type == "private":
            return True
        member = self.bot_member(chat)
        if chat.type == "channel":
            return member.is_admin
        if not member.present:
            return False
        if not self.privacy_mode or member.is_admin or message.is_service:
            return True
        return self._addressed_to_bot(chat, message)

    def _addressed_to_bot(self, chat: Chat, message: StoredMessage) -> bool:
        """Privacy mode: only commands, replies to the bot and mentions of it get through."""
        text = message.text or message.caption or ""
        if text.startswith("/") or f"@{self.bot_username}".lower() in text.lower():
            return True
        target = chat.messages.get(message.reply_to or 0)
        return target is not None and target.sender_id == self.bot_id

    def emit_member_change(self, chat: Chat, user_id: int, old: Member, actor: int) -> None:
        """``my_chat_member`` for the bot itself, ``chat_member`` for others (admin bot only)."""
        new = chat.member(user_id)
        payload = {"chat": chat.to_api(), "from": self.user_api(actor), "date": self.now(),
                   "old_chat_member": old.to_api(self.user_api(user_id)),
                   "new_chat_member": new.to_api(self.user_api(user_id))}
        if user_id == self.bot_id:
            self.emit("my_chat_member", payload)
        elif self.bot_member(chat).is_admin:
            self.emit("chat_member", payload)

    def wake_pollers(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()
            self._wakeup = None

    async def wait_for_update(self, timeout: float) -> None:
        """Sleep until something is queued (or another poll starts), at most ``timeout``."""
        loop = asyncio.get_running_loop()
        if self._wakeup is None or self._wakeup_loop is not loop:
            self._wakeup, self._wakeup_loop = asyncio.Event(), loop
        event = self._wakeup
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return

    def take_updates(self, limit: int) -> list[JsonDict]:
        """Up to ``limit`` pending updates the bot asked for; unwanted kinds are dropped."""
        allowed = self.allowed_updates
        kept: list[JsonDict] = []
        for update in self.pending:
            kind = next(k for k in update if k != "update_id")
            wanted = kind in allowed if allowed else kind not in OPT_IN_UPDATES
            if wanted:
                kept.append(update)
        self.pending = kept
        return kept[:limit]

    def confirm_updates(self, offset: int) -> None:
        """Telegram's offset: forget every update below it (negative: keep the last -N)."""
        if offset < 0:
            self.pending = self.pending[offset:]
        elif offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]


__all__ = ["OPT_IN_UPDATES", "ApiCall", "JsonDict", "PendingQuery", "World"]
