"""Community health: period figures, spikes against a chat's own baseline, question themes.

Pure functions over counts and texts; the handlers feed them from the daily metrics.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from policies.faq.concepts import concepts
from policies.faq.text import terms

HEALTH_KEYS = ("messages", "active", "joins", "leaves", "questions", "answered_bot",
               "answered_team", "unanswered", "sent_pos", "sent_neu", "sent_neg")
NEGATIVE_KEYS = ("complaints", "sent_neg", "reports")
SPIKE_STEP = 1.25
"""A spike's card shows its count when it opens and again each time the count has grown by
a quarter (5, 7, 9, 12, 15, ...): the figure stays current without an edit for every negative
message, each of which would spend the team chat's posting budget."""


def totals(series: Mapping[str, Mapping[str, int]], days: Sequence[str]) -> dict[str, int]:
    """Sum of each counter over ``days`` (active members: the daily peak, not a sum)."""
    out: dict[str, int] = {}
    for day in days:
        for key, value in series.get(day, {}).items():
            if key == "active":
                out[key] = max(out.get(key, 0), value)
            else:
                out[key] = out.get(key, 0) + value
    return out


def change(current: int, previous: int) -> str:
    """'+12%', '-30%', '=', or 'new' when there was nothing before."""
    if previous == 0:
        return "new" if current else "="
    delta = round(100 * (current - previous) / previous)
    return "=" if delta == 0 else f"{delta:+d}%"


def first_response_minutes(figures: Mapping[str, int]) -> float | None:
    count = figures.get("frt_count", 0)
    return figures.get("frt_sum_s", 0) / count / 60 if count else None


@dataclass(frozen=True, slots=True)
class Spike:
    current: int
    baseline: float
    threshold: float


def detect_spike(history: Sequence[int], current: int, *, min_count: int,
                 factor: float) -> Spike | None:
    """A spike: at least ``min_count`` events, ``factor`` x the usual level, and 3 sigmas out.

    ``history`` holds the counts of earlier windows of the same length (e.g. the same hour
    over the last two weeks). The minimum count keeps a quiet chat (1 complaint where there is
    usually 0) from paging anyone.
    """
    if current < min_count:
        return None
    mean = sum(history) / len(history) if history else 0.0
    variance = sum((x - mean) ** 2 for x in history) / len(history) if history else 0.0
    threshold = max(min_count, factor * max(mean, 1.0), mean + 3 * math.sqrt(variance))
    if current < threshold:
        return None
    return Spike(current, mean, threshold)


def shows_count(current: int, threshold: float) -> bool:
    """Whether a spike's card is opened or updated at this count: at the first count that
    reaches the threshold, then at each count a quarter above the last one shown.

    A function of the count alone, so every worker, and a restarted bot, agree on it
    (negative messages are counted one at a time, so the count passes through each).
    """
    shown = max(1, math.ceil(threshold))
    while shown < current:
        shown = math.ceil(shown * SPIKE_STEP)
    return shown == current


def _signature(text: str, lang: str) -> frozenset[str]:
    return frozenset(terms(text, lang)) | concepts(text)


def group_questions(questions: Sequence[tuple[str, str]], *,
                    threshold: float = 0.34) -> list[list[int]]:
    """Group similar questions (text, language) into themes, biggest first.

    Greedy single pass: a question joins the theme whose signature (stems plus bilingual
    concepts) it overlaps most (Jaccard >= threshold), else starts a new one.
    """
    themes: list[tuple[set[str], list[int]]] = []
    for index, (text, lang) in enumerate(questions):
        signature = _signature(text, lang)
        if not signature:
            continue
        best, best_score = None, threshold
        for theme in themes:
            union = len(signature | theme[0])
            score = len(signature & theme[0]) / union if union else 0.0
            if score >= best_score:
                best, best_score = theme, score
        if best is None:
            themes.append((set(signature), [index]))
        else:
            best[0].update(signature)
            best[1].append(index)
    return [members for _sig, members in sorted(themes, key=lambda t: -len(t[1]))]
