"""Fault injection: make the next N calls (or every call while a condition holds) fail.

Reliability code is only as good as the failures it was tested against, so each ready-made
fault answers exactly like Telegram (status, description, ``parameters``) and PTB turns it into
the same exception it would raise in production.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.errors import ApiError

JsonDict = dict[str, Any]
Predicate = Callable[[str, JsonDict], bool]


@dataclass(frozen=True, slots=True)
class Fault:
    """How a call goes wrong: an error answer, a delayed answer, or a dropped connection.

    ``status=None`` means no error: the call is carried out and only its answer is late
    (``delay`` seconds), which is what a client-side timeout looks like from Telegram's side.
    ``processed=True`` carries the call out even though an error is answered.
    """

    status: int | None
    description: str = ""
    parameters: JsonDict = field(default_factory=dict)
    delay: float = 0.0
    processed: bool = False
    drop_connection: bool = False

    def error(self) -> ApiError | None:
        if self.status is None or self.drop_connection:
            return None
        return ApiError(self.status, self.description, self.parameters)

    @classmethod
    def too_many_requests(cls, retry_after: int = 5) -> Fault:
        return cls(429, f"Too Many Requests: retry after {retry_after}",
                   {"retry_after": retry_after})

    @classmethod
    def kicked(cls, supergroup: bool = True) -> Fault:
        kind = "supergroup chat" if supergroup else "group chat"
        return cls(403, f"Forbidden: bot was kicked from the {kind}")

    @classmethod
    def blocked(cls) -> Fault:
        return cls(403, "Forbidden: bot was blocked by the user")

    @classmethod
    def not_enough_rights(cls) -> Fault:
        return cls(400, "Bad Request: not enough rights to restrict/unrestrict chat member")

    @classmethod
    def bad_request(cls, reason: str) -> Fault:
        return cls(400, f"Bad Request: {reason}")

    @classmethod
    def migrated(cls, new_chat_id: int) -> Fault:
        return cls(400, "Bad Request: group chat was upgraded to a supergroup chat",
                   {"migrate_to_chat_id": new_chat_id})

    @classmethod
    def server_error(cls, status: int = 502, *, processed: bool = False) -> Fault:
        words = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                 504: "Gateway Timeout"}
        return cls(status, words.get(status, "Server Error"), processed=processed)

    @classmethod
    def timeout(cls, seconds: float) -> Fault:
        """The call is carried out but answered ``seconds`` late (client sees TimedOut)."""
        return cls(None, delay=seconds)

    @classmethod
    def connection_reset(cls, *, processed: bool = False) -> Fault:
        return cls(None, "connection reset", drop_connection=True, processed=processed)

    @classmethod
    def conflict(cls) -> Fault:
        return cls(409, "Conflict: terminated by other getUpdates request; make sure that "
                        "only one bot instance is running")

    @classmethod
    def unauthorized(cls) -> Fault:
        return cls(401, "Unauthorized")


@dataclass(slots=True)
class FaultRule:
    """One armed fault: which calls it hits and how many times is left (None = until removed)."""

    fault: Fault
    method: str | None = None  # None = every method
    chat_id: int | str | None = None
    predicate: Predicate | None = None
    remaining: int | None = None
    hits: int = 0

    def matches(self, method: str, params: JsonDict) -> bool:
        if self.method is not None and self.method.lower() != method.lower():
            return False
        if self.chat_id is not None and str(params.get("chat_id")) != str(self.chat_id):
            return False
        return self.predicate is None or self.predicate(method, params)


class Faults:
    """The armed faults of one sandbox; the first matching rule wins."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        error: Fault | None = None,
        chat_id: int | str | None = None,
    ) -> FaultRule:
        """Fail the next ``times`` calls of ``method`` (``"*"``: any method), default 502."""
        rule = FaultRule(error or Fault.server_error(502), _method(method), chat_id,
                         remaining=times)
        self.rules.append(rule)
        return rule

    def fail_while(
        self, method: str, predicate: Predicate | None = None, *, error: Fault
    ) -> FaultRule:
        """Fail every matching call until the rule is removed; ``predicate(method, params)``."""
        rule = FaultRule(error, _method(method), predicate=predicate)
        self.rules.append(rule)
        return rule

    def set_chat_down(self, chat_id: int | str, error: Fault) -> FaultRule:
        """Every call aimed at ``chat_id`` fails until :meth:`clear_chat_down`."""
        self.clear_chat_down(chat_id)
        rule = FaultRule(error, None, chat_id)
        self.rules.append(rule)
        return rule

    def clear_chat_down(self, chat_id: int | str) -> None:
        self.rules = [r for r in self.rules if not (
            r.method is None and r.predicate is None and r.remaining is None
            and str(r.chat_id) == str(chat_id))]

    def remove(self, rule: FaultRule) -> None:
        if rule in self.rules:
            self.rules.remove(rule)

    def clear(self) -> None:
        self.rules.clear()

    def take(self, method: str, params: JsonDict) -> Fault | None:
        """The fault for this call, if any, spending one use of a counted rule."""
        for rule in self.rules:
            if rule.matches(method, params):
                rule.hits += 1
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self.rules.remove(rule)
                return rule.fault
        return None


def _method(method: str) -> str | None:
    return None if method == "*" else method
