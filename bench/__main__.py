"""``python -m bench [--quick] [--json]``: every benchmark, one process, one run.
``python -m bench --workers [--json]``: only worker processes on PostgreSQL (bench.workers).

Floor, portavoce and naive run side by side on the same traffic through the same Runtime
(see bench.variants), then scaling, raid, memory and (when configured) PostgreSQL.
The process is pinned to one CPU (``--all-cores`` to lift it): the targets say "one core".
It is pinned before anything else is imported: thread pools started at import (numpy's BLAS)
would otherwise keep every core and spin on them.
"""

from __future__ import annotations

import os
import sys

if "--all-cores" not in sys.argv and hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import argparse
import asyncio
import json
import logging
import tempfile
from pathlib import Path
from typing import Any

from bench import decisions, memory, postgres, report, scenarios, workers
from bench.plan import FULL, QUICK, Plan
from bench.policy import blocklist_terms, faq_vectors, make_policy
from bench.throughput import run_variant, sqlite_url, taking_turns
from bench.traffic import make_traffic
from policies import embedding
from policies.schema import CommunityOverrides

SEED = 20240611


async def run(plan: Plan, mode: str, directory: Path) -> dict[str, Any]:
    policy = make_policy(plan.terms, plan.regexes, plan.faq)
    vectors = faq_vectors(policy)
    traffic = make_traffic(max(plan.saturation * 2, 4000), blocklist_terms(plan.terms),
                           plan.faq, SEED)
    variants = {}
    for name in ("floor", "portavoce", "naive"):
        variants[name] = await run_variant(name, plan, policy, vectors, traffic,
                                           sqlite_url(directory, name))
    # The ratios come from the three taking turns (bench.rounds), not from the runs above,
    # each of which met the machine at its own speed.
    turns, by_round = await taking_turns(plan, policy, vectors, traffic, directory)
    result: dict[str, Any] = {
        "mode": mode, "variants": variants, "turns": turns, "ratios": report.ratios(turns),
        "ratio_by_round": {"portavoce_over_floor": by_round},
        "setup": f"{plan.terms:,} terms, {plan.regexes} regexes, {plan.faq:,} FAQ entries; "
                 f"SQLite WAL; cpus={len(os.sched_getaffinity(0))}",
    }
    # Diagnostic, not a ratio: the same pipeline without the per-community moderation
    # override of the example policy (see the report: effective_moderation per message).
    plain = policy.model_copy(update={"communities": [
        c.model_copy(update={"overrides": CommunityOverrides()}) for c in policy.communities]})
    result["portavoce_no_override"] = await run_variant(
        "portavoce", plan, plain, vectors, traffic, sqlite_url(directory, "no_override"))
    # Diagnostic too: the same pipeline with the FAQ's semantic stage off, as when the
    # embedding model cannot load (what embedding a fifth of the messages costs; the floor
    # never embeds).
    # Not a configuration to pick: lexical-only matching abstains far more.
    with embedding.unavailable():
        result["portavoce_lexical_only"] = await run_variant(
            "portavoce", plan, policy, vectors, traffic, sqlite_url(directory, "lexical"))
    small = Plan(**{**_fields(plan), "saturation": 40, "latency_seconds": 0.3})
    if mode == "full" and variants["portavoce"]["offered_msg_s"] < plan.target_rate:
        result["portavoce_at_target_rate"] = await run_variant(
            "portavoce", small, policy, vectors, traffic, sqlite_url(directory, "at_target"),
            rate=plan.target_rate)
    if mode == "full" and variants["floor"]["throughput_msg_s"] < plan.target_rate:
        # Evidence, not a target: the echo-only floor at the same offered load, which it
        # cannot sustain either (no variant meets the latency target where the floor queues).
        result["floor_at_target_rate"] = await run_variant(
            "floor", small, policy, vectors, traffic, sqlite_url(directory, "floor_target"),
            rate=plan.target_rate)
    url = postgres.configured_url()
    if url:
        async def on_pg(pg_url: str) -> dict[str, Any]:
            return await run_variant("portavoce", plan, policy, vectors, traffic, pg_url)

        result["postgres"] = await postgres.with_fresh_database(url, on_pg)
    result["scaling"] = await scenarios.scaling(plan, directory, SEED)
    result["raid"] = await scenarios.raid(plan, directory, SEED)
    result["decisions"] = decisions.compare(policy, vectors, traffic, plan.decision_messages)
    result["memory"] = await memory.in_subprocess(mode)
    result["targets"] = report.targets(result)
    return result


def _fields(plan: Plan) -> dict[str, Any]:
    return {name: getattr(plan, name) for name in plan.__slots__}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="reduced run (CI smoke test)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--all-cores", action="store_true", help="do not pin to one CPU")
    parser.add_argument("--workers", action="store_true",
                        help="only 1, 2 and 4 worker processes on PostgreSQL (bench.workers)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    if args.workers:
        result = {"workers": asyncio.run(workers.run())}
        if args.json:
            print(json.dumps(result))
        else:
            workers.print_table(result["workers"])
        return
    plan, mode = (QUICK, "quick") if args.quick else (FULL, "full")
    with tempfile.TemporaryDirectory(prefix="portavoce-bench-") as directory:
        result = asyncio.run(run(plan, mode, Path(directory)))
    if args.json:
        print(json.dumps(result))
    else:
        report.print_tables(result)


if __name__ == "__main__":
    main()
