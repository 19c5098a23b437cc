"""Plain data from YAML text, built straight from the parser's events.

ruamel's loaders compose the whole document as a graph of nodes (each scalar with two
position marks) before constructing anything: for the benchmark's 3.4 MB policy with 10,000
FAQ entries the round-trip loader took 13 s and 204 MB more at its peak (validation
included). This builder reads the events of ruamel's pure-Python parser and builds the dicts
and lists as they come: 6 s and 24 MB (the size of the result; 47 MB with the validated
policy). Scalars are resolved and constructed by ruamel's own YAML 1.2 safe resolver and
constructor, so the result equals `YAML(typ="safe", pure=True).load(text)`.

The parser is the pure-Python one on purpose: the round-trip loader, which reports problems
with their lines, uses the same scanner, so a text reads the same whichever path takes it.
ruamel.yaml.clib's C parser (5x faster) is libyaml's YAML 1.1 scanner and reads some texts
differently: it rejects `{it: [Rimborsi?]}`, which the pure parser reads as YAML 1.2 allows.

It covers what policy files use: mappings, sequences, the core scalar types (str, int,
float, bool, null), anchors and aliases. Anything else (explicit tags on collections,
merge keys, timestamps and other tags, duplicate or non-scalar keys, directives, several
documents, syntax errors) raises `Unsupported`, and the caller falls back to a full loader,
which builds what it can and reports what it cannot with the line.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from ruamel.yaml.nodes import ScalarNode

_CORE = "tag:yaml.org,2002:"
STR = _CORE + "str"
BUILT = frozenset(_CORE + name for name in ("int", "float", "bool", "null"))


class Unsupported(Exception):
    """The text uses something this builder leaves to a full loader (or is not valid)."""


class _Mapping:
    __slots__ = ("data", "has_key", "key")

    def __init__(self) -> None:
        self.data: dict[Any, Any] = {}
        self.key: Any = None
        self.has_key = False

    def add(self, value: Any) -> None:
        if not self.has_key:
            if isinstance(value, (dict, list)):
                raise Unsupported("a list or mapping used as a key")
            if value in self.data:
                raise Unsupported(f"duplicate key {value!r}")
            self.key, self.has_key = value, True
            return
        self.data[self.key] = value
        self.has_key = False


class _Sequence:
    __slots__ = ("data",)

    def __init__(self) -> None:
        self.data: list[Any] = []

    def add(self, value: Any) -> None:
        self.data.append(value)


def plain_tree(text: str) -> Any:
    """The document's data as dicts, lists and scalars; `Unsupported` if it needs more."""
    if text.lstrip().startswith("%") or "\n%" in text:
        raise Unsupported("a YAML directive")
    yaml = YAML(typ="safe", pure=True)
    resolver, constructor = yaml.resolver, yaml.constructor
    stack: list[_Mapping | _Sequence] = []
    anchors: dict[str, Any] = {}
    pending: list[tuple[str, _Mapping | _Sequence]] = []  # anchored collections being built
    documents: list[Any] = []
    try:
        for event in yaml.parse(text):
            if isinstance(event, ScalarEvent):
                value = _scalar(event, resolver, constructor)
                if event.anchor is not None:
                    anchors[event.anchor] = value
            elif isinstance(event, CollectionStartEvent):
                tag = event.ctag
                if tag is not None and str(tag) != "!":
                    raise Unsupported(f"the tag {tag} on a collection")
                node: _Mapping | _Sequence = (
                    _Mapping() if isinstance(event, MappingStartEvent) else _Sequence()
                )
                if event.anchor is not None:
                    pending.append((event.anchor, node))
                stack.append(node)
                continue
            elif isinstance(event, AliasEvent):
                if event.anchor not in anchors:
                    raise Unsupported(f"the alias *{event.anchor} (undefined or recursive)")
                value = anchors[event.anchor]
            elif isinstance(event, (StreamStartEvent, DocumentStartEvent, DocumentEndEvent,
                                    StreamEndEvent)):
                continue
            else:  # MappingEndEvent, SequenceEndEvent
                done = stack.pop()
                if isinstance(done, _Mapping) and done.has_key:
                    raise Unsupported("a mapping ended after a key")
                value = done.data
                if pending and pending[-1][1] is done:
                    anchors[pending.pop()[0]] = value
            if stack:
                stack[-1].add(value)
            else:
                documents.append(value)
    except Unsupported:
        raise
    except Exception as exc:  # a syntax error, an unknown tag: the full loader says where
        raise Unsupported(str(exc)) from None
    if len(documents) != 1:
        raise Unsupported(f"{len(documents)} documents")
    return documents[0]


def _scalar(event: ScalarEvent, resolver: Any, constructor: Any) -> Any:
    if event.ctag is None or str(event.ctag) == "!":
        tag = resolver.resolve(ScalarNode, event.value, event.implicit)
    else:
        tag = event.ctag
    name = str(tag)
    if name == STR:
        return event.value
    if name not in BUILT:
        raise Unsupported(f"the tag {name}")
    node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
    return constructor.construct_non_recursive_object(node)
