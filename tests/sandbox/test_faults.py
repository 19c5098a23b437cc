"""Faults and real failure states map to the exceptions PTB raises against Telegram."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.clock import ManualClock
from bot.sandbox import Fault, Sandbox, make_bot
from tests.sandbox.conftest import Community


@pytest.mark.parametrize(
    ("fault", "exception", "words"),
    [(Fault.too_many_requests(7), RetryAfter, "flood control exceeded"),
     (Fault.kicked(), Forbidden, "bot was kicked from the supergroup chat"),
     (Fault.blocked(), Forbidden, "bot was blocked by the user"),
     (Fault.not_enough_rights(), BadRequest, "not enough rights"),
     (Fault.server_error(502), NetworkError, "bad gateway"),
     (Fault.migrated(-1009), ChatMigrated, "migrated"),
     (Fault.timeout(10), TimedOut, "timed out"),
     (Fault.connection_reset(), NetworkError, "disconnected"),
     (Fault.unauthorized(), InvalidToken, "unauthorized")],
    ids=["429", "kicked", "blocked", "rights", "502", "migrated", "timeout", "reset", "401"],
)
async def test_fault_raises_ptb_exception(
    bot: Bot, sandbox: Sandbox, community: Community, fault: Fault,
    exception: type[Exception], words: str,
) -> None:
    sandbox.faults.fail_next("sendMessage", error=fault)
    with pytest.raises(exception) as raised:
        await bot.send_message(community.group, "ciao")
    assert words in str(raised.value).lower()
    assert (await bot.send_message(community.group, "di nuovo")).text == "di nuovo"


async def test_bad_gateway_is_not_bad_request(bot: Bot, community: Community,
                                              sandbox: Sandbox) -> None:
    sandbox.faults.fail_next("sendMessage", error=Fault.server_error(502))
    with pytest.raises(NetworkError) as raised:
        await bot.send_message(community.group, "x")
    assert not isinstance(raised.value, BadRequest)


async def test_timeout_still_carries_the_call_out(
    bot: Bot, sandbox: Sandbox, community: Community, clock: ManualClock
) -> None:
    start = clock.now()
    sandbox.faults.fail_next("sendMessage", error=Fault.timeout(10))
    with pytest.raises(TimedOut):
        await bot.send_message(community.group, "forse arrivato")
    assert sandbox.sent_texts(community.group) == ["forse arrivato"]
    assert (clock.now() - start).total_seconds() == 5  # the client's read timeout


async def test_conflict_on_get_updates(bot: Bot, sandbox: Sandbox) -> None:
    sandbox.faults.fail_next("getUpdates", 2, error=Fault.conflict())
    for _ in range(2):
        with pytest.raises(Conflict, match="only one bot instance"):
            await bot.get_updates()
    assert await bot.get_updates() == ()


async def test_chat_down_until_cleared(bot: Bot, sandbox: Sandbox, community: Community) -> None:
    sandbox.faults.set_chat_down(community.group, Fault.too_many_requests(3))
    with pytest.raises(RetryAfter):
        await bot.send_message(community.group, "a")
    assert (await bot.send_message(community.forum, "b")).text == "b"
    sandbox.faults.clear_chat_down(community.group)
    assert (await bot.send_message(community.group, "c")).text == "c"


async def test_fail_while_predicate(bot: Bot, sandbox: Sandbox, community: Community) -> None:
    sandbox.faults.fail_while("sendMessage", lambda _m, p: "promo" in str(p.get("text")),
                              error=Fault.bad_request("CHAT_WRITE_FORBIDDEN"))
    with pytest.raises(BadRequest, match=r"(?i)chat_write_forbidden"):
        await bot.send_message(community.group, "promo!")
    assert (await bot.send_message(community.group, "normale")).text == "normale"


@pytest.mark.parametrize(
    ("setup", "words"),
    [("kicked", "bot was kicked from the supergroup chat"),
     ("left", "bot is not a member of the supergroup chat"),
     ("blocked", "bot was blocked by the user"),
     ("stranger", "bot can't initiate conversation with a user")],
    ids=str,
)
async def test_unreachable_chats_answer_403(
    bot: Bot, sandbox: Sandbox, community: Community, setup: str, words: str
) -> None:
    target = community.group
    if setup in ("kicked", "left"):
        sandbox.set_member(community.group, sandbox.bot_id, setup)
    elif setup == "blocked":
        sandbox.block_bot(community.member)
        target = community.member
    else:
        target = sandbox.add_user("Sconosciuto")["id"]
    with pytest.raises(Forbidden) as raised:
        await bot.send_message(target, "ciao")
    assert words in raised.value.message.lower()


async def test_unknown_method_is_404_like_telegram(sandbox: Sandbox) -> None:
    response = await sandbox.call("sendTelepathy", {"chat_id": "1"})
    assert (response.status, response.body) == (404, {"ok": False, "error_code": 404,
                                                      "description": "Not Found"})


async def test_rates_are_measured_and_optionally_enforced(
    community: Community, clock: ManualClock
) -> None:
    sandbox = Sandbox(clock=clock, enforce_limits=True)
    group = sandbox.add_group("G")
    sandbox.add_bot_to(group)
    bot = make_bot(sandbox)
    await bot.initialize()
    for i in range(20):
        await bot.send_message(group, f"n{i}")
        clock.advance(0.01)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(group, "troppo")
    retry_after = raised.value.retry_after
    seconds = retry_after if isinstance(retry_after, int) else retry_after.total_seconds()
    assert 59 <= seconds <= 60
    await bot.shutdown()
    assert sandbox.max_per_group_per_minute() == 20
    assert sandbox.max_rate_per_second() == 20
