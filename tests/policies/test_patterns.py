"""Manager regexes on RE2: refused with a plain reason, or run in linear time."""

from __future__ import annotations

import re
import time

import pytest

from policies.normalise import normalise
from policies.patterns import (
    PatternEntry,
    PatternError,
    PatternHit,
    PatternSet,
    compile_pattern,
)

INVITE = PatternEntry(r"t\.me/\+\w+", "delete_and_warn", None, "invite")
SCAM_WORD = PatternEntry(r"\bsca+m\b", "delete", None, "scam")
EARN = PatternEntry(r"guadagn\w* \d+", "ban", 86400, "earn")
PATTERNS = PatternSet.build([INVITE, SCAM_WORD, EARN])


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (r"(a)\1", r"a backreference \1 is not supported by RE2"),
        (r"(?=a)b", "a lookahead (?=...) is not supported by RE2"),
        (r"a(?!b)", "a negative lookahead (?!...) is not supported by RE2"),
        (r"(?<=a)b", "a lookbehind (?<=...) is not supported by RE2"),
        (r"(?<!a)b", "a negative lookbehind (?<!...) is not supported by RE2"),
        (r"(?>a+)b", "an atomic group (?>...) is not supported by RE2"),
        (r"(?P<x>a)(?P=x)", "a named backreference (?P=name) is not supported by RE2"),
        ("a++", "possessive quantifiers like ++ are not supported"),
        ("a{1001}", "a repetition count is too large"),
        ("((a{100}){100}){100}", "a repetition count is too large"),
        (r"[\pL\pN]{1000}" * 4, "the pattern is too big to run safely (over 64 MiB)"),
        ("[abc", "a [ character class is never closed"),
        ("(abc", "a ( group is never closed"),
        ("abc)", "a ) has no matching ("),
        ("*abc", "a quantifier has nothing to repeat (*)"),
        ("abc\\", "the pattern ends with a lone backslash"),
        (r"end\Z", r"the escape \Z is not supported (use \z or $)"),
        ("", "it is empty"),
        ("x*", "it can match an empty string"),
        ("^", "it can match an empty string"),
    ],
    ids=[
        "backreference", "lookahead", "negative-lookahead", "lookbehind",
        "negative-lookbehind", "atomic-group", "named-backreference", "possessive",
        "repeat-too-large", "nested-repeat-too-large", "too-big", "unclosed-class",
        "unclosed-group", "unmatched-paren", "nothing-to-repeat", "trailing-backslash",
        "perl-end-anchor", "empty", "matches-empty", "anchor-only",
    ],
)
def test_rejected_patterns_say_why_in_one_line(source: str, reason: str) -> None:
    with pytest.raises(PatternError, match=re.escape(reason)) as raised:
        compile_pattern(source)
    message = str(raised.value)
    assert message.startswith(f"regex {source!r} is not allowed: ")
    assert "\n" not in message


def test_multiline_source_still_gives_one_line() -> None:
    with pytest.raises(PatternError) as raised:
        compile_pattern("ok\nbad(")
    assert "\n" not in str(raised.value)


def test_compiled_pattern_is_case_insensitive() -> None:
    assert compile_pattern(r"t\.me/\+\w+").search("vai su T.ME/+AbC ora") == "T.ME/+AbC"


@pytest.mark.parametrize(
    "source",
    [r"(a+)+$", r"(a|aa)+$", r"(a|a?)+b", r"(x+x+)+y", r"^(\w+\s?)+$", r"(.*a){12}!"],
    ids=["nested-plus", "overlapping-alternation", "optional-alternation", "double-plus",
         "words-star", "dot-star-repeat"],
)
def test_catastrophic_patterns_run_in_linear_time(source: str) -> None:
    """These take exponential time in a backtracking engine; RE2 scans 100k chars at once."""
    pattern = compile_pattern(source)
    hostile = "a" * 100_000 + "!"
    started = time.perf_counter()
    pattern.search(hostile)
    pattern.search("x" * 100_000)
    assert time.perf_counter() - started < 5.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("unisciti t.me/+AbCdEf123", [PatternHit(INVITE, "t.me/+AbCdEf123", "visible")]),
        ("unisciti t.me/+Ab\u200bCd", [PatternHit(INVITE, "t.me/+AbCd", "visible")]),
        ("\uff54\uff0e\uff4d\uff45/+xyz", [PatternHit(INVITE, "t.me/+xyz", "visible")]),
        ("\u0455\u0441\u0430m!!", [PatternHit(SCAM_WORD, "scam", "folded")]),
        ("SCAAAM", [PatternHit(SCAM_WORD, "SCAAAM", "visible")]),
        ("Guadagna 500\u20ac al giorno", [PatternHit(EARN, "Guadagna 500", "visible")]),
        ("t.me/+abc \u00e8 uno scam", [PatternHit(INVITE, "t.me/+abc", "visible"),
                                        PatternHit(SCAM_WORD, "scam", "visible")]),
        ("scampi alla griglia", []),
        ("lone \udfff surrogate scam", [PatternHit(SCAM_WORD, "scam", "visible")]),
        ("", []),
    ],
    ids=["raw-link", "link-with-zero-width", "fullwidth-link", "cyrillic-word-on-folded",
         "stretch-by-regex", "italian-phrase", "two-patterns-in-list-order", "no-match",
         "lone-surrogate", "empty"],
)
def test_pattern_set_reports_which_entries_fired(text: str, expected: list[PatternHit]) -> None:
    assert list(PATTERNS.find(normalise(text))) == expected


def test_pattern_set_names_the_first_invalid_entry() -> None:
    with pytest.raises(PatternError, match=r"regex '\(a\)\\\\1' is not allowed"):
        PatternSet.build([INVITE, PatternEntry(r"(a)\1", "delete", None, "bad")])


def test_pattern_set_rejects_duplicate_ids() -> None:
    with pytest.raises(ValueError, match="share an id"):
        PatternSet.build([INVITE, PatternEntry("spam", "delete", None, "invite")])


def test_empty_pattern_set_finds_nothing() -> None:
    assert PatternSet.build([]).find(normalise("t.me/+abc")) == ()


def test_many_patterns_answer_in_one_scan() -> None:
    entries = [PatternEntry(rf"\bword{i}\b", "delete", None, f"p{i}") for i in range(500)]
    patterns = PatternSet.build(entries)
    hits = patterns.find(normalise("say word7 and WORD499 but not word5000"))
    assert [hit.entry.id for hit in hits] == ["p7", "p499"]
    assert patterns.entries() == tuple(entries)
    assert len(patterns) == 500
