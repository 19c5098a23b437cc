"""``python -m bench.sandbox_server STATE_FILE``: the sandbox over HTTP, loaded once, never saved.

The same server as ``python -m bot.sandbox.server`` (``bot.sandbox.server.start_server``: the
Bot API under ``/bot<token>/``, the control API under ``/sandbox/``), but the state file is
only read at start. ``bot.sandbox.server --state-file`` also writes the whole world back after
every Bot API call and every control action, so tests can restart it: with the memory
scenario's 100,000 users that is a JSON dump of tens of MB per call, and the scenario would
measure the sandbox's disk writes. Prints the port on the first line of standard output when
ready; stops on SIGTERM or SIGINT. Polling only (no webhook pusher).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

from bot.sandbox import Sandbox
from bot.sandbox.persist import load_file
from bot.sandbox.server import start_server


async def serve(state_file: Path) -> None:
    sandbox = Sandbox()
    if not load_file(sandbox, state_file):
        raise SystemExit(f"no sandbox state file at {state_file}")
    server, port = await start_server(sandbox, 0)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    await stop.wait()
    server.stop()


def main() -> None:
    logging.basicConfig(level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # paths hold the token
    asyncio.run(serve(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
