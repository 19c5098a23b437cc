"""Give freed heap memory back to the system after a big build.

Building the FAQ index frees about as much as it keeps (parsed rows, float32 copies of the
stored vectors). glibc keeps freed small blocks in the process heap, so the resident set
stays at its peak until `malloc_trim` hands the free pages back. It is called after each
build (at start and when the knowledge base changes; trimming after a moderation engine
build was measured and gained nothing), costs a few milliseconds, and does nothing where
the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


@cache
def _trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS)
        return None
    return trim


def release_freed_memory() -> bool:
    """True when the C library was asked to return free heap pages to the system."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True
