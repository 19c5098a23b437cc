"""Resident memory of a process, from /proc (Linux); peak resettable per scenario.

Without ``pid`` the figures are this process's; with it, another process's (the memory
scenario reads the bot's and the sandbox's this way).
"""

from __future__ import annotations

import contextlib
import resource
from pathlib import Path


def _field(name: str, pid: int | None = None) -> float | None:
    status = Path(f"/proc/{pid if pid is not None else 'self'}/status")
    with contextlib.suppress(OSError):
        for line in status.read_text().splitlines():
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


def of_process(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of process ``pid`` in MB; OSError when it cannot be read (gone, or
    not Linux): a figure the scenario cannot read must fail it, not read as zero."""
    rss, peak = _field("VmRSS", pid), _field("VmHWM", pid)
    if rss is None or peak is None:
        raise OSError(f"cannot read VmRSS/VmHWM of process {pid} from /proc")
    return rss, peak
