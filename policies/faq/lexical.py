"""BM25 over an inverted index with precomputed, impact-ordered postings.

A term's BM25 contribution to a document depends only on the document (its length and the
term frequency) and the collection (idf), so it is computed once at build time. Each posting
list is sorted by contribution and cut to `max_postings`: a query touches at most
terms x max_postings postings, so its cost stays flat as the knowledge base grows, and only
very common terms (whose idf is low anyway) lose their long tail.
"""

from __future__ import annotations

import math
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

    __slots__ = ("_idf", "_postings", "_unknown_idf", "size")

    def __init__(self, docs: Sequence[Sequence[str]], *, max_postings: int = 64) -> None:
        self.size = len(docs)
        avg_len = sum(len(d) for d in docs) / max(self.size, 1) or 1.0
        doc_freq: Counter[str] = Counter()
        for doc in docs:
            doc_freq.update(set(doc))
        self._idf = {t: _idf(df, self.size) for t, df in doc_freq.items()}
        self._unknown_idf = _idf(0, self.size)
        raw: defaultdict[str, list[tuple[float, int]]] = defaultdict(list)
        for doc_id, doc in enumerate(docs):
            norm = K1 * (1.0 - B + B * len(doc) / avg_len)
            for term, tf in Counter(doc).items():
                weight = self._idf[term] * tf * (K1 + 1.0) / (tf + norm)
                raw[term].append((weight, doc_id))
        self._postings = {
            term: tuple((doc_id, w) for w, doc_id in sorted(plist, reverse=True)[:max_postings])
            for term, plist in raw.items()
        }

    def search(self, query: Sequence[str], k: int = 10) -> list[LexicalHit]:
        """Best `k` documents for the query terms, with BM25 score and idf coverage."""
        unique = list(dict.fromkeys(query))
        if not unique:
            return []
        scores: dict[int, float] = {}
        matched: dict[int, float] = {}
        total_idf = 0.0
        for term in unique:
            idf = self._idf.get(term, self._unknown_idf)
            total_idf += idf
            for doc_id, weight in self._postings.get(term, ()):
                scores[doc_id] = scores.get(doc_id, 0.0) + weight
                matched[doc_id] = matched.get(doc_id, 0.0) + idf
        best = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:k]
        return [LexicalHit(doc, score, matched[doc] / total_idf) for doc, score in best]


def _idf(doc_freq: int, size: int) -> float:
    """BM25+ style idf that never goes negative (Lucene's formula)."""
    return math.log(1.0 + (size - doc_freq + 0.5) / (doc_freq + 0.5))
