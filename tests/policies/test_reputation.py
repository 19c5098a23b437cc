"""Spikes against a chat's own baseline, and unanswered questions grouped into themes."""

from __future__ import annotations

import pytest

from policies.reputation import change, detect_spike, group_questions, shows_count, totals

NORMAL_HISTORY = [2, 3, 1, 2, 4, 2, 3, 2, 1, 3, 2, 2, 3, 2]


@pytest.mark.parametrize(
    ("history", "current", "expected"),
    [
        (NORMAL_HISTORY, 3, False),
        (NORMAL_HISTORY, 5, False),
        (NORMAL_HISTORY, 14, True),
        ([0] * 14, 2, False),  # a quiet chat: below the minimum count
        ([0] * 14, 5, True),
        ([10, 12, 9, 11, 10, 12, 11, 10, 9, 12, 11, 10, 12, 11], 20, False),  # busy chat
        ([10, 12, 9, 11, 10, 12, 11, 10, 9, 12, 11, 10, 12, 11], 40, True),
        ([], 6, True),
    ],
    ids=["normal-day", "a-bit-more", "spike", "tiny-chat", "first-ever-burst",
         "busy-chat-normal", "busy-chat-spike", "no-history"],
)
def test_detect_spike(history: list[int], current: int, expected: bool) -> None:
    found = detect_spike(history, current, min_count=5, factor=3.0)
    assert (found is not None) is expected


LABELLED = [
    ("fate consegne la domenica?", "it", "sunday"),
    ("consegnate anche di domenica mattina?", "it", "sunday"),
    ("la domenica consegnate a domicilio?", "it", "sunday"),
    ("avete il caffè decaffeinato?", "it", "decaf"),
    ("c'è una miscela decaffeinata?", "it", "decaf"),
    ("posso pagare con satispay?", "it", "satispay"),
    ("accettate satispay?", "it", "satispay"),
    ("do you ship to Norway?", "en", "norway"),
    ("can you ship an order to Norway?", "en", "norway"),
    ("quando riaprite il negozio di Milano?", "it", "milan"),
]


def test_questions_group_into_their_themes() -> None:
    groups = group_questions([(text, lang) for text, lang, _ in LABELLED])
    as_labels = sorted(sorted({LABELLED[i][2] for i in g}) for g in groups)
    assert all(len(labels) == 1 for labels in as_labels)  # no theme mixes two topics
    sizes = sorted((len(g) for g in groups), reverse=True)
    assert sizes[0] >= 2 and len(groups) <= 7


def test_totals_and_change() -> None:
    series = {"2026-03-01": {"messages": 10, "active": 4},
              "2026-03-02": {"messages": 5, "active": 6}}
    assert totals(series, ["2026-03-01", "2026-03-02"]) == {"messages": 15, "active": 6}
    assert (change(15, 10), change(5, 10), change(3, 0), change(0, 0)) == (
        "+50%", "-50%", "new", "=")


def test_a_spike_card_shows_its_count_at_the_start_and_each_quarter_more() -> None:
    assert [c for c in range(1, 40) if shows_count(c, 5.0)] == [5, 7, 9, 12, 15, 19, 24, 30, 38]
    assert [c for c in range(1, 9) if shows_count(c, 4.2)] == [5, 7]  # the first count over
