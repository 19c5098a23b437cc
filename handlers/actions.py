"""The one place that decides what the bot does to Telegram: every effect becomes an outbox row.

Effects are written in the update's own transaction, so a crash either loses the whole update
(it is processed again) or none of it; the outbox sender then delivers each row once, with
retries. Dry run is honoured here: a dry-run effect is recorded, not queued.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.outbox import GATHER
from bot.unit_of_work import UnitOfWork, current_uow
from storage.repositories.outbox import OutboxCall, OutboxRepo, deletion_key

Buttons = Sequence[Sequence[tuple[str, str]]]  # rows of (text, callback_data or url)
_QUEUED = "outbox.queued"


def keyboard(buttons: Buttons) -> dict[str, Any]:
    rows = []
    for row in buttons:
        rows.append([
            {"text": text, "url": target} if target.startswith(("http://", "https://", "tg://"))
            else {"text": text, "callback_data": target}
            for text, target in row
        ])
    return {"inline_keyboard": rows}


class _Queued:
    """The update's outbox rows, written in one statement just before it commits (a spam
    message's deletion, ban, cleanup and notice were four statements): same transaction,
    same order, fewer round trips to the database."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.calls: list[OutboxCall] = []
        self._uow = uow

    async def flush(self) -> None:
        calls, self.calls = self.calls, []
        await OutboxRepo(self._uow.session).enqueue_calls(calls)


def _queue(uow: UnitOfWork) -> list[OutboxCall]:
    queued: _Queued | None = uow.scratch.get(_QUEUED)
    if queued is None:
        queued = uow.scratch[_QUEUED] = _Queued(uow)
        uow.before_commit.append(queued.flush)
    uow.outbox_touched = True
    return queued.calls


def _dedupe_key(uow: UnitOfWork, method: str) -> str | None:
    seq = len(uow.notes)
    uow.notes.append(method)
    return f"u{uow.update_id}:{seq}" if uow.update_id is not None else None


async def _enqueue(
    chat_id: int,
    method: str,
    params: dict[str, Any],
    *,
    ref: tuple[str, int] | None = None,
    not_before: datetime | None = None,
    dedupe: str | None = None,
) -> None:
    uow = current_uow()
    key = _dedupe_key(uow, method)
    _queue(uow).append(OutboxCall(
        chat_id, method, params, uow.now, not_before=not_before, dedupe_key=dedupe or key,
        ref_kind=ref[0] if ref else None, ref_id=ref[1] if ref else None,
    ))


async def send_message(
    chat_id: int,
    text: str,
    *,
    reply_to: int | None = None,
    thread_id: int | None = None,
    buttons: Buttons | None = None,
    ref: tuple[str, int] | None = None,
    dedupe: str | None = None,
    not_before: datetime | None = None,
) -> None:
    params: dict[str, Any] = {
        "chat_id": chat_id, "text": text, "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    if reply_to is not None:
        params["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    if thread_id is not None:
        params["message_thread_id"] = thread_id
    if buttons:
        params["reply_markup"] = keyboard(buttons)
    await _enqueue(chat_id, "sendMessage", params, ref=ref, dedupe=dedupe, not_before=not_before)


async def edit_message(
    chat_id: int, message_id: int, text: str, *, buttons: Buttons | None = None
) -> None:
    params: dict[str, Any] = {
        "chat_id": chat_id, "message_id": message_id, "text": text, "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    if buttons is not None:
        params["reply_markup"] = keyboard(buttons)
    await _enqueue(chat_id, "editMessageText", params)


async def delete_messages(chat_id: int, message_ids: Sequence[int], *,
                          raid: bool = False) -> None:
    """One row per message, ever (`deletion_key`: a message already queued for deletion is
    not queued again); the sender batches them into deleteMessages (100 ids a call).

    ``raid``: the chat is under a raid, so these may wait a moment to leave in a full batch
    (`bot.outbox.GATHER`)."""
    uow = current_uow()
    ref_kind = GATHER if raid else None
    _queue(uow).extend(
        OutboxCall(chat_id, "deleteMessage", {"chat_id": chat_id, "message_id": m}, uow.now,
                   dedupe_key=deletion_key(chat_id, m), ref_kind=ref_kind)
        for m in dict.fromkeys(message_ids))


async def restrict(
    chat_id: int, user_id: int, *, until: datetime | None, permissions: dict[str, bool]
) -> None:
    params: dict[str, Any] = {
        "chat_id": chat_id, "user_id": user_id, "permissions": permissions,
        "use_independent_chat_permissions": True,
    }
    if until is not None:
        params["until_date"] = int(until.timestamp())
    await _enqueue(chat_id, "restrictChatMember", params)


async def ban(chat_id: int, user_id: int, *, until: datetime | None = None,
              revoke_messages: bool = False) -> None:
    params: dict[str, Any] = {
        "chat_id": chat_id, "user_id": user_id, "revoke_messages": revoke_messages,
    }
    if until is not None:
        params["until_date"] = int(until.timestamp())
    await _enqueue(chat_id, "banChatMember", params)


async def unban(chat_id: int, user_id: int) -> None:
    params = {"chat_id": chat_id, "user_id": user_id, "only_if_banned": True}
    await _enqueue(chat_id, "unbanChatMember", params)


async def ban_sender_chat(chat_id: int, sender_chat_id: int) -> None:
    params = {"chat_id": chat_id, "sender_chat_id": sender_chat_id}
    await _enqueue(chat_id, "banChatSenderChat", params)


async def answer_callback(query_id: str, text: str | None = None, *, alert: bool = False) -> None:
    params: dict[str, Any] = {"callback_query_id": query_id}
    if text:
        params["text"], params["show_alert"] = text[:200], alert
    await _enqueue(0, "answerCallbackQuery", params)


async def call(chat_id: int, method: str, params: dict[str, Any], *,
               ref: tuple[str, int] | None = None) -> None:
    """Any other Bot API method, for the rare effect without a helper above."""
    await _enqueue(chat_id, method, params, ref=ref)


async def send_document(chat_id: int, filename: str, content: bytes, *,
                        caption: str | None = None, thread_id: int | None = None) -> None:
    """A file for the team (exports); the bytes travel in the outbox row, base64-encoded."""
    params: dict[str, Any] = {
        "chat_id": chat_id,
        "document": {"__file__": filename, "base64": base64.b64encode(content).decode()},
    }
    if caption:
        params["caption"] = caption[:1024]
    if thread_id is not None:
        params["message_thread_id"] = thread_id
    await _enqueue(chat_id, "sendDocument", params)


async def send_photo(chat_id: int, filename: str, content: bytes, *,
                     caption: str | None = None, thread_id: int | None = None) -> None:
    """A chart for the team or a manager (PNG bytes travel base64 in the outbox row)."""
    params: dict[str, Any] = {
        "chat_id": chat_id,
        "photo": {"__file__": filename, "base64": base64.b64encode(content).decode()},
    }
    if caption:
        params["caption"] = caption[:1024]
    if thread_id is not None:
        params["message_thread_id"] = thread_id
    await _enqueue(chat_id, "sendPhoto", params)
