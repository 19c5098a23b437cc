"""Resident memory of this process, from /proc (Linux); peak resettable per scenario."""

from __future__ import annotations

import contextlib
import resource
from pathlib import Path

STATUS = Path("/proc/self/status")


def _field(name: str) -> float | None:
    with contextlib.suppress(OSError):
        for line in STATUS.read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) / 1024
    return None


def current_mb() -> float:
    value = _field("VmRSS")
    return value if value is not None else peak_mb()


def peak_mb() -> float:
    """Peak RSS since the last reset_peak() (or since start where resetting is impossible)."""
    value = _field("VmHWM")
    if value is not None:
        return value
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Linux resets VmHWM to the current RSS when "5" is written to clear_refs."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
