"""The FAQ service reads the stored vectors a batch at a time into one matrix, exactly."""

from __future__ import annotations

import numpy as np
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.faq_service import read_vectors
from policies.faq.semantic import DIM
from storage.db import make_session_factory, session_scope
from storage.repositories.faq import FaqRepo


def _vector(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)


async def test_every_stored_vector_comes_back_exactly_across_batches(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    stored = {f"key{i:03d}": _vector(i) for i in range(25)}
    async with session_scope(sessions) as s:
        await FaqRepo(s).add_vectors({k: v.tobytes() for k, v in stored.items()})
        await FaqRepo(s).add_vectors({"short": np.zeros(DIM // 2, np.float32).tobytes()})
    async with session_scope(sessions) as s:
        read = await read_vectors(FaqRepo(s), batch=4)  # seven batches, the last one short
    assert (sorted(read), len(read), "short" in read, "key007" in read) == (
        sorted(stored), 25, False, True)
    assert all(np.array_equal(read[k], v) and read[k].dtype == np.float32
               for k, v in stored.items())


async def test_no_stored_vectors_reads_as_empty(engine: AsyncEngine) -> None:
    async with session_scope(make_session_factory(engine)) as s:
        read = await read_vectors(FaqRepo(s))
    assert (len(read), list(read), read.get("anything")) == (0, [], None)
