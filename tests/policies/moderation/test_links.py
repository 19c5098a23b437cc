"""Link parsing and the allow list, including malformed targets."""

from __future__ import annotations

import pytest

from policies.moderation.links import AllowList, FoundLink, find_links
from policies.types import LinkRef

PARSE = [
    ("scheme-case-www", [LinkRef("url", "HTTP://WWW.Bit.LY/Abc")], "",
     (FoundLink("url", "bit.ly", "/Abc", "bit.ly", False),)),
    ("no-scheme-port-userinfo", [LinkRef("text_link", "user:pw@shop.example:8080/x")], "",
     (FoundLink("text_link", "shop.example", "/x", "shop.example", False),)),
    ("telegram-dog-invite", [LinkRef("button", "https://telegram.dog/+Zz9")], "",
     (FoundLink("button", "t.me", "/+Zz9", "t.me/+Zz9", True),)),
    ("tg-resolve", [LinkRef("button", "tg://resolve?domain=promo")], "",
     (FoundLink("button", "t.me", "/promo", "t.me/promo", False),)),
    ("tg-user-is-not-a-link", [LinkRef("button", "tg://user?id=5")], "", ()),
    ("broken-ipv6", [LinkRef("url", "http://[::1")], "", ()),
    ("empty-mention", [LinkRef("mention", "@")], "", ()),
    ("text-fallback-deduplicated", [LinkRef("url", "https://bit.ly/a")],
     "see https://bit.ly/a and www.other.example.",
     (FoundLink("url", "bit.ly", "/a", "bit.ly", False),
      FoundLink("text", "other.example", "", "other.example", False))),
]


@pytest.mark.parametrize(("refs", "text", "expected"), [c[1:] for c in PARSE],
                         ids=[c[0] for c in PARSE])
def test_find_links(refs: list[LinkRef], text: str, expected: tuple[FoundLink, ...]) -> None:
    assert find_links(refs, text) == expected


ALLOW = AllowList(["CaffeAurora.it", "https://t.me/AuroraNews", "@aurora_bot", "t.me/+Own1"])
ALLOWS = [
    ("domain", "url", "https://caffeaurora.it/x", True),
    ("deep-subdomain", "url", "a.b.caffeaurora.it", True),
    ("other-domain", "url", "caffeaurora.com", False),
    ("channel-by-link", "url", "t.me/auroranews/5", True),
    ("channel-by-mention", "mention", "@AuroraNews", True),
    ("bot-mention", "mention", "@aurora_bot", True),
    ("other-channel", "url", "t.me/pumps", False),
    ("own-invite", "url", "t.me/+Own1", True),
    ("other-invite", "url", "t.me/+Other", False),
]


@pytest.mark.parametrize(("kind", "target", "allowed"), [c[1:] for c in ALLOWS],
                         ids=[c[0] for c in ALLOWS])
def test_allow_list(kind: str, target: str, allowed: bool) -> None:
    (link,) = find_links([LinkRef(kind, target)], "")
    assert ALLOW.allows(link) is allowed
