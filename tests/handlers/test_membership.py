"""Where the bot is, with which rights; admin cache; migration to a supergroup."""

from __future__ import annotations

import copy

from bot.playground import Playground
from bot.sandbox.faults import Fault
from storage.db import session_scope
from storage.repositories.chats import ChatInfo, ChatsRepo
from storage.repositories.members import MembersRepo


async def _chat(play: Playground, chat_id: int) -> ChatInfo | None:
    async with session_scope(play.runtime.services.sessions) as s:
        return await ChatsRepo(s).get(chat_id)


async def test_bot_added_as_admin_is_recorded_with_rights_and_team_told(play: Playground) -> None:
    sandbox = play.sandbox
    group = sandbox.add_group("Nuovo gruppo", owner_id=play.people.owner)
    sandbox.add_bot_to(group, "administrator", by_user_id=play.people.owner,
                       can_restrict_members=False)
    await play.deliver()
    chat = await _chat(play, group)
    assert chat is not None and chat.type == "supergroup" and chat.title == "Nuovo gruppo"
    assert chat.bot_status == "administrator"
    assert chat.bot_rights["can_delete_messages"] is True
    assert chat.bot_rights["can_restrict_members"] is False
    [notice] = [c for c in sandbox.calls_of("sendMessage")
                if c.params["chat_id"] == play.team_chat_id]
    assert "Nuovo gruppo" in notice.params["text"]
    assert "permessi di amministratore" in notice.params["text"]  # it asks for the missing right


async def test_admin_list_lost_on_the_wire_is_asked_again(play: Playground) -> None:
    """The bot made admin: Telegram's list of admins fills the admin cache (the owner's row).
    A dropped connection on that call is retried, not taken for an empty list."""
    sandbox = play.sandbox
    group = sandbox.add_group("Gruppo instabile", owner_id=play.people.owner)
    sandbox.faults.fail_next("getChatAdministrators", times=2,
                             error=Fault.connection_reset())
    sandbox.add_bot_to(group, "administrator", by_user_id=play.people.owner)
    await play.deliver()
    assert len(sandbox.calls_of("getChatAdministrators")) == 3
    async with session_scope(play.runtime.services.sessions) as s:
        owner = await MembersRepo(s).get(group, play.people.owner)
    assert owner is not None and owner.status == "creator" and owner.is_admin


async def test_bot_kicked_marks_chat_inactive(play: Playground) -> None:
    play.sandbox.add_bot_to(play.group_id, "kicked", by_user_id=play.people.owner)
    await play.deliver()
    chat = await _chat(play, play.group_id)
    assert chat is not None and not chat.active and chat.bot_status == "kicked"


async def test_promotion_updates_the_admin_cache(play: Playground) -> None:
    sandbox = play.sandbox
    chat = sandbox.chat(play.group_id)
    old = copy.deepcopy(chat.member(play.people.member))
    sandbox.set_member(play.group_id, play.people.member, "administrator",
                       can_restrict_members=True)
    sandbox.emit_member_change(chat, play.people.member, old, play.people.owner)
    await play.deliver()
    async with session_scope(play.runtime.services.sessions) as s:
        member = await MembersRepo(s).get(play.group_id, play.people.member)
    assert member is not None and member.is_admin
    assert member.rights["can_restrict_members"] is True


async def test_group_migrating_to_supergroup_keeps_its_data(play: Playground) -> None:
    sandbox = play.sandbox
    group = sandbox.add_group("Piccolo gruppo", supergroup=False, owner_id=play.people.owner)
    sandbox.set_member(group, play.people.member, "member")
    sandbox.add_bot_to(group, "administrator", by_user_id=play.people.owner)
    sandbox.user_sends(group, play.people.member, "ciao a tutti")
    await play.deliver()
    new_id = sandbox.migrate_to_supergroup(group)
    await play.deliver()
    moved = await _chat(play, new_id)
    old = await _chat(play, group)
    async with session_scope(play.runtime.services.sessions) as s:
        member = await MembersRepo(s).get(new_id, play.people.member)
    assert moved is not None and moved.title == "Piccolo gruppo"
    assert old is not None and old.migrated_to == new_id and not old.active
    assert member is not None and member.message_count == 1
