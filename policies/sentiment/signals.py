"""Message-level signals: idioms, complaint patterns, topic (brand vs off-topic), sarcasm.

Negativity alone is not a complaint: "piove che schifo" is about the weather. These signals
say what the message is about and whether it has the shape of a grievance, so `assess` can
tell a complaint from a bad day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from policies.prefilter import Guarded
from policies.sentiment.lexicon import CLAP_EMOJI, SARCASM_EMOJI, Lexicon
from policies.sentiment.model import BrandContext
from policies.sentiment.scoring import Contribution
from policies.sentiment.text import phrase_regex

_NEGATABLE = frozenset({"defect", "wrong_item"})
_NEGATED_BEFORE = re.compile(r"(?:^|\s)(?:non|not|never|no|niente|nulla|nessun\w*)(?:\s+\w+)?\s*$")


@dataclass(frozen=True, slots=True)
class Hit:
    """A complaint pattern found in the text; strong hits are complaints on their own."""

    kind: str
    text: str
    strong: bool
    start: int


@dataclass(frozen=True, slots=True)
class Topic:
    """How much the message is about the brand's business versus everyday life."""

    target: float
    offtopic: float
    target_word: str
    offtopic_word: str

    @property
    def off_topic(self) -> bool:
        return self.offtopic > self.target

    @property
    def on_topic(self) -> bool:
        return self.target > self.offtopic


def find_idioms(prepared: str, lex: Lexicon) -> tuple[str, list[tuple[str, float]]]:
    """Score multi-word expressions and blank them out so their words are not re-scored."""
    found: list[tuple[str, float]] = []
    pieces: list[str] = []
    last = 0
    for match in lex.idioms.finditer(prepared):
        index = match.lastindex or 1
        found.append((match.group(), lex.idiom_weights[index - 1]))
        pieces.append(prepared[last : match.start()])
        pieces.append(" " * (match.end() - match.start()))
        last = match.end()
    if not found:
        return prepared, found
    pieces.append(prepared[last:])
    return "".join(pieces), found


def find_complaints(masked: str, lex: Lexicon) -> list[Hit]:
    """Complaint patterns, minus negated defects and hypotheticals inside questions."""
    question = "?" in masked
    hits: list[Hit] = []
    for match in lex.complaints.finditer(masked):
        kind, strong = lex.complaint_kinds[(match.lastindex or 1) - 1]
        before = masked[max(0, match.start() - 30) : match.start()]
        if kind in _NEGATABLE and _NEGATED_BEFORE.search(before):
            continue
        if question and lex.conditional.search(before):
            continue
        hits.append(Hit(kind, " ".join(match.group().split()), strong, match.start()))
    return hits


@lru_cache(maxsize=64)
def _brand_regex(brand: BrandContext) -> Guarded | None:
    return phrase_regex(brand.names + brand.product_terms)


def _matches(pattern: Guarded | None, text: str) -> list[str]:
    return [m.group() for m in pattern.finditer(text)] if pattern is not None else []


def find_topic(prepared: str, lex: Lexicon, brand: BrandContext, hits: list[Hit]) -> Topic:
    """Weigh brand evidence (names, products, commerce words, "you", grievances) vs off-topic."""
    own = _matches(_brand_regex(brand), prepared)
    generic = _matches(lex.target, prepared)
    addressed = _matches(lex.addressee, prepared)
    offtopic = _matches(lex.offtopic, prepared)
    strong = sum(1 for h in hits if h.strong)
    target = 2.0 * len(own) + min(len(generic), 3) + 0.5 * min(len(addressed), 2) + strong
    words = own + generic
    return Topic(target, float(len(offtopic)), words[0] if words else "",
                 offtopic[0] if offtopic else "")


def _contrast_between(text: str, start: int, end: int, lex: Lexicon) -> bool:
    """"Love it but the zip broke" is a concession, not irony."""
    return any(word in lex.contrast for word in text[start:end].split())


def find_sarcasm(
    prepared: str,
    tokens: list[str],
    contributions: list[Contribution],
    idioms: list[tuple[str, float]],
    hits: list[Hit],
    lex: Lexicon,
) -> str:
    """Ironic praise next to a grievance or a sarcasm marker; returns a reason detail or "".

    "Grazie per avermi fatto aspettare un mese 👏" thanks nobody: positive words that sit next
    to a grievance (a complaint pattern), inside a negative idiom ("thanks for nothing"), or
    next to an eye-roll / "as usual" together with some negativity are read as sarcasm.
    """
    ironic = lex.ironic.search(prepared) if lex.ironic is not None else None
    if ironic is None:
        return ""
    word = ironic.group()
    for text, weight in idioms:
        if weight < 0 and word in text:
            return text
    if hits and not _contrast_between(prepared, ironic.end(), hits[0].start, lex):
        return f"{word}...{hits[0].text.split()[0]}"
    marker = lex.sarcasm_markers.search(prepared) if lex.sarcasm_markers is not None else None
    emoji = next((t for t in tokens if t in SARCASM_EMOJI or t in CLAP_EMOJI), "")
    negative = any(c.value < 0 for c in contributions) or any(w < 0 for _, w in idioms)
    if negative and (marker is not None or emoji):
        return f"{word}...{marker.group() if marker is not None else emoji}"
    return ""
