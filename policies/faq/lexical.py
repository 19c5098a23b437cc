"""BM25 over an inverted index with precomputed, impact-ordered postings.

A term's BM25 contribution to a document depends only on the document (its length and the
term frequency) and the collection (idf), so it is computed once at build time. Each posting
list is sorted by contribution and cut to `max_postings`: a query touches at most
terms x max_postings postings, so its cost stays flat as the knowledge base grows, and only
very common terms (whose idf is low anyway) lose their long tail.

Postings live in two flat arrays (document ids and weights, one slice per term) rather than
a tuple of pairs per term: with 20,000 phrasings that is about 12 bytes a posting instead
of about 90, and the weights are the same doubles, so scores do not change.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

K1 = 1.2
B = 0.75


@dataclass(frozen=True, slots=True)
class LexicalHit:
    """One document's lexical evidence for a query."""

    doc: int
    score: float
    coverage: float
    """Share of the query's idf mass found in the document, in [0, 1]."""


class LexicalIndex:
    """Immutable BM25 index; safe to query from several threads."""

    __slots__ = ("_docs", "_idf", "_starts", "_terms", "_unknown_idf", "_weights", "size")

    def __init__(self, docs: Sequence[Sequence[str]], *, max_postings: int = 64) -> None:
        self.size = len(docs)
        avg_len = sum(len(d) for d in docs) / max(self.size, 1) or 1.0
        doc_freq: Counter[str] = Counter()
        for doc in docs:
            doc_freq.update(set(doc))
        self._terms = {term: k for k, term in enumerate(doc_freq)}
        self._idf = array("d", (_idf(df, self.size) for df in doc_freq.values()))
        self._unknown_idf = _idf(0, self.size)
        raw: defaultdict[int, list[tuple[float, int]]] = defaultdict(list)
        for doc_id, doc in enumerate(docs):
            norm = K1 * (1.0 - B + B * len(doc) / avg_len)
            for term, tf in Counter(doc).items():
                term_id = self._terms[term]
                weight = self._idf[term_id] * tf * (K1 + 1.0) / (tf + norm)
                raw[term_id].append((weight, doc_id))
        self._starts = array("q", [0])
        self._docs = array("q")
        self._weights = array("d")
        for term_id in range(len(self._terms)):
            best = sorted(raw.pop(term_id), reverse=True)[:max_postings]
            self._docs.extend(doc_id for _, doc_id in best)
            self._weights.extend(weight for weight, _ in best)
            self._starts.append(len(self._docs))

    def search(self, query: Sequence[str], k: int = 10) -> list[LexicalHit]:
        """Best `k` documents for the query terms, with BM25 score and idf coverage."""
        unique = list(dict.fromkeys(query))
        if not unique:
            return []
        scores: dict[int, float] = {}
        matched: dict[int, float] = {}
        total_idf = 0.0
        for term in unique:
            term_id = self._terms.get(term)
            if term_id is None:
                total_idf += self._unknown_idf
                continue
            idf = self._idf[term_id]
            total_idf += idf
            start, end = self._starts[term_id], self._starts[term_id + 1]
            for doc_id, weight in zip(self._docs[start:end], self._weights[start:end],
                                      strict=True):
                scores[doc_id] = scores.get(doc_id, 0.0) + weight
                matched[doc_id] = matched.get(doc_id, 0.0) + idf
        best = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:k]
        return [LexicalHit(doc, score, matched[doc] / total_idf) for doc, score in best]


def _idf(doc_freq: int, size: int) -> float:
    """BM25+ style idf that never goes negative (Lucene's formula)."""
    return math.log(1.0 + (size - doc_freq + 0.5) / (doc_freq + 0.5))
