"""The sandbox's world: users, chats, members and messages, and their Bot API shapes.

Plain mutable records (the sandbox is a simulator, state changes all the time); each knows how
to render itself the way Telegram serialises it, so PTB parses real objects from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]

TELEGRAM_SERVICE_ID = 777000  # sender of automatic forwards from a linked channel
GROUP_ANONYMOUS_BOT_ID = 1087968824  # "from" of anonymous admins' messages
CHANNEL_BOT_ID = 136817688  # "from" of messages sent on behalf of a channel

ADMIN_RIGHTS: tuple[str, ...] = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_post_messages",
    "can_edit_messages",
    "can_pin_messages",
    "can_manage_topics",
    "can_manage_direct_messages",
)
_REQUIRED_RIGHTS = ADMIN_RIGHTS[:10]  # the rest are optional in ChatMemberAdministrator
CHANNEL_ONLY_RIGHTS = ("can_post_messages", "can_edit_messages", "can_manage_direct_messages")
GROUP_ONLY_RIGHTS = ("can_pin_messages", "can_manage_topics")

PERMISSIONS: tuple[str, ...] = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_edit_tag",
    "can_react_to_messages",
)
_OFF_BY_DEFAULT = ("can_change_info", "can_pin_messages", "can_manage_topics", "can_edit_tag")

STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
PRESENT = ("creator", "administrator", "member", "restricted")


def default_permissions() -> dict[str, bool]:
    """What a fresh group lets its members do (Telegram's defaults)."""
    return {name: name not in _OFF_BY_DEFAULT for name in PERMISSIONS}


@dataclass(slots=True)
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    is_bot: bool = False
    language_code: str | None = None
    blocked_bot: bool = False

    def to_api(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


NO_FLAGS: Mapping[str, bool] = {}
"""The rights and permissions of an ordinary member: one empty mapping shared by all of them
(a sandbox with 100,000 members would otherwise hold 200,000 empty dicts, about 12 MB).
Flags are never changed in place: a promotion or restriction assigns a new dict."""


def _no_flags() -> Mapping[str, bool]:
    return NO_FLAGS


_timed_made = [0]  # Members made with an until_date, ever (one cell: no global statement)


def timed_members_made() -> int:
    """How many Members with an until_date were created so far: while it and the clock's
    second stay the same, no restriction can have come due (`World.expire_restrictions`)."""
    return _timed_made[0]


@dataclass(slots=True)
class Member:
    """A user's standing in one chat, with Telegram's statuses, rights and restrictions."""

    user_id: int
    status: str
    rights: Mapping[str, bool] = field(default_factory=_no_flags)
    permissions: Mapping[str, bool] = field(default_factory=_no_flags)
    until_date: int = 0
    is_member: bool = True
    is_anonymous: bool = False
    custom_title: str | None = None

    def __post_init__(self) -> None:
        if self.until_date > 0:
            _timed_made[0] += 1

    @property
    def present(self) -> bool:
        """In the chat now (a restricted user may have left and still be restricted)."""
        if self.status == "restricted":
            return self.is_member
        return self.status in PRESENT

    @property
    def is_admin(self) -> bool:
        return self.status in ("creator", "administrator")

    def has_right(self, right: str) -> bool:
        """The owner holds every right; an administrator only those granted."""
        return self.status == "creator" or (
            self.status == "administrator" and self.rights.get(right, False)
        )

    def to_api(self, user: JsonDict) -> JsonDict:
        data: JsonDict = {"status": self.status, "user": user}
        if self.status == "creator":
            data["is_anonymous"] = self.is_anonymous
        elif self.status == "administrator":
            data.update(can_be_edited=False, is_anonymous=self.is_anonymous)
            data.update({name: self.rights.get(name, False) for name in ADMIN_RIGHTS
                         if name in self.rights or name in _REQUIRED_RIGHTS})
        elif self.status == "restricted":
            data["is_member"] = self.is_member
            data.update({name: self.permissions.get(name, True) for name in PERMISSIONS})
            data["until_date"] = self.until_date
        elif self.status == "kicked":
            data["until_date"] = self.until_date
        if self.custom_title and self.is_admin:
            data["custom_title"] = self.custom_title
        return data


@dataclass(slots=True)
class Topic:
    thread_id: int
    name: str
    icon_color: int = 7322096
    closed: bool = False

    def to_api(self) -> JsonDict:
        return {"message_thread_id": self.thread_id, "name": self.name,
                "icon_color": self.icon_color}


@dataclass(slots=True)
class StoredMessage:
    """One message as the sandbox remembers it; ``extra`` holds media and service fields."""

    chat_id: int
    message_id: int
    date: int
    sender_id: int | None = None
    sender_chat_id: int | None = None
    text: str | None = None
    caption: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    reply_to: int | None = None
    thread_id: int | None = None
    is_topic_message: bool = False
    reply_markup: JsonDict | None = None
    deleted: bool = False
    deleted_at: float | None = None  # sandbox time (benchmarks: when the chat became clean)
    edit_date: int | None = None
    extra: JsonDict = field(default_factory=dict)

    @property
    def is_service(self) -> bool:
        return self.text is None and self.caption is None and not self.has_media

    @property
    def has_media(self) -> bool:
        return any(key in self.extra for key in MEDIA_KINDS)


MEDIA_KINDS = ("sticker", "animation", "voice", "document", "photo", "video")


@dataclass(slots=True)
class Chat:
    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False
    linked_chat_id: int | None = None
    description: str | None = None
    permissions: dict[str, bool] = field(default_factory=default_permissions)
    members: dict[int, Member] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    topics: dict[int, Topic] = field(default_factory=dict)
    banned_sender_chats: set[int] = field(default_factory=set)
    next_message_id: int = 1
    migrated_to: int | None = None
    pinned_message_id: int | None = None

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def to_api(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.is_forum:
            data["is_forum"] = True
        return data

    def member(self, user_id: int) -> Member:
        """The user's standing; someone never seen here counts as ``left``."""
        return self.members.get(user_id) or Member(user_id=user_id, status="left")


@dataclass(slots=True)
class ApiCall:
    """One Bot API call the bot made, as the sandbox answered it."""

    method: str
    params: JsonDict
    at: float
    ok: bool
    error: str | None = None
    result: Any = None


@dataclass(slots=True)
class PendingQuery:
    """A callback query the bot may still answer (Telegram forgets them after a while)."""

    query_id: str
    created_at: float
    answered: bool = False
    answer: JsonDict | None = None
