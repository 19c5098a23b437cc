"""Counting what happens, on the hot path.

Counters are gathered in the update's unit of work and written just before it commits, in one
statement for all of them (a message touches three to six counters): the same transaction,
so a counted update is counted exactly once, at a fraction of the statements.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services import Services
from bot.unit_of_work import UnitOfWork, current_uow
from storage.repositories.metrics import MetricsRepo

_PENDING = "metrics.pending"
_ACTIVE = "metrics.active_today"  # services.extras: _ActiveToday
_DAY = "metrics.day"  # the unit of work's scratch: the brand's day of its update


class _Pending:
    def __init__(self, uow: UnitOfWork) -> None:
        self.counts: Counter[tuple[int, str, str]] = Counter()
        self.active: set[tuple[int, str, int]] = set()
        self._uow = uow

    async def flush(self) -> None:
        await MetricsRepo(self._uow.session).record(dict(self.counts), sorted(self.active))


def _pending(uow: UnitOfWork) -> _Pending:
    pending: _Pending | None = uow.scratch.get(_PENDING)
    if pending is None:
        pending = uow.scratch[_PENDING] = _Pending(uow)
        uow.before_commit.append(pending.flush)
    return pending


def local_day(services: Services, when: datetime | None = None) -> str:
    """The brand's calendar day (policy timezone), which digests and /stats count in."""
    moment = when or services.clock.now()
    return moment.astimezone(ZoneInfo(services.policy.brand.timezone)).date().isoformat()


def _today(services: Services, uow: UnitOfWork) -> str:
    """`local_day` of the update's time, worked out once per update (a message counts
    three to six things)."""
    day: str | None = uow.scratch.get(_DAY)
    if day is None:
        day = uow.scratch[_DAY] = local_day(services, uow.now)
    return day


async def count(services: Services, chat_id: int, key: str, by: int = 1) -> None:
    uow = current_uow()
    _pending(uow).counts[(chat_id, _today(services, uow), key)] += by


async def active(services: Services, chat_id: int, user_id: int) -> None:
    uow = current_uow()
    key = (chat_id, _today(services, uow), user_id)
    today: _ActiveToday = services.extras.setdefault(_ACTIVE, _ActiveToday())
    if key in today.keys:
        return  # its row is already stored: inserting it again would change nothing
    pending = _pending(uow)
    if not pending.active:
        uow.after_commit.append(lambda: today.remember(pending.active))
    pending.active.add(key)


def forget_cached(services: Services) -> None:
    """After /forget erased a member's activity rows: store them again when they speak."""
    services.extras.pop(_ACTIVE, None)


class _ActiveToday:
    """Members whose activity row for the day this process has committed.

    Most messages come from members who already spoke that day; their row is known to
    exist, so the statement is skipped. Only the latest day is kept, and at most ``LIMIT``
    rows (beyond that the set starts again: a skipped insert is only ever a saving).
    """

    LIMIT = 50_000

    def __init__(self) -> None:
        self.keys: set[tuple[int, str, int]] = set()
        self.day = ""

    async def remember(self, keys: set[tuple[int, str, int]]) -> None:
        for key in keys:
            if key[1] != self.day or len(self.keys) >= self.LIMIT:
                self.keys.clear()
                self.day = key[1]
            self.keys.add(key)
