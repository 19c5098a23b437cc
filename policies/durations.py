"""Human durations ("90s", "10m", "2h", "3d", "1w", "1h30m") to seconds and back."""

from __future__ import annotations

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_SECONDS = 366 * 86400
_DIGITS = frozenset("0123456789")


class DurationError(ValueError):
    """A duration that cannot be read; the message says what is accepted."""


def parse_duration(text: str) -> int:
    """Parse ``10m``, ``2h``, ``3d``, ``1h30m`` (units s m h d w) into seconds.

    A bare number means minutes, as in Rose's commands. Bounded to one year because Telegram
    treats restrictions longer than 366 days as forever, which must be asked for explicitly.
    """
    raw = text.strip().lower()
    if not raw:
        raise DurationError("empty duration; use e.g. 10m, 2h, 3d")
    if raw and all(char in _DIGITS for char in raw):
        return _bounded(int(raw) * 60, text)
    total, number = 0, ""
    for char in raw:
        if char in _DIGITS:  # ASCII only: "²".isdigit() is true but int() refuses it
            number += char
        elif char in _UNITS and number:
            total += int(number) * _UNITS[char]
            number = ""
        else:
            raise DurationError(f"cannot read duration {text!r}; use e.g. 10m, 2h, 3d, 1w")
    if number:
        raise DurationError(f"duration {text!r} needs a unit after {number} (s, m, h, d or w)")
    return _bounded(total, text)


def _bounded(seconds: int, text: str) -> int:
    if seconds <= 0:
        raise DurationError(f"duration {text!r} must be longer than zero")
    if seconds > MAX_SECONDS:
        raise DurationError(f"duration {text!r} is longer than 366 days")
    return seconds


def format_duration(seconds: int) -> str:
    """The shortest exact human form: 600 -> "10m", 5400 -> "1h30m"."""
    if seconds <= 0:
        return "0s"
    parts = []
    for unit, size in sorted(_UNITS.items(), key=lambda item: -item[1]):
        if unit == "w" and seconds % size:
            continue
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
