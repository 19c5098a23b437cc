"""The printed tables (the JSON is the same figures, one object)."""

from __future__ import annotations

from typing import Any


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def ratios(variants: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    port = variants["portavoce"]["throughput_msg_s"]
    return {"portavoce_over_floor": _ratio(port, variants["floor"]["throughput_msg_s"]),
            "portavoce_over_naive": _ratio(port, variants["naive"]["throughput_msg_s"])}


def targets(result: dict[str, Any]) -> dict[str, bool | None]:
    """The issue's targets, each True/False (None when the scenario did not run)."""
    r, scale = result["ratios"], result["scaling"]
    raid, mem = result["raid"], result["memory"]
    port = result["variants"]["portavoce"]
    at_target = result.get("portavoce_at_target_rate") or port
    first, last = scale[0]["cpu_us_per_msg"], scale[-1]["cpu_us_per_msg"]
    return {
        "throughput_ge_0.5x_floor": (r["portavoce_over_floor"] or 0) >= 0.5,
        "throughput_ge_30x_naive": (r["portavoce_over_naive"] or 0) >= 30,
        "(decisions only) moderation_ge_30x_naive":
            (result["decisions"]["moderation"]["naive_over_portavoce"] or 0) >= 30,
        "scaling_largest_within_1.2x_of_smallest": last <= 1.2 * first,
        "p99_lt_10ms_at_1000_msg_s": at_target["offered_msg_s"] >= 1000
        and at_target["p99_ms"] < 10,
        "raid_clean_within_5s": raid["clean_after_s"] is not None and raid["clean_after_s"] <= 5,
        "raid_le_1_deletion_call_per_100": raid["deletion_calls_per_100"] <= 1,
        "raid_le_3_bot_messages": raid["bot_messages_in_group"] <= 3,
        "memory_rss_lt_300mb": mem["rss_active_mb"] < 300,
    }


def print_tables(result: dict[str, Any]) -> None:
    print(f"Portavoce benchmark ({result['mode']}): {result['setup']}")
    print(f"\n{'variant':<10} {'msgs':>6} {'msg/s':>8} | {'offered':>8} {'p50 ms':>8} "
          f"{'p99 ms':>8} | {'handle p50':>10} {'p99':>7} | {'peak RSS':>9}")
    print("-" * 92)
    rows = dict(result["variants"])
    if result.get("portavoce_no_override"):
        rows["port-noovr"] = result["portavoce_no_override"]
    if result.get("portavoce_lexical_only"):
        rows["port-lex"] = result["portavoce_lexical_only"]
    if result.get("portavoce_at_target_rate"):
        rows["port@1000"] = result["portavoce_at_target_rate"]
    if result.get("floor_at_target_rate"):
        rows["floor@1000"] = result["floor_at_target_rate"]
    if result.get("postgres"):
        rows["port@pg"] = result["postgres"]
    for name, v in rows.items():
        print(f"{name:<10} {v['messages']:>6} {v['throughput_msg_s']:>8.1f} | "
              f"{v['offered_msg_s']:>8.1f} {v['p50_ms']:>8.2f} {v['p99_ms']:>8.2f} | "
              f"{v['handle_p50_ms']:>10.2f} {v['handle_p99_ms']:>7.2f} | "
              f"{v['peak_rss_mb']:>6.1f} MB")
    turns = result["turns"]
    print(f"\ntaking turns ({len(turns)} variants, the same rounds; the ratios' figures): "
          "variant | msgs | msg/s | CPU us/msg | handle p50 / p99 ms")
    for name, v in turns.items():
        print(f"  {name:<9} | {v['messages']:>5} | {v['throughput_msg_s']:>6.1f} | "
              f"{v['cpu_us_per_msg']:>8,} | {v['handle_p50_ms']:.2f} / {v['handle_p99_ms']:.2f}")
    r = result["ratios"]
    spread = result["ratio_by_round"]["portavoce_over_floor"]
    print(f"portavoce/floor throughput: {r['portavoce_over_floor']}x (round by round: median "
          f"{spread['median']}x, {spread['low']}-{spread['high']}x); "
          f"portavoce/naive: {r['portavoce_over_naive']}x")
    d = result["decisions"]
    mod = d["moderation"]
    print(f"\ndecision cost alone (CPU per message, {d['messages']} messages): "
          f"whole pipeline {d['all']['portavoce_us_per_msg']:,} us vs naive "
          f"{d['all']['naive_us_per_msg']:,} us ({d['all']['naive_over_portavoce']}x); "
          f"moderation {mod['portavoce_us_per_msg']:,} us vs naive "
          f"{mod['naive_us_per_msg']:,} us ({mod['naive_over_portavoce']}x)")
    print("\nscaling (terms = FAQ entries): size | CPU us/msg | wall us/msg | "
          "handle p50 / p99 ms")
    for row in result["scaling"]:
        print(f"  {row['size']:>6,} | {row['cpu_us_per_msg']:>8,} | {row['us_per_msg']:>8,} | "
              f"{row['handle_p50_ms']:.2f} / {row['handle_p99_ms']:.2f}")
    raid = result["raid"]
    print(f"\nraid: {raid['joins']} joins + {raid['messages']} spam: clean after "
          f"{raid['clean_after_s']} s (sandbox time), {raid['spam_left']} left; "
          f"{raid['api_calls']} API calls, {raid['deletion_calls']} deletion calls "
          f"({raid['deletion_calls_per_100']} per 100 raid messages, joins included; "
          f"{raid['deletion_calls_per_100_spam']} per 100 spam), "
          f"{raid['bot_messages_in_group']} bot messages in the group; "
          f"{raid['updates_handled_when_clean']} of {raid['updates_handled']} updates handled "
          f"by then\n  calls: {raid['calls_by_method']}")
    mem = result["memory"]
    print(f"\nmemory (`python -m bot run`'s own process; the sandbox runs apart, "
          f"{mem['rss_sandbox_mb']} MB): {mem['chats']} chats, {mem['members']:,} "
          f"members, {mem['faq_entries']:,} FAQ: RSS loaded {mem['rss_loaded_mb']} MB, after "
          f"a message in each of {mem['active_chats']} chats {mem['rss_active_mb']} MB (peak "
          f"{mem['peak_rss_mb']} MB); the example policy and no data: {mem['rss_before_mb']} MB")
    if not result.get("postgres"):
        print("\npostgres: not configured (set PORTAVOCE_BENCH_POSTGRES_URL)")
    print("\ntargets:")
    for name, met in result["targets"].items():
        print(f"  {'MET ' if met else 'MISS'} {name}")
