"""FAQ matching: question detection, language, BM25 + semantic retrieval, abstention."""

from __future__ import annotations

from policies.faq.index import DEFAULT_THRESHOLD, FaqIndex
from policies.faq.language import detect_language
from policies.faq.question import is_question
from policies.faq.types import Candidate, FaqEntry, FaqMatch

__all__ = [
    "DEFAULT_THRESHOLD",
    "Candidate",
    "FaqEntry",
    "FaqIndex",
    "FaqMatch",
    "detect_language",
    "is_question",
]
