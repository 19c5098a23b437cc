"""What of a long chat message the semantic stage embeds.

Embedding costs about a millisecond per word on one core, so a 60-word message costs six
times a 10-word question. FAQ questions are short; in a long message the part that asks is
what the knowledge base can answer. So a message longer than `MAX_QUERY_WORDS` is cut to its
asking sentences (a "?", an interrogative opener, a request or a problem report, see
`policies.faq.question`), each with the sentence before it for context, and then to
`MAX_QUERY_WORDS` words. Short messages are embedded whole, exactly as before.
"""

from __future__ import annotations

import re

from policies.faq.question import is_question

MAX_QUERY_WORDS = 24
_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+")


def focus(text: str, max_words: int = MAX_QUERY_WORDS) -> str:
    words = text.split()
    if len(words) <= max_words:
        return text
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    chosen: list[str] = []
    for i, sentence in enumerate(sentences):
        if is_question(sentence, ""):
            if i and sentences[i - 1] not in chosen:
                chosen.append(sentences[i - 1])
            if sentence not in chosen:
                chosen.append(sentence)
    picked = " ".join(chosen).split() if chosen else words
    if len(picked) <= max_words:
        return " ".join(picked)
    tail = picked[-max_words:]  # a long asking passage usually ends with its "?"
    return " ".join(tail if "?" in " ".join(tail) else picked[:max_words])
