"""Bad input, property-based: parsers answer with a value or their own error, never crash."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy_loader import PolicyError, example_policy_path, parse_policy
from handlers.rule_commands import _parse_rule
from handlers.targets import split_duration
from policies.callbacks import MAX_BYTES, CallbackDataError, decode, encode
from policies.durations import MAX_SECONDS, DurationError, format_duration, parse_duration
from policies.schema import BlockRule, PolicyFile

EXAMPLES = 200


def _no_unicode_digits(text: str) -> bool:
    """Unicode digits (², ٣) have their own table test below."""
    return all(c.isascii() or not c.isdigit() for c in text)


WORDS = st.text(min_size=1, max_size=30).filter(
    lambda w: w.strip() == w and " " not in w and _no_unicode_digits(w))
EXAMPLE_YAML = example_policy_path().read_text(encoding="utf-8")


@settings(max_examples=EXAMPLES)
@given(st.text(max_size=40).filter(_no_unicode_digits))
def test_duration_parser_returns_seconds_in_range_or_its_error(raw: str) -> None:
    try:
        seconds = parse_duration(raw)
    except DurationError as exc:
        assert str(exc)
        return
    assert 0 < seconds <= MAX_SECONDS


@pytest.mark.parametrize("raw", ["²", "1²m"], ids=["superscript", "superscript-in-unit"])
def test_unicode_digits_are_a_duration_error(raw: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(raw)


@settings(max_examples=EXAMPLES)
@given(st.integers(min_value=1, max_value=MAX_SECONDS))
def test_duration_round_trips(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@settings(max_examples=EXAMPLES)
@given(st.text(max_size=20), st.lists(st.one_of(st.integers(), st.text(max_size=30)),
                                      max_size=6))
def test_callback_codec_round_trips_within_64_bytes(kind: str, parts: list[int | str]) -> None:
    try:
        data = encode(kind, *parts)
    except CallbackDataError:
        return
    assert len(data.encode()) <= MAX_BYTES
    assert decode(data, kind) == tuple(str(p) for p in parts)


@settings(max_examples=EXAMPLES)
@given(st.one_of(st.none(), st.text(max_size=100)), st.text(max_size=10))
def test_callback_decoder_takes_any_forged_data(data: str | None, kind: str) -> None:
    parts = decode(data, kind)
    assert parts is None or all(isinstance(p, str) and p for p in parts)


@settings(max_examples=EXAMPLES)
@given(st.lists(WORDS, max_size=5))
def test_command_arguments_split_into_duration_and_reason(words: list[str]) -> None:
    try:
        duration, reason = split_duration(tuple(words))
    except DurationError:
        assert words and words[0][:1].isdigit()
        return
    assert duration is None or 0 < duration <= MAX_SECONDS
    assert isinstance(reason, str)


@settings(max_examples=EXAMPLES)
@given(st.lists(WORDS, min_size=1, max_size=4))
def test_blocklist_rule_parsing_gives_a_rule_or_a_message(words: list[str]) -> None:
    result = _parse_rule(words)
    assert isinstance(result, BlockRule | str)


def _mutate(text: str, rng: random.Random, edits: int) -> str:
    chars = list(text)
    alphabet = ":-{}[]#'\"\n \t|>&*!%@`,?0123456789abcxyzè€"
    for _ in range(edits):
        where = rng.randrange(len(chars) + 1)
        action = rng.randrange(3)
        if action == 0 and chars:
            del chars[min(where, len(chars) - 1)]
        elif action == 1:
            chars.insert(where, rng.choice(alphabet))
        elif chars:
            chars[min(where, len(chars) - 1)] = rng.choice(alphabet)
    return "".join(chars)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=8))
def test_policy_loader_on_mutated_yaml_gives_a_policy_or_a_policy_error(
    seed: int, edits: int
) -> None:
    text = _mutate(EXAMPLE_YAML, random.Random(seed), edits)
    try:
        policy = parse_policy(text)
    except PolicyError as exc:
        assert exc.problems if hasattr(exc, "problems") else str(exc)
        return
    assert isinstance(policy, PolicyFile)


def test_a_list_used_as_a_key_is_a_policy_error() -> None:
    """Found by the property above (seed 2399): ruamel raised TypeError on "? - item"."""
    text = EXAMPLE_YAML.replace("    - id: roastery-hours", "  ? - id: roastery-hours", 1)
    assert text != EXAMPLE_YAML
    with pytest.raises(PolicyError, match="used as a key"):
        parse_policy(text)
