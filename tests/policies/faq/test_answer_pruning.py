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
from policies.faq.semantic import SemanticIndex

WORDS = ("ordine", "spedizione", "reso", "taglia", "pagamento", "negozio", "garanzia",
         "coupon", "consegna", "rimborso", "account", "colore")


def _fake_vector(text: str, kind: str) -> Vector:
    seed = int.from_bytes(hashlib.sha256(f"{kind}|{text}".encode()).digest()[:8], "little")
    vector = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
    return vector / np.float32(np.linalg.norm(vector))


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def embed(texts: Sequence[str], *, kind: str) -> list[Vector]:
        return [_fake_vector(t, kind) for t in texts]

    monkeypatch.setattr(embedding, "embed", embed)
    monkeypatch.setattr(embedding, "embed_query", lambda text: _fake_vector(text, "query"))
    monkeypatch.setattr(embedding, "available", lambda: True)


def _entries(count: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for n in range(count):
        a, b = WORDS[n % len(WORDS)], WORDS[(n * 7 + 3) % len(WORDS)]
        answers = {"it": f"Risposta {n} su {a}", "en": f"Answer {n} about {b}"}
        if n % 9 == 4:
            answers = {}  # an entry without answers
        out.append({"id": f"e{n}", "questions": {"it": [f"come funziona {a} {n}?",
                                                         f"domanda su {b} numero {n}"]},
                    "answer": answers})
    return out


def _ranked(index: FaqIndex, text: str) -> list[tuple[str, float, float | None, float]]:
    return [(c.entry_id, c.score, c.semantic, c.margin)
            for c in index.candidates(text, "it", k=8)]


def test_pruned_answers_rank_exactly_as_all_answers(
    fake_model: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = FaqIndex.build(entries_from_dataset(_entries(400)), languages=("it", "en"))
    questions = [f"come funziona {w} {n}?" for n in (3, 50, 171, 399) for w in WORDS[:4]]
    questions += ["ciao a tutti", "qualcuno sa dove si trova il negozio?"]
    pruned = [_ranked(index, q) for q in questions]
    monkeypatch.setattr(index_module, "_HEAD", 10**9)  # every answer scored
    assert [_ranked(index, q) for q in questions] == pruned


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
