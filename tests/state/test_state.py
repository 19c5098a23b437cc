"""The same answers from every implementation: memory (one process) and database (workers)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.state import CONTEXT, NEGATIVE, REMOVED, REPORT, Line, Stale
from bot.unit_of_work import unit_of_work
from policies.moderation import FloodSample, RaidState
from policies.schema import Raid
from storage.repositories.faq import FaqRepo
from storage.repositories.moderation import SpamSamplesRepo
from storage.repositories.settings import ChatSettingsRepo
from tests.state.conftest import BASE, Kit, at

RAID = Raid(joins=3, seconds=10, duration=60)
T0 = BASE.timestamp()
RAID_CASES = [
    ("n-minus-one-joins", [0.0, 1.0], RaidState(False, False, None, 2)),
    ("n-joins-starts", [0.0, 1.0, 2.0], RaidState(True, True, T0 + 62.0, 3)),
    ("n-joins-spread-too-wide", [0.0, 5.0, 10.0], RaidState(False, False, None, 2)),
    ("extends-while-joins-continue", [0.0, 1.0, 2.0, 3.0], RaidState(True, False, T0 + 63, 4)),
    ("one-slow-join-during-raid", [0.0, 1.0, 2.0, 30.0], RaidState(True, False, T0 + 62, 1)),
    ("ends-by-itself", [0.0, 1.0, 2.0, 70.0], RaidState(False, False, None, 1)),
    ("restarts-after-end", [0.0, 1.0, 2.0, 70.0, 71.0, 72.0],
     RaidState(True, True, T0 + 132.0, 3)),
]


async def test_flood_returns_the_members_previous_messages_in_the_window(kit: Kit) -> None:
    samples = [await kit.send(-1, 7, n, f"messaggio {n}", at(s))
               for n, s in enumerate([0.0, 1.0, 2.0, 400.0])]
    assert samples == [FloodSample((), 0), FloodSample((T0,), 0),
                       FloodSample((T0, T0 + 1), 0), FloodSample((), 0)]


async def test_flood_counts_other_chats_that_got_the_same_text(kit: Kit) -> None:
    text = "Offerta imperdibile nel mio canale"
    sends = [(-1, 7, text, 0.0), (-1, 7, text, 0.5),
             (-2, 7, "OFFERTA imperdibile, nel mio canale!!", 1.0), (-3, 8, text, 1.5),
             (-3, 7, text, 2.0), (-4, 7, text, 400.0), (-5, 7, "ok", 400.0),
             (-6, 7, "ok", 400.1)]
    results = [(await kit.send(chat, user, n, said, at(s))).repeats_across_chats
               for n, (chat, user, said, s) in enumerate(sends)]
    assert results == [0, 0, 1, 0, 2, 0, 0, 0]


@pytest.mark.parametrize(("joins", "expected"), [c[1:] for c in RAID_CASES],
                         ids=[c[0] for c in RAID_CASES])
async def test_raids(kit: Kit, joins: list[float], expected: RaidState) -> None:
    states = [await kit.step(partial(kit.state.raids.join, -100, n, RAID, at(s)), at(s))
              for n, s in enumerate(joins)]
    assert states[-1] == expected


async def test_raid_ends_duration_after_the_last_trigger(kit: Kit) -> None:
    raids = kit.state.raids
    for n, s in enumerate((0.0, 1.0, 2.0)):
        await kit.step(partial(raids.join, -100, n, RAID, at(s)), at(s))
    states = [await kit.step(partial(raids.state, c, RAID, at(s)))
              for c, s in ((-100, 61.9), (-100, 62.0), (-200, 1.0))]
    assert [states[0].active, states[1].active, states[2]] == [
        True, False, RaidState(False, False, None, 0)]


async def test_spam_extends_a_raid_but_does_not_start_one(kit: Kit) -> None:
    raids = kit.state.raids
    quiet = await kit.step(lambda: raids.spam(-100, RAID, at(0)))
    for n, s in enumerate((0.0, 1.0, 2.0)):
        await kit.step(partial(raids.join, -100, n, RAID, at(s)), at(s))
    extended = await kit.step(lambda: raids.spam(-100, RAID, at(50)), at(50))
    later = await kit.step(lambda: raids.state(-100, RAID, at(100)), at(100))
    assert (quiet, extended, later.active) == (
        RaidState(False, False, None, 0), RaidState(True, False, T0 + 110.0, 0), True)


async def test_stamps_count_a_members_acts_in_the_window(kit: Kit) -> None:
    stamps = kit.state.stamps
    for s in (0.0, 10.0, 20.0):
        await kit.step(partial(stamps.add, REPORT, -1, 7, at(s), 3600), at(s))
    await kit.step(lambda: stamps.add(REPORT, -1, 8, at(5), 3600))
    await kit.step(lambda: stamps.add(REMOVED, -1, 7, at(5), 600))
    counts = [await kit.step(partial(stamps.count, k, c, u, at(s), w))
              for k, c, u, s, w in ((REPORT, -1, 7, 30, 3600), (REPORT, -1, 7, 3605, 3600),
                                    (REPORT, -1, 7, 3615, 3600), (REPORT, -2, 7, 30, 3600),
                                    (REPORT, -1, 8, 30, 3600), (REMOVED, -1, 7, 600, 600),
                                    (REMOVED, -1, 7, 700, 600))]
    assert counts == [3, 2, 1, 0, 1, 1, 0]


async def test_context_lines_keep_the_last_five_per_chat(kit: Kit) -> None:
    lines = kit.state.lines
    for n in range(20):
        line = Line(f"M{n}", f"riga {n}", n, at(n))
        await kit.step(partial(lines.add, CONTEXT, -1, line), at(n))
    await kit.step(lambda: lines.add(CONTEXT, -2, Line("Altro", "altrove", None, at(1))))
    latest = await kit.step(lambda: lines.latest(CONTEXT, -1, 3, at(3 * 86400)))
    assert [(line.name, line.text, line.user_id) for line in latest] == [
        ("M17", "riga 17", 17), ("M18", "riga 18", 18), ("M19", "riga 19", 19)]
    assert await kit.step(lambda: lines.count(CONTEXT, -1, at(30))) == 5
    assert [line.text for line in await kit.step(lambda: lines.latest(CONTEXT, -2, 3, at(2)))
            ] == ["altrove"]


async def test_negative_lines_count_the_last_hour(kit: Kit) -> None:
    lines = kit.state.lines
    for s in (0.0, 1000.0, 2000.0, 3000.0, 4000.0):
        line = Line("Ugo", f"che schifo {s:.0f}", 5, at(s))
        await kit.step(partial(lines.add, NEGATIVE, -1, line), at(s))
    count = await kit.step(lambda: lines.count(NEGATIVE, -1, at(4000)))
    latest = await kit.step(lambda: lines.latest(NEGATIVE, -1, 3, at(4000)))
    assert (count, [line.text for line in latest]) == (
        4, ["che schifo 2000", "che schifo 3000", "che schifo 4000"])
    assert await kit.step(lambda: lines.count(NEGATIVE, -1, at(8000))) == 0


async def test_freshness_sees_what_another_process_changed(kit: Kit) -> None:
    fresh = kit.state.freshness
    if kit.sessions is None:  # one process: caches are invalidated where they are changed
        assert await fresh.stale(-1) == Stale()
        return
    sessions = kit.sessions

    async def elsewhere(change: Callable[[AsyncSession], Awaitable[object]]) -> None:
        async with unit_of_work(sessions, None, at(1)) as uow:
            await change(uow.session)

    for chat in (-1, -2):  # the baselines
        assert await kit.step(partial(fresh.stale, chat)) == Stale()
    await elsewhere(lambda s: ChatSettingsRepo(s).put(-1, "locks", ["sticker"], by=1, now=at(1)))
    assert [await kit.step(partial(fresh.stale, c)) for c in (-1, -2, -1)] == [
        Stale(rules=True), Stale(), Stale()]
    await elsewhere(lambda s: ChatSettingsRepo(s).remove(-1, "locks"))
    await elsewhere(lambda s: SpamSamplesRepo(s).add("compra follower", True, by=1, now=at(2)))
    assert await kit.step(partial(fresh.stale, -1)) == Stale(rules=True, spam=True)
    await elsewhere(lambda s: FaqRepo(s).put("orari", {"q": 1}, source="chat", by=1, now=at(3)))
    assert await kit.step(partial(fresh.stale, -2)) == Stale(faq=True)
    await elsewhere(lambda s: FaqRepo(s).remove("orari"))
    assert await kit.step(partial(fresh.stale, -2)) == Stale(faq=True)
