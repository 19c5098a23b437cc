"""Throughput measured in rounds that take turns, so that the machine's drift falls on every
entrant alike.

The speed of the 2-vCPU cloud machines this was written on moves by up to a third within
minutes (the same pipeline in the same process: 150 msg/s, then 107 a few minutes later).
Variants measured one after the other carried that drift into their ratio. Here every
entrant's world is built and warmed up first, all of them live at once; then each round
sends each entrant its next slice of traffic, in an order that rotates from round to round,
and an entrant's figures are its totals over all rounds. An idle world costs next to nothing
meanwhile (its loops wait on events; its leader lease is renewed once a second).
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.drive import Driver, Sent, live, percentile, settle
from bench.traffic import Message
from bench.world import World

WINDOW = 32  # messages in flight while measuring
WARM_UP = 20  # messages handled, not measured, before the first round


@dataclass(slots=True)
class Entrant:
    """One world taking part: ``count`` messages of ``traffic`` over all the rounds."""

    name: str
    world: World
    traffic: Sequence[Message]
    count: int
    driver: Driver = field(init=False)
    sent: list[Sent] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    per_round: list[float] = field(default_factory=list)  # msg/s of each round

    def __post_init__(self) -> None:
        self.driver = Driver(self.world)

    def figures(self) -> dict[str, Any]:
        done = self.world.done
        handle = [(done[s.update_id][1] - done[s.update_id][0]) * 1000
                  for s in self.sent if s.update_id in done]
        return {
            "messages": len(self.sent),
            "throughput_msg_s": round(len(self.sent) / self.seconds, 1),
            "cpu_us_per_msg": round(self.cpu_seconds / len(self.sent) * 1e6),
            "us_per_msg": round(self.seconds / len(self.sent) * 1e6),
            "handle_p50_ms": round(percentile(handle, 0.5), 2),
            "handle_p99_ms": round(percentile(handle, 0.99), 2),
        }


async def take_turns(entrants: Sequence[Entrant], rounds: int) -> dict[str, dict[str, Any]]:
    """Warm every entrant up, then ``rounds`` rounds in rotating order; figures by name.
    Each entrant's ``per_round`` keeps its throughput round by round."""
    async with contextlib.AsyncExitStack() as stack:
        for entrant in entrants:
            await stack.enter_async_context(live(entrant.world))
            warm = await entrant.driver.closed_loop(entrant.traffic[-WARM_UP:], WINDOW)
            await settle(entrant.world, warm)
        order = list(entrants)
        for number in range(rounds):
            for entrant in order:
                first = entrant.count * number // rounds
                last = entrant.count * (number + 1) // rounds
                await _measure(entrant, entrant.traffic[first:last])
            order = order[1:] + order[:1]
    return {entrant.name: entrant.figures() for entrant in entrants}


async def _measure(entrant: Entrant, messages: Sequence[Message]) -> None:
    """One slice: the time from its first message in to its last update handled (committed),
    and the CPU until all it caused is done. The Bot API calls that come after the last
    commit are left out of the time but not of the CPU: a chat's deletions go at most three
    calls a second outside raids (bench.drive), and that wait is latency, not work: counted
    in every round, it would weigh on the variant that deletes as many times as there are
    rounds."""
    world = entrant.world
    started, cpu = time.perf_counter(), time.process_time()
    sent = await entrant.driver.closed_loop(messages, WINDOW)
    await settle(world, sent)
    entrant.cpu_seconds += time.process_time() - cpu  # with settle's quiet wait: idle
    if sent:
        seconds = max(world.done[s.update_id][1] for s in sent) - started
        entrant.seconds += seconds
        entrant.sent.extend(sent)
        entrant.per_round.append(len(sent) / seconds)


def round_ratios(entrants: Sequence[Entrant], top: str, bottom: str) -> dict[str, float]:
    """``top``'s throughput over ``bottom``'s, round by round (each pair measured seconds
    apart): the median and the range show how far the machine's noise reaches."""
    by_name = {entrant.name: entrant for entrant in entrants}
    ratios = sorted(a / b for a, b in zip(by_name[top].per_round, by_name[bottom].per_round,
                                         strict=True))
    return {"median": round(statistics.median(ratios), 3), "low": round(ratios[0], 3),
            "high": round(ratios[-1], 3)}
