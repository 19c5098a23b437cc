"""Process settings: environment variables (prefix ``PORTAVOCE_``) and an optional ``.env`` file.

Everything that differs between deployments but is not community policy lives here; the policy
(what the bot does in the groups) lives in the YAML policy file.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "PORTAVOCE_"
DEFAULT_API_BASE = "https://api.telegram.org/bot"
_DB_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")


class RunMode(enum.StrEnum):
    POLLING = "polling"
    WEBHOOK = "webhook"


class Role(enum.StrEnum):
    ALL = "all"
    RECEIVER = "receiver"
    WORKER = "worker"


class LogFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"


class SettingsError(Exception):
    """A bad or missing setting; ``str()`` is one line naming the variable."""


class Settings(BaseSettings):
    """All process settings. Built once in the CLI and passed down explicitly."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    token: SecretStr | None = Field(default=None, description="Bot token from @BotFather.")
    database_url: SecretStr = Field(
        default=SecretStr("sqlite+aiosqlite:///portavoce.db"),
        description="SQLAlchemy async URL: sqlite+aiosqlite:///file.db or postgresql+asyncpg://...",
    )
    policy_file: Path | None = Field(
        default=None, description="Policy YAML; the bundled example when unset."
    )
    mode: RunMode = Field(default=RunMode.POLLING, description="polling or webhook.")
    webhook_url: AnyHttpUrl | None = Field(
        default=None, description="Public HTTPS URL Telegram posts updates to (webhook mode)."
    )
    webhook_listen: str = Field(default="127.0.0.1", description="Address the webhook binds.")
    webhook_port: int = Field(default=8443, ge=1, le=65535, description="Webhook port.")
    webhook_secret: SecretStr | None = Field(
        default=None, description="Secret token (32-256 chars of A-Z a-z 0-9 _ -)."
    )
    api_base_url: str = Field(
        default=DEFAULT_API_BASE, description="Bot API base URL (self-hosted Bot API server)."
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING, ERROR.")
    log_format: LogFormat = Field(default=LogFormat.TEXT, description="text or json.")
    workers: int = Field(default=8, ge=1, le=256, description="Chats processed in parallel.")
    cas_url: str = Field(
        default="https://api.cas.chat/check",
        description="CAS lookup endpoint (used only when moderation.spam.cas is on).",
    )
    role: Role = Field(default=Role.ALL, description="all, receiver (webhook) or worker.")
    ops_listen: str = Field(default="127.0.0.1", description="Address of /healthz, /metrics.")
    ops_port: int | None = Field(
        default=None, ge=0, le=65535, description="Port of /healthz and /metrics (unset: off)."
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: SecretStr) -> SecretStr:
        url = value.get_secret_value()
        if not url.startswith(tuple(f"{s}://" for s in _DB_SCHEMES)):
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg:// "
                "(e.g. sqlite+aiosqlite:///portavoce.db)"
            )
        return value

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        bot_id, _, secret = value.get_secret_value().partition(":")
        if not bot_id.isdigit() or len(secret) < 20:
            raise ValueError("does not look like a bot token (expected 123456:ABC...)")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        raw = value.get_secret_value()
        allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        if not 32 <= len(raw) <= 256 or not set(raw) <= allowed:
            raise ValueError("must be 32-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_complete(self) -> Settings:
        if self.role is Role.RECEIVER and self.mode is not RunMode.WEBHOOK:
            raise ValueError("PORTAVOCE_ROLE=receiver needs PORTAVOCE_MODE=webhook")
        if self.role is not Role.ALL and not self.database_url.get_secret_value().startswith(
            "postgresql"
        ):
            raise ValueError(
                "PORTAVOCE_ROLE=receiver/worker needs PostgreSQL (PORTAVOCE_DATABASE_URL)"
            )
        if self.mode is RunMode.WEBHOOK:
            if self.webhook_url is None:
                raise ValueError("PORTAVOCE_WEBHOOK_URL is required when PORTAVOCE_MODE=webhook")
            if self.webhook_secret is None:
                raise ValueError(
                    "PORTAVOCE_WEBHOOK_SECRET is required when PORTAVOCE_MODE=webhook"
                )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.get_secret_value().startswith("sqlite")


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning pydantic's report into one line per problem.

    Raises:
        SettingsError: naming the environment variable, never echoing secret values.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc)) from None


def describe_errors(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = err.get("loc") or ()
        name = f"{ENV_PREFIX}{str(loc[0]).upper()}" if loc else "settings"
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        lines.append(f"{name}: {message}")
    return "; ".join(lines)


def require_token(settings: Settings) -> str:
    """The token for serving Telegram; a clear error when it is missing."""
    if settings.token is None:
        raise SettingsError(
            f"{ENV_PREFIX}TOKEN: missing; set it to the token from @BotFather "
            "(or run `portavoce try` to use the built-in sandbox)"
        )
    return settings.token.get_secret_value()
