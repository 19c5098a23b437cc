"""Telegram's posting budgets as Telegram counts them: by when calls reach it."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram.error import TimedOut

from bot import ratelimit
from bot.ratelimit import BudgetRateLimiter, SlidingWindow


def _most_in_window(times: list[float], window: float) -> int:
    ordered = sorted(times)
    return max(sum(1 for t in ordered if start <= t < start + window) for start in ordered)


async def test_calls_slow_on_the_wire_still_reach_telegram_a_period_apart() -> None:
    """The first calls spend 0.25 s between leaving the window and reaching Telegram (a
    busy event loop, a queued connection); the later ones none. Counting a call from when
    it left let a third call arrive 0.05 s after the first two; counting from when it ended
    keeps any 0.3 s of arrivals at 2."""
    window = SlidingWindow(2, 0.3, margin=0.0)
    arrivals: list[float] = []

    async def post(delay: float) -> None:
        async with window:
            await asyncio.sleep(delay)
            arrivals.append(time.monotonic())

    await asyncio.gather(post(0.25), post(0.25))
    await asyncio.gather(post(0.0), post(0.0), post(0.0))
    assert len(arrivals) == 5
    assert _most_in_window(arrivals, 0.3) == 2


async def test_a_call_in_flight_holds_its_slot() -> None:
    window = SlidingWindow(1, 0.1, margin=0.0)
    order: list[str] = []

    async def post(name: str, delay: float) -> None:
        async with window:
            order.append(f"{name} in")
            await asyncio.sleep(delay)
            order.append(f"{name} out")

    await asyncio.gather(post("a", 0.2), post("b", 0.0))
    assert order == ["a in", "a out", "b in", "b out"]


async def test_a_group_is_one_budget_whether_its_id_is_a_number_or_text() -> None:
    """The new leader seeds budgets with the ids the database has (numbers); a row may carry
    the id as text. Both must spend the same group's 20 a minute."""
    limiter = BudgetRateLimiter(group_per_minute=2, group_period=30)
    limiter.seed([(-100, 1.0)])
    sent: list[object] = []

    async def call(chat: object) -> bool:
        sent.append(chat)
        return True

    assert await limiter.process_request(call, ("-100",), {}, "sendMessage",
                                         {"chat_id": "-100"}, None)
    third = asyncio.ensure_future(limiter.process_request(
        call, (-100,), {}, "sendMessage", {"chat_id": -100}, None))
    await asyncio.sleep(0.2)
    assert not third.done() and sent == ["-100"]  # the seeded post and this one: 2 of 2
    third.cancel()


async def test_a_call_that_timed_out_counts_as_reaching_telegram_later(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The scale-out test saw it: a post the bot had given up on reached the busy server 2.3 s
    after the timeout, and a group minute counted from the timeout held 21 posts. A call that
    failed on the network counts as made UNSURE_S later; one that never left (the process
    stopped leading) does not count at all."""
    monkeypatch.setattr(ratelimit, "UNSURE_S", 0.4)
    window = SlidingWindow(1, 0.2, margin=0.0)
    landed: list[float] = []

    async def post(fails: type[Exception] | None) -> None:
        async with window:
            landed.append(time.monotonic())
            if fails is not None:
                raise fails("Timed out")

    with pytest.raises(TimedOut):
        await post(TimedOut)
    with pytest.raises(ratelimit.NotLeading):
        await post(ratelimit.NotLeading)  # waits out the timed-out call: 0.2 + 0.4 s
    await post(None)  # the call that never left took no slot
    assert landed[1] - landed[0] >= 0.6
    assert landed[2] - landed[1] < 0.1
