"""Combot Anti-Spam (CAS) lookups: optional (`moderation.spam.cas`), off by default.

Fail-open like tg-spam: when CAS is slow or down the member is let in and the decision says so
in the logs; a known spammer is banned on join. Results are cached for an hour.
"""

from __future__ import annotations

import logging
import time

import httpx

log = logging.getLogger(__name__)
CACHE_SECONDS = 3600.0


class CasClient:
    def __init__(self, url: str, *, timeout: float = 2.0) -> None:
        self._url = url
        self._timeout = timeout
        self._cache: dict[int, tuple[float, bool]] = {}

    async def is_banned(self, user_id: int) -> bool | None:
        """True/False, or None when CAS could not be asked (fail-open)."""
        now = time.monotonic()
        cached = self._cache.get(user_id)
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(self._url, params={"user_id": user_id})
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("CAS unavailable (%s): letting user %s in", type(exc).__name__, user_id)
            return None
        banned = bool(isinstance(data, dict) and data.get("ok"))
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[user_id] = (now, banned)
        return banned
