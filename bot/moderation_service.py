"""Process state of moderation: compiled engines per chat, the spam model, flood and raid.

Engines are compiled once per chat (blocklist automaton, RE2 set) and rebuilt only when the
chat's rules change (/blocklist, /lock, /reload). The spam model starts from the starter corpus
plus every /spam and /notspam verdict stored in the database.
"""

from __future__ import annotations

from typing import Any

from bot.services import Services
from bot.unit_of_work import update_or_own_session
from policies.moderation import FloodTracker, ModerationEngine, RaidDetector, SpamModel
from policies.schema import BlockRule, Moderation, effective_moderation
from storage.db import session_scope
from storage.repositories.moderation import SpamSamplesRepo
from storage.repositories.settings import ChatSettingsRepo

MODE_KEY, LOCKS_KEY, BLOCKLIST_KEY = "moderation.mode", "locks", "blocklist"
FLOOD_WINDOW_S = 300.0
REMOVED_MEMORY_S = 600.0  # longest flood window tracked; each chat checks its own seconds


class ModerationService:
    def __init__(self, services: Services) -> None:
        self._services = services
        self.flood = FloodTracker(window=FLOOD_WINDOW_S)
        self._raids: dict[int, RaidDetector] = {}
        self._engines: dict[int, ModerationEngine] = {}
        self._shared: dict[str, ModerationEngine] = {}
        self._rules: dict[int, Moderation] = {}
        self._settings: dict[int, dict[str, Any]] = {}
        self.spam_model = SpamModel.starter()
        self._removed: dict[tuple[int, int], float] = {}

    def just_removed(self, chat_id: int, user_id: int, now: float) -> bool:
        """True if we banned/kicked this member moments ago (their burst is still arriving)."""
        until = self._removed.get((chat_id, user_id))
        return until is not None and now < until

    def note_removed(self, chat_id: int, user_id: int, now: float) -> None:
        if len(self._removed) > 50_000:
            self._removed = {k: v for k, v in self._removed.items() if v > now}
        self._removed[(chat_id, user_id)] = now + REMOVED_MEMORY_S

    async def load(self) -> None:
        async with session_scope(self._services.sessions) as session:
            samples = await SpamSamplesRepo(session).all()
        self.spam_model = SpamModel.starter().with_samples(samples)
        self._engines.clear()
        self._shared.clear()

    def learn(self, text: str, is_spam: bool) -> None:
        """A manager's verdict: the model and every compiled engine use it from now on."""
        self.spam_model = self.spam_model.with_sample(text, is_spam)
        self._engines.clear()
        self._shared.clear()

    async def chat_settings(self, chat_id: int) -> dict[str, Any]:
        cached = self._settings.get(chat_id)
        if cached is None:
            async with update_or_own_session(self._services.sessions) as session:
                cached = await ChatSettingsRepo(session).all_for(chat_id)
            self._settings[chat_id] = cached
        return cached

    def invalidate(self, chat_id: int) -> None:
        self._settings.pop(chat_id, None)
        self._rules.pop(chat_id, None)
        self._engines.pop(chat_id, None)

    def rules(self, chat_id: int, settings: dict[str, Any]) -> Moderation:
        """The chat's rules, computed once per chat (until /blocklist, /lock, /mode, /reload).

        Merging a community's overrides revalidates the whole section, which with a large
        blocklist costs milliseconds: never on every message.
        """
        cached = self._rules.get(chat_id)
        if cached is None:
            cached = self._rules[chat_id] = self._compute_rules(chat_id, settings)
        return cached

    def _compute_rules(self, chat_id: int, settings: dict[str, Any]) -> Moderation:
        base = effective_moderation(self._services.policy, chat_id)
        update: dict[str, Any] = {}
        if MODE_KEY in settings:
            update["mode"] = settings[MODE_KEY]
        if LOCKS_KEY in settings:
            update["locks"] = settings[LOCKS_KEY]
        extra = [BlockRule.model_validate(r) for r in settings.get(BLOCKLIST_KEY, [])]
        if extra:
            update["blocklist"] = [*base.blocklist, *extra]
        return base.model_copy(update=update) if update else base

    def engine(self, chat_id: int, settings: dict[str, Any]) -> ModerationEngine:
        """Compiled once per distinct rule set: chats with the same rules share one engine
        (a 10,000-term automaton is megabytes; a thousand chats must not hold a thousand)."""
        engine = self._engines.get(chat_id)
        if engine is None:
            rules = self.rules(chat_id, settings)
            key = rules.model_dump_json()
            engine = self._shared.get(key)
            if engine is None:
                engine = self._shared[key] = ModerationEngine.build(
                    rules, spam_model=self.spam_model)
            self._engines[chat_id] = engine
        return engine

    def dry_run(self, chat_id: int, settings: dict[str, Any]) -> bool:
        return self.rules(chat_id, settings).mode == "dry_run"

    def raid(self, chat_id: int, rules: Moderation) -> RaidDetector:
        detector = self._raids.get(chat_id)
        if detector is None:
            detector = RaidDetector(rules.raid.joins, rules.raid.seconds, rules.raid.duration)
            self._raids[chat_id] = detector
        return detector

