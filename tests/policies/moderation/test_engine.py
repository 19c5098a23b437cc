"""The engine end to end: each rule's hit and miss, exemptions, composition, never raising."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.blocklist import BlockEntry
from policies.moderation import ACTIONS, Decision, MemberHistory, ModerationEngine, RuleResult
from policies.patterns import PatternEntry
from policies.schema import BlockRule, Flood, Links, Moderation, NewMembers
from policies.types import LinkRef, MessageView, Sender
from tests.policies.moderation.factories import (
    CHAT,
    CLEAN,
    NEW,
    NOW,
    OLD,
    decided,
    engine,
    url,
    view,
)

BLOCK = Moderation(blocklist=[
    BlockRule(term="truffa", action="delete_and_warn"),
    BlockRule(regex=r"promo\d+", action="mute", duration=3600),
])
ALLOW = Moderation(links=Links(allow_domains=["caffeaurora.it", "t.me/caffeaurora"]))
ALL_LINKS = Moderation(links=Links(new_members_only=False))
LOCKS = Moderation(locks=["photo", "forward", "forward_channel", "as_channel"])
FLOOD = Moderation(flood=Flood(messages=6, seconds=10, action="mute", duration=600))


def recent(count: int, *, age: float = 1.0) -> MemberHistory:
    """An established member who wrote `count` messages `age` seconds apart before now."""
    return MemberHistory(first_seen=OLD.first_seen, message_count=120,
                         recent=tuple(NOW - age * (i + 1) for i in range(count)))


def hit(name: str, detail: str, action: str = "delete", duration: int | None = None) -> RuleResult:
    return RuleResult(name, detail, action, duration)


DELETED_LINK = decided("delete", hit("links", '"bit.ly"'), delete=True)
CASES = [
    # blocklist terms and regexes
    ("term-hit", BLOCK, view("Attenti, è una TRUFFA!"), OLD,
     decided("warn", hit("blocklist", '"truffa"', "delete_and_warn"), delete=True, warn=True)),
    ("term-miss-longer-word", BLOCK, view("un personaggio truffaldino"), OLD, CLEAN),
    ("regex-hit", BLOCK, view("usa il codice PROMO50 subito"), OLD,
     decided("mute", hit("regex", '"PROMO50"', "mute", 3600), duration=3600, delete=True)),
    ("regex-miss", BLOCK, view("la promo di oggi"), OLD, CLEAN),
    ("edited-message-checked", BLOCK, view("ora dico truffa", is_edit=True), OLD,
     decided("warn", hit("blocklist", '"truffa"', "delete_and_warn"), delete=True, warn=True)),
    ("quoted-text-checked", BLOCK, view("vero!", extra_texts=("che truffa",)), OLD,
     decided("warn", hit("blocklist", '"truffa"', "delete_and_warn"), delete=True, warn=True)),
    # links: new members only by default
    ("link-new-member", None, view("guarda", links=url("https://bit.ly/abc")), NEW, DELETED_LINK),
    ("link-old-member", None, view("guarda", links=url("https://bit.ly/abc")), OLD, CLEAN),
    ("link-within-first-messages", None, view("x", links=url("bit.ly/a")),
     MemberHistory(first_seen=NOW - 90 * 86400, message_count=2), DELETED_LINK),
    ("link-unknown-join-after-n-messages", None, view("x", links=url("bit.ly/a")),
     MemberHistory(first_seen=None, message_count=3), CLEAN),
    ("link-everyone", ALL_LINKS, view("x", links=url("https://bit.ly/abc")), OLD, DELETED_LINK),
    ("allowed-domain", ALLOW, view("x", links=url("https://caffeaurora.it/shop")), NEW, CLEAN),
    ("allowed-subdomain", ALLOW, view("x", links=url("https://shop.caffeaurora.it")), NEW, CLEAN),
    ("lookalike-domain", ALLOW, view("x", links=url("http://caffeaurora.it.evil.io/a")), NEW,
     decided("delete", hit("links", '"caffeaurora.it.evil.io"'), delete=True)),
    ("suffix-is-not-subdomain", ALLOW, view("x", links=url("notcaffeaurora.it")), NEW,
     decided("delete", hit("links", '"notcaffeaurora.it"'), delete=True)),
    ("allowed-channel", ALLOW, view("x", links=url("https://t.me/caffeaurora/12")), NEW, CLEAN),
    ("own-chat-link", None, view("x", links=url("t.me/caffeaurora_chat")), NEW, CLEAN),
    ("text-link-hidden-url", None,
     view("clicca qui", links=url("https://promo.example/x", "text_link")), NEW,
     decided("delete", hit("links", '"promo.example"'), delete=True)),
    ("button-url", None, view("", links=url("https://promo.example", "button")), NEW,
     decided("delete", hit("links", '"promo.example"'), delete=True)),
    ("bare-url-without-entity", None, view("vai su https://promo.example/x ora"), NEW,
     decided("delete", hit("links", '"promo.example"'), delete=True)),
    ("mention-new-member", None, view("segui @pumpsignals", links=url("@pumpsignals", "mention")),
     NEW, decided("delete", hit("links", '"@pumpsignals"'), delete=True)),
    ("mention-old-member", ALL_LINKS, view("@mario", links=url("@mario", "mention")), OLD, CLEAN),
    ("mention-own-chat", None, view("x", links=url("@caffeaurora_chat", "mention")), NEW, CLEAN),
    ("text-mention-not-link", None, view("Mario", links=url("Mario", "text_mention")), NEW, CLEAN),
    # invites: from anyone
    ("invite-plus", None, view("entra", links=url("https://t.me/+AbCdEf123")), OLD,
     decided("delete", hit("invite", '"t.me/+AbCdEf123"'), delete=True)),
    ("invite-joinchat-telegram-me", None, view("telegram.me/joinchat/XyZ987 entra"), OLD,
     decided("delete", hit("invite", '"t.me/joinchat/XyZ987"'), delete=True)),
    ("invite-tg-scheme-button", None, view("", links=url("tg://join?invite=Qw12", "button")), OLD,
     decided("delete", hit("invite", '"t.me/+Qw12"'), delete=True)),
    ("invites-allowed", Moderation(links=Links(block_invites=False)),
     view("x", links=url("t.me/+AbC")), OLD, CLEAN),
    # locks, as-channel, custom emoji, quiet period
    ("lock-photo", LOCKS, view("", media=("photo",)), OLD,
     decided("delete", hit("lock", '"photo"'), delete=True)),
    ("lock-other-media", LOCKS, view("", media=("video",)), OLD, CLEAN),
    ("lock-forward", LOCKS, view("fw", is_forward=True), OLD,
     decided("delete", hit("lock", '"forward"'), delete=True)),
    ("lock-forward-channel", LOCKS, view("fw", is_forward=True, forward_from_channel=True), OLD,
     decided("delete", hit("lock", '"forward_channel"'), delete=True)),
    ("as-channel-locked", LOCKS, view("ciao", sender=Sender(136817688, "Channel"),
                                      sender_chat_id=-100777), OLD,
     decided("delete", hit("as_channel", "-100777"), delete=True)),
    ("as-channel-unlocked", None, view("ciao", sender=Sender(136817688, "Channel"),
                                       sender_chat_id=-100777), OLD, CLEAN),
    ("custom-emoji-over-limit", None, view("✨", custom_emoji=11), OLD,
     decided("delete", hit("custom_emoji", "11>10"), delete=True)),
    ("custom-emoji-at-limit", None, view("✨", custom_emoji=10), OLD, CLEAN),
    ("quiet-period-media", None, view("", media=("photo",)), NEW,
     decided("delete", hit("quiet_period", '"photo"'), delete=True)),
    ("quiet-period-forward", None, view("fw", is_forward=True), NEW,
     decided("delete", hit("quiet_period", '"forward"'), delete=True)),
    ("quiet-period-over", None, view("", media=("photo",)),
     MemberHistory(first_seen=NOW - 86400, message_count=1), CLEAN),
    ("quiet-period-text-ok", None, view("ciao a tutti"), NEW, CLEAN),
    # flood and repeats
    ("flood-at-threshold", FLOOD, view("a"), recent(5),
     decided("mute", hit("flood", "6/10s", "mute", 600), duration=600, delete=True)),
    ("flood-one-below", FLOOD, view("a"), recent(4), CLEAN),
    ("flood-old-messages-ignored", FLOOD, view("a"), recent(5, age=2.5), CLEAN),
    ("flood-not-on-edits", FLOOD, view("a", is_edit=True), recent(9), CLEAN),
    ("repeat-across-chats", None, view("offerta imperdibile"),
     MemberHistory(first_seen=OLD.first_seen, message_count=120, repeats_across_chats=2),
     decided("mute", hit("repeat", "3 chats", "mute", 600), duration=600, delete=True)),
    ("repeat-below", None, view("offerta imperdibile"),
     MemberHistory(first_seen=OLD.first_seen, message_count=120, repeats_across_chats=1), CLEAN),
    # composition: most severe action wins, every reason kept in order
    ("several-reasons", BLOCK, view("truffa"), recent(5),
     decided("mute", hit("blocklist", '"truffa"', "delete_and_warn"),
             hit("flood", "6/10s", "mute", 600), duration=600, delete=True, warn=True)),
]


@pytest.mark.parametrize(
    ("moderation", "message", "history", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rules(
    moderation: Moderation | None, message: MessageView, history: MemberHistory,
    expected: Decision,
) -> None:
    assert engine(moderation).evaluate(message, history, NOW) == expected


ADMIN = MemberHistory(first_seen=OLD.first_seen, message_count=120, is_admin=True)
TRUSTED = MemberHistory(first_seen=NOW - 60, message_count=0, trusted=True,
                        recent=tuple(NOW - i for i in range(1, 6)))
SPAMMY = "truffa https://bit.ly/x"
EXEMPT = [
    ("admin", view(SPAMMY, links=url("bit.ly/x")), ADMIN, Decision.none()),
    ("trusted-skips-content", view(SPAMMY, links=url("bit.ly/x")),
     MemberHistory(first_seen=NOW - 60, trusted=True), Decision.none()),
    ("trusted-still-flood", view("a"), TRUSTED,
     decided("mute", hit("flood", "6/10s", "mute", 600), duration=600, delete=True, score=None)),
    ("anonymous-admin", view(SPAMMY, sender=Sender(1087968824, "Group"), sender_chat_id=CHAT),
     NEW, Decision.none()),
    ("linked-channel-posting", view(SPAMMY, sender=Sender(136817688, "Channel"),
                                    sender_chat_id=-100555), NEW, Decision.none()),
    ("automatic-forward", view(SPAMMY, sender=Sender(777000, "Telegram"), sender_chat_id=-100555,
                               is_automatic_forward=True), NEW, Decision.none()),
    ("telegram-service-id", view(SPAMMY, sender=Sender(777000, "Telegram")), NEW,
     Decision.none()),
    ("group-anonymous-bot-id", view(SPAMMY, sender=Sender(1087968824, "Group")), NEW,
     Decision.none()),
    ("channel-bot-id", view(SPAMMY, sender=Sender(136817688, "Channel")), NEW, Decision.none()),
    ("no-sender", view(SPAMMY, sender=None), NEW, Decision.none()),
]


@pytest.mark.parametrize(
    ("message", "history", "expected"), [case[1:] for case in EXEMPT],
    ids=[case[0] for case in EXEMPT],
)
def test_exemptions(message: MessageView, history: MemberHistory, expected: Decision) -> None:
    moderation = Moderation(blocklist=[BlockRule(term="truffa")], locks=["as_channel"])
    built = engine(moderation, linked_chat_id=-100555)
    assert built.evaluate(message, history, NOW) == expected


TERMS = Moderation(blocklist=[BlockRule(term=t) for t in ("scam", "truffa", "casino", "ass")])
EVASIONS = [
    ("plain", "this is a scam", '"scam"'),
    ("cyrillic-homoglyph", "una truff\u0430 vera", '"truffa"'),
    ("zero-width", "big sc\u200bam here", '"scam"'),
    ("leetspeak", "best c4s1n0 online", '"casino"'),
    ("stretched", "SCAAAAAM!!!", '"scam"'),
    ("spaced", "it is a s c a m", '"scam"'),
    ("dotted", "s.c.a.m alert", '"scam"'),
    ("fullwidth", "\uff53\uff43\uff41\uff4d", '"scam"'),
    ("math-bold", "\U0001d42c\U0001d41c\U0001d41a\U0001d426", '"scam"'),
    ("scunthorpe-scampi", "scampi fritti", None),
    ("scunthorpe-classic", "a classic assessment", None),
    ("scunthorpe-casinistico", "un traffico casinistico", None),
    ("scunthorpe-truffaldino", "Truffaldino è una maschera", None),
]


@pytest.mark.parametrize(("text", "detail"), [c[1:] for c in EVASIONS],
                         ids=[c[0] for c in EVASIONS])
def test_evasions_through_engine(text: str, detail: str | None) -> None:
    expected = CLEAN if detail is None else decided("delete", hit("blocklist", detail),
                                                    delete=True)
    assert engine(TERMS).evaluate(view(text), OLD, NOW) == expected


def test_chat_level_terms_locks_and_patterns() -> None:
    built = engine(
        Moderation(locks=["photo"]),
        extra_terms=[BlockEntry("spoiler", "delete", None, "chat:1")],
        extra_patterns=[PatternEntry(r"wa\.me/\d+", "ban", None, "chat:2")],
        locks=["sticker"],
    )
    results = [
        built.evaluate(view("no spoiler please"), OLD, NOW),
        built.evaluate(view("wa.me/39333"), OLD, NOW),
        built.evaluate(view("", media=("sticker",)), OLD, NOW),
        built.evaluate(view("", media=("photo",)), OLD, NOW),
    ]
    assert results == [
        decided("delete", hit("blocklist", '"spoiler"'), delete=True),
        decided("ban", hit("regex", '"wa.me/39333"', "ban"), delete=True),
        decided("delete", hit("lock", '"sticker"'), delete=True),
        CLEAN,
    ]


def test_quiet_period_uses_policy_length() -> None:
    short = engine(Moderation(new_members=NewMembers(quiet_period=600, first_messages=0)))
    joined = MemberHistory(first_seen=NOW - 601, message_count=0)
    assert short.evaluate(view("", media=("photo",)), joined, NOW) == CLEAN


ROBUST = ModerationEngine.build(Moderation(
    blocklist=[BlockRule(term="truffa"), BlockRule(regex=r"t\.me/\+\w+", action="ban")],
    locks=["photo", "forward", "as_channel", "custom_emoji"],
))
link_refs = st.builds(
    LinkRef,
    kind=st.sampled_from(["url", "text_link", "mention", "text_mention", "button", "odd"]),
    target=st.one_of(st.text(max_size=60), st.sampled_from(
        ["http://[::1", "tg://join?invite=", "https://t.me/+", "t.me/joinchat", "@", "www."])),
)
views = st.builds(
    MessageView,
    chat_id=st.just(CHAT),
    chat_type=st.just("supergroup"),
    message_id=st.integers(1, 10),
    text=st.text(max_size=300),
    sender=st.one_of(st.none(), st.builds(Sender, st.integers(-(2**40), 2**40), st.text())),
    sender_chat_id=st.one_of(st.none(), st.integers(-(2**40), 0)),
    is_edit=st.booleans(),
    is_forward=st.booleans(),
    forward_from_channel=st.booleans(),
    is_automatic_forward=st.booleans(),
    media=st.lists(st.sampled_from(["photo", "sticker", "video", "weird"]), max_size=3).map(tuple),
    links=st.lists(link_refs, max_size=4).map(tuple),
    mentions=st.integers(0, 50),
    custom_emoji=st.integers(0, 50),
    chat_username=st.one_of(st.none(), st.text(max_size=20)),
    extra_texts=st.lists(st.text(max_size=50), max_size=2).map(tuple),
)
histories = st.builds(
    MemberHistory,
    first_seen=st.one_of(st.none(), st.floats(0, NOW * 2)),
    message_count=st.integers(0, 1000),
    trusted=st.booleans(),
    recent=st.lists(st.floats(0, NOW * 2), max_size=20).map(tuple),
    repeats_across_chats=st.integers(0, 10),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=views, history=histories)
def test_evaluate_never_raises(message: MessageView, history: MemberHistory) -> None:
    decision = ROBUST.evaluate(message, history, NOW)
    assert decision.action in ACTIONS
    assert decision.spam_score is None or 0.0 <= decision.spam_score <= 1.0
    assert (decision.action == "none") == (decision.reasons == ())
