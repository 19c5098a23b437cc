"""A seeded 500-update community day, and the final state it leaves, for the kill -9 proof.

Everything a member does is injected into the sandbox server before the bot starts (so user
message ids are the same in every run); button presses, which need the bot's own messages,
come last. The final state is normalised to what must not depend on timing: bot message ids
and case numbers (assigned in processing order across chats) are left out, everything that
names a member's message or a member is kept.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

GROUPS = [-1001000000001 - n for n in range(4)]
TEAM = -1001000000099
TOPICS = {"complaints": 2, "questions": 3, "reports": 4, "moderation": 5, "praise": 6,
          "digest": 7}
TOTAL = 500
PRESSES = 20
CHATTER = ["buongiorno a tutti", "ciao ragazzi", "stasera qualcuno guarda la partita?",
           "che tempo fa da voi oggi?", "ho appena finito il turno",
           "qualcuno è di Torino qui?", "oggi piove", "sto leggendo un libro",
           "domani si parte", "eccomi di nuovo qui"]
QUESTIONS = ["Quanto costa la spedizione?", "In quanti giorni arriva il pacco?",
             "Come funziona l'abbonamento?", "Le capsule sono compatibili con Nespresso?",
             "Come faccio un reso?", "Come uso un codice sconto?"]
BLOCKED = ["questa offerta è una truffa", "sei proprio un idiota", "free crypto per tutti qui"]


@dataclass
class Server:
    proc: asyncio.subprocess.Process
    url: str
    client: httpx.AsyncClient

    async def do(self, action: str, **kwargs: Any) -> Any:
        response = await self.client.post(f"/sandbox/do/{action}", json=kwargs)
        assert response.status_code == 200, response.text
        return response.json()["result"]

    async def calls(self) -> list[dict[str, Any]]:
        return list((await self.client.get("/sandbox/calls")).json()["result"])

    async def close(self) -> None:
        await self.client.aclose()
        self.proc.terminate()
        await self.proc.wait()


async def start_server() -> Server:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.sandbox.server", "--port", "0",
        stdout=asyncio.subprocess.PIPE)
    assert proc.stdout is not None
    port = int(await asyncio.wait_for(proc.stdout.readline(), timeout=20))
    url = f"http://127.0.0.1:{port}"
    return Server(proc, url, httpx.AsyncClient(base_url=url, timeout=10))


@dataclass
class Script:
    """What was injected, so presses can find their targets after processing."""

    injected: int = 0
    askers: list[int] = field(default_factory=list)      # private chat ids of FAQ askers
    last_message: dict[int, int] = field(default_factory=dict)  # newest member message
    joiners: list[tuple[int, int]] = field(default_factory=list)  # (group, user)


async def build_world(server: Server) -> dict[str, Any]:
    owner = (await server.do("add_user", first_name="Elena"))["id"]
    world: dict[str, Any] = {"members": {}, "admins": {}}
    for n, group in enumerate(GROUPS):
        await server.do("add_group", title=f"Community {n}", chat_id=group, owner_id=owner)
        admin = (await server.do("add_user", first_name=f"Mod{n}"))["id"]
        await server.do("set_member", chat_id=group, user_id=admin, status="administrator")
        world["admins"][group] = admin
        members = []
        for m in range(34):
            user = (await server.do("add_user", first_name=f"Socio{n}x{m}"))["id"]
            await server.do("set_member", chat_id=group, user_id=user, status="member")
            members.append(user)
        world["members"][group] = members
    await server.do("add_group", title="Team", chat_id=TEAM, forum=True, owner_id=owner)
    for name, thread in TOPICS.items():
        await server.do("add_topic", chat_id=TEAM, name=name, thread_id=thread)
    for chat in [*GROUPS, TEAM]:
        await server.do("add_bot_to", chat_id=chat, status="administrator", by_user_id=owner)
    return world


async def inject_day(server: Server, world: dict[str, Any], seed: int) -> Script:
    """480 member updates (everything but the presses), in a seeded order."""
    rng, script = random.Random(seed), Script()
    steps: list[tuple[str, int, int]] = []
    picks = [(g, m) for g in GROUPS for m in world["members"][g][32:]]
    steps += [("complaint", g, m) for g, m in picks[:4]]
    steps += [("blocked", g, m) for g, m in picks] + [("blocked", g, m) for g, m in picks[:4]]
    steps += [("question", g, m) for g in GROUPS for m in world["members"][g][:10]]
    steps += [("rules", g, world["members"][g][n]) for g in GROUPS for n in (0, 1)]
    steps += [("warn", g, world["members"][g][2]) for g in GROUPS] + [
        ("warn", g, world["members"][g][3]) for g in GROUPS[:2]]
    steps += [("mute", g, world["members"][g][4]) for g in GROUPS]
    steps += [("ban", g, world["members"][g][5]) for g in GROUPS[:2]]
    steps += [("join", g, 0) for g in GROUPS] + [("join", g, 0) for g in GROUPS[:2]]
    updates = sum(2 if kind in ("warn", "mute", "ban", "join") else 1 for kind, _, _ in steps)
    chatter = [("chatter", g, m) for g in GROUPS for m in world["members"][g][:32]
               for _ in range(3)]
    steps += chatter[:TOTAL - PRESSES - updates]
    rng.shuffle(steps)
    for kind, group, user in steps:
        await _inject(server, world, script, kind, group, user, rng)
    assert script.injected == TOTAL - PRESSES, script.injected
    return script


async def _inject(server: Server, world: dict[str, Any], script: Script, kind: str,
                  group: int, user: int, rng: random.Random) -> None:
    admin = world["admins"][group]
    if kind in ("chatter", "complaint", "blocked"):
        text = {"chatter": rng.choice(CHATTER), "blocked": rng.choice(BLOCKED),
                "complaint": f"Ordine {user % 1000} mai arrivato dopo tre settimane, "
                             "servizio pessimo, voglio il rimborso"}[kind]
        sent = await server.do("user_sends", chat_id=group, user_id=user, text=text)
        script.last_message[group] = sent["message_id"]
    elif kind == "question":
        private = await server.do("add_private_chat", user_id=user)
        sent = await server.do("user_sends", chat_id=private, user_id=user,
                               text=rng.choice(QUESTIONS))
        script.last_message[private] = sent["message_id"]
        script.askers.append(private)
    elif kind == "rules":
        sent = await server.do("user_sends", chat_id=group, user_id=user, text="/rules")
        script.last_message[group] = sent["message_id"]
    elif kind == "join":
        joiner = (await server.do("add_user", first_name=f"Nuovo{len(script.joiners)}"))["id"]
        sent = await server.do("user_joins", chat_id=group, user_id=joiner)
        script.last_message[group] = sent["message_id"]
        script.joiners.append((group, joiner))
        script.injected += 1  # chat_member + service message: one join, two updates
    else:
        target = (await server.do("user_sends", chat_id=group, user_id=user,
                                  text="eccomi"))["message_id"]
        script.injected += 1
        command = {"warn": "/warn spam", "mute": "/mute 10m", "ban": "/ban"}[kind]
        sent = await server.do("user_sends", chat_id=group, user_id=admin, text=command,
                               reply_to=target)
        script.last_message[group] = sent["message_id"]
    script.injected += 1


async def press_buttons(server: Server, script: Script) -> int:
    """20 presses: verification by each newcomer, FAQ feedback in DMs for the rest."""
    calls = [c for c in await server.calls() if c["method"] == "sendMessage" and c["ok"]]
    pressed = 0
    for private in script.askers[:PRESSES - len(script.joiners)]:
        answer = next(c for c in calls if _chat(c) == private and _data(c, "faq:"))
        await server.do("press_button", chat_id=private, message_id=answer["result"]["message_id"],
                        user_id=private, data=_data(answer, "faq:"))
        pressed += 1
    for group, joiner in script.joiners:
        prompt = next(c for c in calls if _chat(c) == group and _data(c, "ver:"))
        await server.do("press_button", chat_id=group, message_id=prompt["result"]["message_id"],
                        user_id=joiner, data=_data(prompt, "ver:"))
        pressed += 1
    return pressed


def _chat(call: dict[str, Any]) -> int:
    return int(call["params"]["chat_id"])


def _data(call: dict[str, Any], prefix: str) -> str:
    rows = (call["params"].get("reply_markup") or {}).get("inline_keyboard", [])
    found = [b["callback_data"] for row in rows for b in row
             if str(b.get("callback_data", "")).startswith(prefix)]
    return found[0] if found else ""


def answers_ready(calls: list[dict[str, Any]], script: Script) -> bool:
    sent = [c for c in calls if c["method"] == "sendMessage" and c["ok"]]
    asked = all(any(_chat(c) == p and _data(c, "faq:") for c in sent)
                for p in script.askers[:PRESSES - len(script.joiners)])
    prompted = all(any(_chat(c) == g and _data(c, "ver:") for c in sent)
                   for g, _ in script.joiners)
    return asked and prompted


def db_quiet(db: Path) -> bool:
    if not db.exists():
        return False
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            inbox = conn.execute("select count(*) from inbox where status='pending'").fetchone()
            outbox = conn.execute(  # rows due now (an unmute in 10 minutes is not owed yet)
                "select count(*) from outbox where status='pending' "
                "and not_before <= datetime('now')").fetchone()
            return int(inbox[0]) == 0 and int(outbox[0]) == 0
    except sqlite3.OperationalError:
        return False


def effects(calls: list[dict[str, Any]], last_user_message: dict[int, int]
            ) -> Counter[tuple[Any, ...]]:
    """Effects on members and their messages, each as a timing-free key, with multiplicity.

    Left out on purpose, because they depend on timing by design: the texts of replies (a
    repeated FAQ question gets "see the answer above" with a link to whichever answer came
    first), the team chat's batched moderation log and rate-based spike cards, welcome prompts
    that merge newcomers who joined together, and deletions of the bot's own notices.
    """
    out: Counter[tuple[Any, ...]] = Counter()
    for call in calls:
        method, params = call["method"], call["params"]
        if not call["ok"]:
            continue
        chat = int(params["chat_id"]) if "chat_id" in params else None
        if method in ("deleteMessage", "deleteMessages"):
            ids = params.get("message_ids") or [params["message_id"]]
            for mid in ids:
                if chat is not None and int(mid) <= last_user_message.get(chat, 0):
                    out[("deleteMessage", chat, int(mid))] += 1
        elif method == "sendMessage":
            reply = (params.get("reply_parameters") or {}).get("message_id")
            if reply is not None and chat != TEAM:
                out[("reply", chat, int(reply))] += 1
        elif method == "answerCallbackQuery":
            out[(method, str(params["callback_query_id"]), str(params.get("text", "")))] += 1
        elif method in ("banChatMember", "unbanChatMember", "restrictChatMember",
                        "banChatSenderChat"):
            out[(method, chat, params.get("user_id"),
                 json.dumps(params.get("permissions"), sort_keys=True))] += 1
    return out


def rows(db: Path) -> dict[str, Counter[tuple[Any, ...]]]:
    queries = {
        "cases": "select kind, status, chat_id, message_id, author_id, text from cases "
                 "where kind != 'spike'",
        "warnings": "select chat_id, user_id, reason, active from warnings",
        "events": "select chat_id, user_id, message_id, action, reasons from moderation_events",
        "questions": "select chat_id, message_id, asker_id, status, entry_id from questions",
        "members": "select chat_id, user_id, status, message_count from members",
        "votes": "select user_id, helpful from faq_votes",
        "inbox": "select status, count(*) from inbox group by status",
    }
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return {name: Counter(tuple(r) for r in conn.execute(sql))
                for name, sql in queries.items()}
