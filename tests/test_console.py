"""`portavoce try`: the sandbox console, fed from piped input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from bot.console import run_console


async def _run(lines: str, *, jsonl: bool = False, tmp_path: Path) -> str:
    out = io.StringIO()
    code = await run_console(policy_path=None, jsonl=jsonl, stdin=io.StringIO(lines),
                             out=out, db_url=f"sqlite+aiosqlite:///{tmp_path / 'try.db'}")
    assert code == 0
    return out.getvalue()


async def test_help_prints_the_brand_help_text(tmp_path: Path) -> None:
    output = await _run("/help\n", tmp_path=tmp_path)
    assert "[bot says in Caffè Aurora Community]" in output
    assert "Sono Aurora, l'assistente di Caffè Aurora" in output


async def test_personas_and_chats_switch(tmp_path: Path) -> None:
    output = await _run("/in dm\n/as admin\n/start\n", tmp_path=tmp_path)
    assert "(you are now the admin)" in output
    assert "[bot says in DM with Marco]" in output and "Ciao Marco!" in output


async def test_jsonl_prints_one_call_per_line(tmp_path: Path) -> None:
    output = await _run("/rules\n", jsonl=True, tmp_path=tmp_path)
    records = [json.loads(line) for line in output.splitlines()]
    assert [r["method"] for r in records] == ["sendMessage"]
    assert "Rispetto per tutti" in records[0]["params"]["text"]


async def test_bad_console_commands_explain_themselves(tmp_path: Path) -> None:
    output = await _run("/as king\n/wait forever\n/press 1\n", tmp_path=tmp_path)
    assert "usage: /as member|admin|team" in output
    assert "cannot read duration" in output
    assert "usage: /press N" in output


def test_piped_help_through_the_real_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "try"], input="/help\n", capture_output=True, text=True,
        timeout=120, cwd=tmp_path, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Sono Aurora, l'assistente di Caffè Aurora" in result.stdout
