"""Reputation: praise worth sharing, reputation spikes, /stats, /export and the digests."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import Update

from bot.charts import activity_chart
from bot.context import BotContext
from bot.notices import team_language
from bot.services import Services
from bot.state import NEGATIVE, Line
from bot.unit_of_work import current_uow
from handlers import actions
from handlers.auth import Refusal, authorize, from_team_chat, is_team_member
from handlers.cases import open_case
from handlers.command_base import reply
from handlers.metrics import local_day
from policies.callbacks import decode, encode
from policies.links import message_link
from policies.reputation import (
    HEALTH_KEYS,
    NEGATIVE_KEYS,
    change,
    detect_spike,
    first_response_minutes,
    group_questions,
    shows_count,
    totals,
)
from policies.sentiment import Assessment
from policies.texts import text
from policies.types import MessageView
from policies.voice import escape_html
from storage.repositories.cases import CasesRepo, NewCase
from storage.repositories.faq import FaqRepo
from storage.repositories.metrics import MetricsRepo
from storage.repositories.timers import TimersRepo

KUDOS_PER_CHAT_PER_DAY = 5
KUDOS_WINDOW = timedelta(hours=24)
KUDOS_FULL = "reputation.kudos_full_until"  # services.extras: chat -> datetime
DIGEST_DAILY, DIGEST_WEEKLY = "digest_daily", "digest_weekly"


async def after_assessment(services: Services, view: MessageView, verdict: Assessment,
                           lang: str) -> None:
    if verdict.is_praise and services.policy.escalation.praise:
        await _kudos(services, view)
    if verdict.label == "negative" or verdict.flagged:
        await _spike_check(services, view)


async def _kudos(services: Services, view: MessageView) -> None:
    team = services.policy.team
    uow = current_uow()
    if team.chat_id is None or view.sender is None:
        return
    if await _kudos_full(services, view.chat_id):
        return
    await MetricsRepo(uow.session).add_kudos(view.chat_id, view.message_id,
                                             view.sender.user_id, view.sender.first_name,
                                             view.text, uow.now)
    link = message_link(view.chat_id, view.message_id, view.chat_username)
    lang = team_language(services)
    body = text("kudos", lang, name=escape_html(view.sender.first_name),
                chat=escape_html(view.chat_title), quote=escape_html(view.text[:600]),
                link=escape_html(link or ""))
    await actions.send_message(team.chat_id, body, thread_id=team.topics.get("praise"))


async def _kudos_full(services: Services, chat_id: int) -> bool:
    """The chat has shared its kudos of the last 24 hours.

    Praise is common, so a full chat is remembered until the oldest of its counted kudos
    leaves the window (in between kudos are only added; /forget clears this). One process
    only: with several workers each asks the database.
    """
    now = current_uow().now
    full: dict[int, datetime] = services.extras.setdefault(KUDOS_FULL, {})
    until = full.get(chat_id)
    if until is not None and now <= until:
        return True
    nth = await MetricsRepo(current_uow().session).nth_latest_kudos(
        chat_id, now - KUDOS_WINDOW, KUDOS_PER_CHAT_PER_DAY)
    if nth is None:
        full.pop(chat_id, None)
        return False
    if not services.moderation.state.shared:
        full[chat_id] = nth + KUDOS_WINDOW
    return True


def forget_cached(services: Services) -> None:
    """After /forget: kudos may have been erased, so the chats may have room again."""
    services.extras.pop(KUDOS_FULL, None)


async def _spike_check(services: Services, view: MessageView) -> None:
    uow = current_uow()
    lines = services.moderation.state.lines  # the last hour's negative messages, per chat
    name = view.sender.first_name if view.sender else ""
    await lines.add(NEGATIVE, view.chat_id, Line(
        name, view.text[:200], view.sender.user_id if view.sender else None, uow.now))
    config = services.policy.reputation
    history = await _hourly_history(services, view.chat_id)
    spike = detect_spike(history, await lines.count(NEGATIVE, view.chat_id, uow.now),
                         min_count=config.spike_min_count, factor=config.spike_factor)
    if spike is None:
        return
    if not shows_count(spike.current, spike.threshold):
        return  # the card's count is recent enough
    day = local_day(services, uow.now)
    examples: list[tuple[str, str, int | None]] = [
        (line.name, line.text, None)
        for line in await lines.latest(NEGATIVE, view.chat_id, 3, uow.now)]
    reasons = f"spike:{spike.current}/h vs {spike.baseline:.1f}/h usual"
    await open_case(services, NewCase(
        kind="spike", priority="urgent", chat_id=view.chat_id, chat_title=view.chat_title,
        chat_username=view.chat_username, message_id=view.message_id,
        thread_id=view.thread_id, author_id=None, author_name=view.chat_title,
        language=team_language(services), text=text("spike_text", team_language(services),
                                                    count=spike.current),
        context=examples, reasons=reasons, current=True,
    ), f"spike:{view.chat_id}:{day}")


async def _hourly_history(services: Services, chat_id: int) -> list[int]:
    """Negative events per hour on each of the last 14 days (the chat's usual level)."""
    cache: dict[tuple[int, str], list[int]] = services.extras.setdefault("baseline", {})
    uow = current_uow()
    today = local_day(services, uow.now)
    cached = cache.get((chat_id, today))
    if cached is not None:
        return cached
    first = local_day(services, uow.now - timedelta(days=14))
    yesterday = local_day(services, uow.now - timedelta(days=1))
    series = await MetricsRepo(uow.session).series(first, yesterday, chat_id)
    history = [round(sum(series.get(day, {}).get(k, 0) for k in NEGATIVE_KEYS) / 24)
               for day in _days(first, yesterday)]
    cache[(chat_id, today)] = history
    return history


def _days(first: str, last: str) -> list[str]:
    start, end = datetime.fromisoformat(first).date(), datetime.fromisoformat(last).date()
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def summary(series: dict[str, dict[str, int]], days: list[str], previous: list[str],
            lang: str) -> str:
    now, before = totals(series, days), totals(series, previous)
    lines = []
    for key in HEALTH_KEYS:
        lines.append(f"{text('metric_' + key, lang)}: {now.get(key, 0)} "
                     f"({change(now.get(key, 0), before.get(key, 0))})")
    frt = first_response_minutes(now)
    if frt is not None:
        lines.append(text("metric_frt", lang, minutes=f"{frt:.0f}"))
    cases = {k[6:]: v for k, v in now.items() if k.startswith("cases_")}
    if cases:
        lines.append(text("metric_cases", lang) + ", ".join(f"{k} {v}" for k, v in
                                                          sorted(cases.items())))
    actions_ = {k[4:]: v for k, v in now.items() if k.startswith("mod_")}
    if actions_:
        lines.append(text("metric_mod", lang) + ", ".join(f"{k} {v}" for k, v in
                                                        sorted(actions_.items())))
    return "\n".join(lines)


async def stats_message(services: Services, chat_id: int | None, period_days: int,
                        end: datetime, title: str) -> tuple[str, bytes]:
    uow = current_uow()
    last = local_day(services, end)
    first = local_day(services, end - timedelta(days=period_days - 1))
    prev_first = local_day(services, end - timedelta(days=2 * period_days - 1))
    series = await MetricsRepo(uow.session).series(prev_first, last, chat_id)
    days = _days(first, last)
    previous = _days(prev_first, local_day(services, end - timedelta(days=period_days)))
    lang = team_language(services)
    body = f"<b>{escape_html(title)}</b> · {first} → {last}\n" + summary(series, days,
                                                                        previous, lang)
    chart = await asyncio.to_thread(activity_chart, days, series, title)
    return body, chart


def _period(args: list[str]) -> int:
    return 30 if args and args[0].lower().startswith("30") else 7


async def cmd_stats(update: Update, context: BotContext) -> None:
    message = update.message
    if message is None or message.from_user is None:
        return
    services = context.services
    scope: int | None = message.chat.id
    if message.chat.id == services.policy.team.chat_id:
        if not await is_team_member(context, message.from_user.id):
            return
        scope = None
    elif isinstance(await authorize(context, message, None), Refusal):
        await reply(message, escape_html(text("auth_not_admin", team_language(services))))
        return
    days = _period(list(context.args or []))
    title = f"{services.policy.brand.name} · {days}d"
    body, chart = await stats_message(services, scope, days, current_uow().now, title)
    thread = message.message_thread_id if message.is_topic_message else None
    await actions.send_photo(message.chat.id, "stats.png", chart, thread_id=thread)
    await actions.send_message(message.chat.id, body, thread_id=thread)


async def cmd_export(update: Update, context: BotContext) -> None:
    message = update.message
    services = context.services
    if (message is None or message.from_user is None
            or message.chat.id != services.policy.team.chat_id
            or not await is_team_member(context, message.from_user.id)):
        return
    args = list(context.args or [])
    what = args[0].lower() if args else "cases"
    days = int(args[1].rstrip("d")) if len(args) > 1 and args[1].rstrip("d").isdigit() else 30
    name, content = await export_csv(services, what, days, current_uow().now)
    await actions.send_document(message.chat.id, name, content,
                                caption=f"{what} · {days}d")


async def export_csv(services: Services, what: str, days: int,
                     end: datetime) -> tuple[str, bytes]:
    """CSV of cases (one row per case) or of stats (one row per chat and day)."""
    uow = current_uow()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    since = end - timedelta(days=days)
    if what == "stats":
        series = await MetricsRepo(uow.session).series(local_day(services, since),
                                                       local_day(services, end))
        keys = sorted({k for day in series.values() for k in day})
        writer.writerow(["day", *keys])
        for day in sorted(series):
            writer.writerow([day, *(series[day].get(k, 0) for k in keys)])
        return "stats.csv", buffer.getvalue().encode()
    writer.writerow(["id", "kind", "priority", "status", "chat", "author", "text", "reasons",
                     "assignee", "resolved_by", "created_at"])
    for case in await CasesRepo(uow.session).since(since):
        writer.writerow([case.id, case.kind, case.priority, case.status, case.chat_title,
                         case.author_name, case.text, case.reasons, case.assignee_name or "",
                         case.resolved_by or "", case.created_at.isoformat()])
    return "cases.csv", buffer.getvalue().encode()


def next_digest_time(services: Services, after: datetime, weekly: bool) -> datetime:
    """The next configured local digest time after ``after`` (Mondays for the weekly one)."""
    tz = ZoneInfo(services.policy.brand.timezone)
    hour, minute = (int(x) for x in services.policy.reputation.digest.time.split(":"))
    local = after.astimezone(tz)
    candidate = datetime.combine(local.date(), time(hour, minute), tzinfo=tz)
    while candidate <= local or (weekly and candidate.weekday() != 0):
        candidate += timedelta(days=1)
    return candidate.astimezone(after.tzinfo)


async def schedule_digests(services: Services) -> None:
    """Make sure the next digests are scheduled (missed ones are already due and run now)."""
    config = services.policy.reputation.digest
    uow = current_uow()
    timers = TimersRepo(uow.session)
    for kind, enabled, weekly in ((DIGEST_DAILY, config.daily, False),
                                  (DIGEST_WEEKLY, config.weekly, True)):
        if enabled and not await timers.pending_of_kind(kind, 0):
            due = next_digest_time(services, uow.now, weekly)
            await timers.add(kind, due, payload={}, dedupe_key=f"{kind}:{due.isoformat()}")


async def send_digest(services: Services, kind: str, due: datetime) -> None:
    """Timer: the digest for the period that ended at ``due`` (also when sent late)."""
    team = services.policy.team
    uow = current_uow()
    weekly = kind == DIGEST_WEEKLY
    if team.chat_id is not None:
        tz = ZoneInfo(services.policy.brand.timezone)
        midnight = datetime.combine(due.astimezone(tz).date(), time(0, 0), tzinfo=tz)
        end = midnight - timedelta(seconds=1)  # the full local days before the digest time
        await _digest(services, team.chat_id, 7 if weekly else 1, end)
    next_due = next_digest_time(services, max(due, uow.now), weekly)
    await TimersRepo(uow.session).add(kind, next_due, payload={},
                                      dedupe_key=f"{kind}:{next_due.isoformat()}")


async def _digest(services: Services, team_chat: int, days: int, end: datetime) -> None:
    uow, lang = current_uow(), team_language(services)
    title = text("digest_title", lang, brand=services.policy.brand.name, days=days)
    body, chart = await stats_message(services, None, days, end, title)
    thread = services.policy.team.topics.get("digest")
    open_cases = await CasesRepo(uow.session).list_open(limit=200)
    parts = [body, text("digest_open_cases", lang, count=len(open_cases))]
    topics = await FaqRepo(uow.session).top_entries(end - timedelta(days=days), limit=5)
    if topics:
        parts.append(text("digest_topics", lang) + ", ".join(f"{e} ({n})" for e, n in topics))
    buttons = []
    themes = await _themes(end - timedelta(days=days))
    if themes:
        parts.append(text("digest_themes", lang))
        for n, (question_id, examples) in enumerate(themes[:5], 1):
            quoted = " · ".join(f"«{escape_html(e[:80])}»" for e in examples[:3])
            parts.append(f"{n}. ({len(examples)}) {quoted}")
            buttons.append([(text("digest_draft", lang, n=n), encode("dig", "draft",
                                                                     question_id))])
    kudos = await MetricsRepo(uow.session).kudos_since(end - timedelta(days=days), limit=3)
    if kudos:
        parts.append(text("digest_praise", lang))
        parts.extend(f"💚 {escape_html(a)}: «{escape_html(t[:150])}»" for _c, _m, a, t in kudos)
    await actions.send_photo(team_chat, "digest.png", chart, thread_id=thread)
    await actions.send_message(team_chat, "\n\n".join(parts), thread_id=thread,
                               buttons=buttons or None)


async def _themes(since: datetime) -> list[tuple[int, list[str]]]:
    """Unanswered questions grouped by similarity: (a representative id, examples)."""
    questions = await FaqRepo(current_uow().session).unanswered_since(since)
    groups = group_questions([(q.text, q.language) for q in questions])
    return [(questions[g[0]].id, [questions[i].text for i in g]) for g in groups]


async def on_digest_button(update: Update, context: BotContext) -> None:
    """"Draft FAQ": a /faq add template with the theme's question, ready to complete."""
    query = update.callback_query
    if query is None:
        return
    lang = team_language(context.services)
    parts = decode(query.data, "dig")
    if parts is None or len(parts) != 2 or parts[0] != "draft" or not parts[1].isdigit():
        await actions.answer_callback(query.id, text("stale_button", lang))
        return
    if not from_team_chat(context, query):
        await actions.answer_callback(query.id, text("button_wrong_chat", lang), alert=True)
        return
    if not await is_team_member(context, query.from_user.id):
        await actions.answer_callback(query.id, text("team_only", lang), alert=True)
        return
    question = await FaqRepo(current_uow().session).question(int(parts[1]))
    if question is None or query.message is None:
        await actions.answer_callback(query.id, text("stale_button", lang))
        return
    template = (f"/faq add\nid: theme-{question.id}\nquestions: {{{question.language}: "
                f"[\"{question.text[:200]}\"]}}\nanswer: {{{question.language}: \"...\"}}")
    await actions.answer_callback(query.id)
    await actions.send_message(query.message.chat.id, f"<pre>{escape_html(template)}</pre>",
                               thread_id=context.services.policy.team.topics.get("digest"))
