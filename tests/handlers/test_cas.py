"""Optional CAS lookups on join, against a fake CAS server on 127.0.0.1 (fail-open)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.cas import CasClient
from bot.playground import Playground
from bot.policy_loader import load_policy
from policies.schema import PolicyFile

LISTED: set[int] = set()


class _Check(RequestHandler):
    def get(self) -> None:
        user_id = int(self.get_query_argument("user_id"))
        if user_id in LISTED:
            self.write({"ok": True, "result": {"offenses": 3}})
        else:
            self.write({"ok": False, "description": "Record not found."})


@pytest.fixture
def policy() -> PolicyFile:
    base = load_policy()
    spam = base.moderation.spam.model_copy(update={"cas": True})
    return base.model_copy(update={"moderation": base.moderation.model_copy(
        update={"spam": spam})})


@pytest.fixture
async def cas_url() -> AsyncIterator[str]:
    server = HTTPServer(Application([("/check", _Check)]))
    sockets = bind_sockets(0, "127.0.0.1")
    server.add_sockets(sockets)
    yield f"http://127.0.0.1:{sockets[0].getsockname()[1]}/check"
    server.stop()


async def test_listed_spammer_is_banned_on_join_others_verified(
    play: Playground, cas_url: str
) -> None:
    play.runtime.services.extras["cas"] = CasClient(cas_url)
    sandbox = play.sandbox
    spammer = sandbox.add_user("Spam Bot")["id"]
    honest = sandbox.add_user("Onesta")["id"]
    LISTED.add(spammer)
    sandbox.user_joins(play.group_id, spammer)
    sandbox.user_joins(play.group_id, honest)
    await play.deliver()
    assert [c.params["user_id"] for c in sandbox.calls_of("banChatMember")] == [spammer]
    restricted = [c.params["user_id"] for c in sandbox.calls_of("restrictChatMember")]
    assert restricted == [honest]  # the honest newcomer goes through verification


async def test_cas_down_fails_open(play: Playground) -> None:
    play.runtime.services.extras["cas"] = CasClient("http://127.0.0.1:9/check", timeout=0.5)
    newcomer = play.sandbox.add_user("Nuovo")["id"]
    play.sandbox.user_joins(play.group_id, newcomer)
    await play.deliver()
    assert not play.sandbox.calls_of("banChatMember")
