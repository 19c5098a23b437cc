"""Bot API methods about members and chats: restrict, ban, look up, leave, answer buttons."""

from __future__ import annotations

import copy

from bot.sandbox.compose import target_chat
from bot.sandbox.errors import bad_request, not_enough_rights_to_restrict
from bot.sandbox.model import PERMISSIONS, Chat, Member
from bot.sandbox.params import Params
from bot.sandbox.state import JsonDict, World

_FOREVER_BELOW = 30
_FOREVER_ABOVE = 366 * 86400
_SEND_MEDIA = ("can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
               "can_send_videos", "can_send_video_notes", "can_send_voice_notes")
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


def _until(world: World, params: Params) -> int:
    """Telegram treats an until_date under 30 s or over 366 days away as forever (0)."""
    until = params.get_int("until_date", 0) or 0
    ahead = until - world.now()
    return 0 if ahead < _FOREVER_BELOW or ahead > _FOREVER_ABOVE else until


def _moderated(world: World, params: Params, *, supergroup_only: bool) -> tuple[Chat, int]:
    """Chat and user of a restrict/ban call, after Telegram's rights checks in its order."""
    chat = target_chat(world, params)
    if chat.type == "private":
        raise bad_request("method is available for supergroup and channel chats only")
    if supergroup_only and chat.type != "supergroup":
        raise bad_request("method is available only for supergroups")
    user_id = params.req_int("user_id")
    if user_id not in world.users:
        raise bad_request("user not found")
    if user_id == world.bot_id:
        raise bad_request("can't restrict self")
    if not world.bot_member(chat).has_right("can_restrict_members"):
        raise not_enough_rights_to_restrict()
    target = chat.member(user_id)
    if target.status == "creator":
        raise bad_request("can't remove chat owner")
    if target.status == "administrator":
        raise bad_request("user is an administrator of the chat")
    return chat, user_id


def _change(world: World, chat: Chat, new: Member) -> None:
    old = chat.member(new.user_id)
    chat.members[new.user_id] = new
    if old != new:
        world.emit_member_change(chat, new.user_id, old, world.bot_id)


def restrict_chat_member(world: World, params: Params) -> bool:
    chat, user_id = _moderated(world, params, supergroup_only=True)
    given = params.get_obj("permissions")
    if given is None:
        raise bad_request("parameter \"permissions\" is required")
    permissions = {name: bool(given.get(name, False)) for name in PERMISSIONS}
    if not params.get_bool("use_independent_chat_permissions"):
        if permissions["can_send_other_messages"] or permissions["can_add_web_page_previews"]:
            permissions.update(dict.fromkeys(_SEND_MEDIA, True))
        if permissions["can_send_polls"]:
            permissions["can_send_messages"] = True
    old = chat.member(user_id)
    if all(permissions[name] for name in PERMISSIONS if name != "can_edit_tag"):
        new = Member(user_id, "member" if old.present else "left")
    else:
        new = Member(user_id, "restricted", permissions=permissions, until_date=_until(
            world, params), is_member=old.present)
    _change(world, chat, new)
    return True


def ban_chat_member(world: World, params: Params) -> bool:
    chat, user_id = _moderated(world, params, supergroup_only=False)
    if chat.type != "group" or params.get_bool("revoke_messages"):
        for message in chat.messages.values():
            if message.sender_id == user_id and not message.deleted:
                message.deleted, message.deleted_at = True, world.now_float()
    _change(world, chat, Member(user_id, "kicked", until_date=_until(world, params)))
    return True


def unban_chat_member(world: World, params: Params) -> bool:
    """Quirk kept on purpose: without only_if_banned a present member is removed."""
    chat, user_id = _moderated(world, params, supergroup_only=False)
    member = chat.member(user_id)
    if member.status == "kicked" or (
        member.present and not params.get_bool("only_if_banned")
    ):
        _change(world, chat, Member(user_id, "left"))
    return True


def ban_chat_sender_chat(world: World, params: Params) -> bool:
    chat = target_chat(world, params)
    if chat.type not in ("supergroup", "channel"):
        raise bad_request("method is available for supergroup and channel chats only")
    if not world.bot_member(chat).has_right("can_restrict_members"):
        raise not_enough_rights_to_restrict()
    chat.banned_sender_chats.add(params.req_int("sender_chat_id"))
    return True


def unban_chat_sender_chat(world: World, params: Params) -> bool:
    chat = target_chat(world, params)
    if not world.bot_member(chat).has_right("can_restrict_members"):
        raise not_enough_rights_to_restrict()
    chat.banned_sender_chats.discard(params.req_int("sender_chat_id"))
    return True


def get_chat_member(world: World, params: Params) -> JsonDict:
    chat = target_chat(world, params)
    user_id = params.req_int("user_id")
    if user_id not in world.users:
        raise bad_request("user not found")
    if chat.type == "private":
        status = "member" if user_id in (chat.id, world.bot_id) else "left"
        return Member(user_id, status).to_api(world.user_api(user_id))
    return chat.member(user_id).to_api(world.user_api(user_id))


def get_chat_administrators(world: World, params: Params) -> list[JsonDict]:
    chat = target_chat(world, params)
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    return [m.to_api(world.user_api(m.user_id)) for m in chat.members.values() if m.is_admin]


def get_chat_member_count(world: World, params: Params) -> int:
    chat = target_chat(world, params)
    if chat.type == "private":
        return 2
    return sum(1 for m in chat.members.values() if m.present)


def get_chat(world: World, params: Params) -> JsonDict:
    """ChatFullInfo, with the fields PTB requires (accent colour, reactions, gift types)."""
    chat = target_chat(world, params)
    info = chat.to_api()
    info.update(accent_color_id=0, max_reaction_count=11, accepted_gift_types={
        "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
        "premium_subscription": False, "gifts_from_channels": False})
    if chat.is_group:
        info["permissions"] = dict(chat.permissions)
    if chat.linked_chat_id is not None:
        info["linked_chat_id"] = chat.linked_chat_id
    if chat.description:
        info["description"] = chat.description
    pinned = world.find_message(chat, chat.pinned_message_id or 0)
    if pinned is not None:
        info["pinned_message"] = world.message_dict(pinned, nested=False)
    return info


def leave_chat(world: World, params: Params) -> bool:
    chat = target_chat(world, params)
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    old = copy.deepcopy(chat.member(world.bot_id))
    chat.members[world.bot_id] = Member(world.bot_id, "left")
    world.emit_member_change(chat, world.bot_id, old, world.bot_id)
    return True


def answer_callback_query(world: World, params: Params) -> bool:
    query = world.queries.get(params.req_str("callback_query_id"))
    too_old = query is not None and (
        world.now_float() - query.created_at > world.callback_answer_window)
    if query is None or query.answered or too_old:
        raise bad_request(_QUERY_INVALID)
    query.answered = True
    query.answer = {key: params.raw(key) for key in ("text", "show_alert", "url", "cache_time")
                    if params.has(key)}
    return True


METHODS = {
    "restrictChatMember": restrict_chat_member, "banChatMember": ban_chat_member,
    "kickChatMember": ban_chat_member, "unbanChatMember": unban_chat_member,
    "banChatSenderChat": ban_chat_sender_chat, "unbanChatSenderChat": unban_chat_sender_chat,
    "getChatMember": get_chat_member, "getChatAdministrators": get_chat_administrators,
    "getChatMemberCount": get_chat_member_count, "getChatMembersCount": get_chat_member_count,
    "getChat": get_chat, "leaveChat": leave_chat, "answerCallbackQuery": answer_callback_query,
}
