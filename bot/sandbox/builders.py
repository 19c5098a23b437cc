"""Scenario builders: the people, chats and memberships a test or the console starts from."""

from __future__ import annotations

from typing import Any

from bot.sandbox.errors import SandboxError
from bot.sandbox.model import (
    ADMIN_RIGHTS,
    CHANNEL_ONLY_RIGHTS,
    GROUP_ONLY_RIGHTS,
    PERMISSIONS,
    STATUSES,
    Chat,
    Member,
    Topic,
    User,
)
from bot.sandbox.state import JsonDict, World

_TOPIC_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)


class Builders(World):
    def add_user(
        self,
        first_name: str = "Member",
        *,
        last_name: str | None = None,
        username: str | None = None,
        is_bot: bool = False,
        language_code: str | None = "it",
        user_id: int | None = None,
    ) -> JsonDict:
        """A Telegram account; returns its Bot API ``User`` dict (``["id"]`` is the id)."""
        uid = user_id if user_id is not None else self.next_user_id
        if uid in self.users:
            raise SandboxError(f"user {uid} exists")
        self.next_user_id = max(self.next_user_id, uid + 1)
        user = User(uid, first_name, last_name, username, is_bot, language_code)
        self.users[uid] = user
        return user.to_api()

    def add_private_chat(self, user_id: int) -> int:
        """The bot's DM with a user (as if the user pressed Start); its id is the user id."""
        user = self.user(user_id)
        if user_id not in self.chats:
            self.chats[user_id] = Chat(user_id, "private", username=user.username,
                                       first_name=user.first_name, last_name=user.last_name)
        return user_id

    def _new_chat_id(self, supergroup_like: bool) -> int:
        while True:  # skip ids pinned by add_group(chat_id=...)
            seq = self.next_chat_seq
            self.next_chat_seq += 1
            chat_id = -(1001000000000 + seq) if supergroup_like else -(4000000000 + seq)
            if chat_id not in self.chats:
                return chat_id

    def add_group(
        self,
        title: str,
        *,
        supergroup: bool = True,
        forum: bool = False,
        username: str | None = None,
        owner_id: int | None = None,
        chat_id: int | None = None,
    ) -> int:
        """A group (supergroup by default, ids like -100…); the owner is made if not given.

        ``chat_id`` pins the id (to match a policy file's community ids).
        """
        if forum and not supergroup:
            raise SandboxError("only supergroups can be forums")
        if chat_id is not None and chat_id in self.chats:
            raise SandboxError(f"chat {chat_id} exists")
        chat_id = chat_id if chat_id is not None else self._new_chat_id(supergroup)
        kind = "supergroup" if supergroup else "group"
        self.chats[chat_id] = Chat(chat_id, kind, title=title, username=username, is_forum=forum)
        owner = owner_id if owner_id is not None else self.add_user(f"Owner of {title}")["id"]
        self.set_member(chat_id, owner, "creator")
        return chat_id

    def add_channel(
        self, title: str, *, linked_group: int | None = None, username: str | None = None,
        owner_id: int | None = None, chat_id: int | None = None,
    ) -> int:
        """A channel, optionally with its discussion supergroup (``linked_chat_id`` both ways)."""
        if chat_id is not None and chat_id in self.chats:
            raise SandboxError(f"chat {chat_id} exists")
        chat_id = chat_id if chat_id is not None else self._new_chat_id(True)
        channel = Chat(chat_id, "channel", title=title, username=username)
        self.chats[chat_id] = channel
        owner = owner_id if owner_id is not None else self.add_user(f"Owner of {title}")["id"]
        self.set_member(chat_id, owner, "creator")
        if linked_group is not None:
            group = self.chat(linked_group)
            if group.type != "supergroup":
                raise SandboxError("a discussion group must be a supergroup")
            channel.linked_chat_id, group.linked_chat_id = group.id, chat_id
        return chat_id

    def add_topic(
        self, chat_id: int, name: str, *, closed: bool = False, thread_id: int | None = None
    ) -> int:
        """A forum topic; its thread id is the id of its creation service message.

        ``thread_id`` pins it (to match a policy file); it must be above the chat's last id.
        """
        chat = self.chat(chat_id)
        if not chat.is_forum:
            raise SandboxError(f"chat {chat_id} is not a forum")
        if thread_id is not None:
            if thread_id < chat.next_message_id:
                raise SandboxError(f"thread {thread_id} must be >= {chat.next_message_id}")
            chat.next_message_id = thread_id
        color = _TOPIC_COLORS[len(chat.topics) % len(_TOPIC_COLORS)]
        created = self.store_message(chat, extra={"forum_topic_created": {
            "name": name, "icon_color": color}})
        thread_id = created.message_id
        created.thread_id, created.is_topic_message = thread_id, True
        chat.topics[thread_id] = Topic(thread_id, name, color, closed)
        return thread_id

    def close_topic(self, chat_id: int, thread_id: int, closed: bool = True) -> None:
        self.chat(chat_id).topics[thread_id].closed = closed

    def set_member(
        self, chat_id: int, user_id: int, status: str, *, default_rights: bool = True,
        until_date: int = 0, is_anonymous: bool = False, custom_title: str | None = None,
        is_member: bool = True, **rights: bool,
    ) -> JsonDict:
        """Set a user's status in a chat silently (no update); returns the ChatMember dict.

        Administrators get Telegram's usual rights unless ``default_rights=False``; keyword
        flags (``can_restrict_members=False``) override. Restricted members take
        ChatPermissions flags (unset ones allowed).
        """
        return self.put_member(chat_id, user_id, status, rights, default_rights=default_rights,
                               until_date=until_date, is_anonymous=is_anonymous,
                               custom_title=custom_title, is_member=is_member)

    def put_member(
        self, chat_id: int, user_id: int, status: str, rights: dict[str, bool], *,
        default_rights: bool = True, until_date: int = 0, is_anonymous: bool = False,
        custom_title: str | None = None, is_member: bool = True,
    ) -> JsonDict:
        """:meth:`set_member` with the rights as a dict."""
        chat = self.chat(chat_id)
        self.user(user_id)
        if status not in STATUSES:
            raise SandboxError(f"unknown status {status!r}")
        member = Member(user_id, status, until_date=until_date, is_anonymous=is_anonymous,
                        custom_title=custom_title, is_member=is_member)
        if status == "administrator":
            member.rights = _admin_rights(chat, default_rights, rights)
        elif status == "restricted":
            unknown = set(rights) - set(PERMISSIONS)
            if unknown:
                raise SandboxError(f"unknown permissions {sorted(unknown)}")
            member.permissions = {name: rights.get(name, True) for name in PERMISSIONS}
        elif rights:
            raise SandboxError(f"status {status!r} takes no rights")
        chat.members[user_id] = member
        return member.to_api(self.user_api(user_id))

    def add_bot_to(
        self, chat_id: int, status: str = "administrator", *, by_user_id: int | None = None,
        **rights: bool,
    ) -> JsonDict:
        """Put the bot in a chat and emit ``my_chat_member`` (plus the join service message)."""
        chat = self.chat(chat_id)
        old = chat.member(self.bot_id)
        actor = by_user_id if by_user_id is not None else _owner_of(chat)
        self.put_member(chat_id, self.bot_id, status, rights)
        self.emit_member_change(chat, self.bot_id, old, actor)
        if chat.is_group and not old.present:
            joined = self.store_message(chat, sender_id=actor, extra={
                "new_chat_members": [self.user_api(self.bot_id)],
                "new_chat_member": self.user_api(self.bot_id),
                "new_chat_participant": self.user_api(self.bot_id)})
            self.emit_message("message", joined)
        return chat.member(self.bot_id).to_api(self.user_api(self.bot_id))

    def block_bot(self, user_id: int, blocked: bool = True) -> None:
        """The user blocks (or unblocks) the bot: sends to them answer 403."""
        self.user(user_id).blocked_bot = blocked
        chat = self.chats.get(user_id)
        if chat is not None:
            status = "kicked" if blocked else "member"
            old = chat.member(self.bot_id)
            chat.members[self.bot_id] = Member(self.bot_id, status)
            self.emit_member_change(chat, self.bot_id, old, user_id)


def _admin_rights(chat: Chat, default: bool, given: dict[str, Any]) -> dict[str, bool]:
    unknown = set(given) - set(ADMIN_RIGHTS)
    if unknown:
        raise SandboxError(f"unknown admin rights {sorted(unknown)}")
    skip = GROUP_ONLY_RIGHTS if chat.type == "channel" else CHANNEL_ONLY_RIGHTS
    rights = {name: default and name != "can_promote_members" for name in ADMIN_RIGHTS}
    if not chat.is_forum:
        rights["can_manage_topics"] = False
    rights.update({name: bool(value) for name, value in given.items()})
    for name in skip:
        rights.pop(name, None)
    return rights


def _owner_of(chat: Chat) -> int:
    owner = next((m.user_id for m in chat.members.values() if m.status == "creator"), None)
    if owner is None:
        raise SandboxError(f"chat {chat.id} has no owner")
    return owner
