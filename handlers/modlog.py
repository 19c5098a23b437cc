"""The team's moderation log: batched entries with an Undo button, and what Undo does."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.notices import team_language
from bot.unit_of_work import current_uow
from handlers import actions
from handlers.auth import from_team_chat, is_team_member
from handlers.enforce import UNMUTED
from policies.callbacks import decode, encode
from policies.texts import text
from policies.voice import escape_html
from storage.repositories.chats import ChatsRepo
from storage.repositories.members import MembersRepo
from storage.repositories.moderation import EventInfo, EventsRepo

ICONS = {"delete": "🗑", "warn": "⚠️", "mute": "🔇", "ban": "⛔", "kick": "👋", "review": "👀"}
UNDOABLE = ("mute", "ban", "kick")
BATCH = 10
SUMMARY_LIMIT = 1000


def _summary(events: list[EventInfo], lang: str) -> str:
    counts: dict[str, int] = {}
    for event in events:
        counts[event.action] = counts.get(event.action, 0) + 1
    parts = ", ".join(f"{ICONS.get(a, '•')} {a} ×{n}" for a, n in sorted(counts.items()))
    return text("modlog_busy", lang, total=len(events), parts=parts, shown=BATCH)


async def flush_log(services: object) -> int:
    """Post unlogged audit events to the team chat, up to ten per message (never a flood)."""
    from bot.services import Services

    assert isinstance(services, Services)
    uow = current_uow()
    events = await EventsRepo(uow.session).unlogged(limit=SUMMARY_LIMIT)
    team = services.policy.team
    if not events:
        return 0
    await EventsRepo(uow.session).mark_logged([e.id for e in events])
    if team.chat_id is None:
        return len(events)
    lang = team_language(services)
    lines = [f"<b>{text('modlog_header', lang)}</b>"]
    if len(events) > BATCH:  # busy (a raid): one summary instead of a flood of entries
        lines.append(_summary(events, lang))
        events = events[:BATCH]
    buttons = []
    titles = await ChatsRepo(uow.session).titles(e.chat_id for e in events)
    names = await MembersRepo(uow.session).names((e.chat_id, e.user_id) for e in events
                                                 if e.user_id)
    for event in events:
        lines.append(_line(event, lang, titles, names))
        if event.action in UNDOABLE and not event.dry_run and event.user_id:
            buttons.append([(text("undo", lang, id=event.id), encode("mod", "undo", event.id))])
    thread = team.topics.get("moderation")
    await actions.send_message(team.chat_id, "\n".join(lines), thread_id=thread,
                               buttons=buttons or None)
    return len(events)


def _line(event: EventInfo, lang: str, titles: dict[int, str],
          names: dict[tuple[int, int], tuple[str, str | None]]) -> str:
    first_name, username = (names.get((event.chat_id, event.user_id), ("", None))
                            if event.user_id else ("", None))
    who = escape_html(first_name or str(event.user_id or "?"))
    if username:
        who += f" (@{escape_html(username)})"
    where = escape_html(titles.get(event.chat_id) or str(event.chat_id))
    verb = f"{text('modlog_dry', lang)} {event.action}" if event.dry_run else event.action
    by = f" · by {event.by_user_id}" if event.by_user_id else ""
    excerpt = f"\n   «{escape_html(event.excerpt[:120])}»" if event.excerpt else ""
    return (f"#{event.id} {ICONS.get(event.action, '•')} {verb}: {who} in {where} — "
            f"{escape_html(event.reasons)}{by}{excerpt}")


async def on_undo(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    lang = team_language(context.services)
    parts = decode(query.data, "mod")
    if parts is None or len(parts) != 2 or parts[0] != "undo" or not parts[1].isdigit():
        await actions.answer_callback(query.id, text("stale_button", lang))
        return
    if not from_team_chat(context, query):
        await actions.answer_callback(query.id, text("button_wrong_chat", lang), alert=True)
        return
    if not await is_team_member(context, query.from_user.id):
        await actions.answer_callback(query.id, text("team_only", lang), alert=True)
        return
    uow = current_uow()
    events = EventsRepo(uow.session)
    event = await events.get(int(parts[1]))
    if event is None or event.user_id is None or event.action not in UNDOABLE:
        await actions.answer_callback(query.id, text("stale_button", lang))
        return
    if not await events.mark_undone(event.id, query.from_user.id):
        await actions.answer_callback(query.id, text("stale_button", lang))
        return
    if event.action == "mute":
        await actions.restrict(event.chat_id, event.user_id, until=None, permissions=UNMUTED)
    else:
        await actions.unban(event.chat_id, event.user_id)
    who = escape_html(query.from_user.first_name)
    done = text("undone", lang, id=event.id, who=who)
    await actions.answer_callback(query.id, done)
    team = context.services.policy.team
    if team.chat_id is not None:
        await actions.send_message(team.chat_id, done, thread_id=team.topics.get("moderation"))
