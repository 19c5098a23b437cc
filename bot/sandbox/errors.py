"""Errors the sandbox answers with, worded exactly like the real Bot API.

Handlers match on Telegram's descriptions (``"message to delete not found"``), so the sandbox
must use the same words, codes and ``parameters`` or tests would pass against a fake that the
real server contradicts.
"""

from __future__ import annotations

from typing import Any


class SandboxError(Exception):
    """A test or console scenario asked for something Telegram could never produce."""


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code", "description", "parameters"}``."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters or {}

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = dict(self.parameters)
        return body


def bad_request(reason: str, parameters: dict[str, Any] | None = None) -> ApiError:
    """400 with Telegram's ``Bad Request: `` prefix."""
    return ApiError(400, f"Bad Request: {reason}", parameters)


def forbidden(reason: str) -> ApiError:
    """403 with Telegram's ``Forbidden: `` prefix."""
    return ApiError(403, f"Forbidden: {reason}")


def chat_not_found() -> ApiError:
    return bad_request("chat not found")


def not_enough_rights_to_restrict() -> ApiError:
    return bad_request("not enough rights to restrict/unrestrict chat member")


def migrated(new_chat_id: int) -> ApiError:
    """What the old id of an upgraded group answers; PTB raises ``ChatMigrated``."""
    return bad_request(
        "group chat was upgraded to a supergroup chat", {"migrate_to_chat_id": new_chat_id}
    )


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


NOT_FOUND = ApiError(404, "Not Found")
