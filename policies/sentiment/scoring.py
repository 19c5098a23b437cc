"""Token-level polarity: lexicon weights shaped by intensifiers, negation and contrast.

The mechanisms follow VADER (Hutto & Gilbert, 2014): a negator flips the next sentiment word
within a short window ("non è male" becomes mildly positive, "not good" negative), intensifiers
scale the next word, and the clause after a contrast word ("ma", "but") outweighs the one
before it, because that is where people put what they mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from policies.sentiment.lexicon import EMOJI, Lexicon

NEGATION_WINDOW = 4
"""Tokens after a negator that it can still flip ("non è stato affatto gentile")."""
FLIP_POSITIVE = -0.85
"""A negated positive is nearly as negative ("not good", "non è gentile")."""
FLIP_NEGATIVE = -0.4
"""A negated negative is only mildly positive ("not bad", "non è male")."""
_BOUNDARY = frozenset(".,;:")


@dataclass(frozen=True, slots=True)
class Contribution:
    """One scored token; `negator` is set when a negation flipped it."""

    index: int
    token: str
    value: float
    negator: str = ""


def _modifies_next(tokens: list[str], i: int, lex: Lexicon) -> bool:
    """An intensifier only intensifies when a scored word or a negator follows it."""
    if i + 1 >= len(tokens):
        return False
    nxt = tokens[i + 1]
    return bool(lex.polarity(nxt)) or nxt in lex.intensifiers or nxt in lex.negators


def token_contributions(
    tokens: list[str], lex: Lexicon, *, question: bool = False
) -> tuple[list[Contribution], int]:
    """Score tokens; return the contributions and the index of the last contrast word (-1).

    In a question, words inside an "if" clause are not scored: "se arriva rotto posso
    fare il reso?" asks about a policy, it does not report a broken item.
    """
    out: list[Contribution] = []
    negator, window, scale, contrast, hypothetical = "", 0, 1.0, -1, False
    for i, token in enumerate(tokens):
        if token in _BOUNDARY or token[0] in "!?" or token in lex.contrast:
            contrast = i if token in lex.contrast else contrast
            negator, window, scale, hypothetical = "", 0, 1.0, False
            continue
        if question and token in lex.hypothetical:
            hypothetical = True
            continue
        if token in lex.negators:
            negator, window = token, NEGATION_WINDOW
            continue
        if token in lex.intensifiers and _modifies_next(tokens, i, lex):
            scale *= lex.intensifiers[token]
            continue
        if token in EMOJI:  # an emoji is never inside a negation's scope
            out.append(Contribution(i, token, EMOJI[token]))
            continue
        weight = None if hypothetical else lex.polarity(token)
        if not weight:
            window = max(window - 1, 0)
            continue
        value = weight * scale
        scale = 1.0
        if window:
            value *= FLIP_POSITIVE if weight > 0 else FLIP_NEGATIVE
            out.append(Contribution(i, token, value, negator))
            negator, window = "", 0
        else:
            out.append(Contribution(i, token, value))
    return out, contrast


def weigh_contrast(items: list[Contribution], contrast: int) -> list[Contribution]:
    """Halve what comes before the last contrast word and boost what follows it."""
    if contrast < 0:
        return items
    return [
        Contribution(c.index, c.token, c.value * (0.5 if c.index < contrast else 1.5), c.negator)
        for c in items
    ]


def squash(total: float, alpha: float = 8.0) -> float:
    """Map an unbounded sum into [-1, 1] (VADER's normalisation)."""
    return max(-1.0, min(1.0, total / math.sqrt(total * total + alpha)))
