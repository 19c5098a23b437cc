"""Who is writing fast, and who sends the same text to several of the brand's chats.

The handler calls `record` for every new (not edited) message before evaluating it; the
returned `FloodSample` fills `MemberHistory.recent` and `.repeats_across_chats`. Keeping this
in memory avoids a database write per message for a signal that only matters for seconds.

Bounded memory: timestamps older than `window` are dropped on access, each (chat, user) keeps
at most `max_per_member` timestamps, each (user, text) at most `max_chats_per_text` chats,
and each table at most `max_keys` keys, least recently used dropped first. Texts are kept
only as 8-byte fingerprints of their normalised form, so "SCAM!!" and "scam" are the same.
Not thread-safe; use it from the event loop only.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from policies.moderation.bayes import text_key
from policies.normalise import normalise

K = TypeVar("K")
V = TypeVar("V")

MIN_REPEAT_CHARS = 8
"""Shorter texts ("ok", "grazie") are not compared across chats: people repeat them."""


@dataclass(frozen=True, slots=True)
class FloodSample:
    """The member's activity before this message, for `MemberHistory`.

    Attributes:
        recent: timestamps of their previous messages in this chat within the window.
        repeats_across_chats: other chats that got the same text from them in the window.
    """

    recent: tuple[float, ...]
    repeats_across_chats: int


class FloodTracker:
    """Sliding windows per (chat, user) and per (user, text) across chats."""

    def __init__(
        self,
        window: float,
        *,
        max_keys: int = 100_000,
        max_per_member: int = 64,
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
        since = now - self.window
        stamps = self._touch(self._members, (chat_id, user_id), deque)
        while stamps and stamps[0] <= since:
            stamps.popleft()
        recent = tuple(stamps)
        stamps.append(now)
        if len(stamps) > self._max_per_member:
            stamps.popleft()
        return FloodSample(recent, self._repeats(chat_id, user_id, text, now))

    def _repeats(self, chat_id: int, user_id: int, text: str, now: float) -> int:
        folded = normalise(text).folded if text else ""
        if len(folded) < MIN_REPEAT_CHARS:
            return 0
        since = now - self.window
        chats = self._touch(self._texts, (user_id, text_key(folded)), dict)
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
