"""Memory: RSS of a real bot process with many chats and members known, a big FAQ loaded, and
every chat active.

What is measured is ``python -m bot run``, exactly what an operator runs, talking over HTTP
on 127.0.0.1 to the sandbox Telegram served by another process (``bench.sandbox_server``):
the figures are read from the bot process's /proc/<pid>/status, so neither the sandbox's
users and memberships nor this scenario's own code and imports are in them. The bot starts
from files prepared beforehand (``bench.memory_world``): its generated policy as a YAML
policy file, a migrated SQLite database holding the FAQ's vectors, every chat and every
member, and a sandbox world where it is an administrator of every chat already, as a bot
restarted after months of service finds them.

Figures (MB):

- ``rss_before_mb``: the same command with the bundled example policy and a database with
  nothing but the schema and the example's vectors, just started (interpreter, libraries,
  embedding model: what any bot costs before its data);
- ``rss_loaded_mb``: the measured bot just started (``Runtime.start`` returned: policy file
  read, FAQ index built), no update handled yet;
- ``rss_active_mb``: after one ordinary (non-spam) message in every group, once all are
  handled and nothing is due in the groups' outbox (see ``bench.processes.settle``);
- ``peak_rss_mb``: the bot's VmHWM then, its peak over its whole life: reading a big policy
  file and building the FAQ index at start are in it;
- ``rss_sandbox_mb``: the sandbox process's RSS at the end, for scale: Telegram's side, in
  none of the bot's figures.

``seconds`` is the scenario's wall time, preparation included. ``python -m bench.memory
quick|full`` prints one JSON line; the process pins itself to one CPU first, so the sandbox
and the bot (its children) run on that CPU too, as they do under ``python -m bench``.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import rss
from bench.memory_world import BASELINE, DATABASE, POLICY, STATE, prepare
from bench.plan import FULL, QUICK, Plan
from bench.policy import blocklist_terms
from bench.processes import bot_env, bot_process, sandbox_process, settle
from bench.traffic import make_traffic

SEED = 20240611


async def measure(plan: Plan, directory: Path, seed: int = SEED) -> dict[str, Any]:
    started = time.perf_counter()
    layout = await prepare(plan, directory)
    gc.collect()  # the world and the policy were built here, and are gone
    texts = [m.text for m in make_traffic(plan.memory_chats * 3, blocklist_terms(plan.terms),
                                          plan.memory_faq, seed) if m.kind != "spam"]
    texts = texts[:len(layout.groups)]  # one ordinary message for every group
    database, log = directory / DATABASE, directory / "bot.log"
    async with sandbox_process(directory / STATE, directory / "sandbox.log") as telegram:
        async with bot_process(bot_env(telegram.url, directory / BASELINE, None),
                               directory / "baseline.log") as bot:
            before, _ = rss.of_process(bot.pid)
        env = bot_env(telegram.url, database, directory / POLICY)
        async with bot_process(env, log) as bot:
            loaded, _ = rss.of_process(bot.pid)
            for chat_id, text in zip(layout.groups, texts, strict=True):
                await telegram.do("user_sends", chat_id=chat_id,
                                  user_id=layout.speakers[chat_id], text=text)
            await settle(bot, database, len(texts), log, layout.team_chat_id)
            active, peak = rss.of_process(bot.pid)
            sandbox_rss, _ = rss.of_process(telegram.pid)
    return {"chats": len(layout.groups), "members": layout.members,
            "faq_entries": plan.memory_faq, "rss_before_mb": round(before, 1),
            "rss_loaded_mb": round(loaded, 1), "active_chats": len(texts),
            "rss_active_mb": round(active, 1), "rss_sandbox_mb": round(sandbox_rss, 1),
            "peak_rss_mb": round(peak, 1), "seconds": round(time.perf_counter() - started, 1)}


async def in_subprocess(mode: str) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.memory", mode, stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"the memory scenario failed (exit {proc.returncode})")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


def main() -> None:
    if hasattr(os, "sched_setaffinity"):  # children inherit it: the bot runs on one CPU
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    plan = FULL if sys.argv[1:] == ["full"] else QUICK
    with tempfile.TemporaryDirectory(prefix="portavoce-bench-mem-") as directory:
        result = asyncio.run(measure(plan, Path(directory)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
