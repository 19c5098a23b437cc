"""ORM models. Rows never leave storage/: repositories turn them into frozen DTOs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
AutoId = BigInteger().with_variant(Integer(), "sqlite")




class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every dialect (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
        return value.astimezone(UTC) if dialect.name != "sqlite" else value.astimezone(
            UTC
        ).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {int: BigInteger, dict[str, Any]: JSON, datetime: UtcDateTime}


class Chat(Base):
    """A chat the bot is (or was) in, with the bot's own status and rights there."""

    __tablename__ = "chats"

    chat_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(256), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    is_forum: Mapped[bool] = mapped_column(Boolean, default=False)
    linked_chat_id: Mapped[int | None]
    bot_status: Mapped[str] = mapped_column(String(16), default="member")
    bot_rights: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    migrated_to: Mapped[int | None]
    updated_at: Mapped[datetime]


class Member(Base):
    """A member seen in a chat; status and rights are the admin cache."""

    __tablename__ = "members"

    chat_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="member")
    rights: Mapped[dict[str, Any]] = mapped_column(default=dict)
    rights_checked_at: Mapped[datetime | None]
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    message_count: Mapped[int] = mapped_column(default=0)
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)


class ChatSetting(Base):
    """A per-chat override of the policy file set from Telegram (key is a dotted path)."""

    __tablename__ = "chat_settings"

    chat_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column()
    updated_by: Mapped[int | None]
    updated_at: Mapped[datetime]


class InboxUpdate(Base):
    """A raw update, committed before Telegram is told it was received."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_pending", "status", "update_id"),)

    update_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(default=0)
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="pending")
    received_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class OutboxItem(Base):
    """A Bot API call the bot owes Telegram: sent with retries until it lands, once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "not_before", "id"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(default=0)
    method: Mapped[str] = mapped_column(String(48))
    params: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(8), default="pending")
    not_before: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    ref_kind: Mapped[str | None] = mapped_column(String(32))
    ref_id: Mapped[int | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)


class FaqEntryRow(Base):
    """The live knowledge base: seeded from the policy file, edited from Telegram."""

    __tablename__ = "faq_entries"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column()
    source: Mapped[str] = mapped_column(String(8), default="file")
    updated_by: Mapped[int | None]
    updated_at: Mapped[datetime]


class FaqVector(Base):
    """Persisted embeddings of FAQ phrasings, so a restart does not re-embed the KB."""

    __tablename__ = "faq_vectors"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class FaqAnswer(Base):
    """An answer the bot gave: for cooldowns, rate limits, feedback and statistics."""

    __tablename__ = "faq_answers"
    __table_args__ = (Index("ix_faq_answers_chat_entry", "chat_id", "entry_id", "at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    chat_id: Mapped[int]
    entry_id: Mapped[str] = mapped_column(String(40))
    question_message_id: Mapped[int]
    asker_id: Mapped[int]
    answer_message_id: Mapped[int | None]
    language: Mapped[str] = mapped_column(String(8))
    score: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime]
    helpful: Mapped[int] = mapped_column(default=0)
    not_helpful: Mapped[int] = mapped_column(default=0)


class FaqVote(Base):
    """One vote per member per answer (a second press changes it, never doubles it)."""

    __tablename__ = "faq_votes"

    answer_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    helpful: Mapped[bool] = mapped_column(Boolean)


class Question(Base):
    """A question a member asked, and who answered it (bot, team, nobody yet)."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_open", "status", "asked_at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    chat_id: Mapped[int]
    message_id: Mapped[int]
    thread_id: Mapped[int | None]
    asker_id: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="open")
    entry_id: Mapped[str | None] = mapped_column(String(40))
    score: Mapped[float | None] = mapped_column(Float)
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class Warning_(Base):
    """A warning given to a member, automatically or by an admin, with its reason."""

    __tablename__ = "warnings"
    __table_args__ = (Index("ix_warnings_member", "chat_id", "user_id", "at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    chat_id: Mapped[int]
    user_id: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    by_user_id: Mapped[int | None]
    at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ModerationEvent(Base):
    """The audit log: every decision with its reasons, done or (in dry run) only recorded."""

    __tablename__ = "moderation_events"
    __table_args__ = (
        Index("ix_modevents_chat_at", "chat_id", "at"),
        Index("ix_modevents_notice", "chat_id", "notice_message_id"),
        Index("ix_modevents_unlogged", "logged", "id"),
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    chat_id: Mapped[int]
    user_id: Mapped[int | None]
    message_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(24))
    reasons: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    excerpt: Mapped[str] = mapped_column(Text, default="")
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    by_user_id: Mapped[int | None]
    at: Mapped[datetime]
    undone_by: Mapped[int | None]
    notice_message_id: Mapped[int | None]
    logged: Mapped[bool] = mapped_column(Boolean, default=False)


class SpamSample(Base):
    """Managers' /spam and /notspam verdicts: what the classifier learns from."""

    __tablename__ = "spam_samples"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(Text)
    is_spam: Mapped[bool] = mapped_column(Boolean)
    by_user_id: Mapped[int | None]
    at: Mapped[datetime]


class RecentMessage(Base):
    """Ids of members' recent messages, to clean up after a spammer or a raid, and (several
    workers) their flood history. No text: `text_key` is an 8-byte hash of the normalised
    text, to spot the same text sent to several chats."""

    __tablename__ = "recent_messages"
    __table_args__ = (
        Index("ix_recent_user", "chat_id", "user_id", "at"),
        Index("ix_recent_sender", "user_id", "at"),
    )

    chat_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_id: Mapped[int]
    at: Mapped[datetime]
    text_key: Mapped[bytes | None] = mapped_column(LargeBinary(8))


class MemberStamp(Base):
    """A member's recent act that several workers must count: a join (raids), a report (rate
    limit), a removal by the bot. Pruned as it ages out of its window."""

    __tablename__ = "member_stamps"
    __table_args__ = (Index("ix_member_stamps", "chat_id", "kind", "at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))
    chat_id: Mapped[int]
    user_id: Mapped[int]
    at: Mapped[datetime]


class ChatLine(Base):
    """A chat's last lines (context for case cards) and its recent negative messages, when
    several workers share them; a few per chat, pruned as new ones arrive."""

    __tablename__ = "chat_lines"
    __table_args__ = (Index("ix_chat_lines", "chat_id", "kind", "id"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    chat_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int | None]
    name: Mapped[str] = mapped_column(String(128), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class RaidMode(Base):
    """Until when a chat is in raid mode (several workers)."""

    __tablename__ = "raid_modes"

    chat_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    ends_at: Mapped[datetime]


class Timer(Base):
    """A durable deadline (verification timeout, reminder, digest): survives restarts."""

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_due", "done", "due_at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int | None]
    due_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class Case(Base):
    """Something the brand team must see: durable, updated by several triggers, never lost."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status", "status", "created_at"),
        Index("ix_cases_card", "card_message_id"),
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    status: Mapped[str] = mapped_column(String(10), default="open")
    chat_id: Mapped[int]
    chat_title: Mapped[str] = mapped_column(String(256), default="")
    chat_username: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[int | None]
    thread_id: Mapped[int | None]
    author_id: Mapped[int | None]
    author_name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str] = mapped_column(String(8), default="it")
    text: Mapped[str] = mapped_column(Text, default="")
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reasons: Mapped[str] = mapped_column(Text, default="")
    reporters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    assignee_id: Mapped[int | None]
    assignee_name: Mapped[str | None] = mapped_column(String(128))
    resolved_by: Mapped[str | None] = mapped_column(String(128))
    reply_text: Mapped[str | None] = mapped_column(Text)
    reply_message_id: Mapped[int | None]
    card_chat_id: Mapped[int | None]
    card_message_id: Mapped[int | None]
    prompt_message_id: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)
    dedupe_key: Mapped[str | None] = mapped_column(String(96), unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class Draft(Base):
    """A brand reply waiting for a second team member's approval (sensitive cases)."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    case_id: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int]
    author_name: Mapped[str] = mapped_column(String(128), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    approved_by: Mapped[int | None]
    created_at: Mapped[datetime]


class DailyMetric(Base):
    """A counter per chat and local day (messages, joins, questions, sentiment, actions...)."""

    __tablename__ = "daily_metrics"

    chat_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(48), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class DailyActive(Base):
    """Who wrote on a day (for active-member counts); purged with the retention window."""

    __tablename__ = "daily_active"

    chat_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class Kudos(Base):
    """Praise worth sharing, kept as reusable testimonials (with a link)."""

    __tablename__ = "kudos"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    chat_id: Mapped[int]
    message_id: Mapped[int]
    author_name: Mapped[str] = mapped_column(String(128), default="")
    author_id: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
