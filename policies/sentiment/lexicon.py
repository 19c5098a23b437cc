"""Compile the per-language word lists into fast lookup tables and regexes (once per language).

Scoring a message must stay well under 0.2 ms, so everything is precompiled: exact words and
stems live in dicts (a token is looked up whole, then by its prefixes, longest first), and every
family of phrases becomes one alternation regex.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from policies.prefilter import Guarded, guarded
from policies.sentiment import lexicon_en, lexicon_it, patterns_en, patterns_it
from policies.sentiment.text import fold, phrase_regex

EMOJI: Mapping[str, float] = {
    **dict.fromkeys("😡🤬😠😤👎💩🤮🤢😞😩😫😖😣💔😢", -1.5),
    **dict.fromkeys("🙄😒😑🤦😭🙃", -0.5),
    **dict.fromkeys("❤♥😍🥰🤩💯🔥✨🎉🥳💖💕😻", 2.0),
    **dict.fromkeys("😊🙂😀😃😄😁👍👌💪🙏😋☺💙💚💛🧡💜🖤⭐🌟🤗☕", 1.0),
}
"""Emoji polarity, shared by both languages."""

SARCASM_EMOJI = frozenset("🙄🙃😒😑🤡🤦😏")
CLAP_EMOJI = frozenset("👏")
JOKE_EMOJI = frozenset("😂🤣😜😝😆😉😹")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the scorer needs for one language, precompiled."""

    exact: Mapping[str, float]
    stems: Mapping[str, float]
    stem_lengths: tuple[int, ...]
    intensifiers: Mapping[str, float]
    negators: frozenset[str]
    contrast: frozenset[str]
    idioms: Guarded
    idiom_weights: tuple[float, ...]
    complaints: Guarded
    complaint_kinds: tuple[tuple[str, bool], ...]
    conditional: re.Pattern[str]
    hypothetical: frozenset[str]
    target: Guarded | None
    addressee: Guarded | None
    offtopic: Guarded | None
    joke: Guarded | None
    ironic: Guarded | None
    sarcasm_markers: Guarded | None

    def polarity(self, token: str) -> float | None:
        """Weight of a token: exact word first, then its longest listed stem, else None."""
        weight = self.exact.get(token)
        if weight is not None:
            return weight
        size = len(token)
        for length in self.stem_lengths:
            if length <= size:
                weight = self.stems.get(token[:length])
                if weight is not None:
                    return weight
        return None


def _words(source: ModuleType) -> tuple[dict[str, float], dict[str, float]]:
    exact: dict[str, float] = {}
    stems: dict[str, float] = {}
    for weight, block in source.WORDS.items():
        for entry in fold(block).split():
            if entry.endswith("*"):
                stems[entry[:-1]] = weight
            else:
                exact[entry] = weight
    for entry in fold(source.NEUTRAL).split():
        exact[entry] = 0.0
    return exact, stems


def _alternation(patterns: list[str]) -> Guarded:
    """One regex with one capturing group per pattern, so `lastindex` names the pattern."""
    body = "|".join(f"({p})" for p in patterns)
    return guarded(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")


def _terms(block: str) -> Guarded | None:
    """Whitespace-separated terms; `a_b` is the phrase "a b", `a*` a stem."""
    return phrase_regex(tuple(block.split()))


def _compile(words: ModuleType, patterns: ModuleType) -> Lexicon:
    exact, stems = _words(words)
    idioms = [(p, w) for p, w in words.IDIOMS]
    complaints = list(patterns.COMPLAINTS)
    return Lexicon(
        exact=exact,
        stems=stems,
        stem_lengths=tuple(sorted({len(s) for s in stems}, reverse=True)),
        intensifiers={fold(k): v for k, v in words.INTENSIFIERS.items()},
        negators=frozenset(fold(words.NEGATORS).split()),
        contrast=frozenset(fold(words.CONTRAST).split()),
        idioms=_alternation([p for p, _ in idioms]),
        idiom_weights=tuple(w for _, w in idioms),
        complaints=_alternation([p for _, p, _ in complaints]),
        complaint_kinds=tuple((kind, strong) for kind, _, strong in complaints),
        conditional=re.compile(patterns.CONDITIONAL),
        hypothetical=frozenset(patterns.HYPOTHETICAL.split()),
        target=_terms(words.TARGET),
        addressee=_terms(words.ADDRESSEE),
        offtopic=_terms(words.OFFTOPIC),
        joke=_terms(words.JOKE),
        ironic=_terms(words.IRONIC),
        sarcasm_markers=_terms(words.SARCASM_MARKERS),
    )


def lexicon_for(lang: str) -> Lexicon:
    """The compiled lexicon for a language code ("it", "it-IT", "en"...); English otherwise.

    Cached per lexicon, not per code: with a cache keyed by code, a brand with more than
    four languages (or "it-IT" beside "it") would recompile a lexicon (about 13 ms) each
    time the codes took turns.
    """
    return _lexicon("it" if lang.lower().startswith("it") else "en")


@lru_cache(maxsize=2)
def _lexicon(family: str) -> Lexicon:
    if family == "it":
        return _compile(lexicon_it, patterns_it)
    return _compile(lexicon_en, patterns_en)
