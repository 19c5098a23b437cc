"""The FAQ service reads stored vectors by key, a block at a time, exactly, from the build's
thread (the query runs on the event loop)."""

from __future__ import annotations

import asyncio

import numpy as np
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.faq_service import StoredVectors
from policies.faq.semantic import DIM
from storage.db import make_session_factory, session_scope
from storage.repositories.faq import FaqRepo


def _vector(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)


async def test_vectors_come_back_exactly_by_key_from_the_build_thread(
    engine: AsyncEngine,
) -> None:
    sessions = make_session_factory(engine)
    stored = {f"key{i:03d}": _vector(i) for i in range(25)}
    async with session_scope(sessions) as s:
        await FaqRepo(s).add_vectors({k: v.tobytes() for k, v in stored.items()})
        await FaqRepo(s).add_vectors({"short": np.zeros(DIM // 2, np.float32).tobytes()})
    source = StoredVectors(sessions, asyncio.get_running_loop())
    wanted = ["absent", *stored, "short"]
    read = await asyncio.to_thread(source.vectors_for, wanted)
    assert sorted(read) == sorted(stored)  # the missing key and the vector of another size: out
    assert all(np.array_equal(read[k], v) and read[k].dtype == np.float32
               for k, v in stored.items())
    assert await asyncio.to_thread(source.vectors_for, []) == {}


async def test_many_keys_are_asked_in_chunks(engine: AsyncEngine) -> None:
    sessions = make_session_factory(engine)
    stored = {f"key{i:03d}": _vector(i).tobytes() for i in range(25)}
    async with session_scope(sessions) as s:
        await FaqRepo(s).add_vectors(stored)
    async with session_scope(sessions) as s:
        found = await FaqRepo(s).vectors_for([*stored, "nope"], chunk=4)  # seven chunks
    assert dict(found) == stored
