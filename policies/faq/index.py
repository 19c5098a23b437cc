"""FaqIndex: lexical (BM25 + concepts) and semantic (e5) retrieval with calibrated abstention.

Build once per knowledge-base version (the handler layer rebuilds it when an entry changes,
passing the vectors it persisted), then call `match()` from a worker thread: the index is
immutable after build and the embedding call releases the GIL.

Ranking: each entry gets a fused score, its best phrasing cosine plus small bonuses for its
answer's cosine (e5 "passage") and for the lexicon concepts it shares with the question
(policies.faq.lexicon). The bonuses mostly break near-ties between neighbouring entries
("codice sconto non funziona" vs "come si usa un codice sconto"); the confidence then
decides whether the first entry is good enough (policies.faq.confidence).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from policies import embedding
from policies.embedding import Vector
from policies.faq.concepts import concepts
from policies.faq.confidence import NO_CONCEPTS, Evidence, confidence
from policies.faq.focus import focus
from policies.faq.lexical import LexicalHit, LexicalIndex
from policies.faq.semantic import Known, SemanticIndex
from policies.faq.text import terms
from policies.faq.types import Candidate, FaqEntry, FaqMatch

DEFAULT_THRESHOLD = 0.7
"""Confidence below which the bot abstains (the policy file's `faq.threshold` default).
Chosen for brand safety on three sets of different businesses: with the weights fitted on
the other two, no set got a wrong answer or an answer to chit-chat at this threshold."""

W_ANSWER = 0.25
"""Weight of the answer's cosine in the fused ranking score."""
W_CONCEPTS = 0.06
"""Weight of the concept overlap in the fused ranking score."""

_POOL = 20
_HEAD = 4 * _POOL
"""Entries whose answers are scored first, to bound which others can reach the pool."""
_FULL_SCAN = 1_500
"""Up to this many entries every answer is scored: the bound below costs more than it
saves (a question's answer scores, best of seven passes over 200 benchmark questions: at
1,000 entries 152 us scanning all, 190 with the bound; at 2,000, 314 and 303; at 10,000 the
bound halves it)."""
_Floats = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class _Phrasing:
    entry: int
    lang: str
    text: str


@dataclass(frozen=True, slots=True)
class _Query:
    """One question's lexical evidence, computed once for every candidate."""

    concepts: frozenset[str]
    best: dict[int, LexicalHit]
    top: int
    lead: float


class FaqIndex:
    """Searchable knowledge base; see `build`."""

    __slots__ = ("_by_id", "_concepts", "_entries", "_languages", "_lexical", "_phrasings",
                 "_semantic", "_starts")

    def __init__(
        self, entries: Sequence[FaqEntry], phrasings: Sequence[_Phrasing],
        lexical: LexicalIndex, semantic: SemanticIndex | None, languages: tuple[str, ...],
    ) -> None:
        self._entries = tuple(entries)
        self._by_id = {entry.id: entry for entry in self._entries}
        self._phrasings = tuple(phrasings)
        self._starts: dict[int, int] = {}
        for i, phrasing in enumerate(self._phrasings):
            self._starts.setdefault(phrasing.entry, i)
        shared: dict[frozenset[str], frozenset[str]] = {}  # entries repeat concept sets
        self._concepts = tuple(shared.setdefault(found, found)
                               for found in map(_entry_concepts, self._entries))
        self._lexical = lexical
        self._semantic = semantic
        self._languages = languages

    @classmethod
    def build(
        cls, entries: Iterable[FaqEntry], *, vectors: Known | None = None,
        use_semantic: bool = True, languages: Sequence[str] = ("it", "en"),
    ) -> FaqIndex:
        """Index entries; embeddings come from `vectors` (see `vectors()`) or are computed.

        Args:
            entries: the knowledge base.
            vectors: precomputed vectors keyed by `semantic.vector_key(text, kind)`, as a
                mapping or a `semantic.VectorSource` (looked up a block of texts at a time).
            use_semantic: False forces lexical-only matching (it also happens when the
                embedding model cannot load); the index then abstains more.
            languages: the brand's languages, first = fallback for answers.
        """
        entry_list = list(entries)
        phrasings = [
            _Phrasing(i, lang, text)
            for i, entry in enumerate(entry_list)
            for lang, texts in entry.questions.items()
            for text in texts
            if text.strip()
        ]
        docs = [_document(p.text, p.lang, entry_list[p.entry].keywords) for p in phrasings]
        semantic = None
        if use_semantic and embedding.available():
            groups: list[list[str]] = [[] for _ in entry_list]
            for p in phrasings:
                groups[p.entry].append(p.text)
            answers = [[a for a in e.answers.values() if a.strip()] for e in entry_list]
            semantic = SemanticIndex(groups, {} if vectors is None else vectors, answers)
        return cls(entry_list, phrasings, LexicalIndex(docs), semantic, tuple(languages))

    @property
    def size(self) -> int:
        """Number of entries."""
        return len(self._entries)

    @property
    def semantic(self) -> bool:
        """True when the semantic stage is active."""
        return self._semantic is not None

    def vectors(self) -> dict[str, Vector]:
        """All vectors by key, for a later `build(vectors=...)` that scores the same.

        Those embedded during this build and not yet taken are exact; the rest are the
        index's integer rows dequantized (persist `take_new_vectors()` instead).
        """
        return self._semantic.vectors() if self._semantic else {}

    def take_new_vectors(self) -> dict[str, Vector]:
        """The vectors this build had to embed, exact, by key (to persist); {} afterwards."""
        return self._semantic.take_new_vectors() if self._semantic else {}

    def lexical_search(self, text: str, lang: str, k: int = _POOL) -> list[LexicalHit]:
        """The lexical stage alone (exposed for benchmarks)."""
        return self._lexical.search(_query_terms(text, lang, concepts(text)), k)

    def candidates(self, text: str, lang: str, k: int = 5) -> list[Candidate]:
        """Top `k` entries with per-stage evidence, best first (for `/faq test`)."""
        found = concepts(text)
        hits = self._lexical.search(_query_terms(text, lang, found), _POOL)
        best: dict[int, LexicalHit] = {}
        for hit in hits:
            best.setdefault(self._phrasings[hit.doc].entry, hit)
        top = self._phrasings[hits[0].doc].entry if hits else -1
        query = _Query(found, best, top, _lead(hits, self._phrasings))
        if self._semantic is None:
            out = [self._candidate(e, query, None) for e in best]
            out.sort(key=lambda c: (c.lexical, c.score), reverse=True)
            return out[:k]
        return self._rank_semantic(text, query, k)

    def match(
        self, text: str, lang: str, *, threshold: float = DEFAULT_THRESHOLD
    ) -> FaqMatch | None:
        """The entry to answer with, or None (abstain) below `threshold`."""
        found = self.candidates(text, lang, k=1)
        if not found or found[0].score < threshold:
            return None
        best = found[0]
        entry = self._by_id[best.entry_id]
        answer_lang = entry.answer_language(lang, self._languages)
        if answer_lang is None:
            return None
        reasons = [f"faq:{entry.id} {best.score:.2f}"]
        if best.semantic is not None:
            reasons.append(f"semantic {best.semantic:.2f} margin {best.margin:.3f}")
        reasons.append(f"lexical {best.coverage:.2f} concepts {best.concepts:.2f}")
        return FaqMatch(
            entry.id, best.score, answer_lang, entry.answers[answer_lang], tuple(reasons),
            entry.buttons,
        )

    def _rank_semantic(self, text: str, query: _Query, k: int) -> list[Candidate]:
        """Fused ranking over the best entries by cosine plus the lexical hits."""
        assert self._semantic is not None
        vector = self._semantic.query_vector(focus(text))
        sims = self._semantic.similarities(vector)
        scores = self._semantic.entry_scores(sims)
        answers = self._answer_scores(vector, scores, list(query.best))
        base = scores + W_ANSWER * np.maximum(answers, 0.0)
        size = min(_POOL, len(base))
        top = np.argpartition(-base, size - 1)[:size].tolist() if size else []
        pool = list(dict.fromkeys([*top, *query.best]))
        overlap = {e: self._overlap(query.concepts, e) for e in pool}
        fused = {e: float(base[e]) + W_CONCEPTS * overlap[e] for e in pool}
        order = sorted(pool, key=lambda e: fused[e], reverse=True)
        background = self._semantic.background_similarity(vector)
        out = []
        for rank, entry in enumerate(order[:k]):
            rival = fused[order[1]] if rank == 0 and len(order) > 1 else fused[order[0]]
            if rank == 0 and len(order) == 1:
                rival = -1.0
            semantic = float(scores[entry])
            ev = Evidence(
                semantic=semantic, lift=semantic - background, margin=fused[entry] - rival,
                coverage=query.best[entry].coverage if entry in query.best else 0.0,
                agree=entry == query.top, lexical_lead=query.lead, concept=overlap[entry],
            )
            out.append(self._candidate(entry, query, ev, sims))
        return out

    def _answer_scores(self, vector: _Floats, scores: _Floats, lexical: list[int]) -> _Floats:
        """Each entry's best answer cosine, wherever it can change the pool; -1 elsewhere.

        The pool is the `_POOL` best entries by ``base = phrasing + W_ANSWER * answer``.
        Answers are scored first for the `_HEAD` best entries by phrasing; the pool's last
        base is then at least the `_POOL`-th best base among them (`floor`). An entry whose
        phrasing score plus ``W_ANSWER * answer_bound`` (the most an answer can add) is below
        that floor cannot enter the pool, and its answers are not scored: the same pool and
        the same scores (to float32 rounding: another BLAS kernel sums the products) as
        scoring every answer, for a fraction of the rows. Entries the lexical stage found
        always get theirs; when most entries qualify (an off-topic line), every answer is
        scanned instead. At 10,000 entries a question's scoring went from 3.3 to 2.0 ms, and
        no confidence on 800 benchmark questions moved in its fourth decimal.
        """
        assert self._semantic is not None
        semantic = self._semantic
        if len(scores) <= _FULL_SCAN:
            return semantic.answer_scores(vector)
        head = np.argpartition(-scores, _HEAD - 1)[:_HEAD]
        answers = semantic.answer_scores(vector, head)
        bases = scores[head] + W_ANSWER * np.maximum(answers[head], 0.0)
        floor = np.partition(bases, _HEAD - _POOL)[_HEAD - _POOL]
        reach = np.flatnonzero(scores + W_ANSWER * semantic.answer_bound >= floor)
        rest = np.setdiff1d(np.union1d(reach, np.asarray(lexical, dtype=np.intp)), head)
        if len(rest) > len(scores) // 2:  # gathering most rows costs more than a full scan
            return semantic.answer_scores(vector)
        if len(rest):
            answers = np.maximum(answers, semantic.answer_scores(vector, rest))
        return answers

    def _overlap(self, found: frozenset[str], entry: int) -> float:
        """Jaccard overlap of concepts; NO_CONCEPTS when neither side has any."""
        own = self._concepts[entry]
        union = found | own
        return len(found & own) / len(union) if union else NO_CONCEPTS

    def _candidate(
        self, entry: int, query: _Query, ev: Evidence | None, sims: _Floats | None = None,
    ) -> Candidate:
        hit = query.best.get(entry)
        if ev is None:
            ev = Evidence(
                semantic=None, lift=0.0, margin=0.0, coverage=hit.coverage if hit else 0.0,
                agree=entry == query.top, lexical_lead=query.lead,
                concept=self._overlap(query.concepts, entry),
            )
        phrasing = self._phrasings[hit.doc].text if hit else ""
        if sims is not None and self._semantic is not None and entry in self._starts:
            offset = self._semantic.best_phrasing(sims, entry)
            phrasing = self._phrasings[self._starts[entry] + offset].text
        return Candidate(
            self._entries[entry].id, confidence(ev), ev.semantic, hit.score if hit else 0.0,
            ev.coverage, ev.margin, phrasing, ev.concept,
        )


def _document(text: str, lang: str, keywords: Sequence[str]) -> list[str]:
    """A phrasing's lexical terms: stems of it and of the entry's keywords, plus concepts."""
    found = concepts(text).union(*(concepts(kw) for kw in keywords))
    words = terms(text, lang) + [t for kw in keywords for t in terms(kw, lang)]
    return words + [f"@{name}" for name in sorted(found)]


def _query_terms(text: str, lang: str, found: frozenset[str]) -> list[str]:
    return terms(text, lang) + [f"@{name}" for name in sorted(found)]


def _entry_concepts(entry: FaqEntry) -> frozenset[str]:
    texts = [t for qs in entry.questions.values() for t in qs] + list(entry.keywords)
    return frozenset().union(*(concepts(t) for t in texts))


def _lead(hits: list[LexicalHit], phrasings: Sequence[_Phrasing]) -> float:
    """Relative BM25 lead of the best entry over the best other entry."""
    if not hits:
        return 0.0
    top_entry = phrasings[hits[0].doc].entry
    other = next((h.score for h in hits if phrasings[h.doc].entry != top_entry), 0.0)
    return (hits[0].score - other) / hits[0].score if hits[0].score > 0 else 0.0
