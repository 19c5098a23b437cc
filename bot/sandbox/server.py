"""The sandbox over HTTP on 127.0.0.1: the Bot API at ``/bot<token>/<method>``, plus control.

A real ``portavoce run`` process pointed at ``base_url=http://127.0.0.1:PORT/bot`` cannot tell
it from Telegram; tests drive the world through the JSON control API under ``/sandbox/``.
When the bot calls setWebhook, queued updates are POSTed to its URL (``webhook.py``).

    python -m bot.sandbox.server --port 0 [--state-file F]   # prints the port when ready
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.sandbox import control
from bot.sandbox.errors import SandboxError
from bot.sandbox.params import UploadedFile
from bot.sandbox.persist import load_file, save_file
from bot.sandbox.webhook import WebhookPusher
from bot.sandbox.world import Sandbox

JsonDict = dict[str, Any]


class _Base(tornado.web.RequestHandler):
    sandbox: Sandbox
    state_file: Path | None

    def initialize(self, sandbox: Sandbox, state_file: Path | None) -> None:
        self.sandbox = sandbox
        self.state_file = state_file

    def reply(self, status: int, body: Any) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def save(self) -> None:
        if self.state_file is not None:
            save_file(self.sandbox, self.state_file)

    def json_body(self) -> JsonDict:
        if not self.request.body:
            return {}
        data = json.loads(self.request.body)
        if not isinstance(data, dict):
            raise SandboxError("the body must be a JSON object")
        return data


class BotApiHandler(_Base):
    """``/bot<token>/<method>`` with GET query, urlencoded/multipart form or JSON body."""

    async def get(self, token: str, method: str) -> None:
        await self.answer(method)

    async def post(self, token: str, method: str) -> None:
        await self.answer(method)

    def raw_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {k: v[-1].decode("utf-8")
                                  for k, v in self.request.query_arguments.items()}
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            params.update(self.json_body())
        else:
            params.update({k: v[-1].decode("utf-8")
                           for k, v in self.request.body_arguments.items()})
        return params

    async def answer(self, method: str) -> None:
        files = {name: UploadedFile(parts[-1].filename, parts[-1].body,
                                    parts[-1].content_type)
                 for name, parts in self.request.files.items()}
        response = await self.sandbox.call(method, self.raw_params(), files)
        self.save()
        if response.delay:
            await asyncio.sleep(response.delay)
        if response.drop_connection:
            self.detach().close()
            return
        self.set_status(response.status)
        self.set_header("Content-Type", "application/json")
        self.finish(response.payload())


class ActionHandler(_Base):
    """POST /sandbox/do/<action> with JSON kwargs, e.g. ``user_sends``."""

    def post(self, action: str) -> None:
        try:
            result = control.run_action(self.sandbox, action, self.json_body())
        except SandboxError as error:
            self.reply(400, {"ok": False, "description": str(error)})
            return
        self.save()
        self.reply(200, {"ok": True, "result": result})


class CallsHandler(_Base):
    """GET /sandbox/calls?method=sendMessage&since=N; DELETE clears the record."""

    def get(self) -> None:
        method = self.get_query_argument("method", None)
        since = int(self.get_query_argument("since", "0"))
        self.reply(200, {"ok": True, "result": control.calls_json(self.sandbox, method, since)})

    def delete(self) -> None:
        self.sandbox.clear_calls()
        self.reply(200, {"ok": True, "result": True})


class FaultsHandler(_Base):
    """POST /sandbox/faults arms a fault; DELETE disarms all."""

    def post(self) -> None:
        try:
            result = control.arm_fault(self.sandbox, self.json_body())
        except SandboxError as error:
            self.reply(400, {"ok": False, "description": str(error)})
            return
        self.reply(200, {"ok": True, "result": result})

    def delete(self) -> None:
        self.sandbox.faults.clear()
        self.reply(200, {"ok": True, "result": True})


class StateHandler(_Base):
    """GET /sandbox/state (summary), /sandbox/messages/<chat_id>, /sandbox/updates."""

    def get(self, what: str, chat_id: str | None = None) -> None:
        sandbox = self.sandbox
        if what == "messages" and chat_id is not None:
            deleted = self.get_query_argument("include_deleted", "0") == "1"
            result: Any = sandbox.messages(int(chat_id), include_deleted=deleted)
        elif what == "updates":
            result = {"pending": sandbox.pending, "emitted": len(sandbox.emitted)}
        elif what == "rates":
            result = {"max_rate_per_second": sandbox.max_rate_per_second(),
                      "max_per_group_per_minute": sandbox.max_per_group_per_minute()}
        else:
            result = control.state_json(sandbox)
        self.reply(200, {"ok": True, "result": result})


def make_app(sandbox: Sandbox, state_file: Path | None = None) -> tornado.web.Application:
    options = {"sandbox": sandbox, "state_file": state_file}
    return tornado.web.Application([
        (r"/bot([^/]+)/([A-Za-z]+)", BotApiHandler, options),
        (r"/sandbox/do/([a-z_]+)", ActionHandler, options),
        (r"/sandbox/calls", CallsHandler, options),
        (r"/sandbox/faults", FaultsHandler, options),
        (r"/sandbox/(messages)/(-?\d+)", StateHandler, options),
        (r"/sandbox/(state|updates|rates)", StateHandler, options),
    ])


async def start_server(
    sandbox: Sandbox, port: int = 0, state_file: Path | None = None
) -> tuple[tornado.httpserver.HTTPServer, int]:
    """Listen on 127.0.0.1 (``port=0``: any free port); returns the server and its port."""
    sockets = tornado.netutil.bind_sockets(port, "127.0.0.1")
    server = tornado.httpserver.HTTPServer(make_app(sandbox, state_file))
    server.add_sockets(sockets)
    return server, int(sockets[0].getsockname()[1])


async def _serve(args: argparse.Namespace) -> None:
    sandbox = Sandbox(bot_id=args.bot_id, bot_username=args.bot_username,
                      privacy_mode=args.privacy_mode, enforce_limits=args.enforce_limits)
    state_file = Path(args.state_file) if args.state_file else None
    if state_file is not None:
        load_file(sandbox, state_file)
    server, port = await start_server(sandbox, args.port, state_file)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    pusher = WebhookPusher(sandbox)
    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(pusher.run())
        sys.stdout.write(f"{port}\n")
        sys.stdout.flush()
        await stop.wait()
        pusher.stop()
    server.stop()
    if state_file is not None:
        save_file(sandbox, state_file)


def main(argv: list[str] | None = None) -> None:
    # Access lines would print request paths, which hold the bot token: keep them out.
    logging.getLogger("tornado.access").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description="Sandbox Telegram Bot API on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state-file", default=None)
    parser.add_argument("--bot-id", type=int, default=7000000001)
    parser.add_argument("--bot-username", default="portavoce_bot")
    parser.add_argument("--privacy-mode", action="store_true")
    parser.add_argument("--enforce-limits", action="store_true")
    asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
