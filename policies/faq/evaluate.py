"""Measure FAQ decisions on a labelled set (format of shared/data/faq-dev.json).

Each message goes through the same decision the bot makes: detect the language, skip it if
it is not a question, otherwise match and answer only above the threshold. Latency covers
that whole decision. Wrong answers and answers to chit-chat are the costly outcomes: an
abstention merely leaves the question to the humans.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from policies.faq.index import DEFAULT_THRESHOLD, FaqIndex
from policies.faq.language import detect_language
from policies.faq.question import is_question
from policies.faq.types import FaqEntry

_COUNT_KEYS = ("total", "labelled", "correct", "wrong", "chitchat", "chitchat_answered",
               "abstained")


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Counts and latency percentiles, overall and per language."""

    total: int
    labelled: int
    correct: int
    wrong: int
    chitchat: int
    chitchat_answered: int
    abstained: int
    p50_ms: float
    p99_ms: float
    per_language: Mapping[str, EvalReport] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict: the nine figures plus `per_language` (language -> nine figures)."""
        out: dict[str, Any] = _figures(self)
        out["per_language"] = {lang: _figures(sub) for lang, sub in self.per_language.items()}
        return out


@dataclass(frozen=True, slots=True)
class _Outcome:
    lang: str
    expected: str | None
    answered: str | None
    ms: float


def entries_from_dataset(raw_entries: Sequence[Mapping[str, Any]]) -> list[FaqEntry]:
    """FaqEntry objects from the dataset's (or policy file's) plain mappings."""
    entries = []
    for raw in raw_entries:
        buttons = tuple(
            (str(b["text"]), str(b["url"])) if isinstance(b, Mapping) else (str(b[0]), str(b[1]))
            for b in raw.get("buttons", ())
        )
        entries.append(FaqEntry(
            id=str(raw["id"]),
            questions={lang: tuple(qs) for lang, qs in raw["questions"].items()},
            answers=dict(raw.get("answer") or raw.get("answers") or {}),
            keywords=tuple(raw.get("keywords", ())),
            buttons=buttons,
        ))
    return entries


def evaluate(
    dataset: Mapping[str, Any], *, threshold: float = DEFAULT_THRESHOLD,
    languages: Sequence[str] = ("it", "en"), use_semantic: bool = True,
) -> EvalReport:
    """Run every query of `dataset` through the bot's decision and count the outcomes.

    A query may carry "lang"; otherwise its language is detected (default: languages[0]).
    """
    index = FaqIndex.build(
        entries_from_dataset(dataset["entries"]), use_semantic=use_semantic, languages=languages
    )
    # Steady-state latency: load the language model and warm the embedder before timing.
    _decide(index, "warm up?", None, None, threshold, languages)
    outcomes = [
        _decide(index, str(q["text"]), q.get("expected"), q.get("lang"), threshold, languages)
        for q in dataset["queries"]
    ]
    per_language = {
        lang: _report([o for o in outcomes if o.lang == lang])
        for lang in dict.fromkeys([*languages, *(o.lang for o in outcomes)])
        if any(o.lang == lang for o in outcomes)
    }
    overall = _report(outcomes)
    return EvalReport(**{**_figures(overall), "per_language": per_language})


def format_table(report: EvalReport) -> str:
    """A fixed-width table: one row overall, one per language."""
    header = ("scope", *_COUNT_KEYS, "p50_ms", "p99_ms")
    rows = [("all", report), *report.per_language.items()]
    lines = ["  ".join(f"{h:>17}" if i else f"{h:<6}" for i, h in enumerate(header))]
    for name, sub in rows:
        cells = [f"{name:<6}", *(f"{getattr(sub, k):>17}" for k in _COUNT_KEYS),
                 f"{sub.p50_ms:>17.2f}", f"{sub.p99_ms:>17.2f}"]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def _decide(
    index: FaqIndex, text: str, expected: Any, given_lang: Any, threshold: float,
    languages: Sequence[str],
) -> _Outcome:
    start = time.perf_counter()
    lang = str(given_lang) if given_lang else detect_language(text, languages[0], languages)
    match = index.match(text, lang, threshold=threshold) if is_question(text, lang) else None
    ms = (time.perf_counter() - start) * 1000.0
    return _Outcome(lang, None if expected is None else str(expected),
                    match.entry_id if match else None, ms)


def _report(outcomes: Sequence[_Outcome]) -> EvalReport:
    labelled = [o for o in outcomes if o.expected is not None]
    chit = [o for o in outcomes if o.expected is None]
    latencies = sorted(o.ms for o in outcomes)
    return EvalReport(
        total=len(outcomes),
        labelled=len(labelled),
        correct=sum(o.answered == o.expected for o in labelled),
        wrong=sum(o.answered is not None and o.answered != o.expected for o in labelled),
        chitchat=len(chit),
        chitchat_answered=sum(o.answered is not None for o in chit),
        abstained=sum(o.answered is None for o in labelled),
        p50_ms=_percentile(latencies, 0.50),
        p99_ms=_percentile(latencies, 0.99),
    )


def _percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (0.0 for no data)."""
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 1))))
    return round(ordered[rank - 1], 3)


def _figures(report: EvalReport) -> dict[str, Any]:
    return {**{k: getattr(report, k) for k in _COUNT_KEYS},
            "p50_ms": report.p50_ms, "p99_ms": report.p99_ms}
