"""Entities the way Telegram computes them: auto-detected, with UTF-16 offsets.

Telegram measures entity offsets and lengths in UTF-16 code units, so an emoji outside the
Basic Multilingual Plane counts two. Detecting ``url``/``mention``/``bot_command`` here lets
tests send plain text and still get the entities a real client message carries.
"""

from __future__ import annotations

import re
from typing import Any

JsonDict = dict[str, Any]

_COMMON_TLDS = frozenset(
    ["com", "net", "org", "info", "biz", "io", "me", "app", "dev", "co", "uk", "de", "fr", "es", "it", "ru", "eu", "us", "ch", "nl", "be", "at", "pl", "br", "in", "jp", "cn", "shop", "site", "online", "store", "top", "click", "link", "live", "news", "tv", "ly", "gg", "ai", "xyz", "pro", "club", "fun", "space", "website", "tech", "one", "cc", "to", "su", "ua", "kz", "by"]
)
_COMMAND = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,32}(?![\w@])")
_HASHTAG = re.compile(r"(?<![\w#])#\w{0,255}[^\W\d]\w{0,255}")
_CASHTAG = re.compile(r"(?<![\w$])\$[A-Z]{1,8}(?![\w$])")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b")
_URL = re.compile(
    r"(?<![\w@.])(?P<scheme>(?:https?|tg|ftp)://)?"
    r"(?P<host>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?P<tld>[A-Za-z]{2,24}))"
    r"(?::\d{1,5})?(?:[/?#][^\s]*)?",
)
_TRAILING = ".,;:!?)]}'\"»"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, Telegram's unit for offsets and lengths."""
    return len(text.encode("utf-16-le")) // 2


def utf16_offset(text: str, index: int) -> int:
    """UTF-16 position of the character at Python index ``index``."""
    return utf16_len(text[:index])


def make_entity(text: str, start: int, end: int, kind: str, **extra: Any) -> JsonDict:
    """An entity for ``text[start:end]`` with Telegram's UTF-16 offset and length."""
    offset = utf16_offset(text, start)
    entity: JsonDict = {"type": kind, "offset": offset,
                        "length": utf16_offset(text, end) - offset}
    entity.update(extra)
    return entity


def _url_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _URL.finditer(text):
        if not match.group("scheme") and match.group("tld").lower() not in _COMMON_TLDS:
            continue
        end = match.end()
        while end > match.start() and text[end - 1] in _TRAILING:
            end -= 1
        spans.append((match.start(), end))
    return spans


def detect_entities(text: str) -> list[JsonDict]:
    """Entities a Telegram client would attach to ``text`` (sorted by offset).

    Emails win over URLs and mentions inside them; commands, mentions, hashtags and cashtags
    never overlap a URL, as in Telegram where a link swallows what it contains.
    """
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, kind: str) -> None:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            return
        found.append((start, end, kind))
        taken.append((start, end))

    for match in _EMAIL.finditer(text):
        add(match.start(), match.end(), "email")
    for start, end in _url_spans(text):
        add(start, end, "url")
    for pattern, kind in ((_COMMAND, "bot_command"), (_MENTION, "mention"),
                          (_HASHTAG, "hashtag"), (_CASHTAG, "cashtag")):
        for match in pattern.finditer(text):
            add(match.start(), match.end(), kind)
    found.sort()
    return [make_entity(text, start, end, kind) for start, end, kind in found]


def merge_entities(explicit: list[JsonDict], detected: list[JsonDict]) -> list[JsonDict]:
    """Explicit (parsed) entities plus detected ones that do not overlap them."""
    def overlaps(entity: JsonDict) -> bool:
        start, end = entity["offset"], entity["offset"] + entity["length"]
        return any(e["offset"] < end and start < e["offset"] + e["length"] for e in explicit)

    merged = list(explicit) + [e for e in detected if not overlaps(e)]
    return sorted(merged, key=lambda e: (e["offset"], -e["length"]))
