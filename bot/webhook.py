"""Webhook receiver: an update is committed to the inbox before Telegram gets its 200.

The secret token is compared in constant time and never logged; a missing or wrong one gets
403 and nothing is stored.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.dispatcher import chat_key
from bot.ops import HealthProbe, routes
from bot.services import Services
from storage.db import session_scope
from storage.repositories.inbox import InboxRepo, InboxRow

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_BODY = 1 << 20


class _UpdateHandler(RequestHandler):
    def initialize(self, receiver: WebhookServer) -> None:
        self.receiver = receiver

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.receiver.secret.encode()):
            log.warning("webhook: request with a missing or wrong secret token refused")
            self.set_status(403)
            return
        try:
            update = json.loads(self.request.body)
            row = InboxRow(int(update["update_id"]), chat_key(update), json.dumps(update))
        except (ValueError, KeyError, TypeError):
            self.set_status(400)
            return
        await self.receiver.store(row)
        self.set_status(200)


class _HealthHandler(RequestHandler):
    def get(self) -> None:
        self.write({"ok": True})


class WebhookServer:
    def __init__(self, services: Services, *, secret: str, path: str = "/telegram",
                 probe: HealthProbe | None = None) -> None:
        self.services = services
        self.secret = secret
        self.stored = asyncio.Event()
        extra = routes(probe) if probe is not None else [("/healthz", _HealthHandler)]
        self._app = Application([(path, _UpdateHandler, {"receiver": self}), *extra])
        self._server: HTTPServer | None = None

    async def store(self, row: InboxRow) -> None:
        async with session_scope(self.services.sessions) as session:
            await InboxRepo(session).add_many([row], self.services.clock.now())
        self.stored.set()

    async def start(self, host: str, port: int) -> int:
        """Listen on ``host:port`` (port 0 picks a free one); returns the bound port."""
        self._server = HTTPServer(self._app, max_body_size=MAX_BODY, xheaders=True)
        sockets = bind_sockets(port, address=host)
        self._server.add_sockets(sockets)
        return int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
