"""The policy file: the community contract a brand writes in YAML.

Pure pydantic models (no I/O). ``bot/policy_loader.py`` reads the YAML and maps validation errors
back to line numbers. Durations are written as "10m", "2h", "3d" and held as seconds.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from policies.durations import parse_duration


def _to_seconds(value: Any) -> Any:
    if isinstance(value, str):
        return parse_duration(value)
    return value


Duration = Annotated[
    int,
    BeforeValidator(_to_seconds),
    Field(gt=0),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "pattern": r"^(\d+[smhdw])+$"}, {"type": "integer"}]}
    ),
]
Lang = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
PerLanguage = dict[Lang, str]
Action = Literal["delete", "delete_and_warn", "warn", "mute", "ban", "kick", "review"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Voice(Strict):
    persona: str = "Portavoce"
    formality: Literal["informal", "formal"] = "informal"
    emoji: Literal["none", "few", "many"] = "few"
    greeting: PerLanguage = Field(default_factory=dict)
    sign_off: PerLanguage = Field(default_factory=dict)
    never_say: list[str] = Field(default_factory=list)


class Brand(Strict):
    name: str = Field(min_length=1)
    languages: list[Lang] = Field(default_factory=lambda: ["it", "en"], min_length=1)
    timezone: str = "Europe/Rome"
    voice: Voice = Field(default_factory=Voice)
    product_terms: list[str] = Field(default_factory=list)
    about: PerLanguage = Field(default_factory=dict)


class Team(Strict):
    chat_id: int | None = None
    topics: dict[
        Literal["complaints", "questions", "reports", "moderation", "praise", "digest"], int
    ] = Field(default_factory=dict)
    members: list[int] = Field(default_factory=list)


class BlockRule(Strict):
    term: str | None = None
    regex: str | None = None
    action: Action = "delete"
    duration: Duration | None = None

    @model_validator(mode="after")
    def _one_of(self) -> BlockRule:
        if (self.term is None) == (self.regex is None):
            raise ValueError("give exactly one of 'term' or 'regex'")
        return self


class Links(Strict):
    enabled: bool = True
    allow_domains: list[str] = Field(default_factory=list)
    new_members_only: bool = True
    block_invites: bool = True
    action: Action = "delete"


class Flood(Strict):
    messages: int = Field(default=6, ge=2)
    seconds: Duration = 10
    action: Action = "mute"
    duration: Duration = 600
    repeats_across_chats: int = Field(default=3, ge=2)


class NewMembers(Strict):
    verify: Literal["none", "button", "question"] = "none"
    timeout: Duration = 120
    quiet_period: Duration = 86400
    first_messages: int = Field(default=3, ge=0)


class Raid(Strict):
    joins: int = Field(default=15, ge=2)
    seconds: Duration = 60
    duration: Duration = 1800


class Warnings(Strict):
    limit: int = Field(default=3, ge=1)
    window: Duration = 30 * 86400
    then: Literal["mute", "ban", "kick"] = "mute"
    duration: Duration = 86400


class Spam(Strict):
    threshold: float = Field(default=0.8, gt=0, le=1)
    review_threshold: float = Field(default=0.5, gt=0, le=1)
    action: Action = "ban"
    cas: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> Spam:
        if self.review_threshold > self.threshold:
            raise ValueError("review_threshold must not be above threshold")
        return self


Lock = Literal[
    "sticker", "animation", "voice", "video_note", "document", "photo", "video", "audio",
    "forward", "forward_channel", "as_channel", "custom_emoji", "poll", "contact", "location",
    "game", "inline_bot",
]


class Moderation(Strict):
    mode: Literal["enforce", "dry_run"] = "enforce"
    blocklist: list[BlockRule] = Field(default_factory=list)
    links: Links = Field(default_factory=Links)
    flood: Flood = Field(default_factory=Flood)
    new_members: NewMembers = Field(default_factory=NewMembers)
    raid: Raid = Field(default_factory=Raid)
    warnings: Warnings = Field(default_factory=Warnings)
    spam: Spam = Field(default_factory=Spam)
    locks: list[Lock] = Field(default_factory=list)
    custom_emoji_limit: int = Field(default=10, ge=1)


class FaqButton(Strict):
    text: str = Field(min_length=1, max_length=64)
    url: str = Field(pattern=r"^(https?|tg)://")


class FaqItem(Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    questions: dict[Lang, list[str]] = Field(min_length=1)
    answer: PerLanguage = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)
    buttons: list[FaqButton] = Field(default_factory=list)


class MemberRate(Strict):
    answers: int = Field(default=3, ge=1)
    per: Duration = 600


class Faq(Strict):
    enabled: bool = True
    threshold: float | None = Field(
        default=None, gt=0, le=1,
        description="answer only at or above this confidence; unset = the matcher's default",
    )
    cooldown: Duration = 600
    member_rate: MemberRate = Field(default_factory=MemberRate)
    entries: list[FaqItem] = Field(default_factory=list)

    @field_validator("entries")
    @classmethod
    def _unique_ids(cls, entries: list[FaqItem]) -> list[FaqItem]:
        seen: set[str] = set()
        for entry in entries:
            if entry.id in seen:
                raise ValueError(f"duplicate FAQ id {entry.id!r}")
            seen.add(entry.id)
        return entries


class Complaints(Strict):
    enabled: bool = True
    keywords: list[str] = Field(default_factory=list)
    sentiment_below: float = Field(default=-0.4, ge=-1, le=1)


class Unanswered(Strict):
    enabled: bool = True
    after: Duration = 1800


class Reports(Strict):
    enabled: bool = True
    urgent_after: int = Field(default=3, ge=1)
    per_member: int = Field(default=5, ge=1)
    per: Duration = 3600


class Escalation(Strict):
    complaints: Complaints = Field(default_factory=Complaints)
    unanswered_questions: Unanswered = Field(default_factory=Unanswered)
    reports: Reports = Field(default_factory=Reports)
    praise: bool = True
    remind_unclaimed_after: Duration = 7200
    sensitive_kinds: list[Literal["complaint", "report", "question", "moderation"]] = Field(
        default_factory=list
    )
    retention: Duration = 90 * 86400


class Digest(Strict):
    daily: bool = True
    weekly: bool = True
    time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class Reputation(Strict):
    digest: Digest = Field(default_factory=Digest)
    spike_min_count: int = Field(default=5, ge=1)
    spike_factor: float = Field(default=3.0, gt=1)


class CommunityOverrides(Strict):
    moderation: dict[str, Any] = Field(default_factory=dict)
    faq: dict[str, Any] = Field(default_factory=dict)


class Community(Strict):
    chat_id: int
    name: str | None = None
    language: Lang | None = None
    rules: PerLanguage = Field(default_factory=dict)
    overrides: CommunityOverrides = Field(default_factory=CommunityOverrides)


class PolicyFile(Strict):
    """The whole policy file."""

    brand: Brand
    team: Team = Field(default_factory=Team)
    communities: list[Community] = Field(default_factory=list)
    rules: PerLanguage = Field(default_factory=dict)
    moderation: Moderation = Field(default_factory=Moderation)
    faq: Faq = Field(default_factory=Faq)
    escalation: Escalation = Field(default_factory=Escalation)
    reputation: Reputation = Field(default_factory=Reputation)

    @model_validator(mode="after")
    def _consistent(self) -> PolicyFile:
        ids = [c.chat_id for c in self.communities]
        if len(ids) != len(set(ids)):
            raise ValueError("communities: each chat_id may appear once")
        if self.team.chat_id is not None and self.team.chat_id in ids:
            raise ValueError("team.chat_id must not be one of the communities")
        return self

    def community(self, chat_id: int) -> Community | None:
        return next((c for c in self.communities if c.chat_id == chat_id), None)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def effective_moderation(policy: PolicyFile, chat_id: int) -> Moderation:
    """The moderation section for one chat: the file's, with the community's overrides on top."""
    community = policy.community(chat_id)
    if community is None or not community.overrides.moderation:
        return policy.moderation
    overrides = community.overrides.moderation
    if "blocklist" in overrides:
        return Moderation.model_validate(_merge(policy.moderation.model_dump(), overrides))
    # The file's blocklist as it is (validated, immutable rules), not a revalidated copy of
    # every rule: thousands of terms would otherwise be held twice for a link override.
    merged = _merge(policy.moderation.model_dump(exclude={"blocklist"}), overrides)
    return Moderation.model_validate(merged).model_copy(
        update={"blocklist": policy.moderation.blocklist})


def effective_faq(policy: PolicyFile, chat_id: int) -> Faq:
    community = policy.community(chat_id)
    if community is None or not community.overrides.faq:
        return policy.faq
    return Faq.model_validate(_merge(policy.faq.model_dump(), community.overrides.faq))


def brand_texts(policy: PolicyFile) -> list[tuple[tuple[str | int, ...], str]]:
    """Every text the bot may say in the brand's name, with its key path (for never_say)."""
    voice = policy.brand.voice
    texts: list[tuple[tuple[str | int, ...], str]] = []
    for field in ("greeting", "sign_off"):
        for lang, text in getattr(voice, field).items():
            texts.append((("brand", "voice", field, lang), text))
    for lang, text in policy.brand.about.items():
        texts.append((("brand", "about", lang), text))
    for lang, text in policy.rules.items():
        texts.append((("rules", lang), text))
    for i, entry in enumerate(policy.faq.entries):
        for lang, text in entry.answer.items():
            texts.append((("faq", "entries", i, "answer", lang), text))
    for i, community in enumerate(policy.communities):
        for lang, text in community.rules.items():
            texts.append((("communities", i, "rules", lang), text))
    return texts


def never_say_violations(policy: PolicyFile) -> list[tuple[tuple[str | int, ...], str]]:
    """Key paths of brand texts containing a ``never_say`` phrase, with the phrase."""
    phrases = [p.casefold() for p in policy.brand.voice.never_say if p.strip()]
    found: list[tuple[tuple[str | int, ...], str]] = []
    for path, text in brand_texts(policy):
        folded = text.casefold()
        found.extend((path, phrase) for phrase in phrases if phrase in folded)
    return found
