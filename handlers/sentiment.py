"""One language detection and one sentiment assessment per message, shared by the FAQ gate
and the escalation watch."""

from __future__ import annotations

from bot.services import Services
from bot.unit_of_work import once_per_update
from handlers.common import chat_language
from policies.faq import detect_language
from policies.sentiment import Assessment, BrandContext, assess


def brand_context(services: Services) -> BrandContext:
    brand = services.policy.brand
    return BrandContext(names=(brand.name, brand.voice.persona),
                        product_terms=tuple(brand.product_terms))


def complaint_of(services: Services, text: str, lang: str) -> Assessment:
    """Assess once per update (the result is kept in the unit of work's scratch)."""

    def assess_now() -> Assessment:
        keywords = services.policy.escalation.complaints.keywords
        context = brand_context(services)
        return (assess(text, lang, context, risk_terms=tuple(keywords)) if keywords
                else assess(text, lang, context))

    return once_per_update(f"sentiment:{lang}:{text}", assess_now)


def language_of(services: Services, chat_id: int, text: str) -> str:
    """The language of a message in a chat, detected once per update (kept in its scratch)."""
    return once_per_update(f"language:{chat_id}:{text}", lambda: detect_language(
        text, chat_language(services, chat_id), services.policy.brand.languages))
