"""The moderation engine: one message and the sender's history in, one `Decision` out.

Compiled once per policy (blocklist automaton, RE2 set, allow list, spam model) so that
`evaluate` stays cheap on every message. It is pure: time is an argument, nothing is stored,
and dry-run mode is the handler's business (the decision is the same either way, so /why can
show what would have happened).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from weakref import WeakValueDictionary

from policies.blocklist import BlockEntry, Blocklist
from policies.moderation import rules
from policies.moderation.bayes import SpamModel
from policies.moderation.links import AllowList, FoundLink, find_links
from policies.moderation.spam import MessageSignals, SpamScorer, SpamWeights, explain
from policies.moderation.types import Decision, MemberHistory, RuleResult
from policies.normalise import Normalised, normalise
from policies.patterns import PatternEntry, PatternSet
from policies.schema import Moderation, Warnings
from policies.types import MessageView

TELEGRAM_SERVICE_IDS = frozenset({777000, 1087968824, 136817688})
"""Telegram (channel auto-forwards), GroupAnonymousBot and Channel_Bot: never acted on."""

_BLOCKLISTS: WeakValueDictionary[tuple[BlockEntry, ...], Blocklist] = WeakValueDictionary()
_PATTERNS: WeakValueDictionary[tuple[PatternEntry, ...], PatternSet] = WeakValueDictionary()
"""Compiled lists by content, while some engine uses them: chats whose rules differ in
anything but the lists (a community that only overrides its link rules) share the same
automata and RE2 set instead of compiling megabytes of copies."""


def _blocklist(entries: tuple[BlockEntry, ...]) -> Blocklist:
    found = _BLOCKLISTS.get(entries)
    if found is None:
        found = Blocklist.build(entries)
        _BLOCKLISTS[found.terms()] = found  # keyed by its own tuple: no second copy
    return found


def _patterns(entries: tuple[PatternEntry, ...]) -> PatternSet:
    found = _PATTERNS.get(entries)
    if found is None:
        found = PatternSet.build(entries)
        _PATTERNS[found.entries()] = found
    return found


def _policy_entries(
    moderation: Moderation,
) -> tuple[list[BlockEntry], list[PatternEntry]]:
    terms: list[BlockEntry] = []
    patterns: list[PatternEntry] = []
    for index, rule in enumerate(moderation.blocklist):
        entry_id = f"policy:{index}"
        if rule.term is not None:
            terms.append(BlockEntry(rule.term, rule.action, rule.duration, entry_id))
        elif rule.regex is not None:
            patterns.append(PatternEntry(rule.regex, rule.action, rule.duration, entry_id))
    return terms, patterns


class ModerationEngine:
    """Evaluates messages against one chat's effective moderation policy. Immutable."""

    __slots__ = ("_allow", "_blocklist", "_linked", "_locks", "_patterns", "_policy", "_scorer")

    def __init__(
        self,
        policy: Moderation,
        blocklist: Blocklist,
        patterns: PatternSet,
        locks: frozenset[str],
        scorer: SpamScorer,
        linked_chat_id: int | None,
    ) -> None:
        self._policy = policy
        self._blocklist = blocklist
        self._patterns = patterns
        self._locks = locks
        self._scorer = scorer
        self._linked = linked_chat_id
        self._allow = AllowList(policy.links.allow_domains)

    @classmethod
    def build(
        cls,
        moderation: Moderation,
        *,
        extra_terms: Iterable[BlockEntry] = (),
        extra_patterns: Iterable[PatternEntry] = (),
        locks: Iterable[str] | None = None,
        spam_model: SpamModel | None = None,
        spam_weights: SpamWeights | None = None,
        linked_chat_id: int | None = None,
    ) -> ModerationEngine:
        """Compile a chat's policy plus the terms and regexes managers added by command.

        Args:
            moderation: the chat's effective `moderation` section.
            extra_terms / extra_patterns: chat-level blocklist entries (ids must differ from
                "policy:N", which the file's entries use).
            locks: chat-level locks replacing the file's list; None keeps the file's.
            spam_model: the learned model; None uses the shipped starter corpus.
            linked_chat_id: the channel linked to this discussion group; it posts freely.

        Raises:
            PatternError: a regex is not valid RE2 (the message names it).
            ValueError: a blocklist term is empty or two entries share an id.
        """
        terms, patterns = _policy_entries(moderation)
        return cls(
            moderation,
            _blocklist((*terms, *extra_terms)),
            _patterns((*patterns, *extra_patterns)),
            frozenset(moderation.locks if locks is None else locks),
            SpamScorer(spam_model if spam_model is not None else SpamModel.starter(),
                       spam_weights),
            linked_chat_id,
        )

    def with_spam_model(self, model: SpamModel) -> ModerationEngine:
        """The same engine with a retrained spam model (blocklist and regexes are reused)."""
        return ModerationEngine(
            self._policy, self._blocklist, self._patterns, self._locks,
            self._scorer.with_model(model), self._linked,
        )

    @property
    def scorer(self) -> SpamScorer:
        return self._scorer

    def evaluate(self, view: MessageView, history: MemberHistory, now: float) -> Decision:
        """Decide what to do with one message (new or edited) at time `now`."""
        if self._exempt(view, history):
            return Decision.none()
        flood = None if view.is_edit else rules.check_flood(history, self._policy.flood, now)
        if history.trusted:
            return Decision.from_reasons([flood] if flood else [])
        return self._content(view, history, now, flood)

    def _exempt(self, view: MessageView, history: MemberHistory) -> bool:
        """Admins, the chat itself (anonymous admins), the brand's channel and Telegram."""
        if history.is_admin or view.is_automatic_forward:
            return True
        sender_chat = view.sender_chat_id
        if sender_chat is not None:
            return sender_chat in (view.chat_id, self._linked)
        return view.sender is None or view.sender.user_id in TELEGRAM_SERVICE_IDS

    def _content(
        self, view: MessageView, history: MemberHistory, now: float, flood: RuleResult | None
    ) -> Decision:
        policy = self._policy
        text, links, is_new = self._read(view, history, now)
        own = view.chat_username
        found = [
            rules.check_blocklist(self._blocklist, text),
            rules.check_regexes(self._patterns, text),
            rules.check_invites(links, self._allow, policy.links, own),
            rules.check_links(links, self._allow, policy.links, is_new=is_new, own=own),
            rules.check_locks(view, self._locks),
            rules.check_as_channel(view, self._locks, self._linked),
            rules.check_custom_emoji(view, policy.custom_emoji_limit),
            rules.check_quiet_period(
                view, quiet=rules.in_quiet_period(history, policy.new_members, now)
            ),
            flood,
            None if view.is_edit else rules.check_repeats(history, policy.flood),
        ]
        score, _details = self._scorer.score(text, self._signals(view, links, is_new))
        spam = rules.check_spam(score, policy.spam)
        if spam is not None and not is_new and spam.action != "review":
            # An established member is never removed on a spam score alone: the team looks.
            spam = replace(spam, action="review", duration_s=None)
        found.append(spam)
        return Decision.from_reasons([r for r in found if r is not None], spam_score=score)

    def _read(
        self, view: MessageView, history: MemberHistory, now: float
    ) -> tuple[Normalised, tuple[FoundLink, ...], bool]:
        """The checked text (with captions' quotes and replies), its links, is-new-member."""
        full = "\n".join((view.text, *view.extra_texts)) if view.extra_texts else view.text
        is_new = rules.is_new_member(history, self._policy.new_members, now)
        return normalise(full), find_links(view.links, view.text), is_new

    def _signals(
        self, view: MessageView, links: tuple[FoundLink, ...], is_new: bool
    ) -> MessageSignals:
        own = view.chat_username
        outside = [link for link in links if not self._allow.allows(link, own)]
        return MessageSignals(
            links=sum(1 for link in outside if link.kind != "mention" and not link.invite),
            invites=sum(1 for link in outside if link.invite),
            mentions=view.mentions,
            custom_emoji=view.custom_emoji,
            is_new=is_new,
        )

    def explain_spam(self, view: MessageView, history: MemberHistory, now: float) -> str:
        """The spam score's named contributions for `/why` ("bayes 0.91, links +0.9 = 0.95")."""
        text, links, is_new = self._read(view, history, now)
        score, details = self._scorer.score(text, self._signals(view, links, is_new))
        return explain(score, details)


def escalate_warning(count_after: int, warnings: Warnings) -> tuple[str, int | None]:
    """What a new warning leads to: at the limit, the policy's `then` action; else "warn".

    Args:
        count_after: the member's active warnings including the one just given.
        warnings: the policy's `warnings` section.

    Returns:
        ("warn", None) below the limit; (then, duration) at or over it, where the duration
        applies to mute and ban (a temporary ban) and is None for kick.
    """
    if count_after < warnings.limit:
        return "warn", None
    return warnings.then, None if warnings.then == "kick" else warnings.duration
