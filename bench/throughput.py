"""Throughput, latency and peak RSS of one variant (floor, portavoce or naive) in one world.

Two phases in the same world, with the runtime's own loops running:
1. saturation: ``n`` messages are queued at "Telegram" at once; throughput = n / time from
   start to the last effect;
2. paced: an open-loop injector offers ``rate`` msg/s for a few seconds; latency per message
   as described in ``bench.drive``; "handle" is the dispatcher's own time per update.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench import rss
from bench.drive import Driver, finish_times, live, percentile, settle
from bench.plan import Plan
from bench.rounds import WARM_UP, WINDOW, Entrant, round_ratios, take_turns
from bench.traffic import Message
from bench.variants import only_handler
from bench.world import World, add_members, create_world, start
from bot.policy_loader import load_policy
from policies import embedding
from policies.schema import PolicyFile


async def make_world(variant: str, policy: PolicyFile, vectors: Mapping[str, bytes],
                     database_url: str, users_per_group: int) -> World:
    """Portavoce gets the big policy; the baselines a plain one (their checker has the big)."""
    own = policy if variant == "portavoce" else load_policy()
    world = await create_world(own, database_url,
                               vectors=vectors if variant == "portavoce" else None)
    if variant != "portavoce":
        only_handler(world.runtime.app, variant, policy)
    await start(world)
    await add_members(world, users_per_group)
    return world


async def run_variant(variant: str, plan: Plan, policy: PolicyFile,
                      vectors: Mapping[str, bytes], traffic: Sequence[Message],
                      database_url: str, *, rate: float | None = None) -> dict[str, Any]:
    rss.reset_peak()
    embedding.clear_query_cache()  # every variant starts cold
    world = await make_world(variant, policy, vectors, database_url, plan.users_per_group)
    try:
        driver = Driver(world)
        count = plan.naive_saturation if variant == "naive" else plan.saturation
        async with live(world):
            # the first messages build what every later one reuses (the moderation engine,
            # the FAQ index, the language profiles): steady state is what is measured
            warm = await driver.closed_loop(traffic[-WARM_UP:], WINDOW)
            await settle(world, warm)
            calls_before = len(world.sandbox.stamps)
            started = time.perf_counter()
            sent = await driver.closed_loop(traffic[:count], WINDOW)
            await settle(world, sent)
            finish = finish_times(world, sent)
            throughput = len(sent) / (max(finish.values()) - started)
            offered = rate or min(plan.target_rate, 0.7 * throughput)
            paced_count = max(20, int(offered * plan.latency_seconds))
            paced = await driver.paced(_cycle(traffic, count, paced_count), offered)
            await settle(world, paced)
            finish = finish_times(world, paced)
        latencies = [(finish[s.update_id] - s.at) * 1000 for s in paced if s.update_id in finish]
        handle = [(world.done[s.update_id][1] - world.done[s.update_id][0]) * 1000
                  for s in paced if s.update_id in world.done]
        return {
            "messages": len(sent), "throughput_msg_s": round(throughput, 1),
            "offered_msg_s": round(offered, 1), "latency_messages": len(latencies),
            "p50_ms": round(percentile(latencies, 0.5), 2),
            "p99_ms": round(percentile(latencies, 0.99), 2),
            "handle_p50_ms": round(percentile(handle, 0.5), 2),
            "handle_p99_ms": round(percentile(handle, 0.99), 2),
            "peak_rss_mb": round(rss.peak_mb(), 1), "skipped": driver.skipped,
            "api_calls": len(world.sandbox.stamps) - calls_before,
        }
    finally:
        await world.close()


async def taking_turns(
    plan: Plan, policy: PolicyFile, vectors: Mapping[str, bytes], traffic: Sequence[Message],
    directory: Path,
) -> tuple[dict[str, Any], dict[str, float]]:
    """Floor, portavoce and naive saturated in turns (bench.rounds): the ratios' figures, and
    portavoce/floor round by round (median and range)."""
    entrants: list[Entrant] = []
    try:
        for name in ("floor", "portavoce", "naive"):
            embedding.clear_query_cache()
            world = await make_world(name, policy, vectors, sqlite_url(directory, f"turns_{name}"),
                                     plan.users_per_group)
            count = plan.naive_saturation if name == "naive" else plan.saturation
            entrants.append(Entrant(name, world, traffic, count))
        figures = await take_turns(entrants, plan.rounds)
        return figures, round_ratios(entrants, "portavoce", "floor")
    finally:
        for entrant in entrants:
            await entrant.world.close()


def _cycle(traffic: Sequence[Message], start: int, count: int) -> list[Message]:
    return [traffic[(start + i) % len(traffic)] for i in range(count)]


def sqlite_url(directory: Path, name: str) -> str:
    return f"sqlite+aiosqlite:///{directory / f'{name}.db'}"
