"""What every manager command does first: authorise the caller, then reply in the voice."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message, Update

from bot.context import BotContext
from handlers import actions
from handlers.auth import Caller, Refusal, authorize, bot_lacks
from handlers.common import chat_language
from policies.texts import RIGHT_LABELS, text
from policies.voice import escape_html


@dataclass(frozen=True, slots=True)
class Command:
    message: Message
    caller: Caller
    lang: str
    args: list[str]

    @property
    def chat_id(self) -> int:
        return self.message.chat.id

    @property
    def thread_id(self) -> int | None:
        return self.message.message_thread_id if self.message.is_topic_message else None


def right_label(right: str, lang: str) -> str:
    return RIGHT_LABELS.get(right, {}).get(lang) or right


async def reply(message: Message, body: str) -> None:
    thread = message.message_thread_id if message.is_topic_message else None
    await actions.send_message(message.chat.id, body, reply_to=message.message_id,
                               thread_id=thread)


async def begin(update: Update, context: BotContext, right: str | None,
                *, bot_needs: str | None = None) -> Command | None:
    """Authorise the caller (fresh from Telegram) and check the bot can act; else explain."""
    message = update.message
    if message is None:
        return None
    lang = chat_language(context.services, message.chat.id)
    verdict = await authorize(context, message, right)
    if isinstance(verdict, Refusal):
        label = right_label(verdict.right, lang)
        await reply(message, escape_html(text(verdict.key, lang, right=label)))
        return None
    needed = bot_needs or right
    if needed and await bot_lacks(context, message.chat.id, needed):
        label = right_label(needed, lang)
        await reply(message, escape_html(text("bot_missing_right", lang, right=label)))
        return None
    return Command(message, verdict, lang, list(context.args or []))
