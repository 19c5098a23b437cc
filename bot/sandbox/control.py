"""The JSON control API's vocabulary: which sandbox actions a remote test may run, and faults.

Kept apart from the HTTP plumbing so the same whitelist serves the server and any future
console; only scenario verbs are exposed, never arbitrary attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from bot.sandbox.errors import SandboxError
from bot.sandbox.faults import Fault
from bot.sandbox.world import Sandbox

JsonDict = dict[str, Any]

ACTIONS = frozenset({
    "add_user", "add_private_chat", "add_group", "add_channel", "add_topic", "close_topic",
    "set_member", "add_bot_to", "block_bot", "user_sends", "user_edits", "user_joins",
    "user_leaves", "press_button", "channel_posts", "migrate_to_supergroup", "clear_calls",
})
_READY_MADE: dict[str, Callable[..., Fault]] = {
    "too_many_requests": Fault.too_many_requests, "kicked": Fault.kicked,
    "blocked": Fault.blocked, "not_enough_rights": Fault.not_enough_rights,
    "bad_request": Fault.bad_request, "migrated": Fault.migrated,
    "server_error": Fault.server_error, "timeout": Fault.timeout,
    "connection_reset": Fault.connection_reset, "conflict": Fault.conflict,
    "unauthorized": Fault.unauthorized,
}


def run_action(sandbox: Sandbox, action: str, kwargs: JsonDict) -> Any:
    """Run one whitelisted scenario verb with JSON keyword arguments."""
    if action not in ACTIONS:
        raise SandboxError(f"unknown action {action!r}; known: {sorted(ACTIONS)}")
    try:
        return getattr(sandbox, action)(**kwargs)
    except TypeError as error:
        raise SandboxError(f"{action}: {error}") from None


def fault_from_json(spec: JsonDict) -> Fault:
    """``{"kind": "too_many_requests", "retry_after": 3}`` or a raw status/description."""
    spec = dict(spec)
    kind = spec.pop("kind", None)
    if kind is not None:
        maker = _READY_MADE.get(str(kind))
        if maker is None:
            raise SandboxError(f"unknown fault kind {kind!r}; known: {sorted(_READY_MADE)}")
        try:
            fault: Fault = maker(**spec)
        except TypeError as error:
            raise SandboxError(f"fault {kind}: {error}") from None
        return fault
    return Fault(status=spec.get("status", 500), description=spec.get("description", ""),
                 parameters=spec.get("parameters", {}), delay=float(spec.get("delay", 0)),
                 processed=bool(spec.get("processed", False)))


def arm_fault(sandbox: Sandbox, body: JsonDict) -> JsonDict:
    """POST /sandbox/faults: ``{"method", "times", "chat_id", "fault": {...}}``."""
    fault = fault_from_json(body.get("fault") or {"kind": "server_error"})
    if body.get("while"):
        rule = sandbox.faults.fail_while(str(body.get("method", "*")), error=fault)
    else:
        rule = sandbox.faults.fail_next(str(body.get("method", "*")),
                                        int(body.get("times", 1)), error=fault,
                                        chat_id=body.get("chat_id"))
    return {"method": rule.method, "remaining": rule.remaining, "status": fault.status}


def calls_json(sandbox: Sandbox, method: str | None, since: int) -> list[JsonDict]:
    calls = sandbox.calls[since:]
    if method:
        calls = [c for c in calls if c.method.lower() == method.lower()]
    return [asdict(c) for c in calls]


def state_json(sandbox: Sandbox) -> JsonDict:
    """A summary for humans and tests: who is where, with which status."""
    return {
        "bot": sandbox.user_api(sandbox.bot_id),
        "users": [u.to_api() for u in sandbox.users.values()],
        "chats": [{**c.to_api(), "linked_chat_id": c.linked_chat_id,
                   "migrated_to": c.migrated_to,
                   "members": {str(uid): m.status for uid, m in c.members.items()},
                   "topics": {str(t.thread_id): t.name for t in c.topics.values()}}
                  for c in sandbox.chats.values()],
        "pending_updates": len(sandbox.pending),
        "calls": len(sandbox.calls),
    }
