"""The sandbox over HTTP: a PTB Bot with base_url, the control API, the standalone process."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram import Bot
from telegram.error import BadRequest, RetryAfter

from bot.sandbox import Sandbox
from bot.sandbox.control import state_json
from bot.sandbox.persist import load_file, save_file
from bot.sandbox.scenario import build_demo
from bot.sandbox.server import start_server
from bot.sandbox.webhook import WEBHOOK_HEADER, WebhookPusher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def served(sandbox: Sandbox) -> AsyncIterator[str]:
    server, port = await start_server(sandbox)
    yield f"http://127.0.0.1:{port}"
    server.stop()
    await server.close_all_connections()


@pytest.fixture
async def http_bot(served: str, sandbox: Sandbox) -> AsyncIterator[Bot]:
    bot = Bot(sandbox.token, base_url=f"{served}/bot")
    await bot.initialize()
    yield bot
    await bot.shutdown()


@pytest.fixture
async def control(served: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{served}/sandbox") as client:
        yield client


async def _do(client: httpx.AsyncClient, action: str, **kwargs: object) -> object:
    response = await client.post(f"/do/{action}", json=kwargs)
    assert response.status_code == 200, response.text
    return response.json()["result"]


async def test_bot_over_http_sends_and_receives(
    http_bot: Bot, control: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    assert http_bot.username == "portavoce_bot"
    user = await _do(control, "add_user", first_name="Anna")
    group = await _do(control, "add_group", title="Caffè")
    await _do(control, "add_bot_to", chat_id=group)
    assert isinstance(user, dict) and isinstance(group, int)
    await _do(control, "user_sends", chat_id=group, user_id=user["id"], text="123")
    updates = await http_bot.get_updates(timeout=2)
    message = updates[-1].message
    assert message is not None and message.text == "123"
    reply = await http_bot.send_message(group, "true 🙂", reply_to_message_id=message.message_id)
    assert reply.text == "true 🙂" and reply.reply_to_message is not None
    calls = (await control.get("/calls", params={"method": "sendMessage"})).json()["result"]
    assert [c["params"]["text"] for c in calls] == ["true 🙂"]


async def test_control_faults_and_errors(
    http_bot: Bot, control: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    group = sandbox.add_group("G", forum=True)
    sandbox.add_bot_to(group)
    armed = await control.post("/faults", json={
        "method": "sendMessage", "fault": {"kind": "too_many_requests", "retry_after": 4}})
    assert armed.status_code == 200
    with pytest.raises(RetryAfter):
        await http_bot.send_message(group, "x")
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await http_bot.send_message(group, "x", message_thread_id=77)
    bad = await control.post("/do/drop_database", json={})
    assert bad.status_code == 400


async def test_multipart_upload_over_http(http_bot: Bot, sandbox: Sandbox) -> None:
    group = sandbox.add_group("G")
    sandbox.add_bot_to(group)
    sent = await http_bot.send_document(group, b"a,b\n1,2\n", filename="dati.csv")
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.file_size) == ("dati.csv", 8)


async def test_state_file_round_trip(sandbox: Sandbox, tmp_path: Path) -> None:
    group = sandbox.add_group("G", forum=True)
    sandbox.add_bot_to(group)
    sandbox.add_topic(group, "Domande")
    user = sandbox.add_user("U")["id"]
    sandbox.user_sends(group, user, "ciao")
    path = tmp_path / "state.json"
    save_file(sandbox, path)
    restored = Sandbox()
    assert load_file(restored, path)
    assert state_json(restored) | {"calls": 0} == state_json(sandbox) | {"calls": 0}
    assert restored.messages(group) == sandbox.messages(group)
    assert restored.pending == sandbox.pending


@pytest.mark.process
async def test_standalone_server_prints_port_and_answers(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.sandbox.server", "--port", "0",
        "--state-file", str(tmp_path / "state.json"),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        port = int(await asyncio.wait_for(process.stdout.readline(), timeout=10))
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            me = (await client.get("/bot123:abc/getMe")).json()
            assert me["ok"] and me["result"]["username"] == "portavoce_bot"
            await client.post("/sandbox/do/add_user", json={"first_name": "Anna"})
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=10)
    assert process.returncode == 0
    assert "Anna" in (tmp_path / "state.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["query", "form", "json"], ids=str)
async def test_bot_api_accepts_every_encoding(
    served: str, sandbox: Sandbox, encoding: str
) -> None:
    group = sandbox.add_group("G")
    sandbox.add_bot_to(group)
    params = {"chat_id": str(group), "text": "42",
              "reply_markup": '{"inline_keyboard": [[{"text": "ok", "callback_data": "x"}]]}'}
    url = f"{served}/bot{sandbox.token}/sendMessage"
    async with httpx.AsyncClient() as client:
        if encoding == "query":
            response = await client.get(url, params=params)
        elif encoding == "form":
            response = await client.post(url, data=params)
        else:
            response = await client.post(url, json={**params, "chat_id": group})
    body = response.json()
    assert body["ok"], body
    assert body["result"]["text"] == "42"
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "x"


class _Receiver(tornado.web.RequestHandler):
    """The bot's webhook endpoint: fails the first delivery, then accepts."""

    def initialize(self, seen: list[tuple[dict[str, object], str | None]],
                   done: asyncio.Event) -> None:
        self.seen, self.done = seen, done

    def post(self) -> None:
        self.seen.append((json.loads(self.request.body),
                          self.request.headers.get(WEBHOOK_HEADER)))
        self.set_status(500 if len(self.seen) == 1 else 200)
        if len(self.seen) == 3:
            self.done.set()


async def test_webhook_pushes_in_order_and_retries(sandbox: Sandbox) -> None:
    seen: list[tuple[dict[str, object], str | None]] = []
    done = asyncio.Event()
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    receiver = tornado.httpserver.HTTPServer(tornado.web.Application(
        [("/hook", _Receiver, {"seen": seen, "done": done})]))
    receiver.add_sockets(sockets)
    url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hook"
    secret = "s" * 32
    assert (await sandbox.call("setWebhook", {"url": url, "secret_token": secret})).status == 200
    group = sandbox.add_group("G")
    sandbox.add_bot_to(group)
    pusher = WebhookPusher(sandbox, retry_delay=0)
    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(pusher.run())
        await asyncio.wait_for(done.wait(), timeout=5)
        pusher.stop()
    receiver.stop()
    ids = [int(str(update["update_id"])) for update, _ in seen]
    assert ids[0] == ids[1] and ids[1] < ids[2]  # first retried, then the next one
    assert {header for _, header in seen} == {secret}
    info = (await sandbox.call("getWebhookInfo")).body["result"]
    assert info["url"] == url and "last_error_message" in info
    assert (await sandbox.call("getUpdates")).status == 409


def test_demo_world_is_ready_for_the_console() -> None:
    sandbox = Sandbox()
    demo = build_demo(sandbox)
    assert set(demo.topics) == {"complaints", "questions", "moderation", "praise"}
    assert sandbox.chats[demo.team].is_forum
    assert sandbox.chats[demo.channel].linked_chat_id == demo.discussion
    assert sandbox.chats[demo.community].member(sandbox.bot_id).is_admin
    assert sandbox.pending == []
