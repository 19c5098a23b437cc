"""/faq list|show|test|add|edit|rm|export: the knowledge base, managed from Telegram.

Allowed to team members in the team chat and to group admins with "change info". Entries are
YAML, in the same shape as the policy file, so what managers write is what the file holds.
"""

from __future__ import annotations

import io

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from telegram import Update

from bot.context import BotContext
from bot.faq_service import entry_data
from bot.unit_of_work import current_uow
from handlers import actions
from handlers.auth import Refusal, authorize, is_team_member
from handlers.command_base import reply
from handlers.common import chat_language
from policies.faq import DEFAULT_THRESHOLD
from policies.schema import FaqItem
from policies.texts import RIGHT_LABELS
from policies.voice import escape_html
from storage.repositories.faq import FaqRepo

USAGE = ("/faq list · /faq show ID · /faq test TEXT · /faq rm ID · /faq export · /faq import\n"
         "/faq add (or edit) followed by the entry in YAML on the next lines:\n"
         "id: opening-hours\nquestions: {it: [Quando aprite?], en: [When do you open?]}\n"
         "answer: {it: Apriamo alle 9., en: We open at 9.}")


async def _allowed(update: Update, context: BotContext) -> bool:
    message = update.message
    if message is None or message.from_user is None:
        return False
    lang = chat_language(context.services, message.chat.id)
    if message.chat.id == context.services.policy.team.chat_id:
        if await is_team_member(context, message.from_user.id):
            return True
        await reply(message, "⛔")
        return False
    verdict = await authorize(context, message, "can_change_info")
    if isinstance(verdict, Refusal):
        from policies.texts import text

        label = RIGHT_LABELS.get(verdict.right, {}).get(lang, verdict.right)
        await reply(message, escape_html(text(verdict.key, lang, right=label)))
        return False
    return True


async def cmd_faq(update: Update, context: BotContext) -> None:
    message = update.message
    if message is None or not await _allowed(update, context):
        return
    first_line, _, body = (message.text or "").partition("\n")
    words = first_line.split(maxsplit=2)
    sub = words[1].lower() if len(words) > 1 else ""
    arg = words[2] if len(words) > 2 else ""
    if body:
        arg = body if sub in ("add", "edit", "import") else f"{arg}\n{body}"
    handler = {"list": _list, "show": _show, "test": _test, "add": _add, "edit": _edit,
               "rm": _rm, "export": _export, "import": _import}.get(sub)
    if handler is None:
        await reply(message, escape_html(USAGE))
        return
    await handler(update, context, arg.strip())


async def _list(update: Update, context: BotContext, _: str) -> None:
    assert update.message is not None
    repo = FaqRepo(current_uow().session)
    totals = await repo.feedback_totals()
    lines = []
    for entry in await repo.entries():
        questions = entry.data.get("questions", {})
        first = next((qs[0] for qs in questions.values() if qs), "")
        given, good, bad = totals.get(entry.id, (0, 0, 0))
        lines.append(f"• {entry.id} — {first} (answers {given}, 👍 {good}, 👎 {bad})")
    await reply(update.message, escape_html("\n".join(lines) or "(empty)"))


async def _show(update: Update, context: BotContext, entry_id: str) -> None:
    assert update.message is not None
    entry = await FaqRepo(current_uow().session).get(entry_id)
    if entry is None:
        await reply(update.message, escape_html(f"No FAQ entry {entry_id!r}."))
        return
    await reply(update.message, f"<pre>{escape_html(_dump({'id': entry.id, **entry.data}))}</pre>")


async def _test(update: Update, context: BotContext, question: str) -> None:
    assert update.message is not None
    from policies.faq import detect_language

    services = context.services
    lang = detect_language(question, services.policy.brand.languages[0],
                           services.policy.brand.languages)
    threshold = services.policy.faq.threshold or DEFAULT_THRESHOLD
    found = services.faq.index.candidates(question, lang, k=5)
    lines = [f"lang {lang}, threshold {threshold:.2f}"]
    for c in found:
        mark = "✅" if c.score >= threshold else "·"
        semantic = f"{c.semantic:.2f}" if c.semantic is not None else "-"
        lines.append(f"{mark} {c.entry_id} {c.score:.2f} (semantic {semantic}, "
                     f"lexical {c.coverage:.2f}, margin {c.margin:.3f})")
    await reply(update.message, escape_html("\n".join(lines)))


async def _save(update: Update, context: BotContext, body: str, *, must_exist: bool) -> None:
    assert update.message is not None
    message = update.message
    try:
        data = YAML(typ="safe", pure=True).load(body) if body else None
        item = FaqItem.model_validate(data)
    except YAMLError as exc:
        await reply(message, escape_html(f"YAML error: {str(exc).splitlines()[0]}"))
        return
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "entry"
        await reply(message, escape_html(f"{where}: {err['msg']}\n\n{USAGE}"))
        return
    banned = [p for p in context.services.policy.brand.voice.never_say
              if any(p.casefold() in a.casefold() for a in item.answer.values())]
    if banned:
        problem = f"The answer contains the never_say phrase {banned[0]!r}."
        await reply(message, escape_html(problem))
        return
    uow = current_uow()
    repo = FaqRepo(uow.session)
    exists = await repo.get(item.id) is not None
    if exists != must_exist:
        problem = "does not exist (use /faq add)" if must_exist else "exists (use /faq edit)"
        await reply(message, escape_html(f"FAQ entry {item.id!r} {problem}."))
        return
    await repo.put(item.id, entry_data(item), source="telegram",
                   by=message.from_user.id if message.from_user else None, now=uow.now)
    _reload_after_commit(context)
    await reply(message, escape_html(f"Saved {item.id!r}."))


async def _add(update: Update, context: BotContext, body: str) -> None:
    await _save(update, context, body, must_exist=False)


async def _edit(update: Update, context: BotContext, body: str) -> None:
    await _save(update, context, body, must_exist=True)


async def _rm(update: Update, context: BotContext, entry_id: str) -> None:
    assert update.message is not None
    removed = await FaqRepo(current_uow().session).remove(entry_id)
    if removed:
        _reload_after_commit(context)
    await reply(update.message, escape_html(f"Removed {entry_id!r}." if removed
                                            else f"No FAQ entry {entry_id!r}."))


async def _export(update: Update, context: BotContext, _: str) -> None:
    assert update.message is not None
    entries = await FaqRepo(current_uow().session).entries()
    document = _dump({"entries": [{"id": e.id, **e.data} for e in entries]})
    await actions.send_document(update.message.chat.id, "faq.yaml", document.encode(),
                                caption=f"{len(entries)} FAQ entries")


async def _import(update: Update, context: BotContext, body: str) -> None:
    """`/faq import` + the YAML `/faq export` produced: every entry validated, then saved."""
    assert update.message is not None
    message = update.message
    try:
        data = YAML(typ="safe", pure=True).load(body) if body else None
        raw = data.get("entries") if isinstance(data, dict) else data
        items = [FaqItem.model_validate(entry) for entry in (raw or [])]
    except YAMLError as exc:
        await reply(message, escape_html(f"YAML error: {str(exc).splitlines()[0]}"))
        return
    except (ValidationError, AttributeError, TypeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid entries"
        await reply(message, escape_html(f"Nothing imported: {first}"))
        return
    if not items:
        await reply(message, escape_html(USAGE))
        return
    uow = current_uow()
    repo = FaqRepo(uow.session)
    by = message.from_user.id if message.from_user else None
    for item in items:
        await repo.put(item.id, entry_data(item), source="telegram", by=by, now=uow.now)
    _reload_after_commit(context)
    await reply(message, escape_html(f"Imported {len(items)} entries."))


def _reload_after_commit(context: BotContext) -> None:
    """Rebuild the live index once this update's transaction has committed the edit."""
    faq = context.services.faq
    current_uow().after_commit.append(lambda: faq.load(sync_file=False))


def _dump(data: object) -> str:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()
