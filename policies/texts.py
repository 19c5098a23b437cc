"""Fixed texts the bot says in its own name (not FAQ answers), per language.

Kept out of handlers so every user-facing sentence lives in one reviewable place. Values are
``str.format`` templates; callers HTML-escape anything that came from a user.
"""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "help_private": {
        "it": "{about}\n\nCosa posso fare per te:\n• rispondere alle domande frequenti (scrivimi qui o nel gruppo)\n• passare al team di {brand} quello che richiede una persona\n• tenere la community pulita da spam e abusi\n\nNei gruppi: /rules per le regole, /report (in risposta) per segnalare un messaggio.",
        "en": "{about}\n\nWhat I can do for you:\n• answer common questions (write to me here or in the group)\n• hand anything that needs a person to the {brand} team\n• keep the community free of spam and abuse\n\nIn the groups: /rules for the rules, /report (as a reply) to flag a message.",
    },
    "help_group": {
        "it": "Sono {persona}, l'assistente di {brand}. Fai pure le tue domande qui; /rules mostra le regole, /report (in risposta a un messaggio) avvisa i moderatori.",
        "en": "I'm {persona}, the {brand} assistant. Ask your questions here; /rules shows the rules, /report (as a reply to a message) alerts the moderators.",
    },
    "rules_header": {"it": "Regole di {title}", "en": "Rules of {title}"},
    "no_rules": {
        "it": "Questo gruppo non ha ancora regole scritte.",
        "en": "This group has no written rules yet.",
    },
    "team_missing_right": {
        "it": "⚠️ In {chat} non posso eseguire {method}: mi manca il permesso «{right}». Dammelo dalle impostazioni degli amministratori.",
        "en": "⚠️ In {chat} I cannot run {method}: I lack the “{right}” right. Grant it in the admin settings.",
    },
    "team_chat_unreachable": {
        "it": "⚠️ Non riesco più a scrivere in {chat} ({why}). Ho messo in pausa quello che dovevo inviare lì.",
        "en": "⚠️ I can no longer write to {chat} ({why}). I paused what I owed that chat.",
    },
    "bot_added": {
        "it": "ℹ️ Sono stato aggiunto a {chat} come {status}. {advice}",
        "en": "ℹ️ I was added to {chat} as {status}. {advice}",
    },
    "bot_needs_admin": {
        "it": "Per moderare mi servono i permessi di amministratore (eliminare messaggi, limitare utenti).",
        "en": "To moderate I need admin rights (delete messages, restrict members).",
    },
    "bot_removed": {
        "it": "ℹ️ Sono stato rimosso da {chat}.",
        "en": "ℹ️ I was removed from {chat}.",
    },
    "chat_migrated": {
        "it": "ℹ️ {chat} è diventato un supergruppo: ho spostato i suoi dati sul nuovo id.",
        "en": "ℹ️ {chat} became a supergroup: I moved its data to the new id.",
    },
}

TEXTS.update({
    "faq_repeat": {
        "it": "Ne abbiamo parlato poco fa, trovi la risposta qui: {link}",
        "it.formal": "Ne abbiamo parlato poco fa, trova la risposta qui: {link}",
        "en": "We covered this a moment ago, the answer is here: {link}",
    },
    "faq_helpful": {"it": "👍 Utile", "en": "👍 Helpful"},
    "faq_not_helpful": {"it": "👎 Non utile", "en": "👎 Not helpful"},
    "faq_thanks": {"it": "Grazie del riscontro!", "en": "Thanks for the feedback!"},
    "faq_thanks_not_helpful": {
        "it": "Grazie, lo segnalo al team.",
        "en": "Thanks, I'll let the team know.",
    },
    "stale_button": {
        "it": "Questo pulsante non è più valido.",
        "en": "This button is no longer valid.",
    },
})

RIGHT_FOR_METHOD: Final[dict[str, str]] = {
    "deleteMessage": "can_delete_messages",
    "deleteMessages": "can_delete_messages",
    "restrictChatMember": "can_restrict_members",
    "banChatMember": "can_restrict_members",
    "unbanChatMember": "can_restrict_members",
    "banChatSenderChat": "can_restrict_members",
    "pinChatMessage": "can_pin_messages",
    "sendMessage": "can_send_messages",
}


def text(key: str, lang: str, *, formal: bool = False, **params: object) -> str:
    """The template ``key`` in ``lang`` (falling back to English), formatted.

    With ``formal`` a ``"<lang>.formal"`` variant (Lei instead of tu) is preferred.
    """
    variants = TEXTS[key]
    template = (
        (variants.get(f"{lang}.formal") if formal else None)
        or variants.get(lang)
        or variants.get("en")
        or next(iter(variants.values()))
    )
    return template.format(**params)
