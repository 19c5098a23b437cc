"""The benchmark's quick run works end to end and prints the documented JSON shape.

Timings are not asserted: CI machines vary; the lead reads the figures, the test checks that
the one command still runs through the real Application and reports every section.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
VARIANT_KEYS = {"messages", "throughput_msg_s", "offered_msg_s", "p50_ms", "p99_ms",
                "handle_p50_ms", "handle_p99_ms", "peak_rss_mb"}


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("variant", ["floor", "portavoce", "naive"])
def test_each_variant_reports_throughput_latency_and_rss(
    figures: dict[str, Any], variant: str
) -> None:
    variants = figures["variants"]
    assert isinstance(variants, dict)
    row = variants[variant]
    assert row.keys() >= VARIANT_KEYS
    assert row["messages"] > 0
    assert row["throughput_msg_s"] > 0


@pytest.mark.parametrize("diagnostic", ["portavoce_no_override", "portavoce_lexical_only"])
def test_diagnostic_rows_are_reported(figures: dict[str, Any], diagnostic: str) -> None:
    row = figures[diagnostic]
    assert row.keys() >= VARIANT_KEYS
    assert row["messages"] == figures["variants"]["portavoce"]["messages"]


def test_the_variants_taking_turns_give_the_ratios(figures: dict[str, Any]) -> None:
    turns = figures["turns"]
    assert set(turns) == {"floor", "portavoce", "naive"}
    for row in turns.values():
        assert row["messages"] > 0 and row["throughput_msg_s"] > 0 and row["cpu_us_per_msg"] > 0
    expected = round(turns["portavoce"]["throughput_msg_s"] / turns["floor"]["throughput_msg_s"],
                     3)
    assert figures["ratios"]["portavoce_over_floor"] == expected
    spread = figures["ratio_by_round"]["portavoce_over_floor"]
    assert spread["low"] <= spread["median"] <= spread["high"]


def test_ratios_scaling_raid_memory_and_targets_are_reported(figures: dict[str, Any]) -> None:
    assert set(figures["ratios"]) == {"portavoce_over_floor", "portavoce_over_naive"}
    scaling = figures["scaling"]
    assert isinstance(scaling, list)
    assert [row["size"] for row in scaling] == [100, 1_000]
    raid = figures["raid"]
    assert isinstance(raid, dict)
    assert raid.keys() >= {"clean_after_s", "api_calls", "deletion_calls",
                           "bot_messages_in_group"}
    memory = figures["memory"]
    assert isinstance(memory, dict)
    assert memory["rss_active_mb"] > 0
    assert memory["active_chats"] == memory["chats"]
    decisions = figures["decisions"]
    assert isinstance(decisions, dict)
    assert decisions["moderation"]["naive_us_per_msg"] > 0
    targets = figures["targets"]
    assert isinstance(targets, dict)
    assert all(isinstance(met, bool) for met in targets.values())
