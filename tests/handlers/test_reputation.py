"""Metrics through the handlers, /stats, digests (missed ones too), spikes, kudos, export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import ManualClock
from bot.playground import Playground
from bot.policy_loader import load_policy
from storage.db import session_scope
from storage.repositories.cases import CasesRepo
from storage.repositories.metrics import MetricsRepo
from storage.repositories.outbox import OutboxRepo


def _team(play: Playground, method: str = "sendMessage") -> list[Any]:
    return [c for c in play.sandbox.calls_of(method)
            if c.params["chat_id"] == play.team_chat_id and c.ok]


async def _member(play: Playground, name: str) -> int:
    user = play.sandbox.add_user(name)["id"]
    play.sandbox.set_member(play.group_id, user, "member")
    return int(user)


async def test_metrics_are_counted_through_the_handlers(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.member, "buongiorno a tutti")
    sandbox.user_sends(play.group_id, play.people.member, "quanto costa la spedizione?")
    newcomer = sandbox.add_user("Nina")["id"]
    sandbox.user_joins(play.group_id, newcomer)
    await play.deliver()
    day = "2026-03-02"
    async with session_scope(play.runtime.services.sessions) as s:
        series = await MetricsRepo(s).series(day, day, play.group_id)
    figures = series[day]
    assert figures["messages"] == 2 and figures["active"] == 1
    assert figures["joins"] == 1
    assert figures["questions"] == 1 and figures["answered_bot"] == 1
    assert figures["sent_neu"] + figures.get("sent_pos", 0) == 2


async def test_stats_in_the_team_chat_sends_a_chart_and_numbers(play: Playground) -> None:
    for n in range(3):
        play.sandbox.user_sends(play.group_id, play.people.member, f"ciao {n}")
        play.clock.advance(5)
    await play.deliver()  # chats run in parallel: let the group's messages land first
    play.sandbox.user_sends(play.team_chat_id, play.people.team, "/stats 7d")
    await play.deliver()
    [photo] = _team(play, "sendPhoto")
    assert photo.ok
    text = _team(play)[-1].params["text"]
    assert "Messaggi: 3 (new)" in text


async def test_daily_digest_with_chart_numbers_themes_and_praise(play: Playground) -> None:
    sandbox = play.sandbox
    async with session_scope(play.runtime.services.sessions) as s:
        metrics = MetricsRepo(s)
        await metrics.incr(play.group_id, "2026-03-01", "messages", 40)
        await metrics.incr(play.group_id, "2026-02-28", "messages", 20)
    for n, question in enumerate(("fate consegne la domenica?",
                                  "consegnate anche di domenica mattina?")):
        asker = await _member(play, f"Curioso{n}")
        sandbox.user_sends(play.group_id, asker, question)
    fan = await _member(play, "Fan")
    sandbox.user_sends(play.group_id, fan, "Il vostro caffè è fantastico, bravissimi!")
    await play.deliver()
    play.clock.advance(23 * 3600)  # past 09:00 Rome the next day
    await play.deliver()
    assert _team(play, "sendPhoto"), "the digest sends its chart"
    [png] = [f.content for f in play.sandbox.files.values() if f.filename == "digest.png"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 10_000 < len(png) < 500_000
    digest = next(c for c in _team(play) if "Digest Caffè Aurora · 1g" in c.params["text"])
    text = digest.params["text"]
    assert "Messaggi: 3 (-92%)" in text  # 3 messages on 2 March against 40 on 1 March
    assert "«fate consegne la domenica?»" in text and "«consegnate anche" in text
    assert "Il vostro caffè è fantastico" in text
    labels = [b["text"] for row in digest.params["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[0] == "📝 Bozza FAQ 1"


async def test_a_digest_missed_while_down_is_sent_on_start(tmp_path: Path) -> None:
    policy = load_policy()
    clock = ManualClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    first = await Playground.create(policy, url, clock=clock)
    await first.close()
    clock.advance(2 * 86400)  # the bot was down over two digest times
    second = await Playground.create(policy, url, clock=clock)  # starting delivers it
    try:
        await second.deliver()
        async with session_scope(second.runtime.services.sessions) as s:
            sent = await OutboxRepo(s).list_sent("sendMessage")
        digests = [e for e in sent if "Digest Caffè Aurora · 1g" in e.params["text"]]
        assert len(digests) == 1  # one catch-up digest, not one per missed day
    finally:
        await second.close()


async def test_spike_of_complaints_opens_one_urgent_case(play: Playground) -> None:
    sandbox = play.sandbox
    for n in range(10):
        member = await _member(play, f"Arrabbiato{n}")
        sandbox.user_sends(play.group_id, member,
                           f"Ordine {n} arrivato rotto, servizio pessimo, vergognoso")
        play.clock.advance(60)
        await play.deliver()
    async with session_scope(play.runtime.services.sessions) as s:
        repo = CasesRepo(s)
        cases = [c for c in [await repo.get(i) for i in range(1, 30)] if c is not None]
    spikes = [c for c in cases if c.kind == "spike"]
    assert len(spikes) == 1 and spikes[0].priority == "urgent"
    assert len([c for c in cases if c.kind == "complaint"]) == 10
    # The card shows the count at 5, then each time it has grown by a quarter (7, 9): the
    # figure replaces the previous one (reasons do not pile up "spike:5/h; spike:6/h; ..."),
    # and the examples are the latest negative lines.
    [spike] = spikes
    assert spike.reasons == "spike:9/h vs 0.0/h usual"
    assert "9 nell'ultima ora" in spike.text
    assert spike.context[-1][1].startswith("Ordine 8 ")
    card = next(c for c in _team(play) if "Picco" in c.params["text"])
    assert "5 nell'ultima ora" in card.params["text"]
    edits = [c.params["text"] for c in _team(play, "editMessageText")
             if c.params["message_id"] == card.result["message_id"]]
    assert [e for e in edits if "Picco" in e] == edits
    assert ["7 nell'ultima ora" in edits[0], "9 nell'ultima ora" in edits[-1]] == [True, True]
    assert len(edits) == 2


async def test_praise_goes_to_the_praise_topic_rate_limited(play: Playground) -> None:
    sandbox = play.sandbox
    for n in range(7):
        fan = await _member(play, f"Fan{n}")
        sandbox.user_sends(play.group_id, fan, "Adoro il vostro caffè, è buonissimo! Grazie")
    await play.deliver()
    kudos = [c for c in _team(play) if c.params.get("message_thread_id") == 6]
    assert len(kudos) == 5
    assert kudos[0].params["text"].startswith("💚 Complimenti da Fan0")


async def test_export_cases_as_csv(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.group_id, play.people.member,
                       "Ordine mai arrivato dopo tre settimane, servizio pessimo")
    await play.deliver()
    sandbox.user_sends(play.team_chat_id, play.people.team, "/export cases 30d")
    await play.deliver()
    [document] = _team(play, "sendDocument")
    assert document.params["caption"] == "cases · 30d"


def test_days_helper_is_inclusive() -> None:
    from handlers.reputation import _days

    assert _days("2026-02-27", "2026-03-01") == ["2026-02-27", "2026-02-28", "2026-03-01"]
    assert timedelta(days=1)


async def test_praise_has_room_again_once_the_day_of_kudos_has_passed(play: Playground) -> None:
    sandbox = play.sandbox
    for n in range(6):
        fan = await _member(play, f"Fan{n}")
        sandbox.user_sends(play.group_id, fan, "Adoro il vostro caffè, è buonissimo! Grazie")
    await play.deliver()
    play.clock.advance(23 * 3600)  # still within the 24 hours of the five kudos
    sandbox.user_sends(play.group_id, await _member(play, "Late"),
                       "Adoro il vostro caffè, è buonissimo! Grazie")
    await play.deliver()
    play.clock.advance(3600 + 1)  # the five have left the window
    sandbox.user_sends(play.group_id, await _member(play, "Next"),
                       "Adoro il vostro caffè, è buonissimo! Grazie")
    await play.deliver()
    kudos = [c.params["text"] for c in _team(play) if c.params.get("message_thread_id") == 6]
    assert len(kudos) == 6
    assert kudos[-1].startswith("💚 Complimenti da Next")


async def test_a_member_is_counted_active_once_a_day_and_again_after_forget(
    play: Playground,
) -> None:
    sandbox, member = play.sandbox, play.people.member
    sandbox.user_sends(play.group_id, member, "buongiorno a tutti")
    said = sandbox.user_sends(play.group_id, member, "che bella giornata oggi")
    await play.deliver()
    sandbox.user_sends(play.group_id, play.people.admin, "/forget", reply_to=said["message_id"])
    await play.deliver()
    sandbox.user_sends(play.group_id, member, "eccomi di nuovo")  # stored again
    await play.deliver()
    play.clock.advance(24 * 3600)
    sandbox.user_sends(play.group_id, member, "buongiorno anche oggi")
    await play.deliver()
    async with session_scope(play.runtime.services.sessions) as s:
        series = await MetricsRepo(s).series("2026-03-02", "2026-03-03", play.group_id)
    # the first day: the member and the admin who sent /forget
    assert [series[day]["active"] for day in ("2026-03-02", "2026-03-03")] == [2, 1]
