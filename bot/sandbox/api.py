"""The Bot API surface: method registry plus identity, updates, webhook and commands.

Method names are case-insensitive in Telegram; unknown ones answer 404 "Not Found", which PTB
raises as InvalidToken, exactly as against the real server.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.sandbox import api_members, api_messages
from bot.sandbox.errors import ApiError, bad_request
from bot.sandbox.params import Params
from bot.sandbox.state import JsonDict, World

Handler = Callable[[World, Params], Any | Awaitable[Any]]

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_CONFLICT_WEBHOOK = ("Conflict: can't use getUpdates method while webhook is active; "
                     "use deleteWebhook to delete the webhook first")
_CONFLICT_OTHER = ("Conflict: terminated by other getUpdates request; make sure that only one "
                   "bot instance is running")


def get_me(world: World, params: Params) -> JsonDict:
    me = world.user_api(world.bot_id)
    me.update(can_join_groups=True, can_read_all_group_messages=not world.privacy_mode,
              supports_inline_queries=False, can_connect_to_business=False,
              has_main_web_app=False)
    return me


async def get_updates(world: World, params: Params) -> list[JsonDict]:
    """Long polling: confirm by offset, then wait up to ``timeout`` for something new.

    A newer getUpdates ends a waiting one with 409, as when two instances poll one token.
    """
    if world.webhook.get("url"):
        raise ApiError(409, _CONFLICT_WEBHOOK)
    allowed = params.get_list("allowed_updates")
    if allowed is not None:
        world.allowed_updates = [str(kind) for kind in allowed] or None
    world.confirm_updates(params.get_int("offset", 0) or 0)
    limit = min(max(params.get_int("limit", 100) or 100, 1), 100)
    timeout = max(params.get_float("timeout", 0.0), 0.0)
    world.poll_generation += 1
    generation = world.poll_generation
    world.wake_pollers()
    loop_time = asyncio.get_running_loop().time
    deadline = loop_time() + timeout
    while True:
        batch = world.take_updates(limit)
        remaining = deadline - loop_time()
        if batch or remaining <= 0:
            return batch
        await world.wait_for_update(remaining)
        if world.poll_generation != generation:
            raise ApiError(409, _CONFLICT_OTHER)


def set_webhook(world: World, params: Params) -> bool:
    url = params.get_str("url") or ""
    if url and not url.startswith("https://") and not url.startswith("http://127.0.0.1"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if params.get_bool("drop_pending_updates"):
        world.pending.clear()
    allowed = params.get_list("allowed_updates")
    if allowed is not None:
        world.allowed_updates = [str(kind) for kind in allowed] or None
    world.webhook = {"url": url, "secret_token": params.get_str("secret_token"),
                     "max_connections": params.get_int("max_connections", 40)} if url else {}
    world.wake_pollers()
    return True


def delete_webhook(world: World, params: Params) -> bool:
    if params.get_bool("drop_pending_updates"):
        world.pending.clear()
    world.webhook = {}
    return True


def get_webhook_info(world: World, params: Params) -> JsonDict:
    info: JsonDict = {"url": world.webhook.get("url", ""), "has_custom_certificate": False,
                      "pending_update_count": len(world.pending)}
    if world.webhook:
        info["max_connections"] = world.webhook["max_connections"]
        if world.allowed_updates:
            info["allowed_updates"] = world.allowed_updates
        for key in ("last_error_date", "last_error_message"):
            if key in world.webhook:
                info[key] = world.webhook[key]
    return info


def _commands_key(params: Params) -> str:
    scope = params.get_obj("scope") or {"type": "default"}
    return json.dumps([scope, params.get_str("language_code") or ""], sort_keys=True)


def set_my_commands(world: World, params: Params) -> bool:
    commands = params.get_list("commands")
    if commands is None:
        raise bad_request("parameter \"commands\" is required")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.fullmatch(str(command.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    world.commands[_commands_key(params)] = [
        {"command": c["command"], "description": c["description"]} for c in commands]
    return True


def get_my_commands(world: World, params: Params) -> list[JsonDict]:
    return world.commands.get(_commands_key(params), [])


def delete_my_commands(world: World, params: Params) -> bool:
    world.commands.pop(_commands_key(params), None)
    return True


def log_out(world: World, params: Params) -> bool:
    return True


_CORE: dict[str, Handler] = {
    "getMe": get_me, "getUpdates": get_updates, "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook, "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands, "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands, "logOut": log_out, "close": log_out,
}

METHODS: dict[str, Handler] = {**_CORE, **api_messages.METHODS, **api_members.METHODS}
_BY_LOWER = {name.lower(): name for name in METHODS}


def canonical(method: str) -> str | None:
    """Telegram's spelling of a method name, or None when Telegram does not know it."""
    return _BY_LOWER.get(method.lower())
