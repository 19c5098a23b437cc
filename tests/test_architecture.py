"""Layer boundaries: policies are pure, storage never sees Telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "policies": {"telegram", "sqlalchemy", "storage", "handlers", "bot", "alembic", "tornado",
                 "httpx"},
    "storage": {"telegram", "handlers", "bot"},
    "handlers": {"tornado"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[layer])
        for path in (ROOT / layer).rglob("*.py")
        if _imports(path) & FORBIDDEN[layer]
    }
    assert offenders == {}


def test_no_detached_asyncio_tasks() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for layer in ("bot", "handlers", "policies", "storage")
        for path in (ROOT / layer).rglob("*.py")
        if "asyncio.create_task(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
