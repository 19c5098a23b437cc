"""``Sandbox``: an in-memory Telegram for one bot, driven by tests and ``portavoce try``.

It answers Bot API calls (through ``SandboxRequest`` in-process or ``server.py`` over HTTP),
records every call, and lets a scenario inject what people do. Call :meth:`Sandbox.call` with
a method name and its raw (HTTP-form) parameters; the adapters only move bytes.
"""

from __future__ import annotations

import inspect
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from bot.sandbox.api import METHODS, canonical
from bot.sandbox.errors import NOT_FOUND, ApiError, SandboxError, too_many_requests
from bot.sandbox.events import Events
from bot.sandbox.faults import Fault
from bot.sandbox.model import StoredMessage
from bot.sandbox.params import Params, UploadedFile, decode_params
from bot.sandbox.state import ApiCall, JsonDict

SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "copyMessage",
                          "forwardMessage"})
MAX_PER_SECOND = 30  # Telegram: about 30 messages per second overall
MAX_PER_GROUP_MINUTE = 20  # Telegram: 20 messages per minute in one group


@dataclass(frozen=True, slots=True)
class ApiResponse:
    """What goes back over the wire: HTTP status, JSON body, and how late or whether at all."""

    status: int
    body: JsonDict
    delay: float = 0.0
    drop_connection: bool = False

    def payload(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


class Sandbox(Events):
    """In-memory Telegram; see the module docstring and ``bot/sandbox/__init__.py``."""

    async def call(
        self, method: str, raw_params: dict[str, Any] | None = None,
        files: dict[str, UploadedFile] | None = None,
    ) -> ApiResponse:
        """Answer one Bot API call, applying armed faults and recording it."""
        name = canonical(method) or method
        params = decode_params(raw_params or {})
        self.expire_restrictions()
        at = self.now_float()
        fault = self.faults.take(name, params)
        if fault is not None and not fault.processed and fault.status is not None:
            self.calls.append(ApiCall(name, params, at, False, fault.description))
            return _fault_response(fault)
        if fault is not None and fault.drop_connection and not fault.processed:
            self.calls.append(ApiCall(name, params, at, False, fault.description))
            return _fault_response(fault)
        response = await self._execute(name, params, files or {}, at)
        if fault is None:
            return response
        if fault.status is None and not fault.drop_connection:
            return replace(response, delay=fault.delay)
        self.calls[-1].error = f"carried out, answered: {fault.description}"
        return _fault_response(fault)

    async def _execute(
        self, name: str, params: JsonDict, files: dict[str, UploadedFile], at: float
    ) -> ApiResponse:
        handler = METHODS.get(name)
        try:
            if handler is None:
                raise NOT_FOUND
            self._check_limits(name, params, at)
            result = handler(self, Params(params, files))
            if inspect.isawaitable(result):
                result = await result
        except ApiError as error:
            self.calls.append(ApiCall(name, params, at, False, error.description))
            return ApiResponse(error.code, error.body())
        self.calls.append(ApiCall(name, params, at, True, None, result))
        return ApiResponse(200, {"ok": True, "result": result})

    def _check_limits(self, name: str, params: JsonDict, at: float) -> None:
        """With ``enforce_limits``, answer 429 like Telegram once a flood limit is reached."""
        if not self.enforce_limits or name not in SEND_METHODS:
            return
        sent = [c for c in self.calls if c.ok and c.method in SEND_METHODS]
        if sum(1 for c in sent if at - c.at < 1) >= MAX_PER_SECOND:
            raise too_many_requests(1)
        chat = str(params.get("chat_id"))
        if chat.startswith("-"):
            recent = [c.at for c in sent if str(c.params.get("chat_id")) == chat
                      and at - c.at < 60]
            if len(recent) >= MAX_PER_GROUP_MINUTE:
                raise too_many_requests(max(1, math.ceil(60 - (at - min(recent)))))

    # records -----------------------------------------------------------------------------
    def calls_of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def last(self, method: str) -> ApiCall:
        found = self.calls_of(method)
        if not found:
            raise SandboxError(f"no {method} call was made")
        return found[-1]

    def clear_calls(self) -> None:
        self.calls.clear()

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Texts the bot sent successfully (sendMessage), optionally to one chat."""
        return [str(c.result["text"]) for c in self.calls_of("sendMessage")
                if c.ok and (chat_id is None or c.result["chat"]["id"] == chat_id)]

    def message(self, chat_id: int, message_id: int) -> StoredMessage:
        """A stored message, deleted ones included (check ``.deleted``)."""
        try:
            return self.chat(chat_id).messages[message_id]
        except KeyError:
            raise SandboxError(f"no message {message_id} in {chat_id}") from None

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[JsonDict]:
        chat = self.chat(chat_id)
        return [self.message_dict(m) for m in chat.messages.values()
                if include_deleted or not m.deleted]

    def callback_answer(self, query_id: str) -> JsonDict | None:
        """What the bot answered to a button press (None if unanswered)."""
        query = self.queries.get(query_id)
        return query.answer if query and query.answered else None

    def max_rate_per_second(self, methods: Iterable[str] = SEND_METHODS) -> int:
        """Most successful sends in any 1-second window (Telegram allows about 30)."""
        return _max_in_window([c.at for c in self._sends(methods)], 1.0)

    def max_per_group_per_minute(self, methods: Iterable[str] = SEND_METHODS) -> int:
        """Most successful sends to one group in any 60-second window (Telegram: 20)."""
        per_chat: dict[str, list[float]] = defaultdict(list)
        for call in self._sends(methods):
            chat = str(call.params.get("chat_id"))
            if chat.startswith("-"):
                per_chat[chat].append(call.at)
        return max((_max_in_window(times, 60.0) for times in per_chat.values()), default=0)

    def _sends(self, methods: Iterable[str]) -> list[ApiCall]:
        wanted = {m.lower() for m in methods}
        return [c for c in self.calls if c.ok and c.method.lower() in wanted]


def _max_in_window(times: list[float], window: float) -> int:
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def _fault_response(fault: Fault) -> ApiResponse:
    error = fault.error()
    return ApiResponse(fault.status or 0, error.body() if error else {}, fault.delay,
                       fault.drop_connection)
