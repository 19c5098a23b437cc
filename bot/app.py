"""build_application(): the one factory behind `portavoce run`, `portavoce try` and the tests."""

from __future__ import annotations

import warnings

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, Defaults
from telegram.request import BaseRequest, HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot.context import CONTEXT_TYPES, PortavoceApp
from bot.errors import on_error
from bot.ratelimit import BudgetRateLimiter
from bot.services import Services
from handlers import register

# The outbox and the poller call Bot API methods by name with raw parameters on purpose (rows
# are stored as JSON); PTB warns about that for methods it also wraps.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.", category=PTBUserWarning)

SANDBOX_TOKEN = "1000000001:SANDBOX-not-a-real-token-xxxxxxxxxx"  # noqa: S105


def build_application(
    services: Services,
    *,
    token: str,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    rate_limiter: BudgetRateLimiter | None = None,
) -> PortavoceApp:
    """The Application with Portavoce's handlers; no Updater: the poller feeds the inbox."""
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(services.settings.api_base_url)
        .context_types(CONTEXT_TYPES)
        .defaults(Defaults(parse_mode=ParseMode.HTML,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(rate_limiter or BudgetRateLimiter())
        .updater(None)
    )
    if request is None:
        request = HTTPXRequest(connection_pool_size=64, pool_timeout=2.0, read_timeout=10.0,
                               connect_timeout=5.0, write_timeout=10.0)
        updates_request = HTTPXRequest(connection_pool_size=2, read_timeout=40.0)
    builder = builder.request(request).get_updates_request(updates_request or request)
    app: PortavoceApp = builder.build()  # type: ignore[assignment]
    app.bot_data.services = services
    register(app)
    app.add_error_handler(on_error)
    return app
