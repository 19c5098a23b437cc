"""Synthetic Italian/English group traffic: chat, questions, links, mentions and spam.

Every variant of the benchmark sees the same messages (same seed). Questions are paraphrases
of FAQ entries (a second template of the same aspect, never the indexed phrasing) or
everyday questions the FAQ does not cover; spam carries a listed term in disguise (leet,
Cyrillic, spacing, stretching, zero-width space) or an invite link, and comes from accounts
that post once, as real spam accounts do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from bench.blocklist import EMOJI, EVERYDAY, LINKS, SPAMMY, disguise
from bench.faqgen import question_variant

Kind = Literal["chat", "question", "offtopic", "link", "mention", "spam"]
MIX: tuple[tuple[Kind, float], ...] = (
    ("chat", 0.50), ("question", 0.15), ("offtopic", 0.05), ("link", 0.10),
    ("mention", 0.10), ("spam", 0.10),
)
OPENERS_IT = ("scusate", "ciao a tutti", "una domanda", "ragazzi", "buongiorno")
OPENERS_EN = ("hi all", "quick question", "hey", "sorry", "hello")
OFFTOPIC = ("qualcuno ha provato la {w} con il {v}?", "anyone tried {w} with {v}?",
            "che ne pensate del {w}?", "what do you think about the {w}?")


@dataclass(frozen=True, slots=True)
class Message:
    kind: Kind
    text: str


ASKING = frozenset(["quando", "dove", "come", "perché", "problema", "aiuto", "domanda",
                    "when", "where", "how", "why", "please", "problem", "help", "question"])
AUXILIARIES = frozenset(["is", "are", "was", "were", "have", "has", "do", "does"])
CHAT_WORDS = tuple(w for w in EVERYDAY if w not in ASKING)
"""Chat lines are chat: without interrogatives and help words, and never opened by an
auxiliary ("Do milk ..."). Drawn from all of EVERYDAY, over half of the chat lines read as
requests for help to any question detector, and the mix was no longer the declared one."""


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(CHAT_WORDS) for _ in range(rng.randint(low, high))]
    while words[0] in AUXILIARIES:
        words[0] = rng.choice(CHAT_WORDS)
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words) + 1), rng.choice(EMOJI) * rng.randint(1, 3))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", "!", "", " \U0001f600"])


def _question(rng: random.Random, faq_size: int) -> str:
    entry = rng.randrange(faq_size)
    lang = rng.choice(("it", "en"))
    opener = rng.choice(OPENERS_IT if lang == "it" else OPENERS_EN)
    body = question_variant(entry, lang)
    return f"{opener}, {body[0].lower()}{body[1:]}" if rng.random() < 0.5 else body


def _spam(rng: random.Random, terms: list[str]) -> str:
    words = [rng.choice(SPAMMY) for _ in range(rng.randint(3, 25))]
    if rng.random() < 0.7:
        words.insert(rng.randrange(len(words) + 1), disguise(rng.choice(terms[:200]), rng))
    if rng.random() < 0.5:
        words.append(rng.choice(("t.me/+Xy9Qw1", "https://bit.ly/3xYz", "wa.me/393331234567")))
    words.insert(0, rng.choice(("\U0001f4b0", "\U0001f680", "\U0001f525")))
    return " ".join(words)


def make_message(rng: random.Random, terms: list[str], faq_size: int) -> Message:
    """One message of the mix; 3-60 words."""
    kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
    if kind == "question":
        return Message(kind, _question(rng, faq_size))
    if kind == "offtopic":
        template = rng.choice(OFFTOPIC)
        return Message(kind, template.format(w=rng.choice(EVERYDAY), v=rng.choice(EVERYDAY)))
    if kind == "spam":
        return Message(kind, _spam(rng, terms))
    text = _sentence(rng, 3, 55)
    if kind == "link":
        text += " " + rng.choice([LINKS[0], "https://www.wikipedia.org/wiki/Caff%C3%A8"])
    elif kind == "mention":
        text = f"@giulia {text}"
    return Message(kind, text)


def make_traffic(count: int, terms: list[str], faq_size: int, seed: int) -> list[Message]:
    rng = random.Random(seed)
    return [make_message(rng, terms, faq_size) for _ in range(count)]


def raid_spam(count: int, terms: list[str], seed: int) -> list[str]:
    """A raid's messages: the same few lures, lightly varied, as bot farms post them."""
    rng = random.Random(seed)
    lures = [_spam(rng, terms) for _ in range(12)]
    return [f"{rng.choice(lures)} {rng.choice(EMOJI)}" for _ in range(count)]
