"""The running bot: inbox poller (or webhook), dispatcher and outbox sender around one app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import NetworkError
from telegram.request import BaseRequest

from bot.app import build_application
from bot.clock import Clock, SystemClock
from bot.context import PortavoceApp
from bot.dispatcher import Dispatcher
from bot.faq_service import FaqService
from bot.gc_tuning import freeze_long_lived, thaw
from bot.leader import CHECK_EVERY_S, Leadership
from bot.maintenance import Maintenance
from bot.moderation_service import ModerationService
from bot.outbox import HOLD_RECHECK_S, OutboxSender
from bot.policy_loader import load_policy
from bot.poller import Poller
from bot.ratelimit import POSTING, BudgetRateLimiter
from bot.services import Services
from bot.settings import Role, Settings
from bot.tasks import TaskSet, wait_event
from policies.schema import PolicyFile
from storage import migrate
from storage.db import create_engine, make_session_factory, session_scope
from storage.repositories.inbox import InboxRepo
from storage.repositories.outbox import OutboxRepo

log = logging.getLogger(__name__)
START_ATTEMPTS = 12


@dataclass(slots=True)
class Runtime:
    services: Services
    app: PortavoceApp
    dispatcher: Dispatcher
    sender: OutboxSender
    poller: Poller
    maintenance: Maintenance
    leader: Leadership

    @classmethod
    async def create(
        cls,
        settings: Settings,
        *,
        token: str,
        policy: PolicyFile | None = None,
        clock: Clock | None = None,
        request: BaseRequest | None = None,
        updates_request: BaseRequest | None = None,
        poll_timeout: int = 30,
        rate_limiter: BudgetRateLimiter | None = None,
    ) -> Runtime:
        """Load the policy, migrate the database, build the application (not started)."""
        policy = policy or load_policy(settings.policy_file)
        engine = create_engine(settings.database_url.get_secret_value())
        await migrate.upgrade(engine)
        services = Services(
            settings=settings, policy=policy, engine=engine,
            sessions=make_session_factory(engine), clock=clock or SystemClock(),
        )
        services.faq_service = FaqService(services)
        services.moderation_service = ModerationService(services)
        app = build_application(
            services, token=token, request=request, updates_request=updates_request,
            rate_limiter=rate_limiter,
        )
        leader = Leadership(engine, contend=settings.role is not Role.RECEIVER)
        limiter: object = app.bot.rate_limiter
        if isinstance(limiter, BudgetRateLimiter):
            limiter.gate = lambda: leader.may_send  # only the leader spends posting budgets
        return cls(
            services=services,
            app=app,
            dispatcher=Dispatcher(app, services, parallel=settings.workers),
            sender=OutboxSender(services, app.bot, may_send=lambda: leader.may_send),
            poller=Poller(services, app.bot, timeout=poll_timeout),
            maintenance=Maintenance(services),
            leader=leader,
        )

    async def start(self) -> None:
        await self._initialize()
        me = self.app.bot.bot
        self.services.bot_id, self.services.bot_username = me.id, me.username or ""
        await self.services.faq.load()
        await self.services.moderation.load()
        async with session_scope(self.services.sessions) as session:
            await OutboxRepo(session).retry_network_failures_now(self.services.clock.now())
        if await self.leader.check():
            await self._take_over()
        await self.app.start()
        freeze_long_lived()

    async def _initialize(self) -> None:
        """PTB's initialize asks Telegram who the bot is: a network hiccup at start is
        retried (1, 2, 4 ... 15 s, about two minutes in all), a rejected token is not."""
        delay = 1.0
        for attempt in range(START_ATTEMPTS):
            try:
                await self.app.initialize()
                return
            except NetworkError as exc:  # TimedOut included; InvalidToken is not one
                if attempt == START_ATTEMPTS - 1:
                    raise
                log.warning("Telegram did not answer at start (%s); retrying in %.0f s",
                            type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 15.0)

    async def stop(self) -> None:
        thaw()
        await self.dispatcher.stop()
        await self.sender.stop()
        await self.leader.release()
        with contextlib.suppress(Exception):
            if self.app.running:
                await self.app.stop()
            await self.app.shutdown()
        await self.services.engine.dispose()

    async def deliver(self, *, max_rounds: int = 100) -> None:
        """Process everything Telegram has for us and send everything due, until quiet.

        Used by tests and `portavoce try`: one step of what run_forever does continuously.
        """
        for _ in range(max_rounds):
            if await self.leader.check() and self.leader.became_leader:
                await self._take_over()
            fetched = await self.poller.poll_once(timeout=0)
            scheduled = await self.dispatcher.schedule_pending()
            await self.dispatcher.wait_idle()
            chores = await self.maintenance.run_once()
            sent = await self.sender.flush(hold=False)
            if not (fetched or scheduled or sent or chores):
                return

    async def run_forever(
        self, stop: asyncio.Event, *, polling: bool = True,
        inbox_ready: asyncio.Event | None = None, poll_inbox_every: float = 2.0,
    ) -> None:
        """Serve until ``stop``: poller (if polling), dispatcher, and, on the leader only,
        the outbox sender and the timers."""
        tasks = TaskSet()
        inbox_ready = inbox_ready or asyncio.Event()
        inbox_ready.set()  # pick up updates left pending by a previous run
        if polling:
            tasks.start(self.poller.run(inbox_ready), "poller")
        tasks.start(self._leader_loop(), "leader")
        tasks.start(self._dispatch_loop(inbox_ready, poll_inbox_every), "dispatcher")
        tasks.start(self._outbox_loop(), "outbox")
        tasks.start(self._maintenance_loop(), "maintenance")
        stopper = asyncio.ensure_future(stop.wait())
        try:
            watched = {stopper, *tasks.running()}
            done, _ = await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task is not stopper and not task.cancelled() and task.exception():
                    raise task.exception()  # type: ignore[misc]
        finally:
            stopper.cancel()
            await tasks.cancel_all()
            await self.sender.stop()

    async def _dispatch_loop(self, ready: asyncio.Event, every: float) -> None:
        while True:
            await wait_event(ready, every)
            ready.clear()
            await self.dispatcher.schedule_pending()

    async def _leader_loop(self) -> None:
        """The only caller of `Leadership.check`: the lease is renewed every second."""
        while True:
            led = self.leader.leads
            if await self.leader.check() != led:
                self.services.poke_outbox()
            await asyncio.sleep(CHECK_EVERY_S)

    async def _maintenance_loop(self) -> None:
        while True:
            if not self.leader.leads or self.leader.became_leader:
                await asyncio.sleep(CHECK_EVERY_S)
                continue
            try:
                await self.maintenance.run_once()
            except Exception:
                log.exception("maintenance round failed; retrying")
            await asyncio.sleep(2.0)

    async def _outbox_loop(self) -> None:
        event = self.services.outbox_ready
        while True:
            if not self.leader.leads:
                await wait_event(event, CHECK_EVERY_S)
                event.clear()
                continue
            if self.leader.became_leader:
                await self._take_over()
                continue
            event.clear()
            try:
                await self.sender.flush(wait=False)  # each chat sends in its own task
            except Exception:
                log.exception("outbox round failed; retrying")
            wait = await self.sender.next_due_in()
            timeout = 5.0 if wait is None else min(max(wait, 0.05), 5.0)
            if self.sender.holding:  # a raid's deletions are filling a batch: every update
                await asyncio.sleep(min(timeout, HOLD_RECHECK_S))  # pokes; look 10x a second
                continue
            await wait_event(event, timeout)

    async def _take_over(self) -> None:
        """A new leader waits for the old one's calls in flight to land, then counts what
        it posted in the last minute, so a takeover never gives a group a second 20
        messages in the same minute; and makes sure the digests are on the calendar."""
        await asyncio.sleep(self.leader.grace)
        if not self.leader.leads:
            return
        try:
            await self._seed_budgets()
        except Exception:  # nothing is sent meanwhile; the outbox loop tries again
            log.exception("counting the previous leader's posts failed; retrying")
            await asyncio.sleep(CHECK_EVERY_S)
            return
        self.leader.caught_up()  # only now may this process spend the posting budgets
        try:
            await self.maintenance.schedule()
        except Exception:
            log.exception("scheduling the digests failed; the next takeover retries")

    async def _seed_budgets(self) -> None:
        limiter: object = self.app.bot.rate_limiter
        if not isinstance(limiter, BudgetRateLimiter):
            return
        now = self.services.clock.now()
        async with session_scope(self.services.sessions) as session:
            outbox = OutboxRepo(session)
            sent = await outbox.sent_since(now - timedelta(seconds=61), POSTING)
            # A post the old leader had in flight when it died, or gave up on after a
            # timeout, may have reached Telegram without being recorded: count those too.
            unsure = await outbox.chats_maybe_sent(now, POSTING)
        seen = [(chat_id, (now - at).total_seconds()) for chat_id, at in sent]
        limiter.seed(seen + [(chat_id, 0.0) for chat_id in unsure])

    async def health(self, role: str) -> dict[str, Any]:
        """Liveness and backlog figures for /healthz."""
        async with session_scope(self.services.sessions) as session:
            inbox = await InboxRepo(session).count_pending()
            outbox = await OutboxRepo(session).count_pending()
        return {"ok": True, "role": role, "leader": self.leader.leads, "inbox_pending": inbox,
                "outbox_pending": outbox, "processed": self.dispatcher.processed}
