"""Memory: RSS with many chats and members known, a big FAQ loaded, and every chat active.

Runs in a fresh process (``python -m bench.memory quick|full``, which ``python -m bench``
starts), so the figure is the bot's and not what earlier scenarios left in the allocator.
Every chat receives a message, so each has built whatever per-chat state it keeps. The
sandbox ("Telegram", with all its users, members and messages) lives in the same process,
so the figure overstates the bot's own memory by the sandbox's share.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import rss
from bench.drive import Driver, live, settle
from bench.plan import FULL, QUICK, Plan
from bench.policy import blocklist_terms, faq_vectors, make_policy
from bench.throughput import WINDOW, sqlite_url
from bench.traffic import make_traffic
from bench.world import add_members, create_world, start

SEED = 20240611


async def measure(plan: Plan, directory: Path, seed: int = SEED) -> dict[str, Any]:
    policy = make_policy(plan.terms, plan.regexes, plan.memory_faq)
    before = rss.current_mb()  # interpreter, libraries and the policy object
    vectors = faq_vectors(policy)
    world = await create_world(policy, sqlite_url(directory, "memory"), vectors=vectors,
                               extra_groups=plan.memory_chats - len(policy.communities))
    del vectors  # stored in the database now, as the product keeps them
    gc.collect()
    try:
        await start(world)
        await add_members(world, plan.memory_members // len(world.groups))
        loaded = rss.current_mb()
        traffic = [m for m in make_traffic(plan.memory_chats * 3, blocklist_terms(plan.terms),
                                           plan.memory_faq, seed) if m.kind != "spam"]
        async with live(world):
            driver = Driver(world)
            driver.pairs = [(c, world.members[c][0]) for c in world.groups]
            sent = await driver.closed_loop(traffic[:len(world.groups)], WINDOW)
            await settle(world, sent)
        active = rss.current_mb()
        return {"chats": len(world.groups), "members": plan.memory_members,
                "faq_entries": plan.memory_faq, "rss_before_mb": round(before, 1),
                "rss_loaded_mb": round(loaded, 1), "active_chats": len(sent),
                "rss_active_mb": round(active, 1), "peak_rss_mb": round(rss.peak_mb(), 1)}
    finally:
        await world.close()


async def in_subprocess(mode: str) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.memory", mode, stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"the memory scenario failed (exit {proc.returncode})")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


def main() -> None:
    logging.basicConfig(level=logging.CRITICAL)
    plan = FULL if sys.argv[1:] == ["full"] else QUICK
    with tempfile.TemporaryDirectory(prefix="portavoce-bench-mem-") as directory:
        result = asyncio.run(measure(plan, Path(directory)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
