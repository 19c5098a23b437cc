"""Webhook delivery: push queued updates to the URL set with setWebhook, like Telegram.

Telegram POSTs one update per request with the ``X-Telegram-Bot-Api-Secret-Token`` header,
keeps an update until the bot answers 2xx, and retries after a failure; ``getWebhookInfo``
then reports ``last_error_date``/``last_error_message``. Updates go out one at a time, in
order, so a bot's redelivery and dedupe logic can be tested end to end.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx

from bot.sandbox.state import JsonDict
from bot.sandbox.world import Sandbox

WEBHOOK_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(slots=True)
class Delivery:
    update_id: int
    status: int | None  # None: no HTTP answer (refused, timed out)


@dataclass(slots=True)
class WebhookPusher:
    """Run with ``await pusher.run()`` (e.g. in a TaskGroup); ``stop()`` ends it."""

    sandbox: Sandbox
    retry_delay: float = 1.0
    timeout: float = 10.0
    deliveries: list[Delivery] = field(default_factory=list)
    _stopped: asyncio.Event = field(default_factory=asyncio.Event)

    def stop(self) -> None:
        self._stopped.set()
        self.sandbox.wake_pollers()

    async def run(self) -> None:
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            while not self._stopped.is_set():
                url = self.sandbox.webhook.get("url")
                batch = self.sandbox.take_updates(1) if url else []
                if not url or not batch:
                    await self.sandbox.wait_for_update(1.0)
                    continue
                if await self._deliver(client, str(url), batch[0]):
                    self.sandbox.confirm_updates(batch[0]["update_id"] + 1)
                else:
                    await asyncio.sleep(self.retry_delay)

    async def _deliver(self, client: httpx.AsyncClient, url: str, update: JsonDict) -> bool:
        headers = {}
        secret = self.sandbox.webhook.get("secret_token")
        if secret:
            headers[WEBHOOK_HEADER] = str(secret)
        try:
            response = await client.post(url, json=update, headers=headers)
        except httpx.HTTPError as error:
            self._failed(update, None, f"Connection failed: {type(error).__name__}")
            return False
        if 200 <= response.status_code < 300:
            self.deliveries.append(Delivery(update["update_id"], response.status_code))
            return True
        self._failed(update, response.status_code,
                     f"Wrong response from the webhook: {response.status_code}")
        return False

    def _failed(self, update: JsonDict, status: int | None, message: str) -> None:
        self.deliveries.append(Delivery(update["update_id"], status))
        self.sandbox.webhook.update(last_error_date=self.sandbox.now(),
                                    last_error_message=message)
