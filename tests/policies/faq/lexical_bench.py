"""Time the lexical stage on a synthetic 10,000-entry knowledge base.

Run: /work/venv/bin/python -m tests.policies.faq.lexical_bench
Not a test (no timed asserts in the suite); it prints microseconds per query.
"""

from __future__ import annotations

import random
import time

from policies.faq.index import FaqIndex
from policies.faq.text import terms
from policies.faq.types import FaqEntry


def synthetic_entries(n: int, seed: int = 7) -> list[FaqEntry]:
    """n entries with Zipf-distributed words (a few very common, a long tail of rare ones)."""
    rng = random.Random(seed)
    vocab = [f"parola{i}" for i in range(20_000)]
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]

    def line() -> str:
        return " ".join(rng.choices(vocab, weights, k=rng.randint(4, 9))) + "?"

    return [
        FaqEntry(f"e{i}", {"it": (line(), line()), "en": (line(),)}, {"it": "ok"})
        for i in range(n)
    ]


def main(n: int = 10_000, queries: int = 2_000) -> None:
    entries = synthetic_entries(n)
    index = FaqIndex.build(entries, use_semantic=False)
    rng = random.Random(1)
    texts = [rng.choice(entries).questions["it"][0] for _ in range(queries)]
    for text in texts[:100]:
        index.lexical_search(text, "it")
    term_lists = [terms(t, "it") for t in texts]
    start = time.perf_counter()
    for query in term_lists:
        index._lexical.search(query, 10)
    search_us = (time.perf_counter() - start) / queries * 1e6
    start = time.perf_counter()
    for text in texts:
        index.lexical_search(text, "it")
    full_us = (time.perf_counter() - start) / queries * 1e6
    print(f"{n} entries ({3 * n} phrasings): BM25 search {search_us:.1f} us/query, "
          f"tokenise+stem+search {full_us:.1f} us/query")


if __name__ == "__main__":
    main()
