"""The policy file: the example is valid; mistakes are reported with key path and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.policy_loader import PolicyError, example_policy_path, load_policy, parse_policy
from policies.schema import effective_moderation

EXAMPLE = example_policy_path().read_text(encoding="utf-8")


def test_example_policy_is_valid_and_shipped_in_examples() -> None:
    policy = load_policy()
    assert policy.brand.name == "Caffè Aurora"
    assert policy.brand.languages == ["it", "en"]
    assert len(policy.faq.entries) >= 5
    assert Path("examples/portavoce.yaml").read_text(encoding="utf-8") == EXAMPLE


def test_durations_are_seconds() -> None:
    policy = parse_policy(EXAMPLE)
    assert policy.moderation.flood.duration == 600
    assert policy.moderation.warnings.window == 30 * 86400


def _error_for(text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "p.yaml")
    return str(caught.value)


def _line_of(needle: str) -> int:
    return next(i for i, line in enumerate(EXAMPLE.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "expected_key", "needle"),
    [
        ("    formality: informal", "    formality: casual", "brand.voice.formality",
         "formality: casual"),
        ("  raid: {joins: 15", "  raid: {joinz: 15", "moderation.raid.joinz", "joinz"),
        ("  cooldown: 10m", "  cooldown: lots", "faq.cooldown", "cooldown: lots"),
        ("  flood: {messages: 6, seconds: 10s", "  flood: {messages: six, seconds: 10s",
         "moderation.flood.messages", "messages: six"),
        ("  flood: {messages: 6, seconds: 10s", "  flood: {messages: 6, seconds: 10 parsecs",
         "moderation.flood.seconds", "parsecs"),
    ],
    ids=["wrong-value", "unknown-key", "bad-duration-word", "wrong-type", "bad-duration"],
)
def test_mistake_names_key_path_and_line(old: str, new: str, expected_key: str,
                                         needle: str) -> None:
    assert old in EXAMPLE
    broken = EXAMPLE.replace(old, new, 1)
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if needle in text)
    message = _error_for(broken)
    assert f"p.yaml: {expected_key} (line {line}):" in message
    assert len(message.splitlines()) == 1


def test_yaml_syntax_error_names_the_line() -> None:
    broken = EXAMPLE.replace("  name: Caffè Aurora", "  name: [Caffè Aurora", 1)
    message = _error_for(broken)
    assert "YAML syntax error" in message and "(line " in message


def test_never_say_phrase_in_an_answer_is_rejected() -> None:
    broken = EXAMPLE.replace("Hai 30 giorni per il reso", "Purtroppo non possiamo farci nulla",
                             1)
    message = _error_for(broken)
    assert "faq.entries.4.answer.it" in message
    assert "never_say" in message


def test_community_override_is_validated_and_layered() -> None:
    policy = parse_policy(EXAMPLE)
    international = effective_moderation(policy, -1001000000002)
    assert international.links.new_members_only is False
    assert effective_moderation(policy, -1001000000001).links.new_members_only is True
    broken = EXAMPLE.replace("{links: {new_members_only: false}}", "{links: {colour: red}}")
    assert "communities.1.overrides.links.colour" in _error_for(broken)


def test_check_command_summarises(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "Caffè Aurora" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.replace("emoji: few", "emoji: lots"), encoding="utf-8")
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"brand.voice.emoji (line {_line_of('emoji: few')})" in err


def test_schema_command_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"brand", "moderation", "faq", "escalation"} <= set(schema["properties"])
