"""Text normalisation shared by question detection and lexical matching.

Chat lines are short and messy: elisions ("l'indirizzo"), curly quotes, emoji, shouting. We
lowercase, split elisions, and keep word characters; stems come from Snowball for the line's
language, with stopwords removed so that BM25 weighs topic words only.
"""

from __future__ import annotations

import re
import threading
import unicodedata

import snowballstemmer

from policies.faq.stopwords import STOPWORDS

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ELISION = re.compile("['`\u2019\u00b4]")
_STEMMER_NAMES = {"it": "italian", "en": "english"}
_stem_lock = threading.Lock()
_stemmers: dict[str, snowballstemmer.stemmer] = {}
_stem_cache: dict[tuple[str, str], str] = {}
_STEM_CACHE_MAX = 200_000


def normalize(text: str) -> str:
    """Lowercase, NFC-normalise and turn apostrophes into spaces ("l'ordine" -> "l ordine")."""
    text = unicodedata.normalize("NFC", text).lower()
    return _ELISION.sub(" ", text)


def words(text: str) -> list[str]:
    """Word tokens of a line, after normalize()."""
    return _WORD.findall(normalize(text))


def stem(word: str, lang: str) -> str:
    """Snowball stem of one lowercase word; words of unknown languages pass through.

    Snowball stemmers (PyStemmer's C ones, which snowballstemmer hands out when PyStemmer is
    installed, as it is here, or its own Python ones) keep state on the instance, so calls
    are serialised; a cache makes repeated words (the usual case in chat) cost a lookup.
    """
    key = (lang, word)
    cached = _stem_cache.get(key)
    if cached is not None:
        return cached
    name = _STEMMER_NAMES.get(lang)
    if name is None:
        return word
    with _stem_lock:
        stemmer = _stemmers.get(lang)
        if stemmer is None:
            stemmer = _stemmers[lang] = snowballstemmer.stemmer(name)
        result: str = stemmer.stemWord(word)
        if len(_stem_cache) < _STEM_CACHE_MAX:
            _stem_cache[key] = result
    return result


def terms(text: str, lang: str) -> list[str]:
    """Content terms of a line: words minus stopwords (of both languages), stemmed.

    Stopwords of every supported language are removed because chat mixes them ("ok", "pls")
    and language detection on three words can be wrong.
    """
    out: list[str] = []
    for word in words(text):
        if word in _ALL_STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        out.append(stem(word, lang))
    return out


_ALL_STOPWORDS = frozenset().union(*STOPWORDS.values())
