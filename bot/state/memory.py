"""The in-memory state of a single process (role `all`): no database work per message.

Bounded: the flood tracker and raid detectors drop their least recently seen keys, stamps
and lines are dropped wholesale past 50,000 keys (the same rule the handlers used before).
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from bot.state import ChatState, Line, LineKind, Stale
from policies.moderation import FloodSample, FloodTracker, RaidDetector, RaidState
from policies.schema import Raid

FLOOD_WINDOW_S = 300.0
MAX_KEYS = 50_000


class MemoryFlood:
    def __init__(self) -> None:
        self.tracker = FloodTracker(window=FLOOD_WINDOW_S)

    async def record(self, chat_id: int, user_id: int, key: bytes | None,
                     now: datetime) -> FloodSample:
        return self.tracker.record_key(chat_id, user_id, key, now.timestamp())


class MemoryRaids:
    """One detector per raid setting (a detector tracks many chats)."""

    def __init__(self) -> None:
        self._detectors: dict[tuple[int, int, int], RaidDetector] = {}

    def _of(self, config: Raid) -> RaidDetector:
        key = (config.joins, config.seconds, config.duration)
        detector = self._detectors.get(key)
        if detector is None:
            detector = self._detectors[key] = RaidDetector(*key)
        return detector

    async def join(self, chat_id: int, user_id: int, config: Raid, now: datetime) -> RaidState:
        return self._of(config).observe_join(chat_id, now.timestamp())

    async def spam(self, chat_id: int, config: Raid, now: datetime) -> RaidState:
        return self._of(config).observe_spam(chat_id, now.timestamp())

    async def state(self, chat_id: int, config: Raid, now: datetime) -> RaidState:
        return self._of(config).state(chat_id, now.timestamp())


class MemoryStamps:
    def __init__(self) -> None:
        self._stamps: dict[tuple[str, int, int], deque[datetime]] = {}

    async def add(self, kind: str, chat_id: int, user_id: int, now: datetime,
                  window: float) -> None:
        if len(self._stamps) > MAX_KEYS:
            self._stamps.clear()
        queue = self._stamps.setdefault((kind, chat_id, user_id), deque())
        _drop_before(queue, now - timedelta(seconds=window))
        queue.append(now)

    async def count(self, kind: str, chat_id: int, user_id: int, now: datetime,
                    window: float) -> int:
        queue = self._stamps.get((kind, chat_id, user_id))
        if queue is None:
            return 0
        _drop_before(queue, now - timedelta(seconds=window))
        return len(queue)


class MemoryLines:
    def __init__(self) -> None:
        self._rings: dict[tuple[str, int], deque[Line]] = {}

    async def add(self, kind: LineKind, chat_id: int, line: Line) -> None:
        ring = self._ring(kind, chat_id)
        ring.append(line)
        self._prune(kind, ring, line.at)

    async def latest(self, kind: LineKind, chat_id: int, count: int,
                     now: datetime) -> list[Line]:
        ring = self._ring(kind, chat_id)
        self._prune(kind, ring, now)
        return list(ring)[-count:] if count > 0 else []

    async def count(self, kind: LineKind, chat_id: int, now: datetime) -> int:
        ring = self._ring(kind, chat_id)
        self._prune(kind, ring, now)
        return len(ring)

    def _ring(self, kind: LineKind, chat_id: int) -> deque[Line]:
        ring = self._rings.get((kind.name, chat_id))
        if ring is None:
            if len(self._rings) > MAX_KEYS:
                self._rings.clear()
            ring = self._rings[(kind.name, chat_id)] = deque(maxlen=kind.keep)
        return ring

    @staticmethod
    def _prune(kind: LineKind, ring: deque[Line], now: datetime) -> None:
        if kind.seconds is not None:
            since = now - timedelta(seconds=kind.seconds)
            while ring and ring[0].at < since:
                ring.popleft()


class AlwaysFresh:
    """One process: its caches are invalidated where they are changed."""

    async def stale(self, chat_id: int) -> Stale:
        return Stale()


def _drop_before(queue: deque[datetime], since: datetime) -> None:
    while queue and queue[0] < since:
        queue.popleft()


def memory_state() -> ChatState:
    return ChatState(flood=MemoryFlood(), raids=MemoryRaids(), stamps=MemoryStamps(),
                     lines=MemoryLines(), freshness=AlwaysFresh(), shared=False)
