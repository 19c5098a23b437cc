"""`portavoce faq eval` and `portavoce escalation eval` on the shared dev sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FAQ_KEYS = {"total", "labelled", "correct", "wrong", "chitchat", "chitchat_answered",
            "abstained", "p50_ms", "p99_ms"}
ESC_KEYS = {"total", "complaints", "flagged_complaints", "non_complaints", "false_flags",
            "p50_ms", "p99_ms"}


def _tiny_faq(tmp_path: Path) -> Path:
    data = {
        "entries": [
            {"id": "ship", "questions": {"en": ["How much is shipping?"]},
             "answer": {"en": "Free over 30."}},
            {"id": "hours", "questions": {"en": ["When is the shop open?"]},
             "answer": {"en": "9 to 18."}},
        ],
        "queries": [
            {"text": "how much does shipping cost?", "expected": "ship"},
            {"text": "good morning everyone", "expected": None},
        ],
    }
    path = tmp_path / "faq.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_faq_eval_json_has_exactly_the_documented_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["faq", "eval", str(_tiny_faq(tmp_path)), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert set(figures) == FAQ_KEYS
    assert (figures["total"], figures["labelled"], figures["chitchat"]) == (2, 1, 1)
    assert figures["chitchat_answered"] == 0 and figures["wrong"] == 0


def test_escalation_eval_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = {"messages": [
        {"text": "Ordine mai arrivato, servizio pessimo", "lang": "it", "escalate": True},
        {"text": "Che bella giornata", "lang": "it", "escalate": False},
    ]}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["escalation", "eval", str(path), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert set(figures) == ESC_KEYS
    assert (figures["complaints"], figures["flagged_complaints"], figures["false_flags"]) == (
        1, 1, 0)


@pytest.mark.skipif(not (DATA / "faq-dev.json").exists(), reason="shared data not present")
def test_faq_eval_on_the_dev_set_meets_the_error_budget(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["faq", "eval", str(DATA / "faq-dev.json"), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["wrong"] + figures["chitchat_answered"] <= 0.03 * figures["total"]


def test_bad_data_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit, match="is not JSON"):
        main(["faq", "eval", str(bad)])


def test_export_cli_writes_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAVOCE_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    out = tmp_path / "cases.csv"
    assert main(["export", "cases", "--days", "7", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("id,kind,priority")
