"""Memory: RSS with many chats and members known, a big FAQ loaded, and every chat active.

Runs in a fresh process (``python -m bench.memory quick|full``, which ``python -m bench``
starts pinned to one CPU; run it alone as ``taskset -c 0 python -m bench.memory full`` for
the same figure), so the figure is the bot's and not what earlier scenarios left in the
allocator. Every chat receives a message, so each has built whatever per-chat state it
keeps. The sandbox ("Telegram", with all its users, members and messages) lives in the same
process: ``rss_sandbox_mb`` is how much the resident set grew while the sandbox took in its
members, the part of the figure that a real deployment does not have. The scenario keeps no
reference of its own to the policy (the bot keeps what it needs) and writes the members'
rows and the FAQ vectors to the database a chunk at a time, as a bot that met them (or
embedded them) over months would have them: the scenario itself never holds them all.
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
from bench.policy import blocklist_terms, faq_vector_batches, make_policy
from bench.throughput import WINDOW, sqlite_url
from bench.traffic import make_traffic
from bench.world import add_sandbox_members, create_world, record_members, start
from bot.services import Services
from policies.schema import PolicyFile
from storage.db import session_scope
from storage.repositories.faq import FaqRepo

SEED = 20240611


async def measure(plan: Plan, directory: Path, seed: int = SEED) -> dict[str, Any]:
    policy = make_policy(plan.terms, plan.regexes, plan.memory_faq)
    before = rss.current_mb()  # interpreter, libraries and the policy object
    world = await create_world(policy, sqlite_url(directory, "memory"),
                               extra_groups=plan.memory_chats - len(policy.communities))
    await store_vectors(world.runtime.services, policy)
    del policy  # in the database and in the bot's services now, as in the product
    gc.collect()
    try:
        await start(world)
        per_group = plan.memory_members // len(world.groups)
        without_sandbox_members = rss.current_mb()
        members = add_sandbox_members(world, per_group)
        sandbox = rss.current_mb() - without_sandbox_members
        await record_members(world, members)
        del members
        gc.collect()
        loaded = rss.current_mb()
        traffic = [m for m in make_traffic(plan.memory_chats * 3, blocklist_terms(plan.terms),
                                           plan.memory_faq, seed) if m.kind != "spam"]
        async with live(world):
            driver = Driver(world)
            driver.pairs = [(c, world.members[c][0]) for c in world.groups]
            sent = await driver.closed_loop(traffic[:len(world.groups)], WINDOW)
            await settle(world, sent)
        active = rss.current_mb()
        return {"chats": len(world.groups), "members": per_group * len(world.groups),
                "faq_entries": plan.memory_faq, "rss_before_mb": round(before, 1),
                "rss_loaded_mb": round(loaded, 1), "active_chats": len(sent),
                "rss_active_mb": round(active, 1), "rss_sandbox_mb": round(sandbox, 1),
                "peak_rss_mb": round(rss.peak_mb(), 1)}
    finally:
        await world.close()


async def store_vectors(services: Services, policy: PolicyFile) -> None:
    """The FAQ's vectors into the bot's database, a chunk at a time (before it loads them)."""
    for chunk in faq_vector_batches(policy):
        async with session_scope(services.sessions) as session:
            await FaqRepo(session).add_vectors(chunk)


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
