"""/start, /help and /rules, in the brand's voice."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from handlers import actions
from handlers.common import chat_language, user_language
from handlers.views import message_view
from policies.texts import text
from policies.voice import escape_html, render


async def cmd_help(update: Update, context: BotContext) -> None:
    view = message_view(update)
    if view is None or view.sender is None:
        return
    services = context.services
    brand = services.policy.brand
    if view.chat_type == "private":
        lang = user_language(services, view.sender.language_code, view.chat_id)
        about = brand.about.get(lang) or brand.name
        body = text("help_private", lang, about=escape_html(about), brand=escape_html(brand.name))
        reply = render(brand.voice, lang, body, name=view.sender.first_name)
    else:
        lang = chat_language(services, view.chat_id)
        body = text("help_group", lang, persona=escape_html(brand.voice.persona),
                    brand=escape_html(brand.name))
        reply = render(brand.voice, lang, body, greet=False, sign=False)
    await actions.send_message(view.chat_id, reply, reply_to=view.message_id,
                               thread_id=view.thread_id)


async def cmd_rules(update: Update, context: BotContext) -> None:
    view = message_view(update)
    if view is None:
        return
    services = context.services
    lang = chat_language(services, view.chat_id)
    community = services.policy.community(view.chat_id)
    rules = (community.rules if community and community.rules else services.policy.rules)
    rule_text = (rules.get(lang) or next(iter(rules.values()), "")).strip()
    if rule_text:
        title = escape_html(view.chat_title or services.policy.brand.name)
        body = f"<b>{text('rules_header', lang, title=title)}</b>\n\n{escape_html(rule_text)}"
    else:
        body = text("no_rules", lang)
    reply = render(services.policy.brand.voice, lang, body, greet=False)
    await actions.send_message(view.chat_id, reply, reply_to=view.message_id,
                               thread_id=view.thread_id)
