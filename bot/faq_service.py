"""The live FAQ index: built from the database (seeded by the policy file), rebuilt on edits.

Matching runs in a worker thread (the semantic stage embeds the question, about 5 ms, and
onnxruntime releases the GIL), so the event loop is never blocked by it. Phrasing embeddings
are persisted, so a restart does not re-embed the knowledge base.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.heap import release_freed_memory
from bot.services import Services
from policies.embedding import Vector
from policies.faq import FaqIndex, FaqMatch
from policies.faq.evaluate import entries_from_dataset
from policies.faq.semantic import DIM
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
                raw = [{"id": e.id, **_shared_languages(e.data)} for e in await repo.entries()]
                stored = await read_vectors(repo)
            languages = tuple(services.policy.brand.languages)
            index, fresh = await asyncio.to_thread(_build, raw, stored, languages)
            del raw, stored  # the index holds the texts and its own copy of each vector
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


class StoredVectors(Mapping[str, Vector]):
    """The persisted vectors as one float32 matrix, by key (rows are views, made on demand).

    One allocation for all of them (at 10,000 entries, 59 MB: mapped on its own and given
    back to the system whole when dropped), instead of one bytes object per vector, which
    would leave that much free but fragmented heap behind after the build.
    """

    __slots__ = ("_matrix", "_rows")

    def __init__(self, rows: dict[str, int], matrix: npt.NDArray[np.float32]) -> None:
        self._rows = rows
        self._matrix = matrix

    def __getitem__(self, key: str) -> Vector:
        row: Vector = self._matrix[self._rows[key]]
        return row

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


async def read_vectors(repo: FaqRepo, batch: int = 1000) -> StoredVectors:
    """Every stored vector of DIM floats, read `batch` rows at a time into one matrix.

    A vector of another size (none are written today) is left out: the build embeds its
    text again, as it would for a vector of the wrong shape.
    """
    matrix = np.empty((await repo.vector_count(), DIM), dtype=np.float32)
    rows: dict[str, int] = {}
    async for found in repo.vector_batches(batch):
        for key, blob in found:
            if len(blob) == DIM * 4 and len(rows) < len(matrix):
                matrix[len(rows)] = np.frombuffer(blob, dtype=np.float32)
                rows[key] = len(rows)
    return StoredVectors(rows, matrix[:len(rows)])


def _build(
    raw: list[dict[str, Any]], stored: Mapping[str, Vector], languages: tuple[str, ...],
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
