"""Drive traffic into a running world and turn stamps into throughput and latency.

Latency of a message = from ``sandbox.user_sends`` (the update exists at "Telegram") to the
later of: the dispatcher finishing its update (transaction committed), and the last Bot API
call attributed to it (deleteMessage(s) of it, a sendMessage replying to it, a ban or
restriction of its author). Calls to the team chat (cards, logs) are not attributed.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from bench.traffic import Message
from bench.world import World, newcomer
from bot.sandbox import ApiCall, SandboxError


@dataclass(frozen=True, slots=True)
class Sent:
    update_id: int
    chat_id: int
    message_id: int
    user_id: int
    at: float


class Driver:
    """Round-robin senders (regulars far apart, so flood rules see normal people)."""

    def __init__(self, world: World, seed: int = 7) -> None:
        self.world = world
        self.pairs = [(chat, user) for chat, users in world.members.items() for user in users]
        random.Random(seed).shuffle(self.pairs)
        self.turn = 0
        self.spammers = 0
        self.skipped = 0

    def inject(self, message: Message) -> Sent | None:
        world = self.world
        if message.kind == "spam":
            chat = world.groups[self.spammers % len(world.groups)]
            user = newcomer(world, chat, f"Promo{self.spammers}")
            self.spammers += 1
        else:
            chat, user = self.pairs[self.turn % len(self.pairs)]
            self.turn += 1
        try:
            sent = world.sandbox.user_sends(chat, user, message.text)
        except SandboxError:  # muted or banned by an earlier decision
            self.skipped += 1
            return None
        update_id = int(world.sandbox.emitted[-1]["update_id"])
        return Sent(update_id, chat, int(sent["message_id"]), user, time.perf_counter())

    def burst(self, messages: Sequence[Message]) -> list[Sent]:
        return [s for s in (self.inject(m) for m in messages) if s is not None]

    async def closed_loop(self, messages: Sequence[Message], window: int) -> list[Sent]:
        """Keep ``window`` messages in flight: as fast as the bot goes, without a backlog
        that would only measure queueing (and starve SQLite's writers)."""
        out: list[Sent] = []
        done, progress = self.world.done, self.world.progress
        for message in messages:
            while sum(1 for s in out[-window:] if s.update_id not in done) >= window:
                # woken by the dispatcher's next finished update, not by polling: a poll
                # every half millisecond took the CPU from the slower variant more often
                progress.clear()
                await progress.wait()
            sent = self.inject(message)
            if sent is not None:
                out.append(sent)
        return out

    async def paced(self, messages: Sequence[Message], rate: float) -> list[Sent]:
        """Offer ``rate`` messages per second (open loop: the bot's speed does not slow it)."""
        out: list[Sent] = []
        started, index = time.perf_counter(), 0
        while index < len(messages):
            due = min(len(messages), int((time.perf_counter() - started) * rate) + 1)
            while index < due:
                sent = self.inject(messages[index])
                if sent is not None:
                    out.append(sent)
                index += 1
            await asyncio.sleep(0.0005)
        return out


@contextlib.asynccontextmanager
async def live(world: World) -> AsyncIterator[None]:
    """The runtime's own loops (poller, dispatcher, outbox, maintenance) running."""
    stop = asyncio.Event()
    task = asyncio.ensure_future(world.runtime.run_forever(stop))
    world.running = task
    try:
        yield
    finally:
        stop.set()
        await task


def _check_running(world: World) -> None:
    task = world.running
    if task is not None and task.done():
        raise RuntimeError("the runtime stopped during the run") from task.exception()


async def settle(world: World, sent: Sequence[Sent], timeout: float = 300.0) -> None:
    """Wait until every update is processed and the outbox has nothing due."""
    wanted = {s.update_id for s in sent}
    deadline = time.perf_counter() + timeout
    while not wanted <= world.done.keys():
        _check_running(world)
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{len(wanted - world.done.keys())} updates still pending")
        world.progress.clear()
        with contextlib.suppress(TimeoutError):  # the checks above still run now and then
            await asyncio.wait_for(world.progress.wait(), 0.5)
    while time.perf_counter() < deadline:
        calls = len(world.sandbox.stamps)
        await asyncio.sleep(0.03)
        if len(world.sandbox.stamps) == calls:
            due = await world.runtime.sender.next_due_in()
            if due is None or due > 1.0:
                return


def finish_times(world: World, sent: Sequence[Sent]) -> dict[int, float]:
    """update_id -> when the last effect of that message was observed (perf_counter)."""
    by_message = {(s.chat_id, s.message_id): s for s in sent}
    by_author = {(s.chat_id, s.user_id): s for s in sent}
    finish = {s.update_id: world.done[s.update_id][1] for s in sent
              if s.update_id in world.done}
    for stamp, call in world.sandbox.stamps:
        for s in _attributed(call, by_message, by_author):
            finish[s.update_id] = max(finish.get(s.update_id, stamp), stamp)
    return finish


def _attributed(call: ApiCall, by_message: dict[tuple[int, int], Sent],
                by_author: dict[tuple[int, int], Sent]) -> list[Sent]:
    params = call.params
    try:
        chat = int(str(params.get("chat_id")))
    except ValueError:
        return []
    ids: list[int] = []
    if call.method == "deleteMessage":
        ids = [int(params["message_id"])]
    elif call.method == "deleteMessages":
        ids = [int(m) for m in params.get("message_ids") or []]
    elif call.method == "sendMessage":
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and "message_id" in reply:
            ids = [int(reply["message_id"])]
    elif call.method in ("banChatMember", "restrictChatMember"):
        author = by_author.get((chat, int(params.get("user_id", 0))))
        return [author] if author else []
    return [by_message[(chat, i)] for i in ids if (chat, i) in by_message]


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]
