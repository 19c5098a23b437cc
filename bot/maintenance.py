"""Periodic work: due timers, the team's moderation log, retention purges.

Each piece runs in its own unit of work; timers are marked done in the same transaction as
their effects, so a timer runs once even across restarts.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.services import Services
from bot.unit_of_work import unit_of_work
from handlers import cases, faq, modlog, newcomers, reputation
from handlers.common import chat_language
from storage.repositories import chat_state
from storage.repositories.cases import CasesRepo
from storage.repositories.inbox import InboxRepo
from storage.repositories.moderation import RecentMessagesRepo
from storage.repositories.timers import TimerInfo, TimersRepo

log = logging.getLogger(__name__)

TimerHandler = Callable[[Services, TimerInfo], Awaitable[None]]


async def _verify_expired(services: Services, timer: TimerInfo) -> None:
    if timer.user_id is not None:
        await newcomers.verification_expired(timer.chat_id, timer.user_id, timer.payload)


async def _prompt_due(services: Services, timer: TimerInfo) -> None:
    mod = services.moderation
    rules = mod.rules(timer.chat_id, await mod.chat_settings(timer.chat_id))
    raid = await mod.state.raids.state(timer.chat_id, rules.raid, services.clock.now())
    await newcomers.send_prompt(timer.chat_id, timer.id, raid.active, rules,
                                chat_language(services, timer.chat_id))


async def _unanswered(services: Services, timer: TimerInfo) -> None:
    await cases.unanswered_due(services, int(timer.payload.get("question", 0)))


async def _remind(services: Services, timer: TimerInfo) -> None:
    await cases.remind_due(services, int(timer.payload.get("case", 0)))


async def _digest(services: Services, timer: TimerInfo) -> None:
    await reputation.send_digest(services, timer.kind, timer.due_at)


TIMER_HANDLERS: dict[str, TimerHandler] = {
    reputation.DIGEST_DAILY: _digest,
    reputation.DIGEST_WEEKLY: _digest,
    newcomers.VERIFY: _verify_expired,
    newcomers.PROMPT: _prompt_due,
    faq.UNANSWERED: _unanswered,
    cases.REMIND: _remind,
}
INBOX_KEEP = timedelta(days=2)
RECENT_KEEP = timedelta(hours=48)  # Telegram lets bots delete messages for 48 hours


class Maintenance:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._last_purge: datetime | None = None

    async def schedule(self) -> None:
        """On start: the next digests are on the calendar (a missed one is already due)."""
        services = self._services
        async with unit_of_work(services.sessions, None, services.clock.now()):
            await reputation.schedule_digests(services)

    async def run_once(self) -> int:
        """Do what is due now; returns how many things were done (0 = idle)."""
        done = await self._timers()
        done += await self._modlog()
        await self._purge()
        if done:
            self._services.poke_outbox()
        return done

    async def _timers(self) -> int:
        services, now = self._services, self._services.clock.now()
        async with unit_of_work(services.sessions, None, now) as uow:
            due = await TimersRepo(uow.session).due(now)
        count = 0
        for timer in due:
            handler = TIMER_HANDLERS.get(timer.kind)
            async with unit_of_work(services.sessions, None, now) as uow:
                if not await TimersRepo(uow.session).finish(timer.id):
                    continue
                if handler is None:
                    log.warning("no handler for timer kind %s", timer.kind)
                else:
                    await handler(services, timer)
            count += 1
        return count

    async def _modlog(self) -> int:
        services = self._services
        async with unit_of_work(services.sessions, None, services.clock.now()):
            return await modlog.flush_log(services)

    async def _purge(self) -> None:
        services, now = self._services, self._services.clock.now()
        if self._last_purge is not None and now - self._last_purge < timedelta(hours=1):
            return
        self._last_purge = now
        async with unit_of_work(services.sessions, None, now) as uow:
            await InboxRepo(uow.session).purge_done(now - INBOX_KEEP)
            retention = timedelta(seconds=services.policy.escalation.retention)
            await CasesRepo(uow.session).expire_texts(now - retention)
            await RecentMessagesRepo(uow.session).purge(now - RECENT_KEEP)
            await chat_state.purge(uow.session, now)
