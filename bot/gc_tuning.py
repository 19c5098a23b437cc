"""Keep what the bot built at start out of the garbage collector's full passes.

After start the process holds hundreds of thousands of objects that live as long as it
does: the policy, the compiled rules, the FAQ index's texts, the libraries' own. Python's
full collection walks all of them whenever enough new objects have survived; in the
benchmark's paced run one such pass took 105 ms, and every update that arrived meanwhile
waited behind it. `gc.freeze()` after start moves them to a generation the collector never
walks (the standard library's own advice for long-lived servers); objects made later are
collected as before, and objects frozen at start that become garbage are still freed by
their reference count. What they cannot be is collected as a reference cycle: `thaw` at
stop hands them back to the collector (tests and the benchmark start many runtimes in one
process).
"""

from __future__ import annotations

import gc


def freeze_long_lived() -> int:
    """Collect what is garbage now, then freeze the rest; returns how many were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def thaw() -> None:
    gc.unfreeze()
