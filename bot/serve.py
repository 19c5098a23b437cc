"""`portavoce run`: serve Telegram until SIGINT/SIGTERM, then stop cleanly (exit 0).

Roles: `all` (one process: receive, process, send), `receiver` (webhook only: store updates
in the PostgreSQL inbox and answer 200) and `worker` (process the inbox; one worker leads and
sends the outbox and runs timers).
"""

from __future__ import annotations

import asyncio
import logging
import signal

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import InvalidToken

from bot.logs import configure_logging
from bot.ops import start_ops_server
from bot.poller import SecondInstanceError
from bot.runtime import Runtime
from bot.settings import Role, RunMode, Settings, require_token

log = logging.getLogger("portavoce")


async def serve(settings: Settings, *, force: bool = False) -> int:
    token = require_token(settings)
    secrets = [token, settings.database_url.get_secret_value()]
    if settings.webhook_secret:
        secrets.append(settings.webhook_secret.get_secret_value())
    configure_logging(settings.log_level, settings.log_format.value, secrets)
    try:
        runtime = await Runtime.create(settings, token=token)
    except (OSError, SQLAlchemyError) as exc:  # unreachable, wrong credentials, bad file path
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        log.critical("cannot open the database (PORTAVOCE_DATABASE_URL): %s", reason)
        return 6
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    role = settings.role.value
    ops = None
    try:
        await runtime.start()
        if settings.ops_port is not None:
            ops, port = start_ops_server(lambda: runtime.health(role), settings.ops_listen,
                                         settings.ops_port)
            log.info("health and metrics on %s:%d", settings.ops_listen, port)
        log.info("started as @%s (%s mode, role %s)", runtime.services.bot_username,
                 settings.mode.value, role)
        if settings.role is Role.WORKER:
            await runtime.run_forever(stop, polling=False, poll_inbox_every=0.2)
            return 0
        if settings.mode is RunMode.WEBHOOK:
            return await _serve_webhook(runtime, settings, stop)
        if not await _polling_allowed(runtime, force):
            return 3
        await runtime.run_forever(stop, polling=True)
        return 0
    except InvalidToken:
        log.critical("Telegram rejected the bot token (401/404): check PORTAVOCE_TOKEN")
        return 4
    except SecondInstanceError as exc:
        log.critical("%s", exc)
        return 5
    finally:
        if ops is not None:
            ops.stop()
        await runtime.stop()
        log.info("stopped")


async def _polling_allowed(runtime: Runtime, force: bool) -> bool:
    """Polling would silently steal a webhook deployment: refuse unless forced."""
    info = await runtime.app.bot.get_webhook_info()
    if info.url and not force:
        log.critical(
            "a webhook is set for this bot (%s); another deployment may be serving it. "
            "Use PORTAVOCE_MODE=webhook, or `portavoce run --force` to remove it and poll.",
            info.url,
        )
        return False
    if info.url:
        await runtime.app.bot.delete_webhook(drop_pending_updates=False)
    return True


async def _serve_webhook(runtime: Runtime, settings: Settings, stop: asyncio.Event) -> int:
    from bot.webhook import WebhookServer

    assert settings.webhook_url is not None and settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    role = settings.role.value
    server = WebhookServer(runtime.services, secret=secret,
                           probe=lambda: runtime.health(role))
    port = await server.start(settings.webhook_listen, settings.webhook_port)
    log.info("webhook receiver on %s:%d", settings.webhook_listen, port)
    await runtime.app.bot.set_webhook(
        url=str(settings.webhook_url), secret_token=secret,
        allowed_updates=list(Update.ALL_TYPES), drop_pending_updates=False,
    )
    try:
        if settings.role is Role.RECEIVER:
            await stop.wait()
        else:
            await runtime.run_forever(stop, polling=False, inbox_ready=server.stored)
    finally:
        await server.stop()
    return 0
