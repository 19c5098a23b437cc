"""Small helpers shared by handlers: which language to speak, the chat's community config."""

from __future__ import annotations

from bot.services import Services
from policies.voice import pick_language


def chat_language(services: Services, chat_id: int) -> str:
    community = services.policy.community(chat_id)
    default = services.policy.brand.languages[0]
    if community is not None and community.language:
        return community.language
    return default


def user_language(services: Services, language_code: str | None, chat_id: int) -> str:
    """The member's Telegram language if the brand speaks it, else the chat's language."""
    wanted = (language_code or "")[:2].lower() or None
    return pick_language(wanted, services.policy.brand.languages, chat_language(services, chat_id))
