"""Semantic stage: cosine between a question and every phrasing and answer, via e5.

Phrasings are embedded with the "query: " prefix like the member's question (e5's advice for
symmetric question-to-question matching); answers with "passage: " (asymmetric: a question
against the text that answers it), which adds the answer's own words ("Klarna", "PayPal",
"size guide") as evidence. The question is embedded once, as a query, for both. Vectors are
keyed by a hash of model, prefix and text, so the caller can persist them (e.g. in the
database) and hand them back at the next build: only new or edited texts are embedded again.

Vectors are held as integers with one float32 scale per row (symmetric: scale = max|row| /
the largest code) and scored a block of rows at a time (`block.astype(float32) @ query`,
times the scales), which is faster than the float32 product since each block stays in the
cache. Phrasings get 16 bits: a cosine moves by under 1e-5 and the confidence by under 5e-4,
and no decision changed on the three evaluation sets or on 580 benchmark questions against
10,000 entries; in 8 bits cosines moved by up to 2e-3 and the confidence (steep in the margin
between the first two entries) by up to 0.11, and 6 of those 580 decisions changed (5 of
800 in a later run; rotating the vectors before quantizing, to spread their large
components, changed 13). Answers get 8 bits: their cosine only adds `W_ANSWER` times itself
to an entry's score, and with 8-bit answers no decision changed on the three sets or on 800
benchmark questions (600 FAQ questions, 200 chat lines) against 10,000 entries; the
confidence moved by 0.002 on average and 0.023 at most. At 10,000 entries (20,000
phrasings, 20,000 answers) that is 15.4 + 7.7 MB instead of 61 MB in float32. The
persisted vectors stay exact: a vector embedded during a build is kept aside, in float32,
until the caller takes it (`take_new_vectors`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from policies import embedding
from policies.e5.encoder import MODEL_ID
from policies.embedding import Vector
from policies.faq.background import BACKGROUND

Matrix = npt.NDArray[np.float32]
Codes = npt.NDArray[np.signedinteger]
CodeType = type[np.signedinteger]
Kind = Literal["query", "passage"]

DIM = 384
BLOCK_ROWS = 256
"""Rows converted to float32 at a time when scoring: 384 KB, which stays in a core's L2
cache with room to spare. 20,000 int16 rows scored in 1.1 ms with blocks of 256 rows or 512,
1.7 ms with 1,024 (1.5 MB: over half of this machine's 2 MB L2), 1.4 ms with 64."""
CODES: CodeType = np.int16
"""Integer type of the phrasing rows (see the module docstring for why not int8)."""
ANSWER_CODES: CodeType = np.int8
"""Integer type of the answer rows (see the module docstring)."""
BUILD_ROWS = 1024
"""Texts whose vectors a build looks up (and embeds, when missing) at a time: the float32
vectors of one such block are all it holds besides the integer rows (1.5 MB, where all the
stored vectors of 10,000 entries are 61 MB)."""


class VectorSource(Protocol):
    """Stored vectors, looked up a block of keys at a time (from a database, say)."""

    def vectors_for(self, keys: Sequence[str]) -> Mapping[str, Vector]:
        """The vectors of those `keys` that are stored; the others are left out."""
        ...


Known = Mapping[str, Vector] | VectorSource


class _FromMapping:
    __slots__ = ("_known",)

    def __init__(self, known: Mapping[str, Vector]) -> None:
        self._known = known

    def vectors_for(self, keys: Sequence[str]) -> Mapping[str, Vector]:
        return {key: self._known[key] for key in keys if key in self._known}


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
    return DIM if first is None else int(np.asarray(first).shape[-1])


class SemanticIndex:
    """Phrasing and answer vectors stored entry by entry, plus the off-topic background.

    Phrasings and answers are `Quantized` matrices (int16 and int8 rows, one scale each); the 60
    background lines stay float32. No per-text vector objects stay alive between builds,
    except the vectors embedded during this build, kept exact until `take_new_vectors`.
    The texts are the caller's own objects, not copies.
    """

    __slots__ = ("_answer_texts", "_answers", "_background", "_ends", "_has", "_matrix",
                 "_new", "_phrasing_texts", "_starts")

    def __init__(
        self, phrasings_per_entry: Sequence[Sequence[str]], known: Known,
        answers_per_entry: Sequence[Sequence[str]] = (),
    ) -> None:
        """Look up (or embed) every text's vector a block at a time and quantize it."""
        source = _FromMapping(known) if isinstance(known, Mapping) else known
        flat = [text for group in phrasings_per_entry for text in group]
        answers = [text for group in answers_per_entry for text in group]
        self._new: dict[str, Vector] = {}
        self._matrix = self._quantized(flat, source, "query", CODES)
        self._background: Matrix = _stack(self._lookup(BACKGROUND, source, "query"))
        answer_matrix = self._quantized(answers, source, "passage", ANSWER_CODES)
        self._ends, self._has, self._starts = _layout(phrasings_per_entry)
        self._answers = _Groups(answer_matrix, answers_per_entry, len(phrasings_per_entry))
        self._phrasing_texts = tuple(flat)
        self._answer_texts = tuple(answers)

    def _quantized(
        self, texts: Sequence[str], source: VectorSource, kind: Kind, codes: CodeType,
    ) -> Quantized:
        blocks = (self._lookup(texts[start:start + BUILD_ROWS], source, kind)
                  for start in range(0, len(texts), BUILD_ROWS))
        return Quantized.from_blocks(blocks, len(texts), codes)

    def _lookup(self, texts: Sequence[str], source: VectorSource, kind: Kind) -> list[Vector]:
        """The vectors of `texts` in order: stored, embedded earlier in this build, or now."""
        keys = [vector_key(text, kind) for text in texts]
        unique = dict.fromkeys(keys)
        known = {k: self._new[k] for k in unique if k in self._new}
        stored = source.vectors_for([k for k in unique if k not in known])
        known.update(stored)
        found = embed_texts(texts, known, kind)
        self._new.update((k, v) for k, v in found.items() if k not in known)
        return [found[key] for key in keys]

    def take_new_vectors(self) -> dict[str, Vector]:
        """The vectors embedded during this build, exact (float32), by `vector_key`; once.

        The caller persists them; later calls return {} (the index keeps only its int rows).
        """
        new, self._new = self._new, {}
        return new

    def vectors(self) -> dict[str, Vector]:
        """Every vector by `vector_key`: exact for those not yet taken, dequantized otherwise.

        Quantizing a dequantized row gives the same integer row and scale, so a build from
        these vectors scores exactly as this index does.
        """
        out: dict[str, Vector] = {}
        for text, row in zip(self._phrasing_texts, self._matrix.dequantized(), strict=True):
            out[vector_key(text)] = row
        for text, vector in zip(BACKGROUND, self._background, strict=True):
            out[vector_key(text)] = vector
        for text, row in zip(self._answer_texts, self._answers.matrix.dequantized(),
                             strict=True):
            out[vector_key(text, "passage")] = row
        out.update(self._new)
        return out

    def answer_scores(
        self, query: Vector, entries: npt.NDArray[np.intp] | None = None,
    ) -> npt.NDArray[np.float32]:
        """Best cosine between the query and each entry's answers (-1 without answers).

        With `entries`, only those entries' answers are scored; the others read -1.
        """
        return self._answers.best(query, entries)

    @property
    def answer_bound(self) -> float:
        """No answer's score exceeds this (the longest stored answer row: a cosine with a
        unit query, a hair over 1 after 8-bit rounding)."""
        return self._answers.bound

    def query_vector(self, text: str) -> Vector:
        """The member's line as a vector (truncated and embedded once per message)."""
        return embedding.embed_query(text)

    def similarities(self, query: Vector) -> npt.NDArray[np.float32]:
        """Cosine between the query and every phrasing (flat, entry by entry)."""
        return self._matrix.dot(query)

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


class Quantized:
    """Vectors as integer rows with one float32 scale each (row ~= rows[i] * scales[i]).

    Symmetric quantization: scale = max|row| / L, L the largest code (32767 for int16, 127
    for int8), so each component is off by at most half a step. The scale is nudged by an
    ulp where needed so that quantizing a dequantized row gives back the same integer row and
    the same scale (a round trip through persistence changes nothing).
    """

    __slots__ = ("rows", "scales")

    def __init__(self, rows: Codes, scales: npt.NDArray[np.float32]) -> None:
        self.rows = rows
        self.scales = scales

    @classmethod
    def from_rows(
        cls, vectors: Sequence[Vector], codes: CodeType = CODES, dim: int = DIM,
    ) -> Quantized:
        """Quantize vectors a block at a time (no full float32 copy is ever built)."""
        blocks = (vectors[start:start + BLOCK_ROWS]
                  for start in range(0, len(vectors), BLOCK_ROWS))
        return cls.from_blocks(blocks, len(vectors), codes, dim)

    @classmethod
    def from_blocks(
        cls, blocks: Iterable[Sequence[Vector]], count: int, codes: CodeType = CODES,
        dim: int = DIM,
    ) -> Quantized:
        """Quantize `count` vectors that come a block at a time (the first one sets the
        width; `dim` is the width when there are none)."""
        rows: Codes | None = None
        scales = np.empty(count, dtype=np.float32)
        start = 0
        for vectors in blocks:
            block = _stack(vectors)
            if rows is None:
                rows = np.empty((count, block.shape[1]), dtype=codes)
            end = start + len(block)
            rows[start:end], scales[start:end] = quantize(block, codes)
            start = end
        if start != count:
            raise ValueError(f"{start} vectors for {count} rows")
        return cls(np.empty((0, dim), dtype=codes) if rows is None else rows, scales)

    def __len__(self) -> int:
        return len(self.rows)

    def dot(self, query: Vector) -> npt.NDArray[np.float32]:
        """Every row's dot product with `query` (float32), a block of rows at a time."""
        query = np.asarray(query, dtype=np.float32)
        out = np.empty(len(self.rows), dtype=np.float32)
        for start in range(0, len(self.rows), BLOCK_ROWS):
            block = self.rows[start:start + BLOCK_ROWS]
            np.dot(block.astype(np.float32), query, out=out[start:start + len(block)])
        out *= self.scales
        return out

    def dot_rows(self, query: Vector, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.float32]:
        """The dot products of the given rows only (in that order) with `query`, gathered a
        block at a time (a float32 copy of thousands of rows would be megabytes a call)."""
        query = np.asarray(query, dtype=np.float32)
        out = np.empty(len(rows), dtype=np.float32)
        for start in range(0, len(rows), BLOCK_ROWS):
            picked = rows[start:start + BLOCK_ROWS]
            np.dot(self.rows[picked].astype(np.float32), query, out=out[start:start + len(picked)])
        out *= self.scales[rows]
        return out

    def norms(self) -> npt.NDArray[np.float32]:
        """Each row's length, dequantized, a block at a time."""
        out = np.empty(len(self.rows), dtype=np.float32)
        for start in range(0, len(self.rows), BLOCK_ROWS):
            block = self.rows[start:start + BLOCK_ROWS].astype(np.float32)
            out[start:start + len(block)] = np.linalg.norm(block, axis=1)
        out *= self.scales
        return out

    def dequantized(self) -> Matrix:
        """The rows as float32 (a new matrix: for persistence, not for scoring)."""
        return self.rows.astype(np.float32) * self.scales[:, None]


def quantize(matrix: Matrix, codes: CodeType = CODES) -> tuple[Codes, npt.NDArray[np.float32]]:
    """Integer rows and float32 scales of a float32 matrix (see `Quantized`)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    levels = int(np.iinfo(codes).max)
    peaks = np.max(np.abs(matrix), axis=1) if matrix.size else np.zeros(len(matrix), np.float32)
    scales = _stable_scales(peaks, np.float32(levels))
    rows = np.clip(np.rint(matrix / scales[:, None]), -levels, levels).astype(codes)
    return rows, scales


def _stable_scales(
    peaks: npt.NDArray[np.float32], levels: np.float32,
) -> npt.NDArray[np.float32]:
    """max|row| / L, moved up by ulps until (scale * L) / L == scale in float32.

    A dequantized row's largest component is scale * L (rounded to float32); quantizing
    that row again computes its scale as that component / L, which is the same scale only
    when this round trip is exact. It is for a scale computed as peak / L (checked for
    every float32 mantissa, L = 127 and 32767), not for every float32: the loop is a
    guard. A row of zeros gets scale 1.
    """
    scales = np.where(peaks > 0, peaks / levels, np.float32(1.0)).astype(np.float32)
    for _ in range(64):
        unstable = (scales * levels) / levels != scales
        if not unstable.any():
            break
        scales[unstable] = np.nextafter(scales[unstable], np.float32(np.inf))
    return scales


class _Groups:
    """Vectors grouped by entry, for a per-entry maximum cosine."""

    __slots__ = ("_ends", "_firsts", "_has", "_size", "_starts", "bound", "matrix")

    def __init__(self, matrix: Quantized, groups: Sequence[Sequence[str]], size: int) -> None:
        padded = [*groups, *([()] * (size - len(groups)))]
        self.matrix = matrix
        self._size = size
        self._ends, self._has, self._starts = _layout(padded)
        self._firsts = self._ends - np.array([len(g) for g in padded], dtype=np.intp)
        self.bound = float(np.max(matrix.norms())) * (1 + 1e-5) if len(matrix) else 0.0

    def best(
        self, query: Vector, entries: npt.NDArray[np.intp] | None = None,
    ) -> npt.NDArray[np.float32]:
        out = np.full(self._size, -1.0, dtype=np.float32)
        if entries is None:
            if len(self._starts):
                out[self._has] = np.maximum.reduceat(self.matrix.dot(query), self._starts)
            return out
        entries = np.unique(np.asarray(entries, dtype=np.intp))
        entries = entries[self._has[entries]]
        if not len(entries):
            return out
        firsts = self._firsts[entries]
        sizes = self._ends[entries] - firsts
        offsets = np.cumsum(sizes) - sizes  # where each entry's rows start in `rows`
        rows = np.repeat(firsts - offsets, sizes) + np.arange(int(sizes.sum()))
        out[entries] = np.maximum.reduceat(self.matrix.dot_rows(query, rows), offsets)
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
        return np.zeros((0, DIM), dtype=np.float32)
    return np.ascontiguousarray(np.stack(rows).astype(np.float32, copy=False))
