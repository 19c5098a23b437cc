"""The compact blocklist (key numbers and flat arrays) finds exactly what the earlier one did.

`_Reference` is the earlier representation, kept here as the oracle: each automaton key held
a tuple of ready-made (entry index, BlockHit) pairs. Both are built from the same entries
and must return equal hits, in the same order, on any message.
"""

from __future__ import annotations

import random

import ahocorasick
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.blocklist import EVERYDAY, SPAMMY, disguise, make_terms
from policies.blocklist import BlockEntry, BlockHit, Blocklist, _bare, _bounded
from policies.normalise import Normalised, normalise


class _Reference:
    def __init__(self, entries: list[BlockEntry]) -> None:
        words: dict[str, list[tuple[int, str]]] = {}
        runs: dict[str, list[tuple[int, str]]] = {}
        for index, entry in enumerate(entries):
            for form in normalise(entry.term).forms():
                words.setdefault(_bounded(form), []).append((index, form))
                runs.setdefault(_bare(form), []).append((index, form))
        self._words = self._automaton(words, entries)
        self._runs = self._automaton(runs, entries)

    @staticmethod
    def _automaton(
        keys: dict[str, list[tuple[int, str]]], entries: list[BlockEntry],
    ) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        for key, found in sorted(keys.items()):
            automaton.add_word(key, tuple((i, BlockHit(entries[i], form)) for i, form in found))
        automaton.make_automaton()
        return automaton

    def find(self, normalised: Normalised) -> tuple[BlockHit, ...]:
        hits: dict[int, BlockHit] = {}
        texts = [(self._words, _bounded(form)) for form in normalised.forms() if form]
        texts += [(self._runs, run) for run in normalised.spaced_runs]
        for automaton, text in texts:
            for _end, found in automaton.iter(text):
                for index, hit in found:
                    hits.setdefault(index, hit)
        return tuple(hits.values())


_RNG = random.Random(7)
TERMS = make_terms(2_000, _RNG)
TERMS += ["l'offerta", "Truffa", "TRÜFFA", "free  money", "5c4m", "sleep", "ass"]  # same forms
ENTRIES = [BlockEntry(term, "delete", None, f"t{i}") for i, term in enumerate(TERMS)]
COMPACT = Blocklist.build(ENTRIES)
REFERENCE = _Reference(ENTRIES)

PIECES = st.one_of(
    st.sampled_from(EVERYDAY + SPAMMY),
    st.sampled_from(TERMS),
    st.builds(lambda term, seed: disguise(term, random.Random(seed)),
              st.sampled_from(TERMS), st.integers(0, 2**16)),
    st.text(st.sampled_from("abcdeimnorstu '.-\u200b3401"), min_size=1, max_size=12),
)
MESSAGES = st.builds(
    lambda pieces, seps: "".join(p + s for p, s in zip(pieces, seps, strict=False)),
    st.lists(PIECES, min_size=1, max_size=15),
    st.lists(st.sampled_from([" ", " ", ", ", "", ".", "'", " - ", "!! "]), min_size=15,
             max_size=15),
)


@settings(max_examples=600, deadline=None)
@given(MESSAGES)
def test_compact_blocklist_finds_what_the_reference_finds(message: str) -> None:
    text = normalise(message)
    assert COMPACT.find(text) == REFERENCE.find(text)


def test_the_random_messages_do_hit_terms() -> None:
    """The comparison above is not between two empty results: messages built from the
    listed terms in disguise hit, several entries at a time, in both."""
    rng = random.Random(11)
    messages = [" ".join(disguise(rng.choice(TERMS), rng) for _ in range(4)) for _ in range(200)]
    found = [COMPACT.find(normalise(m)) for m in messages]
    assert found == [REFERENCE.find(normalise(m)) for m in messages]
    assert sum(len(hits) >= 2 for hits in found) > 100
