"""Find the lexicon's concepts in a chat line (see policies.faq.lexicon).

A lexicon word matches a line's word when their Snowball stems agree in Italian or English
(the line's language may be misdetected and members mix languages); a phrase matches when
its words do, in order and adjacent. Tables are built once at import; a lookup costs a few
dict probes per word.
"""

from __future__ import annotations

from collections import defaultdict

from policies.faq.lexicon import CONCEPTS
from policies.faq.stopwords import STOPWORDS
from policies.faq.text import stem, words

_LANGS = ("it", "en")
_MIN_STEM = 3
"""Stems shorter than this only match the identical word ("us" must not match "usa")."""

Stems = frozenset[str]
STOPWORD_UNION = frozenset().union(*STOPWORDS.values())


def _stems(word: str) -> Stems:
    """The word plus its stems in both languages (long enough to be specific).

    "=word" means the exact word only: its stem collides with an unrelated word's.
    """
    if word.startswith("="):
        return frozenset({word[1:]})
    found = {word}
    for lang in _LANGS:
        root = stem(word, lang)
        if len(root) >= _MIN_STEM:
            found.add(root)
    return frozenset(found)


def _tables() -> tuple[dict[str, set[str]], dict[str, list[tuple[str, tuple[Stems, ...]]]]]:
    singles: dict[str, set[str]] = defaultdict(set)
    phrases: dict[str, list[tuple[str, tuple[Stems, ...]]]] = defaultdict(list)
    for name, block in CONCEPTS.items():
        for term in (t.strip() for t in block.split(",")):
            exact = term.startswith("=")
            parts = [("=" if exact else "") + w for w in words(term)]
            if len(parts) == 1:
                for key in _stems(parts[0]):
                    singles[key].add(name)
            elif parts:
                sequence = tuple(_stems(p) for p in parts)
                for key in sequence[0]:
                    phrases[key].append((name, sequence))
    return dict(singles), dict(phrases)


_SINGLES, _PHRASES = _tables()


def concepts(text: str) -> frozenset[str]:
    """Names of the concepts a line mentions (empty for small talk, usually)."""
    line = words(text)
    tokens = [_stems(w) for w in line]
    found: set[str] = set()
    for i, keys in enumerate(tokens):
        single = line[i] not in STOPWORD_UNION
        for key in keys:
            if single:
                found.update(_SINGLES.get(key, ()))
            for name, sequence in _PHRASES.get(key, ()):
                if name not in found and _follows(tokens, i, sequence):
                    found.add(name)
    return frozenset(found)


def _follows(tokens: list[Stems], start: int, sequence: tuple[Stems, ...]) -> bool:
    """True when `sequence` matches the line's words from `start` on."""
    if start + len(sequence) > len(tokens):
        return False
    return all(tokens[start + j] & sequence[j] for j in range(len(sequence)))
