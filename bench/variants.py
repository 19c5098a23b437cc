"""The two baselines, as handlers inside the same Runtime (inbox, dispatcher, unit of work,
outbox, sandbox) as Portavoce, so that the only difference is what the handler does.

- floor: an echo bot (reply with the text). Cost of python-telegram-bot plus Portavoce's
  durable delivery (inbox row, one transaction per update, outbox row, sendMessage).
- naive: the decisions made the way most bots make them: one ``re.search`` per listed term
  and per regex, then rapidfuzz ``extractOne`` over every FAQ question for messages with a
  question mark; delete on a hit, reply on a match (score >= 85).
"""

from __future__ import annotations

import html
import re
from typing import Any

from rapidfuzz import fuzz, process
from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.context import BotContext, PortavoceApp
from handlers import actions
from policies.schema import PolicyFile

NAIVE_KEY = "bench.naive"
NAIVE_SCORE = 85.0


class NaiveChecker:
    """What a typical bot does: regexes in a loop and fuzzy matching against every question."""

    def __init__(self, policy: PolicyFile) -> None:
        rules = policy.moderation.blocklist
        self.patterns = [re.compile(rf"\b{re.escape(r.term)}\b", re.IGNORECASE)
                         for r in rules if r.term is not None]
        self.patterns += [re.compile(r.regex, re.IGNORECASE) for r in rules if r.regex]
        self.questions: list[str] = []
        self.answers: list[str] = []
        for entry in policy.faq.entries:
            for lang, texts in entry.questions.items():
                for question in texts:
                    self.questions.append(question)
                    fallback = next(iter(entry.answer.values()))
                    self.answers.append(entry.answer.get(lang) or fallback)

    def decide(self, text: str) -> tuple[str, str | None]:
        """('delete', None), ('answer', answer) or ('none', None)."""
        for pattern in self.patterns:
            if pattern.search(text):
                return "delete", None
        if "?" in text and self.questions:
            best = process.extractOne(text, self.questions, scorer=fuzz.WRatio,
                                      score_cutoff=NAIVE_SCORE)
            if best is not None:
                return "answer", self.answers[best[2]]
        return "none", None


def _message(update: Update) -> tuple[int, int, str] | None:
    message = update.effective_message
    if message is None or update.edited_message is not None:
        return None
    text = message.text or message.caption
    return (message.chat.id, message.message_id, text) if text else None


async def echo(update: Update, context: BotContext) -> None:
    found = _message(update)
    if found is not None:
        chat_id, message_id, text = found
        await actions.send_message(chat_id, html.escape(text[:200]), reply_to=message_id)


async def naive(update: Update, context: BotContext) -> None:
    found = _message(update)
    if found is None:
        return
    chat_id, message_id, text = found
    checker: NaiveChecker = context.services.extras[NAIVE_KEY]
    verdict, answer = checker.decide(text)
    if verdict == "delete":
        await actions.delete_messages(chat_id, [message_id])
    elif verdict == "answer" and answer is not None:
        await actions.send_message(chat_id, html.escape(answer), reply_to=message_id)


def only_handler(app: PortavoceApp, variant: str, policy: PolicyFile) -> None:
    """Replace Portavoce's handlers with the baseline's single handler (before start).

    ``policy`` is what the naive checker enforces (the big generated one).
    """
    registered: Any = app.handlers
    for group, handlers in list(registered.items()):
        for handler in list(handlers):
            app.remove_handler(handler, group)
    callback = echo if variant == "floor" else naive
    app.add_handler(MessageHandler(filters.TEXT | filters.CAPTION, callback))
    if variant == "naive":
        app.bot_data.services.extras[NAIVE_KEY] = NaiveChecker(policy)
