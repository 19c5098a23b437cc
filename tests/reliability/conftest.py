"""Shared helpers for the reliability proofs: the real runtime over the sandbox Telegram."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.playground import Playground
from tests.handlers.conftest import play, policy
from tests.process.conftest import sandbox_server

__all__ = ["play", "policy", "sandbox_server"]


class ErrorTrap(logging.Handler):
    """Collects every record of ``portavoce.errors`` (the global error handler's logger)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def error_trap() -> Iterator[ErrorTrap]:
    trap = ErrorTrap()
    logger = logging.getLogger("portavoce.errors")
    logger.addHandler(trap)
    try:
        yield trap
    finally:
        logger.removeHandler(trap)


def texts_to(play: Playground, chat_id: int, *, ok: bool = True) -> list[str]:
    return [str(c.params.get("text", "")) for c in play.sandbox.calls_of("sendMessage")
            if int(c.params["chat_id"]) == chat_id and c.ok == ok]
