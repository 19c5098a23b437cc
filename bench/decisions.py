"""Decision cost alone: what each approach spends deciding about a message, without Telegram,
the database or the event loop (which the floor shows both pay equally).

Portavoce: language, question detection, the compiled moderation engine (normalisation,
blocklist automaton, RE2 set, links, spam score) and, for questions, the FAQ index
(lexical + semantic, the query embedded). Naive: `bench.variants.NaiveChecker` (one
``re.search`` per term and regex, rapidfuzz ``extractOne`` over every FAQ question).
Both see the same messages; CPU time per message, one core.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bench.traffic import Message
from bench.variants import NaiveChecker
from bot.faq_service import decoded
from policies import embedding
from policies.faq import DEFAULT_THRESHOLD, FaqIndex
from policies.faq.evaluate import entries_from_dataset
from policies.faq.language import detect_language
from policies.faq.question import is_question
from policies.moderation import MemberHistory, ModerationEngine, SpamModel
from policies.schema import PolicyFile
from policies.types import MessageView, Sender

REGULAR = MemberHistory(first_seen=0.0, message_count=50)
SENDER = Sender(user_id=42, first_name="Giulia")


def _view(text: str) -> MessageView:
    return MessageView(chat_id=-1, chat_type="supergroup", message_id=1, text=text,
                       sender=SENDER)


def moderation_decider(policy: PolicyFile) -> Callable[[str], object]:
    engine = ModerationEngine.build(policy.moderation, spam_model=SpamModel.starter())
    return lambda text: engine.evaluate(_view(text), REGULAR, 1_000_000.0)


def naive_moderation(checker: NaiveChecker) -> Callable[[str], object]:
    def decide(text: str) -> object:
        return any(pattern.search(text) for pattern in checker.patterns)
    return decide


def portavoce_decider(policy: PolicyFile,
                      vectors: Mapping[str, bytes]) -> Callable[[str], object]:
    engine = ModerationEngine.build(policy.moderation, spam_model=SpamModel.starter())
    raw = [{"id": e.id, **e.model_dump(exclude={"id"}, exclude_defaults=True)}
           for e in policy.faq.entries]
    languages = tuple(policy.brand.languages)
    index = FaqIndex.build(entries_from_dataset(raw), vectors=decoded(vectors),
                           languages=languages)

    def decide(text: str) -> object:
        decision = engine.evaluate(_view(text), REGULAR, 1_000_000.0)
        if decision.delete:
            return decision
        lang = detect_language(text, languages[0], languages)
        if is_question(text, lang):
            return index.match(text, lang, threshold=DEFAULT_THRESHOLD)
        return decision

    return decide


WARM = 20


def _cpu_per_message(decide: Callable[[str], object], texts: Sequence[str]) -> float:
    started = time.process_time()
    for text in texts:
        decide(text)
    return (time.process_time() - started) / len(texts) * 1e6


def compare(policy: PolicyFile, vectors: Mapping[str, bytes], traffic: Sequence[Message],
            messages: int) -> dict[str, Any]:
    """CPU per message of the whole decision and of moderation alone, both approaches."""
    texts = [m.text for m in traffic[:messages]]
    checker = NaiveChecker(policy)
    pairs = {"all": (portavoce_decider(policy, vectors), checker.decide),
             "moderation": (moderation_decider(policy), naive_moderation(checker))}
    out: dict[str, Any] = {"messages": len(texts) - WARM}
    for name, (ours, naive) in pairs.items():
        embedding.clear_query_cache()  # the throughput runs embedded these very lines
        for text in texts[:WARM]:  # model loaded, first caches filled
            ours(text)
            naive(text)
        ours_us = _cpu_per_message(ours, texts[WARM:])
        naive_us = _cpu_per_message(naive, texts[WARM:])
        out[name] = {"portavoce_us_per_msg": round(ours_us), "naive_us_per_msg": round(naive_us),
                     "naive_over_portavoce": round(naive_us / ours_us, 1) if ours_us else None}
    return out
