"""Freed heap memory is handed back to the system after a big build (glibc)."""

from __future__ import annotations

import gc
import os
import sys

import pytest

from bot.heap import release_freed_memory


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and /proc only")
def test_memory_freed_by_a_build_leaves_the_resident_set() -> None:
    # Blocks the size of a stored FAQ vector (384 float32): too big for Python's own small
    # object allocator, too small for mmap: they come from, and go back to, glibc's heap.
    temporaries = [bytearray(1536) for _ in range(60_000)]  # about 90 MB
    keep = [bytearray(1536) for _ in range(2000)]  # live after them: the heap cannot shrink
    grown = _rss_mb()
    del temporaries
    gc.collect()
    freed_only = _rss_mb()
    assert release_freed_memory()
    trimmed = _rss_mb()
    assert grown - trimmed > 50  # most of the temporaries' pages went back
    assert trimmed < freed_only - 50  # and it was the trim that gave them back
    assert len(keep) == 2000
