"""The scale-out test's world and traffic, built in-process (fast) and handed to the server.

Two kinds of traffic:
- ``rounds``: small scenarios in ten chats that exercise the state workers share (flood,
  the same text sent to three chats, a raid, the report rate limit, context lines on a card,
  a spike of complaints, a blocklist change, a repeat ban). Round by round, one update per
  scenario chat, each round handled before the next is posted: consecutive updates of one
  chat go to whichever worker claims them first, so they are spread over the workers, and
  the cross-chat copies arrive in a fixed order.
- ``bulk``: ``updates`` plain messages over ``chats`` chats, posted as fast as the receivers
  take them (the exactly-once, in-order and rate checks). Their wording is chosen to stay
  below the spam review threshold: "ciao 4999" from a new member scores 0.70 and would open
  a review case per message.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.policy_loader import example_policy_path
from bot.sandbox import Sandbox
from bot.sandbox.persist import save_file

JsonDict = dict[str, Any]
TEAM_CHAT = -1009000000099
PER_MEMBER = 5


@dataclass
class Traffic:
    sandbox: Sandbox
    groups: list[int]
    rounds: list[list[JsonDict]] = field(default_factory=list)
    bulk: list[JsonDict] = field(default_factory=list)

    @property
    def all(self) -> list[JsonDict]:
        return [u for batch in self.rounds for u in batch] + self.bulk


def write_policy(path: Path) -> Path:
    """The bundled policy with a team chat in this world, and no wall-clock timers: no
    digests, no unanswered-question timers, no verification prompts, so the final state
    does not depend on how long a run takes."""
    yaml = YAML()
    data = yaml.load(example_policy_path().read_text(encoding="utf-8"))
    data["team"] = {"chat_id": TEAM_CHAT, "topics": {}}
    data["communities"] = []
    moderation = data["moderation"]
    moderation["new_members"]["verify"] = "none"
    moderation["raid"] = {"joins": 4, "seconds": "60s", "duration": "30m"}
    data["escalation"]["unanswered_questions"] = {"enabled": False}
    data["escalation"]["reports"]["per_member"] = 2
    data["reputation"]["digest"] = {"daily": False, "weekly": False}
    out = io.StringIO()
    yaml.dump(data, out)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def build(chats: int, updates: int) -> Traffic:
    sandbox = Sandbox()
    owner = sandbox.add_user("Owner")["id"]
    groups = [sandbox.add_group(f"Gruppo {n}", owner_id=owner) for n in range(chats)]
    sandbox.add_group("Team", chat_id=TEAM_CHAT, owner_id=owner)
    for chat in [*groups, TEAM_CHAT]:
        sandbox.add_bot_to(chat, "administrator", by_user_id=owner)
    traffic = Traffic(sandbox, groups)
    traffic.rounds = [_taken(sandbox), *_rounds(sandbox, groups, owner)]
    traffic.bulk = _bulk(sandbox, groups, updates)
    return traffic


def save(traffic: Traffic, path: Path) -> Path:
    """The world for the sandbox server, without the updates (the test posts those)."""
    traffic.sandbox.pending.clear()
    save_file(traffic.sandbox, path)
    return path


Step = Callable[[], object]  # makes the sandbox emit one round's updates of one scenario


def _rounds(sandbox: Sandbox, groups: list[int], owner: int) -> list[list[JsonDict]]:
    scripts = [_flood, _repeat, _raid, _reports, _complaint, _spike, _blocklist, _removal]
    lanes: list[list[list[JsonDict]]] = []
    for script in scripts:
        lane = []
        for step in script(sandbox, groups, owner):
            step()
            lane.append(_taken(sandbox))
        lanes.append(lane)
    depth = max(len(lane) for lane in lanes)
    return [[u for lane in lanes if n < len(lane) for u in lane[n]] for n in range(depth)]


def _member(sandbox: Sandbox, chat: int, name: str) -> int:
    user: int = sandbox.add_user(name)["id"]
    sandbox.set_member(chat, user, "member")
    return user


def _taken(sandbox: Sandbox) -> list[JsonDict]:
    taken = list(sandbox.pending)
    sandbox.pending.clear()
    return taken


def _says(sandbox: Sandbox, chat: int, user: int, text: str) -> Step:
    return lambda: sandbox.user_sends(chat, user, text)


def _flood(sandbox: Sandbox, groups: list[int], owner: int) -> list[Step]:
    chat = groups[0]
    fast = _member(sandbox, chat, "Veloce")
    return [_says(sandbox, chat, fast, f"buongiorno a tutti, oggi provo la miscela numero {n}")
            for n in range(8)]


def _repeat(sandbox: Sandbox, groups: list[int], owner: int) -> list[Step]:
    """One text to three chats, a round apart: the third copy is a repeat."""
    user = sandbox.add_user("Ripetitore")["id"]
    for chat in groups[1:4]:
        sandbox.set_member(chat, user, "member")
    return [_says(sandbox, chat, user, "offerta speciale, tutti nel mio canale")
            for chat in groups[1:4]]


def _raid(sandbox: Sandbox, groups: list[int], owner: int) -> list[Step]:
    chat = groups[4]
    users = [sandbox.add_user(f"Raider{n}")["id"] for n in range(6)]
    return [partial(sandbox.user_joins, chat, u) for u in users]


def _reports(sandbox: Sandbox, groups: list[int], owner: int) -> list[Step]:
    """Four reports by one member, at most two an hour: two cases, two refusals."""
    chat = groups[5]
    author, reporter = _member(sandbox, chat, "Autore"), _member(sandbox, chat, "Segnala")

    def report(n: int) -> None:
        said = sandbox.user_sends(chat, author, f"oggi provo la miscela {n} con il latte")
        sandbox.user_sends(chat, reporter, "/report", reply_to=said["message_id"])

    return [partial(report, n) for n in range(4)]


def _complaint(sandbox: Sandbox, groups: list[int], owner: int) -> list[Step]:
    """Three lines by three members, then a complaint: its card quotes them."""
    chat = groups[6]
    lines = ["buongiorno a tutti", "qualcuno ha provato la miscela nuova?", "io sì, buona",
             "Ordine mai arrivato dopo tre settimane, servizio pessimo"]
    return [_says(sandbox, chat, _member(sandbox, chat, f"Persona{n}"), line)
            for n, line in enumerate(lines)]


def _spike(sandbox: Sandbox, groups: list[int], owner: int) -> list[Step]:
    chat = groups[7]
    return [_says(sandbox, chat, _member(sandbox, chat, f"Arrabbiato{n}"),
                  f"Ordine {n} arrivato rotto, servizio pessimo, vergognoso") for n in range(6)]


def _blocklist(sandbox: Sandbox, groups: list[int], owner: int) -> list[Step]:
    """A rule added through one worker applies in the next, whichever worker that is."""
    chat = groups[8]
    member = _member(sandbox, chat, "Cliente")
    return [_says(sandbox, chat, member, "buongiorno"),
            _says(sandbox, chat, owner, "/blocklist add bananone"),
            _says(sandbox, chat, member, "vendo bananone a poco")]


def _removal(sandbox: Sandbox, groups: list[int], owner: int) -> list[Step]:
    """Two banned messages: the second finds the member just removed (only cleaned up)."""
    chat = groups[9]
    spammer = _member(sandbox, chat, "Spammer")
    return [_says(sandbox, chat, spammer, f"free crypto per tutti {n}") for n in range(2)]


def _bulk(sandbox: Sandbox, groups: list[int], updates: int) -> list[JsonDict]:
    chats = len(groups)
    authors: dict[tuple[int, int], int] = {}
    for n in range(updates):
        group = groups[n % chats]
        slot = (group, n // (chats * PER_MEMBER))
        if slot not in authors:
            authors[slot] = _member(sandbox, group, f"M{n}")
        sandbox.user_sends(group, authors[slot], f"stasera provo la miscela {n} con il latte")
    return _taken(sandbox)
