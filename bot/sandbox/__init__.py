"""The sandbox Telegram: an in-memory Bot API for tests, benchmarks and ``portavoce try``.

``Sandbox`` holds the world and answers calls; ``SandboxRequest`` plugs it into PTB in-process;
``bot.sandbox.server`` serves it over HTTP on 127.0.0.1 for process-level tests.
"""

from __future__ import annotations

from bot.sandbox.errors import ApiError, SandboxError
from bot.sandbox.faults import Fault, FaultRule, Faults
from bot.sandbox.request import SandboxRequest, application_builder, make_bot
from bot.sandbox.state import ApiCall
from bot.sandbox.world import ApiResponse, Sandbox

__all__ = [
    "ApiCall",
    "ApiError",
    "ApiResponse",
    "Fault",
    "FaultRule",
    "Faults",
    "Sandbox",
    "SandboxError",
    "SandboxRequest",
    "application_builder",
    "make_bot",
]
