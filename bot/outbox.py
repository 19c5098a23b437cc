"""Deliver outbox rows to Telegram: retries with backoff, 429-aware, each row sent once.

A row is read in one short transaction, sent with no transaction open, and its outcome written
in another. Telegram errors are sorted here, by name, into: done anyway (message already gone),
retry later (429, timeouts, 5xx), give up on the chat (403), or failed (400), with the team told
once when the bot lacks a right.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import random
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InputFile
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot import notices
from bot.ratelimit import NotLeading
from bot.services import Services
from bot.tasks import TaskSet
from storage.db import session_scope
from storage.repositories.chats import ChatsRepo
from storage.repositories.inbox import InboxRepo
from storage.repositories.outbox import NETWORK_ERROR, OutboxEntry, OutboxRepo

log = logging.getLogger(__name__)

SentHook = Callable[[AsyncSession, OutboxEntry, Any, datetime], Awaitable[None]]
SENT_HOOKS: dict[str, SentHook] = {}
DELETE_BATCH = 100
DELETE_WINDOW_S = 1.0
DELETE_BURST_CALLS = 3
"""In a burst (a chat already had DELETE_BURST_CALLS deletion calls within DELETE_WINDOW_S),
its deletions wait until the window since the last call has passed, so they leave in full
batches: a raid's 2,000 deletions in about 10 calls rather than hundreds. A chat with the odd
spam message keeps deleting at once, as full batches always do."""
GATHER = "gather"
"""``ref_kind`` of a deletion queued while its chat is under a raid: it waits to leave in a
full batch of DELETE_BATCH, until the chat's deletions stop coming for GATHER_QUIET_S while
none of the chat's updates waits to be handled (a pause while the bot handles a stretch of
joins is not the raid's end), or its oldest has waited GATHER_MAX_S (the raid is known from
the first of them, not after a few small calls)."""
GATHER_QUIET_S = 0.5
GATHER_MAX_S = 5.0
HOLD_RECHECK_S = 0.1  # while deletions are held, look at the outbox this often, not per update
MAX_BACKOFF_S = 60
REPEATABLE = frozenset({"deleteMessage", "banChatMember", "restrictChatMember",
                        "banChatSenderChat"})
"""Calls that do no harm if made twice. Their delivery is recorded RECORD_EVERY at a time
(one transaction, not one per call: during a raid each record otherwise waits for the
database behind the updates being handled, and a lane of 200 bans took 9 s); a crash
before the record sends them again, which changes nothing. A post is recorded at once."""
RECORD_EVERY = 20
MEMBERS_IN_PARALLEL = 8  # a chat's calls about different members in flight at once

_ALREADY_DONE = (
    "message to delete not found",
    "message can't be deleted",
    "message is not modified",
    "query is too old",
    "message to edit not found",
    "user_not_participant",
    "participant_id_invalid",
)
_NO_RIGHTS = ("not enough rights", "chat_admin_required", "have no rights", "need administrator")
_BAD_THREAD = ("message thread not found", "topic_closed", "topic_deleted")


def on_sent(ref_kind: str) -> Callable[[SentHook], SentHook]:
    """Register what to record once a row of ``ref_kind`` is delivered (e.g. a card's id)."""

    def register(hook: SentHook) -> SentHook:
        SENT_HOOKS[ref_kind] = hook
        return hook

    return register


class OutboxSender:
    def __init__(self, services: Services, bot: Bot, *, parallel_chats: int = 16,
                 may_send: Callable[[], bool] = lambda: True) -> None:
        self._services = services
        self._may_send = may_send  # the leader's lease: checked before every call
        self._bot = bot
        self._limit = asyncio.Semaphore(parallel_chats)
        self._deletions: dict[int, deque[float]] = {}  # chat -> times of its last calls
        self._gathering: dict[int, float] = {}  # chat -> since when its deletions are held
        self._backlogged: set[int] = set()  # chats with gathered deletions and updates waiting
        self._held_until: float | None = None
        self._chats = TaskSet()
        self._sending: set[tuple[int, bool]] = set()  # (chat, deletions lane) being sent
        self._fatal: BaseException | None = None

    async def flush(self, *, hold: bool = True, wait: bool = True) -> int:
        """Start sending what is due, one task per chat; returns how many rows it started.

        ``wait=False`` (the running bot) returns at once: a chat waiting for its posting
        budget (20 messages a minute per group) or for a retry must never hold up the
        deletions and bans of every other chat. A chat whose task is still running is left
        to it. ``hold``: let a burst's deletions gather into full batches (DELETE_WINDOW_S);
        `Runtime.deliver` (tests, the console) sends everything at once and waits.
        """
        if self._fatal is not None:
            raise self._fatal
        if self._held_until is not None and self._held_until <= time.monotonic():
            self._held_until = None  # a hold lasts until its time, whatever flushes meanwhile
        now = self._services.clock.now()
        async with session_scope(self._services.sessions) as session:
            due = await OutboxRepo(session).due(now, limit=1000)
            if hold:
                gathering = {e.chat_id for e in due if e.ref_kind == GATHER}
                self._backlogged = await InboxRepo(session).chats_with_pending(
                    sorted(gathering))
        by_lane: dict[tuple[int, bool], list[OutboxEntry]] = defaultdict(list)
        for entry in due:
            lane = (entry.chat_id, entry.method == "deleteMessage")
            if lane not in self._sending:
                by_lane[lane].append(entry)
        started = []
        for lane, items in by_lane.items():
            self._sending.add(lane)
            started.append(self._chats.start(self._send_lane(lane, items, hold),
                                             f"outbox-{lane[0]}{'-del' if lane[1] else ''}"))
        if wait:
            await asyncio.gather(*started)
            if self._fatal is not None:
                raise self._fatal
        return sum(len(items) for items in by_lane.values())

    @property
    def holding(self) -> bool:
        """Deletions are waiting for their batch to fill (see GATHER, DELETE_BURST_CALLS)."""
        return self._held_until is not None

    async def next_due_in(self) -> float | None:
        if self._held_until is not None:  # held deletions are due already: wait for them
            return max(0.0, self._held_until - time.monotonic())
        async with session_scope(self._services.sessions) as session:
            due_at = await OutboxRepo(session).next_due_at()
        if due_at is None:
            return None
        due_in = max(0.0, (due_at - self._services.clock.now()).total_seconds())
        if due_in == 0.0 and self._sending:
            return 1.0  # being sent already; a chat's task pokes the loop when it ends
        return due_in

    async def stop(self) -> None:
        await self._chats.cancel_all()

    async def _send_lane(self, lane: tuple[int, bool], items: list[OutboxEntry],
                         hold: bool) -> None:
        """A chat's deletions and its other calls go in separate lanes: a raid's hundreds of
        bans and restrictions (at most 100 calls a second) never hold its deletions back,
        and deletions need no order with the rest (a message is never deleted too early)."""
        held = False
        try:
            held = await self._send_items(items, hold)
        except InvalidToken as exc:  # the token was revoked: the bot must stop
            self._fatal = exc
        finally:
            self._sending.discard(lane)
            if not held:  # rows that came while this lane was busy; a hold has its own time
                self._services.poke_outbox()

    async def _send_items(self, items: list[OutboxEntry], hold: bool) -> bool:
        """Send a lane's rows; True when some were held (see `_hold`)."""
        sent: list[tuple[Sequence[OutboxEntry], Any]] = []  # delivered, not yet recorded
        try:
            async with self._limit:
                runs = _by_member(_batches(items))
                if len(runs) == 1:
                    return await self._send_run(runs[0], hold, sent)
                parallel = asyncio.Semaphore(MEMBERS_IN_PARALLEL)

                async def limited(run: list[list[OutboxEntry]]) -> bool:
                    async with parallel:
                        return await self._send_run(run, hold, sent)

                return any(await asyncio.gather(*(limited(run) for run in runs)))
        finally:
            await self._record_sent(sent)

    async def _send_run(self, run: list[list[OutboxEntry]], hold: bool,
                        sent: list[tuple[Sequence[OutboxEntry], Any]]) -> bool:
        held = False
        for n, batch in enumerate(run):
            if not self._may_send():
                break  # no longer leading: the new leader sends the rest
            if hold and self._hold(batch):
                held = True
                continue  # deletions only: the chat's other rows need not wait for them
            if not await self._deliver(batch, sent):
                await self._wait_behind(batch[0], run[n + 1:])
                break  # keep the order: this run's later rows wait for this one
            if len(sent) >= RECORD_EVERY:
                await self._record_sent(sent)
        return held

    async def _wait_behind(self, ahead: OutboxEntry, later: list[list[OutboxEntry]]) -> None:
        """A row to be retried later holds back the rest of its run at the next rounds too
        (a kick's unban must not reach Telegram before its ban)."""
        if later:
            async with session_scope(self._services.sessions) as session:
                await OutboxRepo(session).wait_behind([e.id for b in later for e in b],
                                                      ahead.id)

    async def _record_sent(self, sent: list[tuple[Sequence[OutboxEntry], Any]]) -> None:
        """Record several delivered calls in one transaction (see REPEATABLE)."""
        if not sent:
            return
        taken = sent[:]
        sent.clear()
        now = self._services.clock.now()
        async with session_scope(self._services.sessions) as session:
            for batch, result in taken:
                await OutboxRepo(session).mark_sent_many([e.id for e in batch], result, now)

    def _hold(self, batch: Sequence[OutboxEntry]) -> bool:
        """True when a partial deletion batch should wait for more (a burst is on)."""
        head = batch[0]
        if head.method != "deleteMessage" or len(batch) >= DELETE_BATCH:
            return False
        now = time.monotonic()
        gathered = [e.created_at for e in batch if e.ref_kind == GATHER and e.created_at]
        if gathered:
            wall = self._services.clock.now()
            until_wall = min(max(gathered) + timedelta(seconds=GATHER_QUIET_S),
                             min(gathered) + timedelta(seconds=GATHER_MAX_S))
            left = (until_wall - wall).total_seconds()
            # rows were stamped by whichever worker handled the update: whatever that clock
            # says, this process never holds a chat's deletions longer than GATHER_MAX_S
            if len(self._gathering) > 10_000:
                self._gathering.clear()
            first = self._gathering.setdefault(head.chat_id, now)
            if left <= 0 and head.chat_id in self._backlogged:
                left = (min(gathered) + timedelta(seconds=GATHER_MAX_S) - wall).total_seconds()
            if left <= 0 or now - first >= GATHER_MAX_S:
                self._gathering.pop(head.chat_id, None)
                return False
            self._hold_until(now + min(left, GATHER_QUIET_S))
            return True
        calls = self._deletions.get(head.chat_id)
        if not calls or len(calls) < DELETE_BURST_CALLS or now - calls[0] >= DELETE_WINDOW_S:
            return False
        self._hold_until(calls[-1] + DELETE_WINDOW_S)
        return True

    def _hold_until(self, until: float) -> None:
        self._held_until = until if self._held_until is None else min(self._held_until, until)

    def _deleted(self, chat_id: int) -> None:
        now = time.monotonic()
        if len(self._deletions) > 10_000:
            self._deletions = {c: t for c, t in self._deletions.items()
                               if now - t[-1] < DELETE_WINDOW_S}
        self._deletions.setdefault(chat_id, deque(maxlen=DELETE_BURST_CALLS)).append(now)

    async def _deliver(self, batch: Sequence[OutboxEntry],
                       sent: list[tuple[Sequence[OutboxEntry], Any]]) -> bool:
        head = batch[0]
        method, params = head.method, dict(head.params)
        if head.method == "editMessageText":
            params = dict(batch[-1].params)  # the latest edit (see `_edits`)
        elif len(batch) > 1:
            method = "deleteMessages"
            ids = sorted({int(b.params["message_id"]) for b in batch})
            params = {"chat_id": head.chat_id, "message_ids": ids}
        params = _with_files(params)
        try:
            result = await self._bot.do_api_request(method, api_kwargs=params)
        except InvalidToken:
            raise
        except NotLeading:  # lost the lead while waiting for the posting budget
            return False
        except TelegramError as exc:
            return await self._failed(batch, exc)
        if head.method == "deleteMessage":
            self._deleted(head.chat_id)
            self._gathering.pop(head.chat_id, None)
        result = _plain(result)
        if head.method in REPEATABLE and not any(e.ref_kind in SENT_HOOKS for e in batch):
            sent.append((batch, _stored(result)))
        else:
            await self._record(batch, result)
        return True

    async def _record(self, batch: Sequence[OutboxEntry], result: Any) -> None:
        now = self._services.clock.now()
        async with session_scope(self._services.sessions) as session:
            await OutboxRepo(session).mark_sent_many([e.id for e in batch], _stored(result), now)
            for entry in batch:
                hook = SENT_HOOKS.get(entry.ref_kind or "")
                if hook is not None:
                    await hook(session, entry, result, now)

    async def _failed(self, batch: Sequence[OutboxEntry], exc: TelegramError) -> bool:
        head, now = batch[0], self._services.clock.now()
        text = str(exc).lower()
        if isinstance(exc, RetryAfter):
            delay = _seconds(exc.retry_after)
            await self._retry(batch, now + timedelta(seconds=delay), f"429 retry after {delay}")
            return False
        if isinstance(exc, ChatMigrated):
            old = head.params.get("chat_id", head.chat_id)
            await self._migrated(int(old), exc.new_chat_id)
            return False
        if isinstance(exc, Forbidden):
            await self._forbidden(head.chat_id, str(exc))
            return False
        if isinstance(exc, BadRequest):
            return await self._bad_request(batch, exc, text)
        if isinstance(exc, NetworkError):
            backoff = min(MAX_BACKOFF_S, 2 ** min(head.attempts, 8)) * random.uniform(0.8, 1.2)
            await self._retry(batch, now + timedelta(seconds=backoff), f"{NETWORK_ERROR} {exc}")
            return False
        await self._fail(batch, f"telegram: {exc}")
        return True

    async def _bad_request(
        self, batch: Sequence[OutboxEntry], exc: BadRequest, text: str
    ) -> bool:
        if any(marker in text for marker in _ALREADY_DONE):
            log.debug("outbox: %s treated as done (%s)", batch[0].method, exc)
            await self._record(batch, None)
            return True
        in_topic = "message_thread_id" in batch[0].params
        if in_topic and any(marker in text for marker in _BAD_THREAD):
            await self._without_thread(batch[0])
            return False
        if any(marker in text for marker in _NO_RIGHTS):
            await self._fail(batch, f"rights: {exc}")
            await notices.missing_right(self._services, batch[0].chat_id, batch[0].method)
            return True
        log.warning("outbox: %s refused by Telegram: %s", batch[0].method, exc)
        await self._fail(batch, f"bad request: {exc}")
        return True

    async def _retry(self, batch: Sequence[OutboxEntry], when: datetime, why: str) -> None:
        async with session_scope(self._services.sessions) as session:
            for entry in batch:
                await OutboxRepo(session).retry_later(entry.id, when, why)

    async def _fail(self, batch: Sequence[OutboxEntry], why: str) -> None:
        async with session_scope(self._services.sessions) as session:
            for entry in batch:
                await OutboxRepo(session).mark_failed(entry.id, why)

    async def _migrated(self, old_id: int, new_id: int) -> None:
        log.info("chat %s migrated to %s: moving its data", old_id, new_id)
        async with session_scope(self._services.sessions) as session:
            await ChatsRepo(session).migrate(old_id, new_id, self._services.clock.now())

    async def _forbidden(self, chat_id: int, why: str) -> None:
        log.warning("chat %s unreachable (%s): pausing its outbox", chat_id, why)
        now = self._services.clock.now()
        async with session_scope(self._services.sessions) as session:
            changed = await ChatsRepo(session).set_active(chat_id, False, now)
            await OutboxRepo(session).drop_chat(chat_id, why)
        if changed:
            await notices.chat_unreachable(self._services, chat_id, why)

    async def _without_thread(self, entry: OutboxEntry) -> None:
        params = {k: v for k, v in entry.params.items() if k != "message_thread_id"}
        async with session_scope(self._services.sessions) as session:
            await OutboxRepo(session).replace_params(entry.id, params)


def _batches(items: list[OutboxEntry]) -> list[list[OutboxEntry]]:
    """A chat's due deleteMessage rows become deleteMessages calls of up to 100 ids, first.

    Deletions go ahead of the chat's other rows: removing a message sooner never hurts, and
    during a raid it turns thousands of deletions interleaved with bans into a few calls.
    Edits of one message that are due together become one call, with the latest text (see
    `_edits`).
    """
    deletes = [item for item in items if item.method == "deleteMessage"]
    others = _edits([item for item in items if item.method != "deleteMessage"])
    chunks: list[list[OutboxEntry]] = []
    seen: set[int] = set()
    ids_in_last = 0
    for item in deletes:  # rows for an id already in a batch ride along with that batch
        message_id = int(item.params["message_id"])
        if message_id in seen and chunks:
            chunks[-1].append(item)
            continue
        if not chunks or ids_in_last >= DELETE_BATCH:
            chunks.append([])
            ids_in_last = 0
        chunks[-1].append(item)
        ids_in_last += 1
        seen.add(message_id)
    return [*chunks, *others]


def _edits(items: list[OutboxEntry]) -> list[list[OutboxEntry]]:
    """One batch per row, but a message's due edits share one, sent with the last one's
    parameters at the first one's place.

    An editMessageText carries the whole text and keyboard, so the last edit alone leaves the
    message as all of them in turn would: a card changed several times while its chat waited
    for its posting budget (20 a minute) costs one call, not one per change. Edits queued
    after this read are sent on their own, later.
    """
    batches: list[list[OutboxEntry]] = []
    edits: dict[object, list[OutboxEntry]] = {}
    for item in items:
        target = item.params.get("message_id") if item.method == "editMessageText" else None
        if target is None:
            batches.append([item])
        elif target in edits:
            edits[target].append(item)
        else:
            edits[target] = [item]
            batches.append(edits[target])
    return batches


def _by_member(batches: list[list[OutboxEntry]]) -> list[list[list[OutboxEntry]]]:
    """Split a chat's calls into runs that keep their order only where order matters: the
    calls about one member (restrict, then ban; ban, then unban) form one run, everything
    else (posts, edits, deletions) another. Runs go out side by side, MEMBERS_IN_PARALLEL at
    a time: a raid's 200 restrictions and 200 bans are not 400 round trips in a row."""
    runs: dict[tuple[str, int], list[list[OutboxEntry]]] = {}
    for batch in batches:
        params = batch[0].params
        member = params.get("user_id", params.get("sender_chat_id"))
        key = ("member", int(member)) if member is not None else ("chat", 0)
        runs.setdefault(key, []).append(batch)
    return list(runs.values())


def _with_files(params: dict[str, Any]) -> dict[str, Any]:
    """Turn stored ``{"__file__": name, "base64": ...}`` values into uploads."""
    out = dict(params)
    for key, value in params.items():
        if isinstance(value, dict) and "__file__" in value:
            out[key] = InputFile(base64.b64decode(value["base64"]), filename=value["__file__"])
    return out


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _stored(result: Any) -> dict[str, Any]:
    """A call's answer as the outbox row keeps it (a bare True becomes {"ok": True})."""
    return result if isinstance(result, dict) else {"ok": result}


def _plain(result: Any) -> Any:
    if hasattr(result, "to_dict"):
        return result.to_dict()
    return result
