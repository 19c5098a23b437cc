"""Measure the complaint detector on a labelled set (the complaints-dev.json format).

A message counts as flagged when `Assessment.flagged` is true: it is a complaint, or it
carries legal/PR-risk words inside a negative, on-topic, non-joking message (a lawyer
mentioned in a joke or a calm "how do refunds work?" does not page the team; the FAQ
answers the latter).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from policies.sentiment.assess import assess
from policies.sentiment.model import BrandContext
from policies.sentiment.risk import DEFAULT_RISK


@dataclass(frozen=True, slots=True)
class ComplaintEval:
    """Counts and latency of one evaluation run; the texts of the errors for inspection."""

    total: int
    complaints: int
    flagged_complaints: int
    non_complaints: int
    false_flags: int
    p50_ms: float
    p99_ms: float
    missed: tuple[str, ...] = field(default=(), compare=False)
    wrongly_flagged: tuple[str, ...] = field(default=(), compare=False)

    @property
    def recall(self) -> float:
        return self.flagged_complaints / self.complaints if self.complaints else 1.0

    @property
    def false_flag_rate(self) -> float:
        return self.false_flags / self.non_complaints if self.non_complaints else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "total": self.total,
            "complaints": self.complaints,
            "flagged_complaints": self.flagged_complaints,
            "non_complaints": self.non_complaints,
            "false_flags": self.false_flags,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
        }

    def format_table(self) -> str:
        rows = [
            ("messages", f"{self.total}"),
            ("complaints flagged", f"{self.flagged_complaints}/{self.complaints}"
             f" ({self.recall:.0%})"),
            ("false flags", f"{self.false_flags}/{self.non_complaints}"
             f" ({self.false_flag_rate:.0%})"),
            ("latency p50", f"{self.p50_ms:.4f} ms"),
            ("latency p99", f"{self.p99_ms:.4f} ms"),
        ]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _brand(dataset: Mapping[str, Any], brand: BrandContext | None) -> BrandContext:
    """An explicit brand wins; else the dataset's optional {"brand": {names, product_terms}}."""
    if brand is not None:
        return brand
    raw = dataset.get("brand") or {}
    return BrandContext(tuple(raw.get("names", ())), tuple(raw.get("product_terms", ())))


def evaluate(
    dataset: Mapping[str, Any],
    *,
    brand: BrandContext | None = None,
    risk_terms: Sequence[str] = DEFAULT_RISK,
) -> ComplaintEval:
    """Run `assess` over {"messages": [{"text", "lang", "escalate"}]} and count outcomes."""
    context = _brand(dataset, brand)
    messages = list(dataset["messages"])
    for message in messages:  # warm caches so latency reflects the steady state
        assess(message["text"], message["lang"], context, risk_terms=risk_terms)
    timings: list[float] = []
    missed: list[str] = []
    wrong: list[str] = []
    for message in messages:
        started = time.perf_counter()
        result = assess(message["text"], message["lang"], context, risk_terms=risk_terms)
        timings.append((time.perf_counter() - started) * 1000.0)
        if message["escalate"] and not result.flagged:
            missed.append(message["text"])
        elif not message["escalate"] and result.flagged:
            wrong.append(message["text"])
    complaints = sum(1 for m in messages if m["escalate"])
    return ComplaintEval(
        total=len(messages),
        complaints=complaints,
        flagged_complaints=complaints - len(missed),
        non_complaints=len(messages) - complaints,
        false_flags=len(wrong),
        p50_ms=round(_percentile(timings, 0.5), 4),
        p99_ms=round(_percentile(timings, 0.99), 4),
        missed=tuple(missed),
        wrongly_flagged=tuple(wrong),
    )
