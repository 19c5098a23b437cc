"""Fixtures of the storage tests."""

from __future__ import annotations

from typing import Any

import pytest

from storage.sqlite_trips import TripConnection


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The qualified name of every function sent to a SQLite connection's worker thread."""
    sent: list[str] = []
    original = TripConnection._execute

    async def counted(self: TripConnection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__qualname__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(TripConnection, "_execute", counted)
    return sent
