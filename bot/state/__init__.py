"""State that handlers keep between updates, behind one small interface per kind.

Two implementations of each: in memory, for the single process of role `all` (no database
work per message: the hot path stays cheap), and in the database, for role `worker`, where
one chat's updates are handled by whichever worker claims them, so what one worker saw must
be there for the next (bot/state/database.py). Handlers call the interface and never know
which one runs; tests/state runs the same tests on both.

- `Flood`: a member's recent messages in a chat, and the same text sent to other chats.
- `Raids`: joins per chat in a sliding window, and the raid-mode deadline.
- `Stamps`: a member's recent acts counted in a window (reports, removals by the bot).
- `Lines`: a chat's last lines (context for case cards), its recent negative messages.
- `Freshness`: which cached rules, spam model and FAQ index another process made stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from policies.moderation import FloodSample, RaidState
from policies.schema import Raid


@dataclass(frozen=True, slots=True)
class Line:
    """A chat line: who wrote it (name, id) and what (already cut to size)."""

    name: str
    text: str
    user_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class LineKind:
    """A kind of chat line and how many are kept: the newest ``keep``, none older than
    ``seconds`` (None: no age limit)."""

    name: str
    keep: int
    seconds: int | None = None


@dataclass(frozen=True, slots=True)
class Stale:
    """What another process changed since this one cached it."""

    rules: bool = False
    spam: bool = False
    faq: bool = False


class Flood(Protocol):
    async def record(self, chat_id: int, user_id: int, key: bytes | None,
                     now: datetime) -> FloodSample:
        """This message (``key``: its `flood_key`) and what the member sent before it."""
        ...


class Raids(Protocol):
    async def join(self, chat_id: int, user_id: int, config: Raid, now: datetime) -> RaidState:
        ...

    async def spam(self, chat_id: int, config: Raid, now: datetime) -> RaidState:
        ...

    async def state(self, chat_id: int, config: Raid, now: datetime) -> RaidState:
        ...


class Stamps(Protocol):
    async def add(self, kind: str, chat_id: int, user_id: int, now: datetime,
                  window: float) -> None:
        """Record an act; it counts for ``window`` seconds."""
        ...

    async def count(self, kind: str, chat_id: int, user_id: int, now: datetime,
                    window: float) -> int:
        """The member's acts of this kind in the last ``window`` seconds."""
        ...


class Lines(Protocol):
    async def add(self, kind: LineKind, chat_id: int, line: Line) -> None:
        ...

    async def latest(self, kind: LineKind, chat_id: int, count: int,
                     now: datetime) -> list[Line]:
        """The newest ``count`` lines still kept at ``now``, oldest first."""
        ...

    async def count(self, kind: LineKind, chat_id: int, now: datetime) -> int:
        ...


class Freshness(Protocol):
    async def stale(self, chat_id: int) -> Stale:
        """What changed elsewhere since the last call (the first call sets the baseline)."""
        ...


@dataclass(frozen=True, slots=True)
class ChatState:
    """One implementation of every kind, chosen together (`make_state`)."""

    flood: Flood
    raids: Raids
    stamps: Stamps
    lines: Lines
    freshness: Freshness
    shared: bool


REPORT, REMOVED = "report", "removed"
CONTEXT = LineKind("context", keep=5)
NEGATIVE = LineKind("negative", keep=500, seconds=3600)  # the spike window: one hour
