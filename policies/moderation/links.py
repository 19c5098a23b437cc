"""Links a message carries, wherever they hide, and whether the community allows them.

Spammers hide URLs where a reader does not see them: behind a `text_link`, in an inline button,
as a bare ``t.me/+invite``. The handler lists entity links (`LinkRef`); this module turns each
into a host and path, recognises Telegram invite links in all their spellings, and matches the
policy's allow list (a domain covers its subdomains; ``t.me/name`` and ``@name`` allow one
Telegram channel). Plain-text URLs that arrived without an entity are found as a fallback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from policies.types import LinkRef

TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})
_TEXT_URL_RE = re.compile(
    r"(?:https?://|www\.|\b(?:t|telegram)\.(?:me|dog)/)[^\s<>\"'()]+", re.IGNORECASE
)
_SHOWN_MAX = 40


@dataclass(frozen=True, slots=True)
class FoundLink:
    """One link or external mention, reduced to what the rules compare.

    Attributes:
        kind: where it came from: url, text_link, button, mention, text (plain-text fallback).
        host: lowercase host without "www." ("t.me" for every Telegram host); "" for mentions.
        path: the path, as written ("/+AbCd", "/joinchat/xyz", "/channel"); "" if none.
        shown: what a moderator reads in the reason ("bit.ly", "t.me/+AbCd", "@promo").
        invite: a Telegram invite link to some other chat.
    """

    kind: str
    host: str
    path: str
    shown: str
    invite: bool


def _split(target: str) -> tuple[str, str] | None:
    """(host, path) of a URL written with or without a scheme; None if it has no host."""
    text = target.strip()
    if text.lower().startswith("tg://"):
        return _split_tg(text)
    if "://" not in text[:16]:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        return None
    host = host.casefold().rstrip(".").removeprefix("www.")
    if not host:
        return None
    if host in TELEGRAM_HOSTS:
        host = "t.me"
    return host, parts.path


def _split_tg(text: str) -> tuple[str, str] | None:
    """Telegram's own scheme: tg://join?invite=X is an invite, tg://resolve?domain=X a chat."""
    try:
        parts = urlsplit(text)
        query = parse_qs(parts.query)
    except ValueError:
        return None
    if parts.netloc.lower() == "join" and query.get("invite"):
        return "t.me", "/+" + query["invite"][0]
    if parts.netloc.lower() == "resolve" and query.get("domain"):
        return "t.me", "/" + query["domain"][0]
    return None


def _is_invite(host: str, path: str) -> bool:
    return host == "t.me" and (path.startswith("/+") or path.lower().startswith("/joinchat"))


def _shown(host: str, path: str) -> str:
    if host != "t.me":
        return host
    segments = path.split("/")
    first = "/".join(segments[:3]) if path.lower().startswith("/joinchat") else "/".join(
        segments[:2]
    )
    return f"t.me{first}"[:_SHOWN_MAX]


def _link(kind: str, target: str) -> FoundLink | None:
    if kind == "mention":
        name = target.strip().lstrip("@").casefold()
        return FoundLink("mention", "", "", f"@{name}"[:_SHOWN_MAX], False) if name else None
    split = _split(target)
    if split is None:
        return None
    host, path = split
    return FoundLink(kind, host, path, _shown(host, path), _is_invite(host, path))


def find_links(refs: Iterable[LinkRef], text: str) -> tuple[FoundLink, ...]:
    """Every link and external mention: entity links first, then bare URLs in the text.

    `text_mention` (a member picked from the list, no username) is not a link and is skipped.
    """
    found: list[FoundLink] = []
    seen: set[tuple[str, str]] = set()
    for ref in refs:
        if ref.kind not in ("url", "text_link", "button", "mention"):
            continue
        link = _link(ref.kind, ref.target)
        if link is not None:
            found.append(link)
            seen.add((link.host, link.path.lower()))
    if "." in text:
        for match in _TEXT_URL_RE.finditer(text):
            link = _link("text", match.group().rstrip(".,;:!?"))
            if link is not None and (link.host, link.path.lower()) not in seen:
                found.append(link)
                seen.add((link.host, link.path.lower()))
    return tuple(found)


class AllowList:
    """The links a community accepts from anyone: its domains, its channels, its own chat."""

    __slots__ = ("_channels", "_domains")

    def __init__(self, entries: Iterable[str]) -> None:
        domains: set[str] = set()
        channels: set[str] = set()
        for raw in entries:
            entry = raw.strip().casefold()
            if entry.startswith("@"):
                channels.add(entry[1:])
                continue
            split = _split(entry)
            if split is None:
                continue
            host, path = split
            if host == "t.me" and path.strip("/"):
                channels.add(path.strip("/").split("/")[0])
            else:
                domains.add(host)
        self._domains = frozenset(domains)
        self._channels = frozenset(channels)

    def allows(self, link: FoundLink, own_username: str | None = None) -> bool:
        """True if the link points to an allowed domain (or subdomain) or channel.

        `own_username` is the chat's public username: links to the chat itself are fine.
        """
        own = own_username.casefold().lstrip("@") if own_username else None
        if link.kind == "mention":
            return link.shown[1:] in self._channels or link.shown[1:] == own
        if link.host == "t.me":
            if "t.me" in self._domains and not link.invite:
                return True
            channel = link.path.strip("/").split("/")[0].casefold()
            return channel in self._channels or channel == own
        host = link.host
        while True:
            if host in self._domains:
                return True
            if "." not in host:
                return False
            host = host.split(".", 1)[1]
