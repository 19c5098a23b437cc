"""Updates reaching the bot: long polling, offsets, allowed_updates, and a real Application."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, BotCommand, Update
from telegram.error import ChatMigrated, Conflict
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.clock import ManualClock
from bot.sandbox import Sandbox, application_builder, make_bot
from tests.sandbox.conftest import Community


async def test_long_poll_returns_an_update_injected_while_waiting(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    async def inject() -> None:
        await asyncio.sleep(0)
        sandbox.user_sends(community.group, community.member, "eccomi")

    updates, _ = await asyncio.wait_for(
        asyncio.gather(bot.get_updates(timeout=30), inject()), timeout=5)
    assert [u.message.text for u in updates if u.message] == ["eccomi"]


async def test_offset_confirms_earlier_updates(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    for text in ("uno", "due", "tre"):
        sandbox.user_sends(community.group, community.member, text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["uno", "due"]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["tre"]
    assert [u.update_id for u in rest] == [first[-1].update_id + 1]


async def test_newer_poll_ends_older_with_conflict(bot: Bot, sandbox: Sandbox) -> None:
    other = make_bot(sandbox)
    await other.initialize()

    async def second_instance() -> None:
        await asyncio.sleep(0)
        await other.get_updates(timeout=0)

    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await asyncio.wait_for(asyncio.gather(bot.get_updates(timeout=30), second_instance()),
                               timeout=5)
    await other.shutdown()


@pytest.mark.parametrize(
    ("allowed", "kinds"),
    [(None, ["message"]), (["message", "chat_member"], ["chat_member", "message"]),
     (["chat_member"], ["chat_member"])],
    ids=["default-drops-chat_member", "opt-in", "only-members"],
)
async def test_allowed_updates_filter(
    bot: Bot, sandbox: Sandbox, community: Community, allowed: list[str] | None,
    kinds: list[str],
) -> None:
    newcomer = sandbox.add_user("Nuova")["id"]
    sandbox.user_joins(community.group, newcomer)
    updates = await bot.get_updates(allowed_updates=allowed)
    got = [next(k for k in u.to_dict() if k != "update_id") for u in updates]
    assert got == kinds


async def test_join_and_leave_carry_member_statuses(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    newcomer = sandbox.add_user("Nuova")["id"]
    sandbox.user_joins(community.group, newcomer)
    sandbox.user_leaves(community.group, newcomer)
    updates = await bot.get_updates(allowed_updates=["message", "chat_member"])
    changes = [(u.chat_member.old_chat_member.status, u.chat_member.new_chat_member.status)
               for u in updates if u.chat_member]
    assert changes == [("left", "member"), ("member", "left")]
    services = [u.message for u in updates if u.message]
    assert services[0].new_chat_members[0].id == newcomer
    assert services[1].left_chat_member is not None


async def test_channel_post_and_automatic_forward(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    post, forward = sandbox.channel_posts(community.channel, "Nuovo blend 🙂")
    assert forward is not None
    updates = await bot.get_updates()
    assert updates[0].channel_post is not None
    assert updates[0].channel_post.message_id == post["message_id"]
    auto = updates[1].message
    assert auto is not None and auto.is_automatic_forward
    assert auto.sender_chat is not None and auto.sender_chat.id == community.channel
    comment = sandbox.user_sends(community.discussion, community.member, "Buono!",
                                 reply_to=forward["message_id"])
    assert comment["message_thread_id"] == forward["message_id"]


async def test_migration_answers_old_id_with_chat_migrated(bot: Bot, sandbox: Sandbox) -> None:
    old = sandbox.add_group("Vecchio", supergroup=False)
    sandbox.add_bot_to(old)
    new = sandbox.migrate_to_supergroup(old)
    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(old, "ciao")
    assert raised.value.new_chat_id == new
    updates = await bot.get_updates()
    ids = [(u.message.migrate_to_chat_id, u.message.migrate_from_chat_id)
           for u in updates if u.message and (u.message.migrate_to_chat_id
                                              or u.message.migrate_from_chat_id)]
    assert ids == [(new, None), (None, old)]
    assert (await bot.send_message(new, "ciao")).chat.id == new


@pytest.mark.parametrize(
    ("text", "delivered"),
    [("chiacchiere", False), ("/regole", True), ("ciao @portavoce_bot", True)],
    ids=["plain", "command", "mention"],
)
async def test_privacy_mode_hides_plain_messages_from_member_bot(
    clock: ManualClock, text: str, delivered: bool
) -> None:
    sandbox = Sandbox(clock=clock, privacy_mode=True)
    group = sandbox.add_group("G")
    sandbox.add_bot_to(group, "member")
    user = sandbox.add_user("U")["id"]
    sandbox.pending.clear()
    sandbox.user_sends(group, user, text)
    assert bool(sandbox.pending) is delivered


async def test_edit_emits_edited_message(
    bot: Bot, sandbox: Sandbox, community: Community
) -> None:
    sent = sandbox.user_sends(community.group, community.member, "prima")
    sandbox.user_edits(community.group, sent["message_id"], "dopo http://spam.example.com")
    updates = await bot.get_updates()
    edited = updates[-1].edited_message
    assert edited is not None and edited.text == "dopo http://spam.example.com"
    assert list(edited.parse_entities().values()) == ["http://spam.example.com"]


async def test_application_echo_command_round_trip(
    sandbox: Sandbox, community: Community
) -> None:
    replied = asyncio.Event()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(" ".join(context.args or []))
        replied.set()

    app: Application = application_builder(sandbox).build()  # type: ignore[type-arg]
    app.add_handler(CommandHandler("echo", echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5)
        sandbox.user_sends(community.group, community.member, "/echo ciao mondo")
        await asyncio.wait_for(replied.wait(), timeout=5)
        await app.updater.stop()
        await app.stop()
    reply = sandbox.last("sendMessage")
    assert reply.ok and reply.result["text"] == "ciao mondo"
    assert reply.result["reply_to_message"]["text"] == "/echo ciao mondo"
    assert sandbox.pending == []


async def test_commands_chat_action_and_webhook_info(bot: Bot, community: Community) -> None:
    commands = [BotCommand("regole", "Le regole del gruppo"), BotCommand("faq", "Domande")]
    assert await bot.set_my_commands(commands, language_code="it")
    assert await bot.get_my_commands(language_code="it") == tuple(commands)
    assert await bot.get_my_commands() == ()
    assert await bot.send_chat_action(community.group, "typing")
    assert await bot.set_webhook("https://bot.example.com/hook", secret_token="s" * 32)
    info = await bot.get_webhook_info()
    assert info.url == "https://bot.example.com/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
