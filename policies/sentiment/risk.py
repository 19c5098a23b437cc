"""Legal / PR-risk words: the ones that should reach a human even in a calm sentence.

Terms match on word boundaries, ignoring case and accents ("AVVOCÀTO" finds "avvocato", but
"refundable" does not find "refund"); a trailing `*` makes a term a stem ("avvocat*" finds
"avvocati"), `a_b` or "a b" is a phrase. The defaults spell inflections out where a stem would
catch other words ("scam*" would catch "scampi", "truff*" the English "truffle"). The words
found are reported as they appear in
the message (folded), so the team sees "truffatori" rather than the stem.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from policies.prefilter import Guarded
from policies.sentiment.text import phrase_regex

DEFAULT_RISK: tuple[str, ...] = (
    "avvocat*", "legale", "legali", "denunc*", "querel*", "tribunale", "giudice", "diffida",
    "truffa", "truffe", "truffato", "truffata", "truffati", "truffate", "truffatore",
    "truffatori", "truffaldin*", "frode", "frodi", "rimborso", "rimborsi", "rimborsato",
    "rimborsata", "rimborsare", "rimborsatemi", "polizia", "carabinieri", "codacons",
    "altroconsumo", "class action", "azione legale", "vie legali", "garante",
    "lawyer*", "attorney*", "solicitor*", "sue", "suing", "sued", "lawsuit*", "legal action",
    "court", "refund", "refunds", "refunded", "refunding", "chargeback*", "scam", "scams",
    "scammed", "scammer*", "scammy", "fraud", "frauds", "fraudulent", "fraudster*", "police",
    "consumer protection",
    "trading standards", "small claims", "ombudsman",
)
"""Italian and English legal, fraud and refund words."""


@lru_cache(maxsize=32)
def _compiled(terms: tuple[str, ...]) -> Guarded | None:
    return phrase_regex(terms)


def find_risk_terms(prepared: str, terms: Sequence[str]) -> tuple[str, ...]:
    """Risk words in prepared text (see `text.prepare`), de-duplicated, in order of appearance."""
    pattern = _compiled(tuple(terms))
    if pattern is None:
        return ()
    found: dict[str, None] = {}
    for match in pattern.finditer(prepared):
        found.setdefault(" ".join(match.group().split()), None)
    return tuple(found)
