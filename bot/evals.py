"""`portavoce faq eval` and `portavoce escalation eval`: figures on a labelled data set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SystemExit(f"portavoce: cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise SystemExit(f"portavoce: {path} is not JSON (line {exc.lineno}): {exc.msg}") from None
    if not isinstance(data, dict):
        raise SystemExit(f"portavoce: {path} must hold a JSON object")
    return data


def faq_eval(path: Path, *, as_json: bool, threshold: float | None) -> int:
    from policies.faq import DEFAULT_THRESHOLD
    from policies.faq.evaluate import evaluate, format_table

    data = _load(path)
    if "entries" not in data or "queries" not in data:
        raise SystemExit(f"portavoce: {path} needs 'entries' and 'queries' (see faq-dev.json)")
    report = evaluate(data, threshold=threshold or DEFAULT_THRESHOLD)
    if as_json:
        keys = ("total", "labelled", "correct", "wrong", "chitchat", "chitchat_answered",
                "abstained", "p50_ms", "p99_ms")
        figures = report.as_dict()
        print(json.dumps({key: figures[key] for key in keys}))
    else:
        print(format_table(report))
    return 0


def escalation_eval(path: Path, *, as_json: bool) -> int:
    from policies.sentiment import evaluate

    data = _load(path)
    if "messages" not in data:
        raise SystemExit(f"portavoce: {path} needs 'messages' (see complaints-dev.json)")
    report = evaluate(data)
    if as_json:
        print(json.dumps(report.as_dict()))
    else:
        print(report.format_table())
    return 0
