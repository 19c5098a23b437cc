"""The webhook stores an update only with the right secret, before answering 200."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot.clock import ManualClock
from bot.policy_loader import example_policy_path
from bot.services import Services
from bot.settings import Settings
from bot.webhook import SECRET_HEADER, WebhookServer
from policies.schema import PolicyFile
from storage import migrate
from storage.db import create_engine, make_session_factory, session_scope
from storage.repositories.inbox import InboxRepo

SECRET = "s" * 40
UPDATE = {"update_id": 77, "message": {"message_id": 1, "date": 0, "text": "hi",
                                       "chat": {"id": -100123, "type": "supergroup"}}}


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[WebhookServer, str]]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    await migrate.upgrade(engine)
    from ruamel.yaml import YAML

    policy = PolicyFile.model_validate(YAML(typ="safe").load(example_policy_path()))
    services = Services(
        settings=Settings(), policy=policy, engine=engine,
        sessions=make_session_factory(engine),
        clock=ManualClock(datetime(2026, 1, 1, tzinfo=UTC)),
    )
    receiver = WebhookServer(services, secret=SECRET)
    port = await receiver.start("127.0.0.1", 0)
    yield receiver, f"http://127.0.0.1:{port}/telegram"
    await receiver.stop()
    await engine.dispose()


async def _pending(receiver: WebhookServer) -> int:
    async with session_scope(receiver.services.sessions) as s:
        return await InboxRepo(s).count_pending()


@pytest.mark.parametrize(
    ("headers", "status", "stored"),
    [({}, 403, 0), ({SECRET_HEADER: "wrong" * 8}, 403, 0), ({SECRET_HEADER: SECRET}, 200, 1)],
    ids=["missing-secret", "wrong-secret", "right-secret"],
)
async def test_secret_token_gate(
    server: tuple[WebhookServer, str], headers: dict[str, str], status: int, stored: int
) -> None:
    receiver, url = server
    async with httpx.AsyncClient() as client:
        response = await client.post(url, content=json.dumps(UPDATE), headers=headers)
    assert response.status_code == status
    assert await _pending(receiver) == stored


async def test_same_update_twice_is_stored_once(server: tuple[WebhookServer, str]) -> None:
    receiver, url = server
    async with httpx.AsyncClient() as client:
        for _ in range(2):
            response = await client.post(url, content=json.dumps(UPDATE),
                                         headers={SECRET_HEADER: SECRET})
            assert response.status_code == 200
    assert await _pending(receiver) == 1


async def test_garbage_body_is_refused(server: tuple[WebhookServer, str]) -> None:
    receiver, url = server
    async with httpx.AsyncClient() as client:
        response = await client.post(url, content=b"not json", headers={SECRET_HEADER: SECRET})
    assert response.status_code == 400
    assert await _pending(receiver) == 0
