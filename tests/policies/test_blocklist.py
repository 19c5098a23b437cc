"""Blocklist: whole words and phrases after normalisation, whatever the disguise."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.blocklist import BlockEntry, BlockHit, Blocklist
from policies.normalise import normalise

SCAM = BlockEntry("scam", "delete", None, "scam")
ASS = BlockEntry("ass", "delete", None, "ass")
CUNT = BlockEntry("cunt", "delete", None, "cunt")
FREE_MONEY = BlockEntry("Free Money", "ban", 86400, "free-money")
TRUFFA = BlockEntry("truffa", "delete_and_warn", None, "truffa")
OFFERTA = BlockEntry("l'offerta", "delete", None, "offerta")
SLEEP = BlockEntry("sleep", "delete", None, "sleep")
BLOCKLIST = Blocklist.build([SCAM, ASS, CUNT, FREE_MONEY, TRUFFA, OFFERTA, SLEEP])


def ids_found(text: str) -> list[str]:
    return [hit.entry.id for hit in BLOCKLIST.find(normalise(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this is a s c a m", ["scam"]),
        ("SCAAAM!!", ["scam"]),
        ("\u0455\u0441\u0430m", ["scam"]),
        ("sc\u200bam", ["scam"]),
        ("5c4m", ["scam"]),
        ("s.c.a.m alert", ["scam"]),
        ("Scam.", ["scam"]),
        ("scampi e patatine", []),
        ("a classic mistake", []),
        ("Scunthorpe United", []),
        ("as you like", []),
        ("you a55", ["ass"]),
        ("get FREE   money now", ["free-money"]),
        ("free-money", ["free-money"]),
        ("f r e e m o n e y", ["free-money"]),
        ("free of charge, money back", []),
        ("\u00c8 una TRUFFA!", ["truffa"]),
        ("tr\u00fcffa", ["truffa"]),
        ("truffatori", []),
        ("L\u2019offerta scade oggi", ["offerta"]),
        ("un'offerta", []),
        ("sleeeeeep", ["sleep"]),
        ("slep", []),
        ("scam truffa scam", ["scam", "truffa"]),
        ("", []),
    ],
    ids=[
        "spaced-after-article", "stretched-shouting", "cyrillic", "zero-width", "leet",
        "dotted", "punctuated", "prefix-of-longer-word", "inside-classic",
        "inside-scunthorpe", "shorter-word", "leet-digits", "phrase-extra-spaces",
        "phrase-hyphen", "phrase-spaced", "phrase-words-apart", "accented-capitals",
        "umlaut", "longer-italian-word", "elision-term", "other-elision",
        "stretched-double-letter", "misspelling-not-matched", "one-hit-per-entry",
        "empty",
    ],
)
def test_find_matches_whole_words_after_normalisation(text: str, expected: list[str]) -> None:
    assert ids_found(text) == expected


def test_hit_names_the_entry_and_the_normalised_words() -> None:
    assert BLOCKLIST.find(normalise("FR33 m0ney!!")) == (BlockHit(FREE_MONEY, "free money"),)


def test_terms_lists_entries_in_given_order() -> None:
    assert BLOCKLIST.terms() == (SCAM, ASS, CUNT, FREE_MONEY, TRUFFA, OFFERTA, SLEEP)
    assert len(BLOCKLIST) == 7


def test_with_entry_adds_and_replaces_by_id() -> None:
    added = BLOCKLIST.with_entry(BlockEntry("spam", "delete", None, "spam"))
    replaced = added.with_entry(BlockEntry("phishing", "ban", None, "spam"))
    assert [hit.entry.id for hit in added.find(normalise("s p a m"))] == ["spam"]
    assert replaced.find(normalise("spam")) == ()
    assert [hit.entry.term for hit in replaced.find(normalise("phishing"))] == ["phishing"]
    assert len(BLOCKLIST) == 7


def test_without_removes_by_id_and_ignores_unknown_ids() -> None:
    smaller = BLOCKLIST.without("scam")
    assert smaller.find(normalise("scam")) == ()
    assert smaller.without("nope").terms() == smaller.terms()


def test_empty_blocklist_finds_nothing() -> None:
    assert Blocklist.build([]).find(normalise("scam")) == ()


def test_two_terms_with_the_same_normal_form_both_hit() -> None:
    blocklist = Blocklist.build([BlockEntry("Truffa", "delete", None, "a"),
                                 BlockEntry("TRÜFFA", "ban", None, "b")])
    assert [hit.entry.id for hit in blocklist.find(normalise("truffa"))] == ["a", "b"]


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([SCAM, BlockEntry("spam", "delete", None, "scam")], "blocklist id 'scam' is used twice"),
        ([BlockEntry("\U0001f525\U0001f525", "delete", None, "fire")],
         "blocklist term '\U0001f525\U0001f525' has no letters or digits"),
    ],
    ids=["duplicate-id", "emoji-only-term"],
)
def test_build_rejects_bad_lists(entries: list[BlockEntry], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Blocklist.build(entries)


@pytest.mark.parametrize(
    ("term", "entry_id", "duration"),
    [("  ", "x", None), ("scam", "", None), ("scam", "x", 0)],
    ids=["blank-term", "blank-id", "zero-duration"],
)
def test_entry_rejects_invalid_fields(term: str, entry_id: str, duration: int | None) -> None:
    with pytest.raises(ValueError, match="blocklist"):
        BlockEntry(term, "delete", duration, entry_id)


WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=2, max_size=8).filter(
    lambda word: not any(word[i] == word[i + 1] == word[i + 2] for i in range(len(word) - 2))
)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=12), WORD)
def test_a_term_hits_exactly_when_it_is_one_of_the_words(words: list[str], term: str) -> None:
    """Against a naive whole-word reference (plain words: no spacing or stretching)."""
    blocklist = Blocklist.build([BlockEntry(term, "delete", None, "t")])
    hits = blocklist.find(normalise(" ".join(words)))
    assert bool(hits) == (term in words)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, min_size=2, max_size=12), st.data())
def test_a_phrase_hits_when_its_words_are_adjacent(words: list[str], data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(words) - 2))
    phrase = " ".join(words[start:start + 2])
    blocklist = Blocklist.build([BlockEntry(phrase.upper(), "delete", None, "p")])
    text = ", ".join(words[:start + 1]) + "  " + ", ".join(words[start + 1:])
    assert [hit.matched for hit in blocklist.find(normalise(text))] == [phrase]
