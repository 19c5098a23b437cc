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

TEXTS.update({
    "auth_group_only": {
        "it": "Questo comando si usa in un gruppo che modero.",
        "en": "Use this command in a group I moderate.",
    },
    "auth_not_admin": {
        "it": "Solo gli amministratori del gruppo possono farlo.",
        "en": "Only the group's admins can do that.",
    },
    "auth_missing_right": {
        "it": "Ti serve il permesso «{right}» in questo gruppo.",
        "en": "You need the “{right}” right in this group.",
    },
    "bot_missing_right": {
        "it": "Non posso: mi manca il permesso «{right}». Dammelo nelle impostazioni degli amministratori.",
        "en": "I can't: I lack the “{right}” right. Grant it in the admin settings.",
    },
    "target_is_bot": {"it": "Non posso agire su me stesso.", "en": "I won't act on myself."},
    "target_is_service": {
        "it": "Quello è un account di servizio di Telegram.",
        "en": "That is a Telegram service account.",
    },
    "target_is_team": {
        "it": "È un membro del team del brand: non agisco su di lui.",
        "en": "That is a brand team member: I won't act on them.",
    },
    "target_is_admin": {
        "it": "È un amministratore: non agisco sugli amministratori.",
        "en": "That is an admin: I don't act on admins.",
    },
    "need_target": {
        "it": "Rispondi a un messaggio della persona, oppure indica @username o id.",
        "en": "Reply to the person's message, or give their @username or id.",
    },
    "unknown_target": {
        "it": "Non conosco {who} in questo gruppo; rispondi a un suo messaggio o usa l'id.",
        "en": "I don't know {who} in this group; reply to their message or use their id.",
    },
    "bad_duration": {"it": "{error}", "en": "{error}"},
    "mod_notice_warn": {
        "it": "⚠️ {name}, ho rimosso il tuo messaggio: {reason} (avviso {count}/{limit}).",
        "en": "⚠️ {name}, I removed your message: {reason} (warning {count}/{limit}).",
    },
    "mod_notice_mute": {
        "it": "🔇 {name} non può scrivere per {duration}: {reason}.",
        "en": "🔇 {name} is muted for {duration}: {reason}.",
    },
    "mod_notice_ban": {
        "it": "⛔ {name} è stato allontanato dal gruppo: {reason}.",
        "en": "⛔ {name} was removed from the group: {reason}.",
    },
    "mod_notice_kick": {
        "it": "👋 {name} è stato rimosso dal gruppo: {reason}.",
        "en": "👋 {name} was removed from the group: {reason}.",
    },
    "mod_done": {"it": "Fatto: {what}.", "en": "Done: {what}."},
    "mod_unwarned": {
        "it": "Ho tolto l'ultimo avviso a {name} ({count}/{limit}).",
        "en": "Removed {name}'s last warning ({count}/{limit}).",
    },
    "mod_no_warnings": {"it": "{name} non ha avvisi.", "en": "{name} has no warnings."},
    "mod_warns": {
        "it": "{name} ha {count}/{limit} avvisi:\n{list}",
        "en": "{name} has {count}/{limit} warnings:\n{list}",
    },
    "why_none": {
        "it": "Rispondi a un mio avviso di moderazione per sapere perché l'ho fatto.",
        "en": "Reply to one of my moderation notices to see why I acted.",
    },
    "why": {
        "it": "Regola: {reasons}\nAzione: {action}{dry}\nQuando: {at}",
        "en": "Rule: {reasons}\nAction: {action}{dry}\nWhen: {at}",
    },
    "dry_suffix": {"it": " (prova: nulla è stato fatto)", "en": " (dry run: nothing was done)"},
    "modlog_header": {"it": "🛡 Moderazione", "en": "🛡 Moderation"},
    "modlog_dry": {"it": "avrei", "en": "would have"},
    "modlog_busy": {
        "it": "{total} azioni in pochi secondi: {parts}. Le prime {shown}:",
        "en": "{total} actions in a few seconds: {parts}. The first {shown}:",
    },
    "undo": {"it": "↩️ Annulla #{id}", "en": "↩️ Undo #{id}"},
    "undone": {"it": "↩️ #{id} annullato da {who}", "en": "↩️ #{id} undone by {who}"},
    "team_only": {
        "it": "Solo i membri del team possono usare questi pulsanti.",
        "en": "Only team members can use these buttons.",
    },
    "verify_prompt": {
        "it": "Benvenuto/a {names}! Premi il pulsante entro {timeout} per confermare che sei una persona e poter scrivere.",
        "en": "Welcome {names}! Press the button within {timeout} to confirm you're a person and start writing.",
    },
    "verify_question": {
        "it": "Benvenuto/a {names}! Per poter scrivere rispondi entro {timeout}: quanto fa {a} + {b}?",
        "en": "Welcome {names}! To start writing, answer within {timeout}: what is {a} + {b}?",
    },
    "verify_wrong": {
        "it": "Risposta sbagliata: puoi rientrare e riprovare.",
        "en": "Wrong answer: you can join again and retry.",
    },
    "verify_button": {"it": "✅ Sono una persona", "en": "✅ I'm a person"},
    "verify_ok": {"it": "Grazie, ora puoi scrivere!", "en": "Thanks, you can write now!"},
    "verify_not_you": {
        "it": "Questo pulsante non è per te.",
        "en": "This button isn't for you.",
    },
    "raid_on": {
        "it": "🚨 Raid in {chat}: {joins} ingressi in {seconds}s. Limito automaticamente i nuovi arrivati per {duration}.",
        "en": "🚨 Raid in {chat}: {joins} joins in {seconds}s. New joiners are restricted automatically for {duration}.",
    },
    "locks_list": {"it": "Blocchi attivi: {locks}", "en": "Active locks: {locks}"},
    "locks_none": {"it": "Nessun blocco attivo.", "en": "No active locks."},
    "unknown_lock": {
        "it": "Blocco sconosciuto «{lock}». Possibili: {known}",
        "en": "Unknown lock “{lock}”. Known: {known}",
    },
    "blocklist_usage": {
        "it": "Uso: /blocklist add PAROLA [azione] [durata] · /blocklist add re:REGEX [azione] · /blocklist rm PAROLA · /blocklist list",
        "en": "Usage: /blocklist add TERM [action] [duration] · /blocklist add re:REGEX [action] · /blocklist rm TERM · /blocklist list",
    },
    "blocklist_bad_regex": {"it": "Regex rifiutata: {error}", "en": "Regex refused: {error}"},
    "blocklist_list": {"it": "Blocklist ({count}):\n{items}", "en": "Blocklist ({count}):\n{items}"},
    "reloaded": {
        "it": "Ricaricato: {admins} amministratori, regole aggiornate.",
        "en": "Reloaded: {admins} admins, rules refreshed.",
    },
})

TEXTS.update({
    "report_how": {
        "it": "Rispondi con /report al messaggio da segnalare.",
        "en": "Reply /report to the message you want to flag.",
    },
    "report_ok": {
        "it": "Grazie, ho avvisato il team.", "en": "Thanks, I've told the team.",
    },
    "report_rate_limited": {
        "it": "Hai già fatto diverse segnalazioni: il team le sta guardando.",
        "en": "You've sent several reports already: the team is looking at them.",
    },
    "report_off": {"it": "Le segnalazioni sono disattivate qui.", "en": "Reports are off here."},
    "case_prompt": {
        "it": "✍️ Scrivi la risposta per il caso #{id} rispondendo a questo messaggio.",
        "en": "✍️ Write the answer for case #{id} as a reply to this message.",
    },
    "case_stale": {
        "it": "Il caso #{id} è già {status}.", "en": "Case #{id} is already {status}.",
    },
    "case_done": {"it": "Fatto (#{id}).", "en": "Done (#{id})."},
    "case_draft": {
        "it": "📝 Bozza di {who} per il caso #{id} (serve l'approvazione di un altro membro del team):\n\n{text}",
        "en": "📝 Draft by {who} for case #{id} (another team member must approve):\n\n{text}",
    },
    "case_approve": {"it": "✅ Approva e pubblica", "en": "✅ Approve and post"},
    "case_own_draft": {
        "it": "Serve l'approvazione di un altro membro del team.",
        "en": "Another team member has to approve it.",
    },
    "case_replied": {
        "it": "💬 Risposta pubblicata per il caso #{id}.",
        "en": "💬 Answer posted for case #{id}.",
    },
    "case_remind": {
        "it": "⏰ Il caso #{id} aspetta ancora qualcuno che lo prenda.",
        "en": "⏰ Case #{id} is still waiting for someone to claim it.",
    },
    "case_faq_confirm": {
        "it": "📚 Salvo come FAQ «{id}»?\nDomanda: {question}\nRisposta: {answer}",
        "en": "📚 Save as FAQ “{id}”?\nQuestion: {question}\nAnswer: {answer}",
    },
    "case_faq_confirm_button": {"it": "✅ Conferma", "en": "✅ Confirm"},
    "case_faq_saved": {"it": "📚 Salvata la FAQ «{id}».", "en": "📚 Saved FAQ “{id}”."},
    "open_cases": {"it": "Casi aperti ({count}):", "en": "Open cases ({count}):"},
    "no_open_cases": {"it": "Nessun caso aperto. 🎉", "en": "No open cases. 🎉"},
    "no_case": {"it": "Nessun caso #{id}.", "en": "No case #{id}."},
})

TEXTS.update({
    "kudos": {
        "it": "💚 Complimenti da {name} in {chat}:\n«{quote}»\n{link}",
        "en": "💚 Kudos from {name} in {chat}:\n“{quote}”\n{link}",
    },
    "spike_text": {
        "it": "Picco di messaggi negativi: {count} nell'ultima ora.",
        "en": "Spike of negative messages: {count} in the last hour.",
    },
    "metric_messages": {"it": "Messaggi", "en": "Messages"},
    "metric_active": {"it": "Membri attivi (picco giornaliero)", "en": "Active members (daily peak)"},
    "metric_joins": {"it": "Ingressi", "en": "Joins"},
    "metric_leaves": {"it": "Uscite", "en": "Leaves"},
    "metric_questions": {"it": "Domande", "en": "Questions"},
    "metric_answered_bot": {"it": "Risposte del bot", "en": "Answered by the bot"},
    "metric_answered_team": {"it": "Risposte del team", "en": "Answered by the team"},
    "metric_unanswered": {"it": "Rimaste senza risposta", "en": "Left unanswered"},
    "metric_sent_pos": {"it": "Messaggi positivi", "en": "Positive messages"},
    "metric_sent_neu": {"it": "Messaggi neutri", "en": "Neutral messages"},
    "metric_sent_neg": {"it": "Messaggi negativi", "en": "Negative messages"},
    "metric_frt": {
        "it": "Prima risposta del team: {minutes} min in media",
        "en": "Team's first response: {minutes} min on average",
    },
    "metric_cases": {"it": "Casi: ", "en": "Cases: "},
    "metric_mod": {"it": "Moderazione: ", "en": "Moderation: "},
    "digest_title": {"it": "Digest {brand} · {days}g", "en": "{brand} digest · {days}d"},
    "digest_open_cases": {"it": "Casi aperti: {count}", "en": "Open cases: {count}"},
    "digest_topics": {"it": "Domande più frequenti: ", "en": "Top topics: "},
    "digest_themes": {
        "it": "Domande senza risposta, per tema:",
        "en": "Unanswered question themes:",
    },
    "digest_draft": {"it": "📝 Bozza FAQ {n}", "en": "📝 Draft FAQ {n}"},
    "digest_praise": {"it": "Da condividere:", "en": "Worth sharing:"},
})

TEXTS.update({  # /forget (handlers/privacy.py)
    "forget_done": {
        "it": "🗑 Ho cancellato i messaggi e il nome dell'utente {user_id} ({rows} dati). "
              "Avvisi e ban restano, servono a far rispettare le regole.",
        "en": "🗑 I erased the messages and name of user {user_id} ({rows} items). "
              "Warnings and bans stay: they are needed to enforce the rules.",
    },
    "forget_usage": {
        "it": "Rispondi a un messaggio del membro con /forget, oppure /forget <id>.",
        "en": "Reply to the member's message with /forget, or send /forget <id>.",
    },
})

TEXTS.update({  # a button whose data belongs to another chat (forged or copied)
    "button_wrong_chat": {
        "it": "Questo pulsante non vale in questa chat.",
        "en": "This button does not work in this chat.",
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


# The admin rights' names as Telegram's apps show them (the API name is the fallback).
RIGHT_LABELS: Final[dict[str, dict[str, str]]] = {
    "can_restrict_members": {"it": "Bannare utenti", "en": "Ban users"},
    "can_delete_messages": {"it": "Eliminare messaggi", "en": "Delete messages"},
    "can_change_info": {"it": "Modificare info gruppo", "en": "Change group info"},
    "can_pin_messages": {"it": "Fissare messaggi", "en": "Pin messages"},
    "can_send_messages": {"it": "Inviare messaggi", "en": "Send messages"},
}


def right_label(right: str, lang: str) -> str:
    """The human name of an admin right in ``lang`` (English, then the API name, as fallback)."""
    labels = RIGHT_LABELS.get(right, {})
    return labels.get(lang) or labels.get("en") or right


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
