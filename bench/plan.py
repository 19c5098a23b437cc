"""How big each scenario is, for the full run and for ``--quick`` (CI smoke, under a minute)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Plan:
    terms: int
    regexes: int
    faq: int
    users_per_group: int
    saturation: int  # messages pushed at once, floor and portavoce
    naive_saturation: int  # the naive baseline is slow: fewer messages, same mix
    latency_seconds: float  # length of the paced run
    target_rate: float  # offered load for the latency target (msg/s)
    scaling: tuple[int, ...]  # blocklist terms = FAQ entries at each step
    scaling_messages: int  # per size (1,000: with 500 the ratio moved by 0.2 between runs)
    raid_joins: int
    raid_messages: int
    memory_chats: int
    memory_members: int
    memory_faq: int
    decision_messages: int  # decision cost alone (bench.decisions)
    rounds: int  # rounds taking turns (bench.rounds): ratios and scaling


FULL = Plan(terms=10_000, regexes=500, faq=1_000, users_per_group=1_500, saturation=1_500,
            naive_saturation=300, latency_seconds=3.0, target_rate=1_000.0,
            scaling=(100, 1_000, 10_000), scaling_messages=1_000, raid_joins=200,
            raid_messages=2_000, memory_chats=1_000, memory_members=100_000,
            memory_faq=10_000, decision_messages=1_000, rounds=10)
# The quick run is a smoke test: every section, with lists small enough that building its
# dozen worlds (each compiles its blocklist) keeps it under a minute (68 s with 10,000 terms).
QUICK = Plan(terms=2_000, regexes=100, faq=200, users_per_group=300, saturation=200,
             naive_saturation=40, latency_seconds=1.0, target_rate=1_000.0,
             scaling=(100, 1_000), scaling_messages=100, raid_joins=30, raid_messages=300,
             memory_chats=100, memory_members=10_000, memory_faq=200, decision_messages=120,
             rounds=2)
