"""What the bot built at start is frozen out of the collector's passes, and thawed at stop."""

from __future__ import annotations

import gc
import weakref

from bot.gc_tuning import freeze_long_lived, thaw
from bot.playground import Playground


class _Node:
    def __init__(self) -> None:
        self.me: _Node | None = None


def test_cycles_made_after_the_freeze_are_still_collected() -> None:
    try:
        frozen = freeze_long_lived()
        assert frozen > 1000 and gc.get_freeze_count() == frozen
        node = _Node()
        node.me = node
        alive = weakref.ref(node)
        del node
        gc.collect()
        assert alive() is None
    finally:
        thaw()
    assert gc.get_freeze_count() == 0


async def test_a_running_bot_has_its_start_frozen_and_a_stopped_one_not(
    play: Playground,
) -> None:
    assert gc.get_freeze_count() > 10_000  # policy, rules, libraries
    play.sandbox.user_sends(play.group_id, play.people.member, "how much is shipping to Italy?")
    await play.deliver()  # handling goes on as before: the FAQ answers
    [answer] = [c.params["text"] for c in play.sandbox.calls_of("sendMessage")
                if c.params["chat_id"] == play.group_id and c.ok]
    assert "Shipping is free over €30" in answer
    await play.close()
    assert gc.get_freeze_count() == 0
