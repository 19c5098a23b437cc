"""kill -9 at random points while 500 updates are processed: the final state is unchanged.

The same seeded community day runs twice against fresh sandbox servers: once without
interruption, once with the bot killed (SIGKILL) at seeded random moments and restarted. Every
effect (Bot API call that changes Telegram, database row) must be the same in both runs, with
the same multiplicity: nothing lost, nothing done twice.
"""

from __future__ import annotations

import asyncio
import random
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.outbox import REPEATABLE
from tests.process.conftest import SandboxServer, bot_env
from tests.reliability import replay_script as day

pytestmark = pytest.mark.process

SEED = 20260302
KILLS = 3
CRASHES: list[int] = []  # exits the bot made on its own (reported in docs/RELIABILITY.md)
DUPLICATES: list[int] = []


async def start_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    """`portavoce run`, its output appended to a file (an unread pipe could block it)."""
    path = Path(env["PORTAVOCE_DATABASE_URL"].split(":///", 1)[1]).with_suffix(".log")
    with path.open("ab") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, stdout=log, stderr=log)


async def _run_day(tmp: Path, *, kills: int, seed: int) -> tuple[Any, Any, int]:
    server = await day.start_server()
    db = tmp / "bot.db"
    rng = random.Random(seed)
    killed = crashed = 0
    try:
        world = await day.build_world(server)
        script = await day.inject_day(server, world, SEED)
        env = bot_env(SandboxServer(server.url, server.client), tmp,
                      PORTAVOCE_LOG_LEVEL="ERROR", PORTAVOCE_WORKERS="2")
        bot = await start_bot(env)
        kill_at = sorted(rng.uniform(1.0, 12.0) for _ in range(kills))

        async def quiet_phase(presses_done: bool) -> bool:
            if not day.db_quiet(db):
                return False
            calls = await server.calls()
            return presses_done or day.answers_ready(calls, script)

        started = asyncio.get_running_loop().time()
        pressed = 0
        while True:
            now = asyncio.get_running_loop().time() - started
            if bot.returncode is not None:  # crashed on its own: a supervisor restarts it
                crashed += 1
                bot = await start_bot(env)
            elif kill_at and now >= kill_at[0]:
                kill_at.pop(0)
                bot.send_signal(signal.SIGKILL)
                await bot.wait()
                killed += 1
                bot = await start_bot(env)
            elif not pressed and await quiet_phase(False):
                pressed = await day.press_buttons(server, script)
            elif pressed and not kill_at and await quiet_phase(True):
                await asyncio.sleep(2.0)  # anything still owed or sent twice shows up now
                if await quiet_phase(True):
                    break
            assert now < 120, "the day did not settle in time"
            await asyncio.sleep(0.2)
        bot.send_signal(signal.SIGKILL)  # the day is over; the state is on disk
        await bot.wait()
        assert script.injected + pressed == day.TOTAL
        CRASHES.append(crashed)
        return day.effects(await server.calls(), script.last_message), day.rows(db), killed
    finally:
        await server.close()


async def test_kill_9_at_random_points_leaves_the_same_final_state(tmp_path: Path) -> None:
    (tmp_path / "calm").mkdir()
    (tmp_path / "killed").mkdir()
    calm_effects, calm_rows, _ = await _run_day(tmp_path / "calm", kills=0, seed=1)
    effects, rows, killed = await _run_day(tmp_path / "killed", kills=KILLS, seed=SEED)
    assert killed >= 3
    missing = calm_effects - effects
    extra = effects - calm_effects
    Path(tmp_path / "diff.txt").write_text("\n".join(
        ["MISSING", *map(str, missing), "EXTRA", *map(str, extra)]))
    assert not missing, sorted(map(str, missing))[:6]  # nothing lost
    # Known limit: a kill between Telegram accepting a call and the outbox recording it
    # resends that call after the restart (Telegram has no idempotency key). A post is
    # recorded at once, so at most one reply a kill shows twice. Effects on members and
    # messages (bot.outbox.REPEATABLE) are recorded RECORD_EVERY at a time and change nothing
    # when made twice: a kill may resend several. Every extra effect is one the calm run also
    # had; nothing else may differ.
    assert set(extra) <= set(calm_effects), sorted(map(str, extra))[:6]
    posts = sum(n for effect, n in extra.items() if effect[0] not in REPEATABLE)
    assert posts <= killed + CRASHES[-1], sorted(map(str, extra))[:6]
    DUPLICATES.append(sum(extra.values()))
    for table, expected in calm_rows.items():
        assert rows[table] == expected, table
    assert {status for status, _ in calm_rows["inbox"]} == {"done"}
    assert sum(calm_effects.values()) > 100  # the day really did something
