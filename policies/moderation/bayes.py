"""A naive Bayes spam classifier that learns from the managers' `/spam` and `/notspam`.

Every community gets different spam, so a fixed word list ages quickly; a classifier fed by
the people who see the spam keeps up (tg-spam does the same). This is a multinomial naive
Bayes over normalised words with binary counts (a word counts once per message, which suits
short chat messages), Laplace smoothing and equal class priors: the prior belongs to the
caller, who knows the base rate of its chat; unknown words are ignored, so a message made only
of unseen words scores 0.5 ("no opinion").

Words are cut to their first `STEM` characters, a crude stemmer that works for both Italian
and English ("guadagnare", "guadagno" -> "guadagn"; "investment", "investing" -> "investm",
"investi"), which matters with a small starter corpus.

Models are immutable: `with_sample` returns a new model and never changes the old one, so
readers on other threads keep a consistent snapshot while one writer swaps in the new model
(assigning a reference is atomic in Python). The update copies the word tables, which costs
a few milliseconds for tens of thousands of words: fine for manager feedback, and
`with_samples` batches many samples into one copy.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from importlib import resources

from policies.normalise import normalise

STEM = 7
_ALPHA = 1.0


def tokens(folded: str) -> frozenset[str]:
    """The distinct features of a normalised text: stems of words, shape of numbers."""
    found: set[str] = set()
    for word in folded.replace("'", " ").split():
        if word.isdigit():
            found.add(f"#{min(len(word), 5)}")
        elif len(word) > 1:
            found.add(word[:STEM])
    return frozenset(found)


def text_key(folded: str) -> bytes:
    """A short, stable fingerprint of a normalised text (for "copy of known spam")."""
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest()


def load_corpus() -> list[tuple[str, bool]]:
    """The starter corpus shipped in ``policies/moderation/data/spam_corpus.json``."""
    source = resources.files("policies.moderation").joinpath("data").joinpath("spam_corpus.json")
    data = json.loads(source.read_text(encoding="utf-8"))
    return [(text, True) for text in data["spam"]] + [(text, False) for text in data["ham"]]


EVIDENCE_PRIOR = 3


class SpamModel:
    """Word counts per class, with the per-word log-likelihood ratios precomputed."""

    __slots__ = ("_counts", "_docs", "_known", "_ratios")

    def __init__(
        self,
        counts: tuple[dict[str, int], dict[str, int]],
        docs: tuple[int, int],
        known: frozenset[bytes],
    ) -> None:
        self._counts = counts
        self._docs = docs
        self._known = known
        self._ratios = _ratios(counts)

    @classmethod
    def from_samples(cls, samples: Iterable[tuple[str, bool]]) -> SpamModel:
        """Train from (text, is_spam) pairs."""
        return cls(({}, {}), (0, 0), frozenset()).with_samples(samples)

    @classmethod
    def starter(cls) -> SpamModel:
        """A model trained on the shipped starter corpus (Italian and English)."""
        return cls.from_samples(load_corpus())

    def with_sample(self, text: str, is_spam: bool) -> SpamModel:
        """A new model that also learned `text`; this model is left unchanged."""
        return self.with_samples([(text, is_spam)])

    def with_samples(self, samples: Iterable[tuple[str, bool]]) -> SpamModel:
        """A new model that also learned every (text, is_spam) pair, in one table copy."""
        spam, ham = dict(self._counts[0]), dict(self._counts[1])
        n_spam, n_ham = self._docs
        known = set(self._known)
        for text, is_spam in samples:
            folded = normalise(text).folded
            table = spam if is_spam else ham
            for token in tokens(folded):
                table[token] = table.get(token, 0) + 1
            if is_spam:
                n_spam += 1
                known.add(text_key(folded))
            else:
                n_ham += 1
                known.discard(text_key(folded))
        return SpamModel((spam, ham), (n_spam, n_ham), frozenset(known))

    def log_odds(self, folded: str) -> float:
        """Sum of the words' log-likelihood ratios (spam over ham); 0.0 means no opinion.

        Shrunk by how many known words back it (n / (n + 3)): one or two words from a
        small corpus are weak evidence, and short chat lines would otherwise swing to the
        extremes ("messaggio numero 3" is not spam because spam mentions numbers).
        """
        ratios = self._ratios
        known = [ratios[token] for token in tokens(folded) if token in ratios]
        if not known:
            return 0.0
        return sum(known) * len(known) / (len(known) + EVIDENCE_PRIOR)

    def score(self, text: str) -> float:
        """P(spam | words) in (0, 1) for a raw text, with equal priors."""
        return _sigmoid(self.log_odds(normalise(text).folded))

    def is_known_spam(self, folded: str) -> bool:
        """True if this exact normalised text was reported as spam before."""
        return bool(self._known) and text_key(folded) in self._known

    @property
    def samples(self) -> tuple[int, int]:
        """How many (spam, ham) messages the model learned from."""
        return self._docs


def _ratios(counts: tuple[dict[str, int], dict[str, int]]) -> dict[str, float]:
    spam, ham = counts
    vocabulary = spam.keys() | ham.keys()
    if not vocabulary:
        return {}
    size = len(vocabulary)
    spam_total = sum(spam.values()) + _ALPHA * size
    ham_total = sum(ham.values()) + _ALPHA * size
    offset = math.log(ham_total / spam_total)
    return {
        token: math.log((spam.get(token, 0) + _ALPHA) / (ham.get(token, 0) + _ALPHA)) + offset
        for token in vocabulary
    }


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)
