"""Semantic stage: cosine between a question and every phrasing and answer, via e5.

Phrasings are embedded with the "query: " prefix like the member's question (e5's advice for
symmetric question-to-question matching); answers with "passage: " (asymmetric: a question
against the text that answers it), which adds the answer's own words ("Klarna", "PayPal",
"size guide") as evidence. The question is embedded once, as a query, for both. Vectors are
keyed by a hash of model, prefix and text, so the caller can persist them (e.g. in the
database) and hand them back at the next build: only new or edited texts are embedded again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from policies import embedding
from policies.embedding import Vector
from policies.faq.background import BACKGROUND

MODEL_ID = "multilingual-e5-small-q4"
Matrix = npt.NDArray[np.float32]
Kind = Literal["query", "passage"]


def vector_key(text: str, kind: Kind = "query") -> str:
    """Stable key of a text's vector: changes when the text, prefix or model changes."""
    return hashlib.sha256(f"{MODEL_ID}|{kind}|{text}".encode()).hexdigest()[:32]


def embed_texts(
    texts: Sequence[str], known: Mapping[str, Vector], kind: Kind = "query"
) -> dict[str, Vector]:
    """Vectors for `texts` keyed by vector_key, reusing `known` and embedding the rest."""
    out: dict[str, Vector] = {}
    missing: list[str] = []
    dim = _dim(known)
    for text in dict.fromkeys(texts):
        key = vector_key(text, kind)
        vec = known.get(key)
        if vec is not None and np.asarray(vec).shape == (dim,):
            out[key] = np.asarray(vec, dtype=np.float32)
        else:
            missing.append(text)
    for text, vec in zip(missing, embedding.embed(missing, kind=kind), strict=True):
        out[vector_key(text, kind)] = vec
    return out


def _dim(known: Mapping[str, Vector]) -> int:
    first = next(iter(known.values()), None)
    return 384 if first is None else int(np.asarray(first).shape[-1])


class SemanticIndex:
    """Phrasing and answer vectors stored entry by entry, plus the off-topic background.

    Each vector is held once, as a row of a matrix; `vectors()` rebuilds the keyed mapping
    (row views, no copies) when the caller wants to persist them, so no per-text objects
    stay alive between builds. The texts are the caller's own objects, not copies.
    """

    __slots__ = ("_answer_texts", "_answers", "_background", "_ends", "_has", "_matrix",
                 "_phrasing_texts", "_starts")

    def __init__(
        self, phrasings_per_entry: Sequence[Sequence[str]], known: Mapping[str, Vector],
        answers_per_entry: Sequence[Sequence[str]] = (),
    ) -> None:
        flat = [text for group in phrasings_per_entry for text in group]
        answers = [text for group in answers_per_entry for text in group]
        found = embed_texts([*flat, *BACKGROUND], known)
        found.update(embed_texts(answers, known, "passage"))
        self._matrix: Matrix = _stack([found[vector_key(t)] for t in flat])
        self._background: Matrix = _stack([found[vector_key(t)] for t in BACKGROUND])
        answer_matrix = _stack([found[vector_key(t, "passage")] for t in answers])
        del found  # every vector is a matrix row now
        self._ends, self._has, self._starts = _layout(phrasings_per_entry)
        self._answers = _Groups(answer_matrix, answers_per_entry, len(phrasings_per_entry))
        self._phrasing_texts = tuple(flat)
        self._answer_texts = tuple(answers)

    def vectors(self) -> dict[str, Vector]:
        """Every vector by `vector_key`, as views of the matrices (for persistence)."""
        out: dict[str, Vector] = {}
        stacked: tuple[tuple[Matrix, Sequence[str], Kind], ...] = (
            (self._matrix, self._phrasing_texts, "query"),
            (self._background, BACKGROUND, "query"),
            (self._answers.matrix, self._answer_texts, "passage"))
        for matrix, texts, kind in stacked:
            for row, text in zip(matrix, texts, strict=True):
                out[vector_key(text, kind)] = row
        return out

    def answer_scores(self, query: Vector) -> npt.NDArray[np.float32]:
        """Best cosine between the query and each entry's answers (-1 without answers)."""
        return self._answers.best(query)

    def query_vector(self, text: str) -> Vector:
        """The member's line as a vector (truncated and embedded once per message)."""
        return embedding.embed_query(text)

    def similarities(self, query: Vector) -> npt.NDArray[np.float32]:
        """Cosine between the query and every phrasing (flat, entry by entry)."""
        return self._matrix @ query

    def entry_scores(self, sims: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Best phrasing cosine per entry (-1 for entries without phrasings)."""
        best = np.full(len(self._ends), -1.0, dtype=np.float32)
        if len(self._starts):
            best[self._has] = np.maximum.reduceat(sims, self._starts)
        return best

    def best_phrasing(self, sims: npt.NDArray[np.float32], entry: int) -> int:
        """Offset, within the entry's phrasings, of the closest one."""
        start = int(self._ends[entry - 1]) if entry else 0
        end = int(self._ends[entry])
        return int(np.argmax(sims[start:end])) if end > start else -1

    def background_similarity(self, query: Vector) -> float:
        """Cosine to the closest off-topic chat line: how chit-chat-like the query is."""
        if not len(self._background):
            return 0.0
        return float(np.max(self._background @ query))


class _Groups:
    """Vectors grouped by entry, for a per-entry maximum cosine."""

    __slots__ = ("_has", "_size", "_starts", "matrix")

    def __init__(self, matrix: Matrix, groups: Sequence[Sequence[str]], size: int) -> None:
        padded = [*groups, *([()] * (size - len(groups)))]
        self.matrix = matrix
        self._size = size
        _, self._has, self._starts = _layout(padded)

    def best(self, query: Vector) -> npt.NDArray[np.float32]:
        out = np.full(self._size, -1.0, dtype=np.float32)
        if len(self._starts):
            out[self._has] = np.maximum.reduceat(self.matrix @ query, self._starts)
        return out


def _layout(
    groups: Sequence[Sequence[str]],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_], npt.NDArray[np.intp]]:
    """End offset of each group, which groups are non-empty, and their start offsets."""
    sizes = np.array([len(group) for group in groups], dtype=np.intp)
    ends = np.cumsum(sizes)
    has = sizes > 0
    return ends, has, (ends - sizes)[has]


def _stack(rows: Sequence[Vector]) -> Matrix:
    if not rows:
        return np.zeros((0, 384), dtype=np.float32)
    return np.ascontiguousarray(np.stack(rows).astype(np.float32, copy=False))
