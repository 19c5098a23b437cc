"""The outcome of a run, read from its database in a form two runs can be compared in.

What the bot decided and owes, not when: warnings, the audit log, cases with their cards'
content, every Telegram call an update queued (keyed by the update that queued it), member
flags and the daily counters. Left out, because they depend on wall-clock timing rather than
on the updates: row ids and case numbers (cases in different chats open in any order),
absolute deadlines (mute ``until_date``), the batched moderation log, first-response times.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from sqlalchemy import select

from storage.db import create_engine
from storage.models import (
    Case,
    DailyMetric,
    InboxUpdate,
    Member,
    ModerationEvent,
    OutboxItem,
    Warning_,
)

TIMING_KEYS = {"until_date"}
TIMING_METRICS = {"frt_sum_s"}
CASE_NUMBER = re.compile(r"(#|case[^\"]*?:)\d+")


def _params(params: dict[str, Any]) -> str:
    kept = {k: v for k, v in params.items() if k not in TIMING_KEYS}
    return CASE_NUMBER.sub(r"\1N", json.dumps(kept, sort_keys=True, ensure_ascii=False))


async def final_state(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            inbox = Counter((await conn.execute(select(InboxUpdate.status))).scalars())
            warnings = Counter(tuple(r) for r in await conn.execute(select(
                Warning_.chat_id, Warning_.user_id, Warning_.reason, Warning_.active)))
            events = Counter(tuple(r) for r in await conn.execute(select(
                ModerationEvent.chat_id, ModerationEvent.user_id, ModerationEvent.message_id,
                ModerationEvent.action, ModerationEvent.reasons, ModerationEvent.dry_run)))
            cases = {r.dedupe_key: (r.kind, r.priority, r.status, r.chat_id, r.message_id,
                                    r.author_id, r.text, json.dumps(r.context), r.reasons,
                                    json.dumps(sorted(r.reporters.get("ids", []))
                                               if isinstance(r.reporters, dict)
                                               else r.reporters))
                     for r in await conn.execute(select(Case))}
            calls = {r.dedupe_key: (r.method, r.chat_id, _params(r.params))
                     for r in await conn.execute(select(OutboxItem))
                     if r.dedupe_key and r.dedupe_key.startswith("u")}
            notices = Counter(re.sub(r":\d+$", "", r.dedupe_key)
                              for r in await conn.execute(select(OutboxItem))
                              if r.dedupe_key and not r.dedupe_key.startswith("u"))
            members = {(r.chat_id, r.user_id): (r.status, r.trusted, r.message_count)
                       for r in await conn.execute(select(Member))}
            metrics = Counter({(r.chat_id, r.key): r.value
                               for r in await conn.execute(select(DailyMetric))
                               if r.key not in TIMING_METRICS})
    finally:
        await engine.dispose()
    return {"inbox": inbox, "warnings": warnings, "events": events, "cases": cases,
            "calls": calls, "notices": notices, "members": members, "metrics": metrics}


def differences(one: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Per section, a few entries that differ (empty when the runs agree)."""
    found: dict[str, Any] = {}
    for section, left in one.items():
        right = other[section]
        if left == right:
            continue
        keys = set(left) | set(right)
        found[section] = {str(k): (left.get(k), right.get(k)) for k in sorted(keys, key=str)
                          if left.get(k) != right.get(k)}
        found[section] = dict(list(found[section].items())[:8])
    return found
