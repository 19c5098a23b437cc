"""Scaling with the knowledge base and blocklist, a raid, and memory with many chats."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.drive import live
from bench.plan import Plan
from bench.policy import blocklist_terms, faq_vectors, make_policy
from bench.rounds import WARM_UP, Entrant, take_turns
from bench.throughput import make_world, sqlite_url
from bench.traffic import make_traffic, raid_spam
from bench.world import add_members, create_world, newcomer, start
from bot.ratelimit import BudgetRateLimiter
from policies import embedding


async def scaling(plan: Plan, directory: Path, seed: int) -> list[dict[str, Any]]:
    """Per-message cost through the whole pipeline at each size (terms = FAQ entries), the
    sizes taking turns (bench.rounds) so that drift does not pass for growth."""
    entrants: list[Entrant] = []
    try:
        for size in plan.scaling:
            policy = make_policy(size, plan.regexes, size)
            traffic = make_traffic(plan.scaling_messages + WARM_UP, blocklist_terms(size), size,
                                   seed)
            embedding.clear_query_cache()
            world = await make_world("portavoce", policy, faq_vectors(policy),
                                     sqlite_url(directory, f"scale{size}"), plan.users_per_group)
            entrants.append(Entrant(str(size), world, traffic, plan.scaling_messages))
        figures = await take_turns(entrants, plan.rounds)
    finally:
        for entrant in entrants:
            await entrant.world.close()
    keys = ("us_per_msg", "cpu_us_per_msg", "handle_p50_ms", "handle_p99_ms")
    return [{"size": size, **{k: figures[str(size)][k] for k in keys}} for size in plan.scaling]


async def raid(plan: Plan, directory: Path, seed: int) -> dict[str, Any]:
    """Joins and spam in one burst, with Telegram's real budgets (BudgetRateLimiter defaults)."""
    policy = make_policy(plan.terms, plan.regexes, plan.faq)
    world = await create_world(policy, sqlite_url(directory, "raid"), limiter=BudgetRateLimiter(),
                               vectors=faq_vectors(policy))
    try:
        await start(world)
        await add_members(world, 50)
        group, sandbox = world.groups[0], world.sandbox
        async with live(world):
            began = world.clock.now().timestamp()
            raiders = [newcomer(world, group, f"Raider{n}") for n in range(plan.raid_joins)]
            for user in raiders:
                sandbox.set_member(group, user, "left")
                sandbox.user_joins(group, user)
            spam = [sandbox.user_sends(group, raiders[n % len(raiders)], text)["message_id"]
                    for n, text in enumerate(raid_spam(plan.raid_messages,
                                                       blocklist_terms(plan.terms), seed))]
            clean_at = await _wait_clean(world, group, spam, timeout=120.0)
            handled_when_clean = len(world.done)
            await _wait_idle(world, timeout=180.0)  # every call the raid costs is counted
        calls = [c for c in sandbox.calls if c.method != "getUpdates"]
        deletions = [c for c in calls if c.method in ("deleteMessage", "deleteMessages")]
        posted = [c for c in calls if c.method == "sendMessage" and c.ok
                  and int(str(c.params.get("chat_id"))) == group]
        left = sum(1 for m in spam if not sandbox.message(group, m).deleted)
        brought = plan.raid_joins + len(spam)  # each join is a service message in the chat
        return {"joins": plan.raid_joins, "messages": plan.raid_messages,
                "clean_after_s": None if clean_at is None else round(clean_at - began, 2),
                "updates_handled_when_clean": handled_when_clean,
                "updates_handled": len(world.done), "spam_left": left,
                "api_calls": len(calls), "deletion_calls": len(deletions),
                "deletion_calls_per_100": round(100 * len(deletions) / brought, 2),
                "deletion_calls_per_100_spam": round(100 * len(deletions) / len(spam), 2),
                "bot_messages_in_group": len(posted),
                "calls_by_method": _by_method(calls)}
    finally:
        await world.close()


async def _wait_clean(world: Any, group: int, spam: Sequence[int], timeout: float) -> float | None:
    """Sandbox time at which the last spam message disappeared (None: never clean), by
    whichever call removed it: a deletion, or a ban (in a supergroup Telegram deletes a
    banned member's messages with them)."""
    import asyncio

    deadline = time.perf_counter() + timeout
    messages = [world.sandbox.message(group, m) for m in spam]
    while time.perf_counter() < deadline:
        messages = [m for m in messages if not m.deleted]  # cheap: this shares the CPU
        if not messages:
            gone: list[float] = [world.sandbox.message(group, m).deleted_at for m in spam]
            return max(gone)
        await asyncio.sleep(0.05)
    return None


async def _wait_idle(world: Any, timeout: float) -> None:
    """Until nothing is left to handle or send (the raid's updates after the chat is clean
    still cost calls: deletions of messages already gone with their senders' bans)."""
    import asyncio

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        health = await world.runtime.health("all")
        fetched = not world.sandbox.pending  # nothing left for the bot to fetch either
        if fetched and health["inbox_pending"] == 0 and health["outbox_pending"] == 0:
            return
        await asyncio.sleep(0.2)


def _by_method(calls: Sequence[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for call in calls:
        out[call.method] = out.get(call.method, 0) + 1
    return out
