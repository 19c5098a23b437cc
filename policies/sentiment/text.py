"""Text normalisation shared by the lexicons and the scorer.

Everything is matched on a folded form (lower case, accents stripped, curly quotes made
straight) so "Perché", "perche" and "PERCHÈ" are the same word, and lexicons can be written
with or without accents.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from policies.prefilter import Guarded, guarded

_QUOTES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u201c": '"', "\u201d": '"'}
)

TOKEN_RE = re.compile(
    r"[a-z0-9]+"
    r"|[\U0001F300-\U0001FAFF\u2600-\u27BF]"
    r"|[!?]+|[.,;:]"
)
"""Words, single emoji, runs of !/? (emphasis) and clause punctuation (scope boundaries)."""

EMOJI_RE = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_NOT_RE = re.compile(
    r"\b(do|does|did|is|was|are|were|wo|would|should|could|ca|have|has|had|ai)(?:n't|nt)\b"
)
"""English negative contractions, with or without the apostrophe ("hasnt" is common)."""


_COMBINING = re.compile(r"[\u0300-\u036f\ufe0f]")


def fold(text: str) -> str:
    """Lower-case, strip accents (and emoji variation selectors), straighten quotes."""
    lowered = text.lower().translate(_QUOTES)
    if lowered.isascii():
        return lowered
    return _COMBINING.sub("", unicodedata.normalize("NFD", lowered))


def prepare(text: str) -> str:
    """Fold, then make English "n't" a separate "not" and apostrophes word breaks.

    The result may differ in length from the input; spans are only used on this string.
    """
    folded = _NOT_RE.sub(r"\1 not", fold(text)).replace("n't", " not")
    return " " + folded.replace("'", " ") + " "


@dataclass(frozen=True, slots=True)
class Token:
    """A token of the prepared text with its character span (for masking matched phrases)."""

    text: str
    start: int
    end: int


def tokenize(prepared: str) -> list[Token]:
    """Split prepared text into tokens with spans."""
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(prepared)]


def fold_terms(terms: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Fold and de-duplicate configured terms, dropping blanks, keeping order."""
    seen: dict[str, None] = {}
    for term in terms:
        folded = " ".join(prepare(term.replace("_", " ")).split())
        if folded:
            seen.setdefault(folded, None)
    return tuple(seen)


def phrase_regex(terms: tuple[str, ...]) -> Guarded | None:
    """One alternation matching whole words/phrases; a trailing * makes a term a prefix."""
    parts = []
    for term in sorted(fold_terms(terms), key=len, reverse=True):
        stem = term.endswith("*")
        body = r"\s+".join(re.escape(w) for w in term.rstrip("*").split())
        if body:
            parts.append(body + (r"[a-z0-9]*" if stem else ""))
    if not parts:
        return None
    return guarded(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])")
