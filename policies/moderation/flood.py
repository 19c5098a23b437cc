"""Who is writing fast, and who sends the same text to several of the brand's chats.

The handler calls `record` for every new (not edited) message before evaluating it; the
returned `FloodSample` fills `MemberHistory.recent` and `.repeats_across_chats`. One process
keeps this in memory (`FloodTracker`): no database work per message for a signal that only
matters for seconds. Several workers share it through the database instead; `sample_of`
computes the same sample from the member's recent rows, so both give the same answers.

Bounded memory: timestamps older than `window` are dropped on access, each (chat, user) keeps
at most `max_per_member` timestamps, each (user, text) at most `max_chats_per_text` chats,
and each table at most `max_keys` keys, least recently used dropped first. Texts are kept
only as 8-byte fingerprints of their normalised form, so "SCAM!!" and "scam" are the same.
Not thread-safe; use it from the event loop only.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from policies.moderation.bayes import text_key
from policies.normalise import normalise

K = TypeVar("K")
V = TypeVar("V")

MIN_REPEAT_CHARS = 8
"""Shorter texts ("ok", "grazie") are not compared across chats: people repeat them."""
MAX_PER_MEMBER = 64
"""Timestamps kept per member and chat: far above any sensible flood threshold."""


@dataclass(frozen=True, slots=True)
class FloodSample:
    """The member's activity before this message, for `MemberHistory`.

    Attributes:
        recent: timestamps of their previous messages in this chat within the window.
        repeats_across_chats: other chats that got the same text from them in the window.
    """

    recent: tuple[float, ...]
    repeats_across_chats: int


def flood_key(text: str) -> bytes | None:
    """The 8-byte fingerprint compared across chats, or None for texts too short to compare."""
    folded = normalise(text).folded if text else ""
    return text_key(folded) if len(folded) >= MIN_REPEAT_CHARS else None


def sample_of(
    rows: Iterable[tuple[int, float, bytes | None]], chat_id: int, key: bytes | None,
    now: float, window: float,
) -> FloodSample:
    """The sample from stored rows (chat, timestamp, fingerprint) of one member's messages.

    Rows are this member's messages in any chat before this one; the answer is the one
    `FloodTracker.record` gives for the same history.
    """
    since = now - window
    recent: list[float] = []
    chats: set[int] = set()
    for chat, stamp, stored in rows:
        if not since < stamp <= now:
            continue
        if chat == chat_id:
            recent.append(stamp)
        elif key is not None and stored == key:
            chats.add(chat)
    return FloodSample(tuple(sorted(recent)[-MAX_PER_MEMBER:]), len(chats))


class FloodTracker:
    """Sliding windows per (chat, user) and per (user, text) across chats."""

    def __init__(
        self,
        window: float,
        *,
        max_keys: int = 100_000,
        max_per_member: int = MAX_PER_MEMBER,
        max_chats_per_text: int = 32,
    ) -> None:
        if window <= 0:
            raise ValueError("window must be positive")
        self.window = window
        self._max_keys = max_keys
        self._max_per_member = max_per_member
        self._max_chats = max_chats_per_text
        self._members: OrderedDict[tuple[int, int], deque[float]] = OrderedDict()
        self._texts: OrderedDict[tuple[int, bytes], dict[int, float]] = OrderedDict()

    def record(self, chat_id: int, user_id: int, text: str, now: float) -> FloodSample:
        """Add this message and return what came before it (this message excluded)."""
        return self.record_key(chat_id, user_id, flood_key(text), now)

    def record_key(self, chat_id: int, user_id: int, key: bytes | None,
                   now: float) -> FloodSample:
        """`record` with the text's `flood_key` already computed."""
        since = now - self.window
        stamps = self._touch(self._members, (chat_id, user_id), deque)
        while stamps and stamps[0] <= since:
            stamps.popleft()
        recent = tuple(stamps)
        stamps.append(now)
        if len(stamps) > self._max_per_member:
            stamps.popleft()
        return FloodSample(recent, self._repeats(chat_id, user_id, key, now))

    def _repeats(self, chat_id: int, user_id: int, key: bytes | None, now: float) -> int:
        if key is None:
            return 0
        since = now - self.window
        chats = self._touch(self._texts, (user_id, key), dict)
        for old in [chat for chat, stamp in chats.items() if stamp <= since]:
            del chats[old]
        others = sum(1 for chat in chats if chat != chat_id)
        chats.pop(chat_id, None)
        chats[chat_id] = now
        while len(chats) > self._max_chats:
            del chats[next(iter(chats))]
        return others

    def _touch(self, table: OrderedDict[K, V], key: K, make: Callable[[], V]) -> V:
        value = table.get(key)
        if value is None:
            value = table[key] = make()
            while len(table) > self._max_keys:
                table.popitem(last=False)
        else:
            table.move_to_end(key)
        return value

    def __len__(self) -> int:
        """Keys held in both tables (for memory checks)."""
        return len(self._members) + len(self._texts)
