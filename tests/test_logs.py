"""Secrets never reach the logs, whatever produced the record."""

from __future__ import annotations

import io
import logging

from bot.logs import RedactingFilter, redact

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_x"


def test_token_in_a_bot_api_url_is_redacted() -> None:
    url = f"https://api.telegram.org/bot{TOKEN}/getUpdates"
    assert redact(url) == "https://api.telegram.org/bot<REDACTED>/getUpdates"


def test_database_password_is_redacted() -> None:
    assert redact("postgresql+asyncpg://app:s3cret@db/x") == "postgresql+asyncpg://app:***@db/x"


def test_filter_redacts_messages_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter([TOKEN, "s3cret"]))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("calling %s", f"https://api.telegram.org/bot{TOKEN}/sendMessage")
        try:
            raise RuntimeError(f"connect failed: postgresql://u:s3cret@h/db token={TOKEN}")
        except RuntimeError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output and "s3cret" not in output
    assert "bot<REDACTED>/sendMessage" in output
