"""Telegram's posting budgets as Telegram counts them: by when calls reach it."""

from __future__ import annotations

import asyncio
import time

from bot.ratelimit import SlidingWindow


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
