"""Counting what happens, on the hot path: one upsert per counter, in the update's transaction."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services import Services
from bot.unit_of_work import current_uow
from storage.repositories.metrics import MetricsRepo


def local_day(services: Services, when: datetime | None = None) -> str:
    """The brand's calendar day (policy timezone), which digests and /stats count in."""
    moment = when or services.clock.now()
    return moment.astimezone(ZoneInfo(services.policy.brand.timezone)).date().isoformat()


async def count(services: Services, chat_id: int, key: str, by: int = 1) -> None:
    uow = current_uow()
    await MetricsRepo(uow.session).incr(chat_id, local_day(services, uow.now), key, by)


async def active(services: Services, chat_id: int, user_id: int) -> None:
    uow = current_uow()
    await MetricsRepo(uow.session).active(chat_id, local_day(services, uow.now), user_id)
