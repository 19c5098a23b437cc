"""Bot API parameters as they arrive over HTTP: strings, JSON-encoded when not strings.

PTB (and every HTTP client) sends form fields where lists, objects, numbers and booleans are
JSON-encoded. Both adapters hand those raw values here; typed accessors decode them, so the
in-process and HTTP paths behave the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.errors import bad_request

JsonDict = dict[str, Any]

# Parameters whose value is a string even when it looks like JSON ("123", "true").
_STRING_PARAMS = frozenset({
    "text", "caption", "parse_mode", "callback_query_id", "url", "secret_token", "title",
    "description", "name", "custom_title", "action", "language_code", "ip_address",
    "message_effect_id", "business_connection_id", "icon_custom_emoji_id", "photo",
    "document", "inline_message_id", "short_description", "emoji", "sticker",
})


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A multipart file: what Telegram keeps of an upload (name, type, size)."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


def decode_params(raw: dict[str, Any]) -> JsonDict:
    """Decode JSON-encoded form values; leave string parameters untouched."""
    decoded: JsonDict = {}
    for key, value in raw.items():
        if isinstance(value, str) and key not in _STRING_PARAMS:
            try:
                decoded[key] = json.loads(value)
            except ValueError:
                decoded[key] = value
        else:
            decoded[key] = value
    return decoded


@dataclass(slots=True)
class Params:
    """Typed, Telegram-worded access to one call's parameters."""

    values: JsonDict
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        return default if value is None else str(value)

    def req_str(self, name: str) -> str:
        value = self.get_str(name)
        if value is None:
            raise bad_request(f"parameter \"{name}\" is required")
        return value

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return int(value)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def req_int(self, name: str) -> int:
        value = self.get_int(name)
        if value is None:
            raise bad_request(f"parameter \"{name}\" is required")
        return value

    def get_float(self, name: str, default: float = 0.0) -> float:
        value = self.values.get(name)
        try:
            return default if value is None else float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def get_obj(self, name: str) -> JsonDict | None:
        value = self.values.get(name)
        if isinstance(value, str):
            value = _loads(name, value)
        if value is None or isinstance(value, dict):
            return value
        raise bad_request(f"can't parse {name} JSON object")

    def get_list(self, name: str) -> list[Any] | None:
        value = self.values.get(name)
        if isinstance(value, str):
            value = _loads(name, value)
        if value is None or isinstance(value, list):
            return value
        raise bad_request(f"can't parse {name} JSON array")

    def chat_ref(self, name: str = "chat_id") -> int | str:
        """A chat id, or an ``@username`` for public chats."""
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value)
        if text.startswith("@"):
            return text
        try:
            return int(text)
        except ValueError:
            raise bad_request("chat not found") from None

    def upload(self, name: str) -> UploadedFile | str | None:
        """The file sent for ``name``: an upload (direct or ``attach://``) or a file id/URL."""
        value = self.values.get(name)
        if value is None:
            return self.files.get(name)
        text = str(value)
        if text.startswith("attach://"):
            return self.files.get(text.removeprefix("attach://"))
        return text


def _loads(name: str, value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        raise bad_request(f"can't parse {name} JSON") from None
