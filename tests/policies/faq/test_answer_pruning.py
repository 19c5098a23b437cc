"""Answers are scored only where they can change the ranking pool: same results as all.

The model is a deterministic fake (a unit vector seeded by the text), so the phrasing and
answer cosines are spread like unrelated texts' and most answers are skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from policies import embedding
from policies.embedding import Vector
from policies.faq import index as index_module
from policies.faq.evaluate import entries_from_dataset
from policies.faq.index import FaqIndex
from policies.faq.semantic import Quantized, SemanticIndex

WORDS = ("ordine", "spedizione", "reso", "taglia", "pagamento", "negozio", "garanzia",
         "coupon", "consegna", "rimborso", "account", "colore")


TOPIC = np.random.default_rng(1).standard_normal(384).astype(np.float32)


def _fake_vector(text: str, kind: str) -> Vector:
    """A unit vector seeded by the text, pulled towards TOPIC by the number after "#" in it:
    texts marked #0 are unrelated to a question about TOPIC, #99 almost the same."""
    seed = int.from_bytes(hashlib.sha256(f"{kind}|{text}".encode()).digest()[:8], "little")
    noise = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
    noise /= np.float32(np.linalg.norm(noise))
    pull = int(text.split("#")[1].split(maxsplit=1)[0]) / 12 if "#" in text else 0.0
    vector = noise + np.float32(pull) * TOPIC / np.float32(np.linalg.norm(TOPIC))
    unit: Vector = (vector / np.float32(np.linalg.norm(vector))).astype(np.float32)
    return unit


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def embed(texts: Sequence[str], *, kind: str) -> list[Vector]:
        return [_fake_vector(t, kind) for t in texts]

    monkeypatch.setattr(embedding, "embed", embed)
    monkeypatch.setattr(embedding, "embed_query", lambda text: _fake_vector(text, "query"))
    monkeypatch.setattr(embedding, "available", lambda: True)


def _entries(count: int) -> list[dict[str, object]]:
    """Entries whose phrasings and answers range from unrelated (#0) to on topic (#99)."""
    out: list[dict[str, object]] = []
    for n in range(count):
        a, b = WORDS[n % len(WORDS)], WORDS[(n * 7 + 3) % len(WORDS)]
        near = (n * 37) % 100
        answers = {"it": f"Risposta {n} su {a} #{(n * 53) % 100}", "en": f"Answer {n} #{near}"}
        if n % 9 == 4:
            answers = {}  # an entry without answers
        out.append({"id": f"e{n}", "questions": {"it": [f"come funziona {a} {n}? #{near}",
                                                         f"domanda su {b} numero {n}"]},
                    "answer": answers})
    return out


def _ranked(index: FaqIndex, text: str) -> list[tuple[str, float, float | None, float]]:
    return [(c.entry_id, c.score, c.semantic, c.margin)
            for c in index.candidates(text, "it", k=8)]


@pytest.fixture
def gathered(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of answer rows of each partial scoring (`Quantized.dot_rows`)."""
    sizes: list[int] = []
    dot_rows = Quantized.dot_rows

    def counting(self: Quantized, query: Vector, rows: np.ndarray) -> np.ndarray:
        sizes.append(len(rows))
        return dot_rows(self, query, rows)

    monkeypatch.setattr(Quantized, "dot_rows", counting)
    return sizes


def test_pruned_answers_rank_exactly_as_all_answers(
    fake_model: None, gathered: list[int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(index_module, "_FULL_SCAN", index_module._HEAD)  # prune from 80
    index = FaqIndex.build(entries_from_dataset(_entries(400)), languages=("it", "en"))
    questions = [f"come funziona {w}? #{k}" for k in (99, 80, 60, 30) for w in WORDS[:3]]
    questions += ["ciao a tutti", "qualcuno sa dove si trova il negozio? #90"]
    pruned = [_ranked(index, q) for q in questions]
    answer_rows = sum(len(e["answer"]) for e in _entries(400))  # type: ignore[misc, arg-type]
    assert gathered and max(gathered) < answer_rows // 2  # most answers were skipped
    monkeypatch.setattr(index_module, "_FULL_SCAN", 10**9)  # every answer scored
    full = [_ranked(index, q) for q in questions]
    assert [[c[0] for c in ranked] for ranked in full] == [[c[0] for c in r] for r in pruned]
    for ranked, other in zip(full, pruned, strict=True):
        for mine, theirs in zip(ranked, other, strict=True):  # to float32 rounding
            assert mine[1:] == pytest.approx(theirs[1:], abs=1e-5)


def test_a_small_knowledge_base_scores_every_answer(
    fake_model: None, gathered: list[int],
) -> None:
    """Below `_FULL_SCAN` entries the bound is not worth its cost: no answer is picked."""
    index = FaqIndex.build(entries_from_dataset(_entries(400)), languages=("it", "en"))
    assert _ranked(index, "come funziona ordine? #99")  # the semantic ranking ran
    assert gathered == []


def test_scoring_some_entries_matches_scoring_all(fake_model: None) -> None:
    entries = _entries(300)
    phrasings = [[q for qs in e["questions"].values() for q in qs]  # type: ignore[attr-defined]
                 for e in entries]
    answers = [list(e["answer"].values()) for e in entries]  # type: ignore[attr-defined]
    semantic = SemanticIndex(phrasings, {}, answers)
    query = _fake_vector("dove si trova il negozio?", "query")
    everything = semantic.answer_scores(query)
    some = np.array([0, 4, 5, 13, 13, 299, 150], dtype=np.intp)  # 4 and 13: no answers
    partial = semantic.answer_scores(query, some)
    # the same products, summed by another BLAS kernel: equal to float32 rounding
    np.testing.assert_allclose(partial[some], everything[some], rtol=0, atol=1e-6)
    others = np.setdiff1d(np.arange(300), some)
    assert (partial[others] == -1.0).all()
    assert semantic.answer_bound >= float(everything.max())
    assert semantic.answer_bound < 1.05
