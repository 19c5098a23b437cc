"""/forget: a member's words and names leave every table, and the file on disk."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.playground import Playground
from storage.db import session_scope
from storage.models import Case, ModerationEvent, Question, Warning_
from storage.repositories.members import MembersRepo
from tests.reliability.conftest import texts_to

NAME, SURNAME = "Zebedeo", "Quarantottini"
COMPLAINT = "Ordine ZQ-4471 mai arrivato dopo tre settimane, servizio pessimo, voglio il rimborso"
QUESTION = "quanto costa la spedizione verso Lampedusa?"
INSULT = "siete degli idioti patentati, idiota chi vi compra"
PRAISE = "Adoro il vostro caffè, davvero il migliore che abbia mai bevuto in vita mia!"


def _file_bytes(tmp_path: Path) -> bytes:
    """The database and its WAL, as they are on disk."""
    return b"".join(p.read_bytes() for p in tmp_path.glob("bot.db*"))


async def _seed(play: Playground) -> tuple[int, int]:
    sandbox, group = play.sandbox, play.group_id
    user = sandbox.add_user(NAME, last_name=SURNAME, username="zebedeo48")["id"]
    sandbox.set_member(group, user, "member")
    for body in (COMPLAINT, QUESTION, PRAISE, INSULT):
        sandbox.user_sends(group, user, body)
        await play.deliver()
    anchor = sandbox.user_sends(group, user, "ultimo messaggio di Zebedeo qui")["message_id"]
    private = sandbox.add_private_chat(user)
    sandbox.user_sends(private, user, "ciao, vorrei sapere gli orari del negozio di Lampedusa")
    sandbox.user_sends(group, play.people.member, "/report", reply_to=anchor)
    await play.deliver()
    return user, anchor


async def _counts(play: Playground, user: int) -> dict[str, int]:
    async with session_scope(play.runtime.services.sessions) as s:
        return {
            "cases": int(await s.scalar(select(func.count()).select_from(Case)
                                        .where(Case.author_id == user)) or 0),
            "questions": int(await s.scalar(select(func.count()).select_from(Question)
                                            .where(Question.asker_id == user)) or 0),
            "events": int(await s.scalar(select(func.count()).select_from(ModerationEvent)
                                         .where(ModerationEvent.user_id == user)) or 0),
            "warnings": int(await s.scalar(select(func.count()).select_from(Warning_)
                                           .where(Warning_.user_id == user)) or 0),
        }


async def test_forget_erases_the_member_from_the_database_file(
    play: Playground, tmp_path: Path
) -> None:
    user, anchor = await _seed(play)
    before = _file_bytes(tmp_path)
    assert SURNAME.encode() in before and b"ZQ-4471" in before  # the seed really stored them
    seeded = await _counts(play, user)
    assert seeded["cases"] >= 1 and seeded["events"] >= 1 and seeded["warnings"] >= 1
    play.sandbox.user_sends(play.group_id, play.people.admin, "/forget", reply_to=anchor)
    await play.deliver()
    [answer] = [t for t in texts_to(play, play.group_id) if str(user) in t]
    assert NAME not in answer
    data = _file_bytes(tmp_path)
    for secret in (NAME, SURNAME, "zebedeo48", "ZQ-4471", "Lampedusa", "patentati",
                   "migliore che abbia mai bevuto", "ultimo messaggio di"):
        assert secret.encode() not in data, secret
    after = await _counts(play, user)
    assert after["cases"] == seeded["cases"]  # the case stays (the team's work), without words
    assert after["warnings"] == seeded["warnings"]  # kept: needed to enforce the rules


async def test_forget_is_refused_to_members_and_needs_a_target(play: Playground) -> None:
    sandbox, group = play.sandbox, play.group_id
    victim = sandbox.user_sends(group, play.people.member, "un messaggio da tenere")
    await play.deliver()
    sandbox.clear_calls()
    sandbox.user_sends(group, play.people.team, "/forget", reply_to=victim["message_id"])
    sandbox.user_sends(group, play.people.admin, "/forget")
    await play.deliver()
    refusal, usage = texts_to(play, group)
    assert "amministratori" in refusal
    assert "/forget" in usage
    async with session_scope(play.runtime.services.sessions) as s:
        member = await MembersRepo(s).get(group, play.people.member)
    assert member is not None and member.first_name == "Giulia"
