"""Append weights to a serialised ONNX model without the onnx package.

Protobuf merges repeated occurrences of an embedded message field, so a ModelProto followed
by another ``graph`` field holding only ``initializer`` entries parses as one graph with
those initializers: onnxruntime then owns the weights, packs them for its GEMM and frees
the originals (handing it external buffers instead kept both copies, 21 MB more).
Field numbers are ONNX's: ModelProto.graph = 7, GraphProto.initializer = 5, TensorProto
dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian, as numpy stores them here).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

_TYPES = {np.dtype(np.float32): 1, np.dtype(np.int8): 3, np.dtype(np.int64): 7}


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _tensor(name: str, array: np.ndarray[Any, Any]) -> bytes:
    dims = b"".join(_varint(1 << 3) + _varint(size) for size in array.shape)
    data_type = _varint(2 << 3) + _varint(_TYPES[array.dtype])
    raw = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
    return dims + data_type + _field(8, name.encode()) + _field(9, raw)


def with_initializers(model: bytes, tensors: Mapping[str, np.ndarray[Any, Any]]) -> bytes:
    """`model` with `tensors` added to its graph as initializers."""
    graph = b"".join(_field(5, _tensor(name, array)) for name, array in tensors.items())
    return model + _field(7, graph)
