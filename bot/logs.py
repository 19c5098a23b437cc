"""Logging setup with secrets redacted from every record, whatever library produced it.

httpx logs request URLs, and Bot API URLs contain the token; exception texts may contain the
database URL with its password. A filter on every handler rewrites both.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable

_TOKEN = re.compile(r"bot\d{3,}:[\w-]{20,}")
_BARE_TOKEN = re.compile(r"\b\d{6,}:[\w-]{30,}\b")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    text = _TOKEN.sub("bot<REDACTED>", text)
    text = _BARE_TOKEN.sub("<REDACTED>", text)
    text = _URL_PASSWORD.sub(r"\1***@", text)
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "<REDACTED>")
    return text


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = redact(message, self._secrets), None
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": self.formatTime(record), "level": record.levelname, "logger": record.name,
            "msg": record.getMessage(),
        }
        for key in ("update_id", "chat_id"):
            if hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_text:
            data["exc"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


def configure_logging(level: str, fmt: str, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "tornado.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
