"""A ready-made brand world for ``portavoce try``, demos and end-to-end tests.

One call gives the shape design.md describes: a community supergroup, a private team chat as a
forum with one topic per case kind, a channel with its discussion group, and a few people with
different roles and languages. The bot is an administrator everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.sandbox.world import Sandbox


@dataclass(frozen=True, slots=True)
class DemoWorld:
    community: int
    team: int
    topics: dict[str, int]
    channel: int
    discussion: int
    owner: int
    moderator: int
    team_member: int
    members: tuple[int, ...]


def build_demo(sandbox: Sandbox, brand: str = "Caffè Aurora") -> DemoWorld:
    """Populate ``sandbox`` with a brand's chats and people; updates so far are discarded."""
    owner = sandbox.add_user("Olga", last_name="Bruni", username="olga_aurora")["id"]
    moderator = sandbox.add_user("Matteo", username="matteo_mod")["id"]
    team_member = sandbox.add_user("Sara", username="sara_support")["id"]
    members = tuple(
        sandbox.add_user(name, username=username, language_code=lang)["id"]
        for name, username, lang in (("Giulia", "giulia_r", "it"), ("Tom", "tom_uk", "en"),
                                     ("Luca", None, "it")))
    community = sandbox.add_group(brand, owner_id=owner, username="caffeaurora_community")
    sandbox.set_member(community, moderator, "administrator", default_rights=False,
                       can_delete_messages=True, can_restrict_members=True,
                       can_pin_messages=True)
    for member in members:
        sandbox.set_member(community, member, "member")
    sandbox.add_bot_to(community)
    team = sandbox.add_group(f"Team {brand}", forum=True, owner_id=owner)
    for person in (moderator, team_member):
        sandbox.set_member(team, person, "member")
    sandbox.add_bot_to(team)
    topics = {kind: sandbox.add_topic(team, kind.capitalize())
              for kind in ("complaints", "questions", "moderation", "praise")}
    discussion = sandbox.add_group(f"{brand} – commenti", owner_id=owner)
    sandbox.add_bot_to(discussion)
    channel = sandbox.add_channel(f"{brand} News", linked_group=discussion, owner_id=owner,
                                  username="caffeaurora")
    sandbox.add_bot_to(channel)
    for person in (owner, moderator, team_member, *members):
        sandbox.add_private_chat(person)
    sandbox.pending.clear()
    return DemoWorld(community, team, topics, channel, discussion, owner, moderator,
                     team_member, members)
