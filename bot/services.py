"""Everything handlers need, built once from Settings and the policy file, passed explicitly."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock
from bot.settings import Settings
from policies.schema import PolicyFile
from storage.db import SessionFactory

if TYPE_CHECKING:
    from bot.faq_service import FaqService
    from bot.moderation_service import ModerationService


@dataclass(slots=True)
class Services:
    settings: Settings
    policy: PolicyFile
    engine: AsyncEngine
    sessions: SessionFactory
    clock: Clock
    outbox_ready: asyncio.Event = field(default_factory=asyncio.Event)
    bot_id: int = 0
    bot_username: str = ""
    extras: dict[str, Any] = field(default_factory=dict)
    faq_service: FaqService | None = None
    moderation_service: ModerationService | None = None

    @property
    def faq(self) -> FaqService:
        if self.faq_service is None:
            raise RuntimeError("the FAQ service is created by Runtime.create")
        return self.faq_service

    @property
    def moderation(self) -> ModerationService:
        if self.moderation_service is None:
            raise RuntimeError("the moderation service is created by Runtime.create")
        return self.moderation_service

    def poke_outbox(self) -> None:
        """Wake the outbox sender: something was committed for it."""
        self.outbox_ready.set()
