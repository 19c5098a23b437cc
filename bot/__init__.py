"""Portavoce wiring: settings, application factory, runtime, CLI and the sandbox Telegram."""

import os

# Opt in to PTB's future behaviour: durations (retry_after, timeouts) are timedeltas.
os.environ.setdefault("PTB_TIMEDELTA", "1")
