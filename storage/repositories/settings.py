"""Per-chat overrides set from Telegram, layered over the policy file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatSetting


class ChatSettingsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def all_for(self, chat_id: int) -> dict[str, Any]:
        rows = await self._s.scalars(select(ChatSetting).where(ChatSetting.chat_id == chat_id))
        return {r.key: r.value.get("v") for r in rows}

    async def put(
        self, chat_id: int, key: str, value: Any, *, by: int | None, now: datetime
    ) -> None:
        row = await self._s.get(ChatSetting, (chat_id, key))
        if row is None:
            row = ChatSetting(chat_id=chat_id, key=key)
            self._s.add(row)
        row.value, row.updated_by, row.updated_at = {"v": value}, by, now
        await self._s.flush()

    async def remove(self, chat_id: int, key: str) -> bool:
        result = await self._s.execute(
            delete(ChatSetting).where(ChatSetting.chat_id == chat_id, ChatSetting.key == key)
        )
        return bool(getattr(result, "rowcount", 0))
