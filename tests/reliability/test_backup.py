"""`portavoce db backup` while two processes write: a consistent, intact copy every time.

Each writer commits one inbox row and one outbox row per transaction as fast as it can (two
processes on one SQLite file in WAL mode: concurrent writers). Each copy must open, pass
``PRAGMA integrity_check`` and hold committed prefixes only: the two tables' counts agree (no
half transaction), each writer's ids have no gap, and each later copy holds more.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.process
COPIES = 5
FIRST_IDS = (1, 1_000_000_001)  # one id range per writer


def _check(copy: Path) -> int:
    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        outbox = int(conn.execute("select count(*) from outbox").fetchone()[0])
        inbox = 0
        for first in FIRST_IDS:
            count, top = conn.execute(
                "select count(*), coalesce(max(update_id), ?) from inbox "
                "where update_id between ? and ?", (first - 1, first, first + 999_999_999)
            ).fetchone()
            assert count == top - first + 1, (first, count, top)  # a prefix, no gap
            inbox += int(count)
    assert inbox == outbox, (inbox, outbox)  # whole transactions only
    return outbox


async def test_backup_while_another_process_writes_is_a_consistent_copy(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAVOCE_")}
    env["PORTAVOCE_DATABASE_URL"] = url
    writers = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.reliability.backup_writer", url, str(first),
        stdout=asyncio.subprocess.PIPE, env=env) for first in FIRST_IDS]
    try:
        for writer in writers:
            assert writer.stdout is not None
            assert (await asyncio.wait_for(writer.stdout.readline(), 30)).strip() == b"ready"
        counts = []
        for n in range(COPIES):
            await asyncio.sleep(0.3)
            copy = tmp_path / f"copy{n}.db"
            backup = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "db", "backup", str(copy), env=env,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            _out, err = await asyncio.wait_for(backup.communicate(), 60)
            assert backup.returncode == 0, err.decode()[-2000:]
            assert all(w.returncode is None for w in writers), "writers must still write"
            counts.append(_check(copy))
    finally:
        for writer in writers:
            with contextlib.suppress(ProcessLookupError):  # it may have died: asserted above
                writer.kill()
            await writer.wait()
    assert counts == sorted(counts) and counts[0] > 0 and counts[-1] > counts[0], counts
    print(f"copies of {counts} committed pairs")
