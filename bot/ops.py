"""Operations: Prometheus metrics and a health endpoint for every process.

`GET /healthz` answers liveness with the process's role, whether it leads (sends the outbox and
runs timers), the inbox lag and the outbox backlog; `GET /metrics` is Prometheus' text format.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

UPDATES = Counter("portavoce_updates_total", "Updates handled", ["outcome"])
UPDATE_SECONDS = Histogram("portavoce_update_seconds", "Time to handle one update")
DECISIONS = Counter("portavoce_moderation_decisions_total", "Moderation reasons", ["rule"])
API_ERRORS = Counter("portavoce_api_errors_total", "Telegram errors by kind", ["kind"])
SENT = Counter("portavoce_api_calls_total", "Bot API calls delivered from the outbox",
               ["method"])
INBOX_PENDING = Gauge("portavoce_inbox_pending", "Updates stored but not handled yet")
OUTBOX_PENDING = Gauge("portavoce_outbox_pending", "Bot API calls owed to Telegram")

HealthProbe = Callable[[], Awaitable[dict[str, Any]]]


class _Health(RequestHandler):
    def initialize(self, probe: HealthProbe) -> None:
        self.probe = probe

    async def get(self) -> None:
        status = await self.probe()
        INBOX_PENDING.set(status.get("inbox_pending", 0))
        OUTBOX_PENDING.set(status.get("outbox_pending", 0))
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(status))


class _Metrics(RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(generate_latest())


def routes(probe: HealthProbe) -> list[Any]:
    return [("/healthz", _Health, {"probe": probe}), ("/metrics", _Metrics)]


def start_ops_server(probe: HealthProbe, host: str, port: int) -> tuple[HTTPServer, int]:
    """A small HTTP server for /healthz and /metrics; returns it and its port."""
    server = HTTPServer(Application(routes(probe)))
    sockets = bind_sockets(port, address=host)
    server.add_sockets(sockets)
    return server, int(sockets[0].getsockname()[1])
