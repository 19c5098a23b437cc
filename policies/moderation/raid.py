"""Raid detection: a burst of joins switches a chat into raid mode for a while.

Raids bring hundreds of accounts in minutes, sometimes to grab the group's username. The
handler asks `observe_join` on every join; while the state is active it restricts new joins
and posts one summary instead of a notice per member (Rose's antiraid does the same).
Raid mode ends by itself `duration` seconds after the last trigger: a join that keeps the
rate at the threshold, or spam observed during the raid.

`RaidDetector` keeps this in memory for one process, bounded: per chat only the join times
inside the window are kept (at most `max_joins_kept`), and at most `max_chats` chats are
tracked, least recently seen dropped first. Losing it on restart is acceptable: a raid that
continues re-triggers at once. Not thread-safe; use it from the event loop only. Several
workers keep join times and the deadline in the database and apply the same transitions
(`after_join`, `after_spam`, `state_at`), so both give the same answers.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field, replace

from policies.moderation.types import Decision, MemberHistory, RuleResult
from policies.schema import Raid


@dataclass(frozen=True, slots=True)
class RaidState:
    """Where a chat stands after a join (or spam) was observed.

    Attributes:
        active: raid mode is on at this moment.
        started_now: this observation switched raid mode on (post the summary once).
        ends_at: when raid mode ends unless triggered again; None when inactive.
        joins_in_window: joins within the last `seconds`, this one included.
    """

    active: bool
    started_now: bool
    ends_at: float | None
    joins_in_window: int


def state_at(ends_at: float | None, joins_in_window: int, now: float) -> RaidState:
    """Where a chat stands at `now` given its raid deadline (nothing observed now)."""
    active = ends_at is not None and ends_at > now
    return RaidState(active, False, ends_at if active else None, joins_in_window)


def after_join(ends_at: float | None, joins_in_window: int, now: float, joins: int,
               duration: int) -> RaidState:
    """A join at `now`; `joins_in_window` counts it. At `joins`, raid mode (re)starts."""
    was_active = ends_at is not None and ends_at > now
    if joins_in_window >= joins:
        ends_at = now + duration
    state = state_at(ends_at, joins_in_window, now)
    return RaidState(state.active, state.active and not was_active, state.ends_at,
                     joins_in_window)


def after_spam(ends_at: float | None, joins_in_window: int, now: float,
               duration: int) -> RaidState:
    """Spam during a raid keeps raid mode on; spam alone does not start it."""
    if ends_at is not None and ends_at > now:
        ends_at = now + duration
    return state_at(ends_at, joins_in_window, now)


@dataclass(slots=True)
class _Chat:
    joins: deque[float] = field(default_factory=deque)
    ends_at: float | None = None


class RaidDetector:
    """Counts joins per chat in a sliding window and keeps each chat's raid deadline."""

    def __init__(
        self,
        joins: int,
        seconds: int,
        duration: int,
        *,
        max_chats: int = 10_000,
        max_joins_kept: int = 5_000,
    ) -> None:
        if joins < 1 or seconds <= 0 or duration <= 0:
            raise ValueError("joins, seconds and duration must be positive")
        self.joins = joins
        self.seconds = seconds
        self.duration = duration
        self._max_chats = max_chats
        self._max_kept = max(max_joins_kept, joins)
        self._chats: OrderedDict[int, _Chat] = OrderedDict()

    def observe_join(self, chat_id: int, now: float) -> RaidState:
        """Record a join at `now`; start or extend raid mode at `joins` in `seconds`."""
        chat = self._chat(chat_id, now)
        chat.joins.append(now)
        if len(chat.joins) > self._max_kept:
            chat.joins.popleft()
        state = after_join(chat.ends_at, len(chat.joins), now, self.joins, self.duration)
        chat.ends_at = state.ends_at
        return state

    def observe_spam(self, chat_id: int, now: float) -> RaidState:
        """Spam during a raid keeps raid mode on; spam alone does not start it."""
        chat = self._chat(chat_id, now)
        state = after_spam(chat.ends_at, len(chat.joins), now, self.duration)
        chat.ends_at = state.ends_at
        return state

    def state(self, chat_id: int, now: float) -> RaidState:
        """The chat's state at `now` without recording anything."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return RaidState(False, False, None, 0)
        self._prune(chat, now)
        return state_at(chat.ends_at, len(chat.joins), now)

    def __len__(self) -> int:
        """How many chats are tracked (for memory checks)."""
        return len(self._chats)

    def _chat(self, chat_id: int, now: float) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat()
            while len(self._chats) > self._max_chats:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        self._prune(chat, now)
        return chat

    def _prune(self, chat: _Chat, now: float) -> None:
        since = now - self.seconds
        while chat.joins and chat.joins[0] <= since:
            chat.joins.popleft()
        if chat.ends_at is not None and chat.ends_at <= now:
            chat.ends_at = None


def during_raid(decision: Decision, history: MemberHistory, config: Raid, now: float) -> Decision:
    """The decision on a message posted while the chat is under a raid.

    A message removed from someone who joined since just before the raid began is a
    raider's: banned at once (in a supergroup the ban takes their other messages with it)
    rather than warned three times while the raid goes on. So is a raider's message whose
    spam score only asks for a review: outside a raid it would open a case for the team, one
    per message, and a raid's cards would bury the team chat (the raid has its own alert).
    Established members are never caught: their messages go to review, not removal, on a
    spam score alone.
    """
    if not (decision.delete or decision.review) or decision.action in ("ban", "kick"):
        return decision
    if history.first_seen is None or history.is_admin or history.trusted:
        return decision
    if now - history.first_seen > config.duration + config.seconds:
        return decision
    reasons = tuple(replace(r, action="delete") if r.action == "review" else r
                    for r in decision.reasons)
    return Decision.from_reasons(
        (*reasons, RuleResult("raid", "joined during a raid", "ban")),
        spam_score=decision.spam_score)
