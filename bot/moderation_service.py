"""Process state of moderation: compiled engines per chat, the spam model, and `state`.

Engines are compiled once per chat (blocklist automaton, RE2 set) and rebuilt only when the
chat's rules change (/blocklist, /lock, /reload). The spam model starts from the starter corpus
plus every /spam and /notspam verdict stored in the database. `state` holds flood, raid,
stamps and chat lines: in memory for one process, in the database for several workers
(bot/state). Several workers also check, once per update, whether another process changed
a chat's settings, the spam samples or the FAQ, and drop what they cached from them.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import datetime
from typing import Any

from bot.services import Services
from bot.settings import Role
from bot.state import REMOVED, ChatState
from bot.state.database import database_state
from bot.state.memory import memory_state
from bot.unit_of_work import maybe_uow, update_or_own_session
from policies.faq.language import detect_language
from policies.moderation import ModerationEngine, SpamModel
from policies.schema import BlockRule, Moderation, effective_moderation
from storage.repositories.moderation import SpamSamplesRepo
from storage.repositories.settings import ChatSettingsRepo

log = logging.getLogger(__name__)

MODE_KEY, LOCKS_KEY, BLOCKLIST_KEY = "moderation.mode", "locks", "blocklist"
REMOVED_MEMORY_S = 600.0  # longest flood window tracked; each chat checks its own seconds
SYNCED = "moderation.synced"  # unit-of-work scratch: chats checked for staleness


class ModerationService:
    def __init__(self, services: Services, *, shared: bool | None = None) -> None:
        """``shared``: keep state in the database (default: when the role is worker)."""
        self._services = services
        if shared is None:
            shared = services.settings.role is Role.WORKER
        self.state: ChatState = database_state(services.sessions) if shared else memory_state()
        self._engines: dict[int, ModerationEngine] = {}
        self._shared: dict[str, ModerationEngine] = {}
        self._rules: dict[int, Moderation] = {}
        self._settings: dict[int, dict[str, Any]] = {}
        self.spam_model = SpamModel.starter()

    async def just_removed(self, chat_id: int, user_id: int, now: datetime) -> bool:
        """True if we banned/kicked this member moments ago (their burst is still arriving)."""
        return await self.state.stamps.count(REMOVED, chat_id, user_id, now,
                                             REMOVED_MEMORY_S) > 0

    async def note_removed(self, chat_id: int, user_id: int, now: datetime) -> None:
        await self.state.stamps.add(REMOVED, chat_id, user_id, now, REMOVED_MEMORY_S)

    async def load(self) -> None:
        await self.state.freshness.stale(0)  # the baseline: what is loaded now is current
        await self._load_spam_model()
        await asyncio.to_thread(self._warm)

    def _warm(self) -> None:
        """Compile the policy file's rule sets (the base, and each community's overrides)
        before the first message: a 10,000-term blocklist takes about 0.4 s, which the first
        message after a start would otherwise wait for, and a raid's first spam with it.
        The language profiles load here too. Chats whose rules were changed from Telegram
        get theirs at their first message."""
        policy = self._services.policy
        try:
            for chat_id in {0, *(c.chat_id for c in policy.communities)}:
                self._shared_engine(effective_moderation(policy, chat_id))
            detect_language("ciao, come va?", "it", ("it", "en"))
        except Exception:  # only a head start: the first message meets the same error
            log.warning("compiling the rules at start failed", exc_info=True)

    async def _load_spam_model(self) -> None:
        async with update_or_own_session(self._services.sessions) as session:
            samples = await SpamSamplesRepo(session).all()
        self.spam_model = SpamModel.starter().with_samples(samples)
        self._engines.clear()
        self._shared.clear()

    async def sync(self, chat_id: int) -> None:
        """Several workers: once per update and chat, drop what another process made stale
        (a /blocklist, /lock or /mode elsewhere, a /spam verdict, a FAQ edit)."""
        if not self.state.shared:
            return
        uow = maybe_uow()
        if uow is not None:
            synced: set[int] = uow.scratch.setdefault(SYNCED, set())
            if chat_id in synced:
                return
            synced.add(chat_id)
        stale = await self.state.freshness.stale(chat_id)
        if stale.rules:
            self.invalidate(chat_id)
        if stale.spam:
            await self._load_spam_model()
        if stale.faq:
            await self._services.faq.load(sync_file=False)

    def learn(self, text: str, is_spam: bool) -> None:
        """A manager's verdict: the model and every compiled engine use it from now on."""
        self.spam_model = self.spam_model.with_sample(text, is_spam)
        self._engines.clear()
        self._shared.clear()

    async def chat_settings(self, chat_id: int) -> dict[str, Any]:
        await self.sync(chat_id)
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
            engine = self._engines[chat_id] = self._shared_engine(self.rules(chat_id, settings))
        return engine

    def _shared_engine(self, rules: Moderation) -> ModerationEngine:
        key = hashlib.sha256(rules.model_dump_json().encode()).hexdigest()  # not 1.5 MB
        engine = self._shared.get(key)
        if engine is None:
            engine = self._shared[key] = ModerationEngine.build(rules, spam_model=self.spam_model)
        return engine

    def dry_run(self, chat_id: int, settings: dict[str, Any]) -> bool:
        return self.rules(chat_id, settings).mode == "dry_run"

