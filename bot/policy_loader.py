"""Read the policy YAML, validate it, and report mistakes with the key path and line number."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from bot.yaml_tree import Unsupported, plain_tree
from policies.schema import (
    PolicyFile,
    effective_faq,
    effective_moderation,
    never_say_violations,
)

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    path: KeyPath
    line: int | None
    message: str

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path) or "(top level)"
        line = f" (line {self.line})" if self.line else ""
        return f"{where}{line}: {self.message}"


class PolicyError(Exception):
    """The policy file is unusable; ``problems`` say where and why, one line each."""

    def __init__(self, source: str, problems: list[PolicyProblem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


def example_policy_path() -> Path:
    """The bundled example (a fictional Italian coffee brand), used when no file is given."""
    return Path(str(resources.files("bot").joinpath("data/portavoce.yaml")))


def load_policy(path: Path | None = None) -> PolicyFile:
    source = path or example_policy_path()
    try:
        text = Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(
            str(source), [PolicyProblem((), None, f"cannot read: {exc.strerror}")]
        ) from None
    return parse_policy(text, str(source))


def parse_policy(text: str, source: str = "<policy>") -> PolicyFile:
    """The validated policy, or `PolicyError` with every problem and its line.

    The text is read by `bot.yaml_tree` (plain data, straight from the parser's events:
    fast and small for a knowledge base of thousands of entries). ruamel's round-trip
    loader, which keeps every node's line, reads it again only when the fast builder leaves
    the text to it or when there are problems to locate.
    """
    try:
        tree: Any = plain_tree(text)
    except Unsupported:
        tree = _round_trip(text, source)
    if not isinstance(tree, dict):
        raise PolicyError(source, [PolicyProblem((), 1, "the file must be a YAML mapping")])
    try:
        policy = PolicyFile.model_validate(_plain(tree))
    except ValidationError as exc:
        found = _problems(exc)
    else:
        found = _semantic_problems(policy)
    if found:
        lines = tree if isinstance(tree, CommentedMap) else _round_trip(text, source)
        raise PolicyError(
            source, [PolicyProblem(path, line_of(lines, path), msg) for path, msg in found]
        )
    return policy


def _round_trip(text: str, source: str) -> Any:
    """The document as ruamel's round-trip objects, which know their lines."""
    yaml = YAML(typ="rt")
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or exc.context or "invalid YAML"
        problem = PolicyProblem((), line, f"YAML syntax error: {reason}")
        raise PolicyError(source, [problem]) from None
    except TypeError:  # ruamel hashes complex keys ("? - item"): a mapping cannot be a key
        problem = PolicyProblem((), None, "YAML error: a list or mapping is used as a key")
        raise PolicyError(source, [problem]) from None


Found = list[tuple[KeyPath, str]]


def _semantic_problems(policy: PolicyFile) -> Found:
    problems: Found = [
        (path, f"contains the never_say phrase {phrase!r}")
        for path, phrase in never_say_violations(policy)
    ]
    for i, community in enumerate(policy.communities):
        try:
            effective_moderation(policy, community.chat_id)
            effective_faq(policy, community.chat_id)
        except ValidationError as exc:
            base: KeyPath = ("communities", i, "overrides")
            problems.extend(((*base, *err["loc"]), err["msg"]) for err in exc.errors())
    problems.extend(_pattern_problems(policy))
    return problems


def _pattern_problems(policy: PolicyFile) -> Found:
    from policies.patterns import PatternError, compile_pattern

    problems: Found = []
    for i, rule in enumerate(policy.moderation.blocklist):
        if rule.regex is None:
            continue
        try:
            compile_pattern(rule.regex)
        except PatternError as exc:
            problems.append((("moderation", "blocklist", i, "regex"), str(exc)))
    return problems


def _problems(exc: ValidationError) -> Found:
    problems: Found = []
    for err in exc.errors():
        path = tuple(p for p in err["loc"] if not _is_union_tag(p))
        message = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; `portavoce schema` lists the keys)"
        problems.append((path, message))
    return problems


def _is_union_tag(part: str | int) -> bool:
    return isinstance(part, str) and ("[" in part or part in {"int", "str", "function-after"})


def line_of(tree: Any, path: KeyPath) -> int | None:
    """1-based line of the deepest node of ``path`` that exists in the YAML tree."""
    node, line = tree, 1
    for part in path:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    return line


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, int) else k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node
