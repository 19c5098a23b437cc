"""Raid detector and flood tracker: windows, thresholds, expiry, bounded memory."""

from __future__ import annotations

import pytest

from policies.moderation import (
    FloodSample,
    FloodTracker,
    MemberHistory,
    RaidDetector,
    RaidState,
    RuleResult,
)
from policies.schema import Flood, Moderation
from tests.policies.moderation.factories import NOW, OLD, decided, engine, view

RAID_CASES = [
    ("n-minus-one-joins", [0.0, 1.0], RaidState(False, False, None, 2)),
    ("n-joins-starts", [0.0, 1.0, 2.0], RaidState(True, True, 62.0, 3)),
    ("n-joins-spread-too-wide", [0.0, 5.0, 10.0], RaidState(False, False, None, 2)),
    ("extends-while-joins-continue", [0.0, 1.0, 2.0, 3.0], RaidState(True, False, 63.0, 4)),
    ("one-slow-join-during-raid", [0.0, 1.0, 2.0, 30.0], RaidState(True, False, 62.0, 1)),
    ("ends-by-itself", [0.0, 1.0, 2.0, 70.0], RaidState(False, False, None, 1)),
    ("restarts-after-end", [0.0, 1.0, 2.0, 70.0, 71.0, 72.0], RaidState(True, True, 132.0, 3)),
]


@pytest.mark.parametrize(("joins", "expected"), [c[1:] for c in RAID_CASES],
                         ids=[c[0] for c in RAID_CASES])
def test_raid_detector(joins: list[float], expected: RaidState) -> None:
    detector = RaidDetector(joins=3, seconds=10, duration=60)
    states = [detector.observe_join(-100, at) for at in joins]
    assert states[-1] == expected


def test_raid_ends_duration_after_last_trigger() -> None:
    detector = RaidDetector(joins=3, seconds=10, duration=60)
    for at in (0.0, 1.0, 2.0):
        detector.observe_join(-100, at)
    assert [detector.state(-100, 61.9).active, detector.state(-100, 62.0).active,
            detector.state(-200, 1.0)] == [True, False, RaidState(False, False, None, 0)]


def test_spam_extends_a_raid_but_does_not_start_one() -> None:
    detector = RaidDetector(joins=3, seconds=10, duration=60)
    quiet = detector.observe_spam(-100, 0.0)
    for at in (0.0, 1.0, 2.0):
        detector.observe_join(-100, at)
    extended = detector.observe_spam(-100, 50.0)
    assert (quiet, extended) == (RaidState(False, False, None, 0),
                                 RaidState(True, False, 110.0, 0))


def test_raid_memory_is_bounded() -> None:
    detector = RaidDetector(joins=2, seconds=10, duration=60, max_chats=3, max_joins_kept=5)
    for chat in range(10):
        for at in range(20):
            detector.observe_join(chat, float(at) / 10)
    assert (len(detector), detector.state(9, 2.0).joins_in_window) == (3, 5)


def test_raid_rejects_nonsense_settings() -> None:
    with pytest.raises(ValueError, match="positive"):
        RaidDetector(joins=0, seconds=10, duration=60)


def test_flood_tracker_returns_previous_messages_in_window() -> None:
    tracker = FloodTracker(window=10)
    samples = [tracker.record(-1, 7, f"messaggio {i}", at) for i, at in
               enumerate([0.0, 1.0, 2.0, 12.5])]
    assert samples == [
        FloodSample((), 0), FloodSample((0.0,), 0), FloodSample((0.0, 1.0), 0),
        FloodSample((), 0),
    ]


def test_flood_tracker_counts_other_chats_with_same_text() -> None:
    tracker = FloodTracker(window=10)
    text = "Offerta imperdibile nel mio canale"
    results = [
        tracker.record(-1, 7, text, 0.0).repeats_across_chats,
        tracker.record(-1, 7, text, 0.5).repeats_across_chats,
        tracker.record(-2, 7, "OFFERTA imperdibile, nel mio canale!!", 1.0).repeats_across_chats,
        tracker.record(-3, 8, text, 1.5).repeats_across_chats,
        tracker.record(-3, 7, text, 2.0).repeats_across_chats,
        tracker.record(-4, 7, text, 30.0).repeats_across_chats,
        tracker.record(-5, 7, "ok", 30.0).repeats_across_chats,
        tracker.record(-6, 7, "ok", 30.1).repeats_across_chats,
    ]
    assert results == [0, 0, 1, 0, 2, 0, 0, 0]


def test_flood_tracker_memory_is_bounded() -> None:
    tracker = FloodTracker(window=10, max_keys=50, max_per_member=4)
    for user in range(500):
        for at in range(10):
            tracker.record(-1, user, f"testo numero {user}", float(at))
    assert (len(tracker) <= 100, len(tracker.record(-1, 499, "x", 9.5).recent)) == (True, 4)


def test_tracker_feeds_the_engine_flood_rule() -> None:
    tracker = FloodTracker(window=10)
    built = engine(Moderation(flood=Flood(messages=3, seconds=10, action="mute", duration=60)))
    decisions = []
    for i in range(3):
        sample = tracker.record(-1, 42, f"msg {i}", NOW + i)
        history = MemberHistory(first_seen=OLD.first_seen, message_count=100,
                                recent=sample.recent,
                                repeats_across_chats=sample.repeats_across_chats)
        decisions.append(built.evaluate(view(f"msg {i}"), history, NOW + i).action)
    assert decisions == ["none", "none", "mute"]
    assert built.evaluate(view("x"), MemberHistory(recent=(NOW, NOW + 1), message_count=9),
                          NOW + 2) == decided("mute", RuleResult("flood", "3/10s", "mute", 60),
                                              duration=60, delete=True)
