"""Telegram's send budgets, applied to what costs them: messages, not moderation.

PTB's AIORateLimiter puts every method with a group chat_id (deletes and bans included) into
the 20-per-minute group bucket, so cleaning a raid would take an hour. Here the per-group bucket
covers only methods that post messages; everything shares the global 30-per-second bucket.
A 429 is not retried here: it reaches the outbox, which reschedules the row.

With several workers only the leader posts: ``gate`` is asked once a post's budget is granted
(that can take up to a minute), and a process that stopped leading meanwhile raises NotLeading
instead of posting; the row stays pending for the new leader.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from aiolimiter import AsyncLimiter
from telegram._utils.types import JSONDict
from telegram.error import NetworkError
from telegram.ext import BaseRateLimiter

POSTING = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendAnimation", "sendVideo", "sendAudio",
    "sendVoice", "sendSticker", "sendMediaGroup", "copyMessage", "forwardMessage", "sendPoll",
})


UNSURE_S = 10.0
"""A call that failed on the network (a timeout, a dropped connection) may still reach
Telegram after this process gave up on it: its request was sent, or sat in the server's
queue. It counts as made this much later (the read timeout). Seen in the scale-out test: a
post the bot had timed out on reached the busy server 2.3 s later, and the group's minute,
counted from the timeout, held 21 posts."""


class NotLeading(Exception):
    """This process no longer leads: it must not spend Telegram's posting budgets."""


class SlidingWindow:
    """At most ``limit`` calls in any ``period`` seconds, counted the way Telegram counts.

    A leaky bucket (aiolimiter) lets a full burst through and then refills at the average
    rate, so the first window of a busy chat sees up to twice the limit (20 at once, then one
    every 3 s: 40 in the first minute). A call counts from when it *ends* (it holds its slot
    while in flight): Telegram saw it at some moment before that, so however long a call
    spends queued in the process or on the wire, two calls ``limit`` apart reach Telegram at
    least ``period`` apart. ``margin`` covers clock jitter.
    """

    def __init__(self, limit: float, period: float, margin: float) -> None:
        self._limit, self._period = int(limit), period + margin
        self._stamps: deque[float] = deque()  # when calls ended, oldest first
        self._in_flight = 0
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._stamps and self._stamps[0] <= now - self._period:
                    self._stamps.popleft()
                if len(self._stamps) + self._in_flight < self._limit:
                    self._in_flight += 1
                    return
                wait = self._stamps[0] + self._period - now if self._stamps else 0.05
                await asyncio.sleep(max(wait, 0.01))

    async def __aexit__(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        self._in_flight -= 1  # failed calls count too: Telegram may have seen them
        if exc_type is NotLeading:
            return  # never made
        stamp = time.monotonic()
        if exc_type is not None and issubclass(exc_type, NetworkError):
            stamp += UNSURE_S  # gave up waiting: the call may reach Telegram later still
        self._stamps.append(stamp)

    def busy(self) -> bool:
        """Something in flight or counted in the current window."""
        now = time.monotonic()
        return self._in_flight > 0 or any(t > now - self._period for t in self._stamps)

    def record(self, stamp: float) -> None:
        """A call made at ``stamp`` (monotonic) elsewhere; stamps are recorded oldest first."""
        self._stamps.append(stamp)


class BudgetRateLimiter(BaseRateLimiter[int]):
    """Posting: 30/s overall and 20/min per group (Telegram's documented limits).

    Everything else (deletions, bans, restrictions, reads) has its own, larger budget: Telegram
    publishes no figure for those, answers 429 with retry_after when pushed, and the outbox
    honours that.
    """

    def __init__(self, *, overall_per_second: float = 30, group_per_minute: float = 20,
                 other_per_second: float = 100, group_period: float = 60) -> None:
        self._overall = SlidingWindow(overall_per_second, 1, margin=0.1)
        self._other = AsyncLimiter(other_per_second, 1)
        self._group_rate, self._group_period = group_per_minute, group_period
        self._groups: dict[str, SlidingWindow] = {}
        self.gate: Callable[[], bool] = lambda: True

    async def initialize(self) -> None:
        return None

    def seed(self, sent: Sequence[tuple[int | str, float]]) -> None:
        """Count posts another process made (chat id, seconds ago) in the current windows: a
        new leader must not spend a group's minute again."""
        now = time.monotonic()
        for chat_id, ago in sorted(sent, key=lambda item: -item[1]):
            stamp = now - max(0.0, ago)
            if _is_group(chat_id):
                self._group(chat_id).record(stamp)
            self._overall.record(stamp)

    async def shutdown(self) -> None:
        return None

    def _group(self, chat_id: int | str) -> SlidingWindow:
        key = str(chat_id)  # -100123 and "-100123" are one group (the seed has ints)
        limiter = self._groups.get(key)
        if limiter is None:
            if len(self._groups) > 10_000:
                self._groups = {k: w for k, w in self._groups.items() if w.busy()}
            limiter = self._groups[key] = SlidingWindow(self._group_rate, self._group_period,
                                                        margin=1.0)
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if endpoint == "getUpdates":
            return await callback(*args, **kwargs)
        chat_id = data.get("chat_id")
        if endpoint not in POSTING:
            async with self._other:
                return await callback(*args, **kwargs)
        if _is_group(chat_id):
            async with self._group(chat_id), self._overall:  # type: ignore[arg-type]
                return await self._gated(callback, args, kwargs)
        async with self._overall:
            return await self._gated(callback, args, kwargs)

    async def _gated(
        self, callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any, kwargs: dict[str, Any],
    ) -> bool | JSONDict | list[JSONDict]:
        if not self.gate():
            raise NotLeading
        return await callback(*args, **kwargs)


def _is_group(chat_id: object) -> bool:
    try:
        return int(str(chat_id)) < 0
    except (TypeError, ValueError):
        return isinstance(chat_id, str) and chat_id.startswith("@")
