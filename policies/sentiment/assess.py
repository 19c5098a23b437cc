"""The cheap first stage: lexicon + patterns verdict for one message, on the hot path.

Why rules and not a model here: this runs for every group message inside the event loop, so
it must cost microseconds, be deterministic and explain itself (`reasons`). The design is:
sentiment from weighted words (negation, intensifiers, contrast, idioms), complaint shapes
from patterns, then topic: negativity only becomes a complaint when it is about the brand's
business (or has a grievance's shape), never when it is about rain, football or a train.
"""

from __future__ import annotations

from collections.abc import Sequence

from policies.sentiment.lexicon import JOKE_EMOJI, Lexicon, lexicon_for
from policies.sentiment.model import Assessment, BrandContext, Label
from policies.sentiment.risk import DEFAULT_RISK, find_risk_terms
from policies.sentiment.scoring import Contribution, squash, token_contributions, weigh_contrast
from policies.sentiment.signals import (
    Hit,
    Topic,
    find_complaints,
    find_idioms,
    find_sarcasm,
    find_topic,
)
from policies.sentiment.text import TOKEN_RE, prepare

HEAD_CHARS = 320
TAIL_CHARS = 160
"""A long message is read as its head and its tail (where rants put the demand): the cost
is linear in length (about 1 us per character), and the verdict must stay cheap."""
COMPLAINT_BELOW = -0.3
"""Sentiment at or below which an on-topic message is a complaint."""
UNTARGETED_BELOW = -0.75
"""Stricter bar when nothing says what the negativity is about."""
PRAISE_ABOVE = 0.5
LABEL_BAND = 0.25


def _clip(text: str) -> str:
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return f"{text[:HEAD_CHARS]} . {text[-TAIL_CHARS:]}"


def _total(
    contributions: list[Contribution],
    idioms: list[tuple[str, float]],
    hits: list[Hit],
    sarcastic: bool,
    tokens: list[str],
) -> float:
    """Sum the evidence; sarcasm turns the praise words against the brand."""
    values = [c.value for c in contributions] + [w for _, w in idioms]
    if sarcastic:
        values = [-abs(v) for v in values]
    strong = sum(1 for h in hits if h.strong)
    weak = len(hits) - strong
    total = sum(values) - 1.5 * min(strong, 2) - 0.75 * min(weak, 2)
    emphasis = sum(t.count("!") for t in tokens) + sum(1 for t in tokens if "??" in t)
    return total * (1.0 + 0.1 * min(emphasis, 3))


def _label(sentiment: float) -> Label:
    if sentiment <= -LABEL_BAND:
        return "negative"
    if sentiment >= LABEL_BAND:
        return "positive"
    return "neutral"


def _is_complaint(sentiment: float, hits: list[Hit], sarcasm: str, topic: Topic,
                  joke: bool) -> bool:
    if topic.offtopic and not topic.on_topic:  # off-topic, or a tie: leave it alone
        return False
    if sarcasm or any(h.strong for h in hits):
        return True
    if topic.on_topic and not joke:
        return sentiment <= COMPLAINT_BELOW
    return sentiment <= UNTARGETED_BELOW and not joke


def _risk_on_brand(risk: tuple[str, ...], sentiment: float, complaint: bool, topic: Topic,
                   joke: bool) -> bool:
    """Risk words page the team inside a complaint, or in a negative message about the brand.

    A joke, an off-topic remark or a calm question ("how do refunds work?") does not; explicit
    threats ("il mio avvocato", "I'll sue") are complaint patterns, so they always do.
    """
    if not risk or joke or topic.off_topic:
        return False
    return complaint or (sentiment < -0.1 and topic.target > 0)


def _is_joke(prepared: str, tokens: list[str], lex: Lexicon) -> bool:
    if any(t in JOKE_EMOJI for t in tokens):
        return True
    return lex.joke is not None and lex.joke.search(prepared) is not None


def assess(
    text: str,
    lang: str,
    brand: BrandContext,
    *,
    risk_terms: Sequence[str] = DEFAULT_RISK,
) -> Assessment:
    """Judge one member message: sentiment, complaint, praise and legal/PR risk, with reasons.

    Args:
        text: the message text (caption included, if any).
        lang: language code, "it" or "en" (anything else uses the English lexicon).
        brand: the brand's names and product words, so negativity about them counts.
        risk_terms: legal/PR words to report (stems with `*`, phrases allowed).
    """
    lex = lexicon_for(lang)
    prepared = prepare(_clip(text))
    masked, idioms = find_idioms(prepared, lex)
    tokens = TOKEN_RE.findall(masked)
    contributions, contrast = token_contributions(tokens, lex, question="?" in masked)
    contributions = weigh_contrast(contributions, contrast)
    joke = _is_joke(prepared, tokens, lex)
    hits = [h for h in find_complaints(masked, lex) if not (joke and h.kind == "legal_threat")]
    sarcasm = find_sarcasm(prepared, tokens, contributions, idioms, hits, lex)
    sentiment = round(squash(_total(contributions, idioms, hits, bool(sarcasm), tokens)), 3)
    label = _label(sentiment)
    topic = find_topic(prepared, lex, brand, hits)
    complaint = _is_complaint(sentiment, hits, sarcasm, topic, joke)
    praise = (not complaint and not sarcasm and not topic.off_topic
              and sentiment >= PRAISE_ABOVE)
    risk = find_risk_terms(prepared, risk_terms)
    risk_on_brand = _risk_on_brand(risk, sentiment, complaint, topic, joke)
    reasons = _reasons(contributions, idioms, hits, sarcasm, topic, complaint, praise, risk,
                       joke)
    return Assessment(sentiment, label, complaint, praise, risk, reasons, risk_on_brand)


def _worst_words(
    contributions: list[Contribution], idioms: list[tuple[str, float]], topic: Topic
) -> str:
    """The subject and the most negative word or idiom: "servizio pessimo", "not happy"."""
    scored = [(c.value, f"{c.negator} {c.token}" if c.negator else c.token)
              for c in contributions]
    scored += [(w, text) for text, w in idioms]
    worst = min(scored)[1] if scored else ""
    if topic.target_word and topic.target_word not in worst:
        return f"{topic.target_word} {worst}".strip()
    return worst


def _reasons(
    contributions: list[Contribution],
    idioms: list[tuple[str, float]],
    hits: list[Hit],
    sarcasm: str,
    topic: Topic,
    complaint: bool,
    praise: bool,
    risk: tuple[str, ...],
    joke: bool,
) -> tuple[str, ...]:
    """Readable evidence, strongest first: what a moderator would want to see on the card."""
    out = [f'{"complaint" if complaint and h.strong else "cue"}:"{h.text}"' for h in hits]
    if sarcasm:
        out.append(f'sarcasm:"{sarcasm}"')
    if complaint and not hits and not sarcasm:
        out.append(f'complaint:"{_worst_words(contributions, idioms, topic)}"')
    out += [f'negation:"{c.negator} {c.token}"' for c in contributions if c.negator]
    if topic.off_topic:
        out.append(f'offtopic:"{topic.offtopic_word}"')
    if praise:
        scored = [(c.value, c.token) for c in contributions] + [(w, t) for t, w in idioms]
        out.append(f'praise:"{max(scored)[1] if scored else topic.target_word}"')
    out += [f'risk:"{term}"' for term in risk]
    if joke and risk:
        out.append("joke")
    return tuple(out)
