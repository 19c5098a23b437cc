"""Single moderation checks: each looks at one thing and names what it saw, or returns None.

Checks never decide exemptions (who is an admin, which messages are the brand's own): the
engine does that once. Every hit carries the policy's action so the engine only composes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from policies.blocklist import Blocklist
from policies.moderation.links import AllowList, FoundLink
from policies.moderation.types import SEVERITY, MemberHistory, RuleResult, decision_action
from policies.normalise import Normalised
from policies.patterns import PatternSet
from policies.schema import Flood, Links, NewMembers, Spam
from policies.types import MessageView

DETAIL_MAX = 40
MEDIA_LOCKS = frozenset({
    "sticker", "animation", "voice", "video_note", "document", "photo", "video", "audio",
    "poll", "contact", "location", "game", "inline_bot",
})


def quoted(text: str) -> str:
    """A detail quoting what matched, cut to a readable length: '"bit.ly"'."""
    clean = " ".join(text.split())
    return f'"{clean[:DETAIL_MAX]}{"…" if len(clean) > DETAIL_MAX else ""}"'


def _most_severe(results: Iterable[RuleResult]) -> RuleResult | None:
    """The first of the most severe results (stable, so reasons are deterministic)."""
    best: RuleResult | None = None
    for result in results:
        if best is None or (
            SEVERITY[decision_action(result.action)] > SEVERITY[decision_action(best.action)]
        ):
            best = result
    return best


def is_new_member(history: MemberHistory, config: NewMembers, now: float) -> bool:
    """New = joined less than `quiet_period` ago, or still within the first N messages."""
    return history.message_count < config.first_messages or in_quiet_period(
        history, config, now
    )


def in_quiet_period(history: MemberHistory, config: NewMembers, now: float) -> bool:
    """Within `quiet_period` of joining; with no join time, within the first N messages."""
    if history.first_seen is None:
        return history.message_count < config.first_messages
    return now - history.first_seen < config.quiet_period


def check_blocklist(blocklist: Blocklist, text: Normalised) -> RuleResult | None:
    """A listed word or phrase, however disguised (see policies.normalise)."""
    hits = blocklist.find(text)
    return _most_severe(
        RuleResult("blocklist", quoted(hit.matched), hit.entry.action, hit.entry.duration_s)
        for hit in hits
    )


def check_regexes(patterns: PatternSet, text: Normalised) -> RuleResult | None:
    """A manager's regex on the visible or the folded text (RE2, linear time)."""
    hits = patterns.find(text)
    return _most_severe(
        RuleResult("regex", quoted(hit.matched), hit.entry.action, hit.entry.duration_s)
        for hit in hits
    )


def check_invites(
    links: Sequence[FoundLink], allow: AllowList, config: Links, own: str | None = None
) -> RuleResult | None:
    """An invite to another Telegram chat, from anyone: the classic raid and spam lure."""
    if not config.block_invites:
        return None
    for link in links:
        if link.invite and not allow.allows(link, own):
            return RuleResult("invite", quoted(link.shown), config.action)
    return None


def check_links(
    links: Sequence[FoundLink],
    allow: AllowList,
    config: Links,
    *,
    is_new: bool,
    own: str | None = None,
) -> RuleResult | None:
    """A link outside the allow list (text, hidden text_link or button URL).

    With `new_members_only`, only new members are checked. An @mention counts as a link
    only for new members, since established members mention each other all the time.
    """
    if not config.enabled or (config.new_members_only and not is_new):
        return None
    for link in links:
        if link.invite or allow.allows(link, own) or (link.kind == "mention" and not is_new):
            continue
        return RuleResult("links", quoted(link.shown), config.action)
    return None


def check_locks(view: MessageView, locks: frozenset[str]) -> RuleResult | None:
    """A locked kind of content: a media kind, any forward, or a forward from a channel."""
    if not locks:
        return None
    for kind in view.media:
        if kind in locks and kind in MEDIA_LOCKS:
            return RuleResult("lock", quoted(kind), "delete")
    if view.forward_from_channel and "forward_channel" in locks:
        return RuleResult("lock", quoted("forward_channel"), "delete")
    if view.is_forward and "forward" in locks:
        return RuleResult("lock", quoted("forward"), "delete")
    if view.custom_emoji and "custom_emoji" in locks:
        return RuleResult("lock", quoted("custom_emoji"), "delete")
    return None


def check_as_channel(
    view: MessageView, locks: frozenset[str], linked_chat_id: int | None
) -> RuleResult | None:
    """Posting as some channel, when locked; the chat itself and its linked channel may."""
    sender_chat = view.sender_chat_id
    if "as_channel" not in locks or sender_chat is None or view.is_automatic_forward:
        return None
    if sender_chat in (view.chat_id, linked_chat_id):
        return None
    return RuleResult("as_channel", str(sender_chat), "delete")


def check_custom_emoji(view: MessageView, limit: int) -> RuleResult | None:
    """More premium custom emoji than the community allows (they can spell out text)."""
    if view.custom_emoji <= limit:
        return None
    return RuleResult("custom_emoji", f"{view.custom_emoji}>{limit}", "delete")


def check_quiet_period(view: MessageView, *, quiet: bool) -> RuleResult | None:
    """New members may only write text during their quiet period: no media, no forwards."""
    if not quiet:
        return None
    if view.media:
        return RuleResult("quiet_period", quoted(view.media[0]), "delete")
    if view.is_forward:
        return RuleResult("quiet_period", quoted("forward"), "delete")
    return None


def check_flood(history: MemberHistory, config: Flood, now: float) -> RuleResult | None:
    """N messages within S seconds, counting this one."""
    since = now - config.seconds
    count = 1 + sum(1 for stamp in history.recent if since < stamp <= now)
    if count < config.messages:
        return None
    return RuleResult("flood", f"{count}/{config.seconds}s", config.action, config.duration)


def check_repeats(history: MemberHistory, config: Flood) -> RuleResult | None:
    """The same text sent to several of the brand's chats within the flood window."""
    chats = history.repeats_across_chats + 1
    if chats < config.repeats_across_chats:
        return None
    return RuleResult("repeat", f"{chats} chats", config.action, config.duration)


def check_spam(score: float, config: Spam) -> RuleResult | None:
    """Spam score at the threshold: the spam action; in the grey zone: team review."""
    if score >= config.threshold:
        return RuleResult("spam", f"{score:.2f}", config.action)
    if score >= config.review_threshold:
        return RuleResult("spam", f"{score:.2f}", "review")
    return None
