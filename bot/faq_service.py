"""The live FAQ index: built from the database (seeded by the policy file), rebuilt on edits.

Matching runs in a worker thread (the semantic stage embeds the question, about 5 ms, and
onnxruntime releases the GIL), so the event loop is never blocked by it. Phrasing embeddings
are persisted, so a restart does not re-embed the knowledge base.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bot.heap import release_freed_memory
from bot.services import Services
from policies.embedding import Vector
from policies.faq import FaqIndex, FaqMatch
from policies.faq.evaluate import entries_from_dataset
from policies.faq.semantic import DIM, Known
from policies.schema import PolicyFile
from storage.db import SessionFactory, session_scope
from storage.repositories.faq import FaqRepo

log = logging.getLogger(__name__)


def entry_data(item: Any) -> dict[str, Any]:
    """A policy-file FAQ item as stored in the database (everything but its id)."""
    data: dict[str, Any] = item.model_dump(exclude={"id"}, exclude_defaults=True)
    return data


class FaqService:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._index = FaqIndex.build([], use_semantic=False)
        self._lock = asyncio.Lock()
        self._file_synced = False

    @property
    def index(self) -> FaqIndex:
        return self._index

    async def load(self, *, sync_file: bool = True) -> None:
        """(Re)build the index from the database; on start, sync the policy file first.

        The database holds the entries from then on (edits from Telegram land there too), so
        the policy keeps only its FAQ settings: its parsed entries would be a second copy of
        every text (at 10,000 entries, about 15 MB of pydantic objects).
        """
        async with self._lock:
            services = self._services
            async with session_scope(services.sessions) as session:
                repo = FaqRepo(session)
                if sync_file and not self._file_synced:
                    file_entries = {e.id: entry_data(e) for e in services.policy.faq.entries}
                    await repo.sync_from_file(file_entries, services.clock.now())
                    del file_entries
                    self._file_synced = True
                    services.policy = without_faq_entries(services.policy)
                raw = [{"id": e.id, **_shared_languages(e.data)} for e in await repo.entries()]
            languages = tuple(services.policy.brand.languages)
            stored = StoredVectors(services.sessions, asyncio.get_running_loop())
            index, fresh = await asyncio.to_thread(_build, raw, stored, languages)
            del raw  # the index holds the texts and its own integer copy of each vector
            if fresh:
                async with session_scope(services.sessions) as session:
                    await FaqRepo(session).add_vectors(fresh)
            self._index = index
            release_freed_memory()
            log.info("FAQ index: %d entries (semantic %s)", index.size,
                     "on" if index.semantic else "off")

    async def match(self, text: str, lang: str, threshold: float) -> FaqMatch | None:
        index = self._index
        return await asyncio.to_thread(index.match, text, lang, threshold=threshold)


def _shared_languages(data: dict[str, Any]) -> dict[str, Any]:
    """The stored entry with its language codes interned.

    Each row's JSON is decoded on its own, so every entry brings its own "it" and "en"
    strings (about 50 bytes each), which the index keeps as the keys of its questions and
    answers: at 10,000 entries, about 2 MB of copies of the same few codes.
    """
    out = dict(data)
    for field in ("questions", "answer", "answers"):
        value = out.get(field)
        if isinstance(value, dict):
            out[field] = {sys.intern(str(lang)): text for lang, text in value.items()}
    return out


def without_faq_entries(policy: PolicyFile) -> PolicyFile:
    """The policy with its FAQ settings but no entries (they live in the database)."""
    if not policy.faq.entries:
        return policy
    faq = policy.faq.model_copy(update={"entries": []})
    return policy.model_copy(update={"faq": faq})


class StoredVectors:
    """The persisted vectors, read a block of keys at a time while the index builds.

    The build runs in a worker thread and asks for the vectors of about 1,000 texts at a
    time (`semantic.BUILD_ROWS`); each lookup is one query run on the event loop, which the
    thread waits for. Only one block is ever held in float32: all the vectors of 10,000
    entries are 61 MB, and reading them at once was the bot's peak at start (342 MB). A
    stored vector of another size (none are written today) is left out, so the build embeds
    its text again.
    """

    __slots__ = ("_loop", "_sessions", "_timeout")

    def __init__(self, sessions: SessionFactory, loop: asyncio.AbstractEventLoop,
                 timeout: float = 120.0) -> None:
        self._sessions = sessions
        self._loop = loop
        self._timeout = timeout

    def vectors_for(self, keys: Sequence[str]) -> Mapping[str, Vector]:
        """Called from the build's thread, never from the event loop's."""
        future = asyncio.run_coroutine_threadsafe(self.read(keys), self._loop)
        return future.result(self._timeout)

    async def read(self, keys: Sequence[str]) -> dict[str, Vector]:
        async with session_scope(self._sessions) as session:
            found = await FaqRepo(session).vectors_for(keys)
        return {key: np.frombuffer(blob, dtype=np.float32)
                for key, blob in found if len(blob) == DIM * 4}


def _build(
    raw: list[dict[str, Any]], stored: Known, languages: tuple[str, ...],
) -> tuple[FaqIndex, dict[str, bytes]]:
    """The index, and the vectors it had to compute (to persist); runs in a worker thread.

    The index quantizes each stored vector into its integer matrices once. The new vectors
    are the exact float32 ones the model gave, never the index's integer rows.
    """
    index = FaqIndex.build(entries_from_dataset(raw), vectors=stored, languages=languages)
    fresh = {k: _encode(v) for k, v in index.take_new_vectors().items()}
    return index, fresh


def _encode(vector: Vector) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def _decode(raw: bytes) -> Vector:
    return np.frombuffer(raw, dtype=np.float32).copy()


def decoded(vectors: Mapping[str, bytes]) -> dict[str, Vector]:
    return {k: _decode(v) for k, v in vectors.items()}
