"""Inputs and outputs of FAQ matching (frozen, slotted, Telegram-free)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """One knowledge-base entry.

    Attributes:
        id: stable identifier, used in reasons ("faq:shipping 0.91") and cooldowns.
        questions: phrasings per language, e.g. {"it": ("quanto costa?",), "en": (...)}.
        answers: answer text per language; a member gets theirs or another available one.
        keywords: extra words that point to this entry (matched lexically in any language).
        buttons: (label, url) link buttons shown under the answer.
    """

    id: str
    questions: Mapping[str, tuple[str, ...]]
    answers: Mapping[str, str]
    keywords: tuple[str, ...] = ()
    buttons: tuple[tuple[str, str], ...] = ()

    def answer_language(self, lang: str, preferred: Sequence[str] = ()) -> str | None:
        """Language to answer in: the asker's if available, else the first of `preferred`
        that has an answer, else any answer language (None if the entry has no answer)."""
        for candidate in (lang, *preferred):
            if self.answers.get(candidate):
                return candidate
        return next((code for code, text in self.answers.items() if text), None)


@dataclass(frozen=True, slots=True)
class FaqMatch:
    """An answer the bot is confident enough to give.

    `language` is the language of `answer` (the asker's when the entry has it);
    `reasons` are human-readable, e.g. ("faq:shipping 0.91", "semantic 0.93", ...).
    """

    entry_id: str
    score: float
    language: str
    answer: str
    reasons: tuple[str, ...]
    buttons: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ranked entry with the evidence of each stage (for `/faq test` and tuning).

    Attributes:
        entry_id: the entry.
        score: calibrated confidence in [0, 1] (the one compared with the threshold).
        semantic: best cosine between the query and the entry's phrasings (None if the
            semantic stage is off).
        lexical: best BM25 score of the entry's phrasings (0 when no term matched).
        coverage: share of the query's idf mass found in the best lexical phrasing.
        margin: lead of the fused ranking score over the best other entry (negative when
            not first).
        phrasing: the phrasing that matched best.
        concepts: overlap of lexicon concepts between query and entry (Jaccard; 0.5 when
            neither mentions any).
    """

    entry_id: str
    score: float
    semantic: float | None
    lexical: float
    coverage: float
    margin: float
    phrasing: str = field(default="")
    concepts: float = 0.5
