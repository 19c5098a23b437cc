"""Complaint, sentiment, praise and legal-risk detection for Italian and English messages.

`assess()` is the cheap, deterministic first stage used on every message; `evaluate()`
measures it on a labelled set (recall, false flags, latency).
"""

from __future__ import annotations

from policies.sentiment.assess import assess
from policies.sentiment.evaluation import ComplaintEval, evaluate
from policies.sentiment.model import Assessment, BrandContext, Label
from policies.sentiment.risk import DEFAULT_RISK, find_risk_terms

__all__ = [
    "DEFAULT_RISK",
    "Assessment",
    "BrandContext",
    "ComplaintEval",
    "Label",
    "assess",
    "evaluate",
    "find_risk_terms",
]
