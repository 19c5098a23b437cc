"""Callback data: a tiny versioned codec, always within Telegram's 64 bytes.

Format ``<kind>:v1:<part>:<part>...``. State lives in the database; the data only names it, so
a forged or stale press can at worst name something the server then refuses.
"""

from __future__ import annotations

MAX_BYTES = 64
VERSION = "v1"
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")


class CallbackDataError(ValueError):
    """Data that cannot be encoded (too long, unsafe characters)."""


def encode(kind: str, *parts: str | int) -> str:
    fields = [kind, VERSION, *(str(p) for p in parts)]
    for field in fields:
        if not field or not set(field) <= _SAFE:
            raise CallbackDataError(f"unsafe callback field {field!r}")
    data = ":".join(fields)
    if len(data.encode()) > MAX_BYTES:
        raise CallbackDataError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None, kind: str) -> tuple[str, ...] | None:
    """The parts after kind and version, or None for anything else (old, forged, foreign)."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    fields = data.split(":")
    if len(fields) < 2 or fields[0] != kind or fields[1] != VERSION:
        return None
    parts = tuple(fields[2:])
    if not all(p and set(p) <= _SAFE for p in parts):
        return None
    return parts
