"""Operational notices to the brand team (missing rights, unreachable chats), each sent once."""

from __future__ import annotations

from bot.services import Services
from bot.unit_of_work import maybe_uow, update_or_own_session
from policies.texts import RIGHT_FOR_METHOD, right_label, text
from policies.voice import escape_html
from storage.repositories.chats import ChatsRepo
from storage.repositories.outbox import OutboxRepo


async def _chat_label(services: Services, chat_id: int) -> str:
    async with update_or_own_session(services.sessions) as session:
        chat = await ChatsRepo(session).get(chat_id)
    title = chat.title if chat and chat.title else str(chat_id)
    return f"<b>{escape_html(title)}</b>"


async def to_team(services: Services, body: str, *, dedupe: str | None, topic: str = "") -> None:
    """Queue a message for the team chat; ``dedupe`` makes repeats of one notice a no-op."""
    team = services.policy.team
    if team.chat_id is None:
        return
    params: dict[str, object] = {"chat_id": team.chat_id, "text": body, "parse_mode": "HTML"}
    if topic and topic in team.topics:
        params["message_thread_id"] = team.topics[topic]
    async with update_or_own_session(services.sessions) as session:
        await OutboxRepo(session).enqueue(
            team.chat_id, "sendMessage", params, now=services.clock.now(), dedupe_key=dedupe
        )
    uow = maybe_uow()  # inside an update the notice is sent once the update commits
    if uow is not None:
        uow.outbox_touched = True
    else:
        services.poke_outbox()


def team_language(services: Services) -> str:
    return services.policy.brand.languages[0]


async def missing_right(services: Services, chat_id: int, method: str) -> None:
    right = RIGHT_FOR_METHOD.get(method, "admin")
    lang = team_language(services)
    body = text(
        "team_missing_right", lang,
        chat=await _chat_label(services, chat_id), method=method, right=right_label(right, lang),
    )
    day = services.clock.now().date().isoformat()
    await to_team(services, body, dedupe=f"rights:{chat_id}:{right}:{day}", topic="moderation")


async def chat_unreachable(services: Services, chat_id: int, why: str) -> None:
    if chat_id == services.policy.team.chat_id:
        return
    body = text(
        "team_chat_unreachable", team_language(services),
        chat=await _chat_label(services, chat_id), why=escape_html(why[:200]),
    )
    await to_team(services, body, dedupe=f"gone:{chat_id}:{services.clock.now().date()}")
