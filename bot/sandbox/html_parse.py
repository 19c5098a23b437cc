"""Telegram's ``parse_mode=HTML``: plain text plus entities, or the server's parse error.

Follows tdlib's parser closely enough that what it rejects (unknown tags, unclosed or
mismatched tags) fails here with the same words: a bot that splits a long message in the middle
of a tag must see ``can't parse entities`` in tests, not in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.errors import ApiError, bad_request
from bot.sandbox.text import make_entity

JsonDict = dict[str, Any]

_SIMPLE_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "code": "code", "pre": "pre", "blockquote": "blockquote",
}
_ALL_TAGS = {*_SIMPLE_TAGS, "a", "span", "tg-emoji"}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_REF = re.compile(r"&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,6});")
_ATTR = re.compile(r"\s*([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")


def _fail(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


@dataclass(slots=True)
class _Open:
    tag: str
    start: int  # index in the output text
    attrs: dict[str, str] = field(default_factory=dict)


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.out: list[str] = []
        self.length = 0
        self.stack: list[_Open] = []
        self.spans: list[tuple[int, int, str, dict[str, Any]]] = []

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.length += len(chunk)

    def run(self) -> None:
        i = 0
        while i < len(self.src):
            char = self.src[i]
            if char == "&":
                i = self.entity_ref(i)
            elif char == "<":
                i = self.close_tag(i) if self.src.startswith("</", i) else self.open_tag(i)
            else:
                self.emit(char)
                i += 1
        if self.stack:
            raise _fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )

    def entity_ref(self, i: int) -> int:
        match = _ENTITY_REF.match(self.src, i)
        if match is None:
            self.emit("&")
            return i + 1
        name = match.group(1)
        if name.startswith("#"):
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            self.emit(chr(code) if 0 < code <= 0x10FFFF else "\ufffd")
        elif name in _NAMED:
            self.emit(_NAMED[name])
        else:
            self.emit(match.group(0))
        return match.end()

    def open_tag(self, i: int) -> int:
        name_match = re.compile(r"[^\s>]*").match(self.src, i + 1)
        name_end = name_match.end() if name_match else i + 1
        if name_end >= len(self.src):
            raise _fail(f"Unclosed start tag at byte offset {self.byte_offset(i)}")
        name = self.src[i + 1 : name_end].lower()
        if name not in _ALL_TAGS:
            raise _fail(f'Unsupported start tag "{name}" at byte offset {self.byte_offset(i)}')
        end = self.src.find(">", name_end)
        if end < 0:
            raise _fail(f"Unclosed start tag at byte offset {self.byte_offset(i)}")
        body = self.src[i + 1 : end]
        attrs = {}
        for match in _ATTR.finditer(body, len(name)):
            if match.group(0).strip():
                value = match.group(2) or match.group(3) or match.group(4) or ""
                attrs[match.group(1).lower()] = value
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _fail(f'Tag "span" must have class "tg-spoiler" at byte offset '
                        f"{self.byte_offset(i)}")
        self.stack.append(_Open(name, self.length, attrs))
        return end + 1

    def close_tag(self, i: int) -> int:
        if not self.stack:
            raise _fail(f"Unexpected end tag at byte offset {self.byte_offset(i)}")
        end = self.src.find(">", i)
        if end < 0:
            raise _fail(f"Unclosed end tag at byte offset {self.byte_offset(i)}")
        name = self.src[i + 2 : end].strip().lower()
        opened = self.stack.pop()
        if name and name != opened.tag:
            raise _fail(
                f"Unmatched end tag at byte offset {self.byte_offset(i)}, expected "
                f'"</{opened.tag}>", found "</{name}>"'
            )
        self.close(opened)
        return end + 1

    def close(self, opened: _Open) -> None:
        kind, extra = _entity_kind(opened)
        if kind == "code" and self.stack and self.stack[-1].tag == "pre":
            language = opened.attrs.get("class", "")
            if language.startswith("language-"):
                self.stack[-1].attrs["language"] = language.removeprefix("language-")
                return
        if self.length > opened.start:
            self.spans.append((opened.start, self.length, kind, extra))


def _entity_kind(opened: _Open) -> tuple[str, dict[str, Any]]:
    if opened.tag == "a":
        href = opened.attrs.get("href", "")
        user = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if user:
            return "text_mention", {"user": {"id": int(user.group(1)), "is_bot": False,
                                             "first_name": ""}}
        return "text_link", {"url": href}
    if opened.tag == "span":
        return "spoiler", {}
    if opened.tag == "tg-emoji":
        return "custom_emoji", {"custom_emoji_id": opened.attrs.get("emoji-id", "")}
    if opened.tag == "pre" and "language" in opened.attrs:
        return "pre", {"language": opened.attrs["language"]}
    if opened.tag == "blockquote" and "expandable" in opened.attrs:
        return "expandable_blockquote", {}
    return _SIMPLE_TAGS[opened.tag], {}


def parse_html(source: str) -> tuple[str, list[JsonDict]]:
    """Text without tags and its entities (UTF-16 offsets), or ``ApiError`` 400."""
    parser = _Parser(source)
    parser.run()
    text = "".join(parser.out)
    spans = sorted(parser.spans, key=lambda s: (s[0], -s[1]))
    return text, [make_entity(text, start, end, kind, **extra)
                  for start, end, kind, extra in spans]
