"""``SandboxRequest``: PTB's HTTP seam, answered in-process by a :class:`Sandbox`.

PTB builds the request (``RequestData``) and maps the answer (status + JSON bytes) to its
exceptions itself, so everything between ``Bot.send_message`` and the wire is the real library;
only the network is replaced.
"""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Any

from telegram import Bot
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.sandbox.errors import NOT_FOUND
from bot.sandbox.params import UploadedFile
from bot.sandbox.world import Sandbox

if TYPE_CHECKING:
    from telegram.ext._applicationbuilder import InitApplicationBuilder


def method_from_url(url: str) -> str | None:
    """The Bot API method of ``…/bot<token>/<method>`` (None for file downloads and junk)."""
    head, _, method = url.rpartition("/")
    if not method or "/bot" not in head or "/file/bot" in head:
        return None
    return method.split("?", 1)[0]


def files_of(request_data: RequestData | None) -> dict[str, UploadedFile]:
    """Multipart parts of a PTB request, read into memory like Telegram receives them."""
    if request_data is None or not request_data.contains_files:
        return {}
    files = {}
    for part, (filename, content, mime_type) in request_data.multipart_data.items():
        data = content if isinstance(content, bytes) else _read(content)
        files[part] = UploadedFile(filename, data, mime_type)
    return files


def _read(handle: IO[bytes]) -> bytes:
    handle.seek(0)
    return handle.read()


class SandboxRequest(BaseRequest):
    """A ``BaseRequest`` whose "server" is a sandbox; use one for requests, one for polling."""

    def __init__(self, sandbox: Sandbox, *, read_timeout: float | None = 5.0) -> None:
        self.sandbox = sandbox
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open: the sandbox lives in this process."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        name = method_from_url(url)
        if name is None:
            return NOT_FOUND.code, json.dumps(NOT_FOUND.body()).encode("utf-8")
        raw: dict[str, Any] = dict(request_data.json_parameters) if request_data else {}
        response = await self.sandbox.call(name, raw, files_of(request_data))
        timeout = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        if response.delay:
            if timeout is not None and response.delay >= timeout:
                await self.sandbox.sleep(timeout)
                raise TimedOut
            await self.sandbox.sleep(response.delay)
        if response.drop_connection:
            raise NetworkError("httpx.RemoteProtocolError: Server disconnected without "
                               "sending a response.")
        return response.status, response.payload()


def make_bot(sandbox: Sandbox, *, read_timeout: float | None = 5.0) -> Bot:
    """A real PTB ``Bot`` talking to the sandbox (call ``await bot.initialize()``)."""
    return Bot(sandbox.token, request=SandboxRequest(sandbox, read_timeout=read_timeout),
               get_updates_request=SandboxRequest(sandbox, read_timeout=read_timeout))


def application_builder(
    sandbox: Sandbox, *, read_timeout: float | None = 5.0
) -> InitApplicationBuilder:
    """``Application.builder()`` with the token and both requests pointed at the sandbox."""
    return (Application.builder().token(sandbox.token)
            .request(SandboxRequest(sandbox, read_timeout=read_timeout))
            .get_updates_request(SandboxRequest(sandbox, read_timeout=read_timeout)))
