"""`portavoce try`: chat with the bot in a sandbox brand group, no token and no setup.

Lines you type are sent as messages by the current persona (/as member|admin|team) in the
current chat (/in group|team|dm). Everything the bot does is printed: replies, deletions,
restrictions, cards in the team chat. With --jsonl each Bot API call is one JSON line.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from bot.playground import Playground, temporary_database
from bot.policy_loader import load_policy
from bot.sandbox import SandboxError
from policies.durations import DurationError, parse_duration

QUIET_METHODS = frozenset({"getUpdates", "getMe", "deleteWebhook", "getWebhookInfo",
                           "setMyCommands", "getChatMember", "getChatAdministrators", "getChat"})
HELP = """Commands: /as member|admin|team · /in group|team|dm · /reply N text · /edit N text
/press N (button N of the bot's last message with buttons) · /join NAME · /wait 30m · /quit
Anything else is sent as a message. Bot commands (/help, /rules, ...) go to the bot."""


class Console:
    def __init__(self, play: Playground, out: TextIO, *, jsonl: bool) -> None:
        self.play, self.out, self.jsonl = play, out, jsonl
        self.persona = "member"
        self.where = "group"
        self.seen_calls = 0
        self.last_buttons: tuple[int, int, list[str]] | None = None

    def user_id(self) -> int:
        return int(getattr(self.play.people, self.persona))

    def chat_id(self) -> int:
        if self.where == "team":
            return self.play.team_chat_id
        if self.where == "dm":
            return self.play.sandbox.add_private_chat(self.user_id())
        return self.play.group_id

    def say(self, text: str) -> None:
        if not self.jsonl:
            print(text, file=self.out, flush=True)

    async def handle(self, line: str) -> bool:
        """Act on one input line; False means quit."""
        line = line.strip()
        if not line:
            return True
        word, _, rest = line.partition(" ")
        local = {"/quit": self._quit, "/exit": self._quit, "/as": self._as, "/in": self._in,
                 "/reply": self._reply, "/edit": self._edit, "/press": self._press,
                 "/wait": self._wait, "/join": self._join, "/commands": self._help}
        action = local.get(word)
        try:
            if action is None:
                self.play.sandbox.user_sends(self.chat_id(), self.user_id(), line)
            elif not await action(rest.strip()):
                return False
        except SandboxError as exc:  # e.g. a banned persona tries to write
            self.say(f"(Telegram would not allow that: {exc})")
            return True
        await self.play.deliver()
        self.show_new_calls()
        return True

    async def _quit(self, _: str) -> bool:
        return False

    async def _help(self, _: str) -> bool:
        self.say(HELP)
        return True

    async def _as(self, rest: str) -> bool:
        if rest not in ("member", "admin", "team"):
            self.say("usage: /as member|admin|team")
        else:
            self.persona = rest
            self.say(f"(you are now the {rest})")
        return True

    async def _in(self, rest: str) -> bool:
        if rest not in ("group", "team", "dm"):
            self.say("usage: /in group|team|dm")
        else:
            self.where = rest
            self.say(f"(you now write in the {rest} chat)")
        return True

    async def _reply(self, rest: str) -> bool:
        match = re.fullmatch(r"#?(\d+)\s+(.+)", rest, flags=re.DOTALL)
        if not match:
            self.say("usage: /reply MESSAGE_ID text")
            return True
        self.play.sandbox.user_sends(self.chat_id(), self.user_id(), match.group(2),
                                     reply_to=int(match.group(1)))
        return True

    async def _edit(self, rest: str) -> bool:
        match = re.fullmatch(r"#?(\d+)\s+(.+)", rest, flags=re.DOTALL)
        if not match:
            self.say("usage: /edit MESSAGE_ID new text")
            return True
        self.play.sandbox.user_edits(self.chat_id(), int(match.group(1)), match.group(2))
        return True

    async def _press(self, rest: str) -> bool:
        if self.last_buttons is None or not rest.isdigit():
            self.say("usage: /press N (after a bot message with buttons)")
            return True
        chat_id, message_id, data = self.last_buttons
        index = int(rest) - 1
        if not 0 <= index < len(data):
            self.say(f"there are {len(data)} buttons")
            return True
        self.play.sandbox.press_button(chat_id, message_id, self.user_id(), data[index])
        return True

    async def _wait(self, rest: str) -> bool:
        try:
            seconds = parse_duration(rest or "1m")
        except DurationError as exc:
            self.say(str(exc))
            return True
        self.play.clock.advance(seconds)
        self.say(f"(time passes: {rest or '1m'})")
        return True

    async def _join(self, rest: str) -> bool:
        user = self.play.sandbox.add_user(rest or "Newcomer", language_code="it")
        self.play.sandbox.user_joins(self.play.group_id, user["id"])
        self.say(f"({user['first_name']} joins the group as user {user['id']})")
        return True

    def show_new_calls(self) -> None:
        calls = self.play.sandbox.calls[self.seen_calls:]
        self.seen_calls = len(self.play.sandbox.calls)
        for call in calls:
            if call.method in QUIET_METHODS:
                continue
            if self.jsonl:
                record = {"method": call.method, "params": call.params, "ok": call.ok}
                print(json.dumps(record, ensure_ascii=False, default=str), file=self.out,
                      flush=True)
            else:
                self.say(self.describe(call.method, call.params, call.ok, call.result))

    def describe(self, method: str, params: dict[str, Any], ok: bool, result: Any) -> str:
        where = self.chat_name(params.get("chat_id"))
        status = "" if ok else "  (refused by Telegram)"
        if method in ("sendMessage", "editMessageText"):
            text = _plain(str(params.get("text", "")))
            verb = "edits" if method == "editMessageText" else "says"
            self.remember_buttons(params, result)
            return f"[bot {verb} in {where}]{status}\n{_indent(text)}{self.buttons_line(params)}"
        if method in ("deleteMessage", "deleteMessages"):
            ids = params.get("message_ids") or [params.get("message_id")]
            return f"[bot deletes message {', '.join(f'#{i}' for i in ids)} in {where}]{status}"
        if method in ("restrictChatMember", "banChatMember", "unbanChatMember"):
            verb = {"restrictChatMember": "restricts", "banChatMember": "bans",
                    "unbanChatMember": "unbans"}[method]
            return f"[bot {verb} user {params.get('user_id')} in {where}]{status}"
        if method == "answerCallbackQuery":
            return f"[bot answers the button press: {params.get('text', '(silently)')}]"
        return f"[bot calls {method} in {where}]{status}"

    def remember_buttons(self, params: dict[str, Any], result: Any) -> None:
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if not markup or not isinstance(result, dict):
            return
        data = [b.get("callback_data", "") for row in markup.get("inline_keyboard", [])
                for b in row if b.get("callback_data")]
        if data:
            self.last_buttons = (int(params["chat_id"]), int(result["message_id"]), data)

    def buttons_line(self, params: dict[str, Any]) -> str:
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if not markup:
            return ""
        labels = [b.get("text", "?") for row in markup.get("inline_keyboard", []) for b in row]
        return "\n  buttons: " + " ".join(f"[{i}] {t}" for i, t in enumerate(labels, 1))

    def chat_name(self, chat_id: object) -> str:
        if chat_id is None:
            return "-"
        try:
            chat = self.play.sandbox.chat(int(str(chat_id)))
        except Exception:
            return str(chat_id)
        return chat.title or f"DM with {chat.first_name}"


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())


async def run_console(*, policy_path: Path | None, jsonl: bool, db_url: str | None,
                      stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    policy = load_policy(policy_path)
    stdin, out = stdin or sys.stdin, out or sys.stdout
    with tempfile.TemporaryDirectory(prefix="portavoce-try-") as tmp:
        play = await Playground.create(policy, db_url or temporary_database(Path(tmp)))
        console = Console(play, out, jsonl=jsonl)
        try:
            console.say(_banner(play, policy.brand.name))
            interactive = stdin.isatty()
            while True:
                prompt = f"{console.persona}@{console.where}> " if interactive else ""
                line = await asyncio.to_thread(_read_line, stdin, prompt)
                if line is None or not await console.handle(line):
                    break
        finally:
            await play.close()
    return 0


def _read_line(stdin: TextIO, prompt: str) -> str | None:
    if prompt:
        print(prompt, end="", flush=True)
    line = stdin.readline()
    return None if line == "" else line


def _banner(play: Playground, brand: str) -> str:
    group = play.sandbox.chat(play.group_id).title
    return (f"Portavoce sandbox for {brand}: you are Giulia, a member of “{group}”.\n"
            f"{HELP}")
