"""/start, /help and /rules through the real Application and the sandbox."""

from __future__ import annotations

from bot.playground import Playground


async def test_help_in_private_chat_introduces_the_bot_in_the_brand_voice(
    play: Playground,
) -> None:
    sandbox = play.sandbox
    user = sandbox.add_user("<b>Luca</b>", language_code="en")["id"]
    dm = sandbox.add_private_chat(user)
    sandbox.user_sends(dm, user, "/start")
    await play.deliver()
    [call] = sandbox.calls_of("sendMessage")
    text = call.params["text"]
    assert call.params["chat_id"] == dm
    assert text.startswith("Hi &lt;b&gt;Luca&lt;/b&gt;!")  # the name is escaped, not markup
    assert "Caffè Aurora community assistant" in text
    assert text.endswith("— Team Aurora ☕")


async def test_help_in_italian_for_an_italian_member(play: Playground) -> None:
    sandbox = play.sandbox
    dm = sandbox.add_private_chat(play.people.member)
    sandbox.user_sends(dm, play.people.member, "/help")
    await play.deliver()
    text = sandbox.last("sendMessage").params["text"]
    assert text.startswith("Ciao Giulia!")
    assert "Cosa posso fare per te" in text


async def test_rules_in_group_reply_to_the_asker_with_the_chat_rules(play: Playground) -> None:
    sandbox = play.sandbox
    message = sandbox.user_sends(play.group_id, play.people.member, "/rules")
    await play.deliver()
    call = sandbox.last("sendMessage")
    assert call.params["chat_id"] == play.group_id
    assert call.params["reply_parameters"]["message_id"] == message["message_id"]
    assert "Regole di Caffè Aurora Community" in call.params["text"]
    assert "Rispetto per tutti" in call.params["text"]


async def test_rules_in_english_community(play: Playground) -> None:
    english = play.community_ids[1]
    play.sandbox.user_sends(english, play.people.member, "/rules@portavoce_bot")
    await play.deliver()
    assert "Be respectful" in play.sandbox.last("sendMessage").params["text"]


async def test_editing_a_command_does_not_run_it_again(play: Playground) -> None:
    sandbox = play.sandbox
    message = sandbox.user_sends(play.group_id, play.people.member, "/rules")
    await play.deliver()
    sandbox.user_edits(play.group_id, message["message_id"], "/rules please")
    await play.deliver()
    assert len(sandbox.calls_of("sendMessage")) == 1


async def test_rules_reply_stays_in_the_forum_topic(play: Playground) -> None:
    sandbox = play.sandbox
    forum = sandbox.add_group("Forum", forum=True, owner_id=play.people.owner)
    sandbox.set_member(forum, play.people.member, "member")
    sandbox.add_bot_to(forum, "administrator", by_user_id=play.people.owner)
    topic = sandbox.add_topic(forum, "Domande")
    sandbox.user_sends(forum, play.people.member, "/rules", thread_id=topic)
    await play.deliver()
    call = [c for c in sandbox.calls_of("sendMessage") if c.params["chat_id"] == forum][-1]
    assert call.params["message_thread_id"] == topic
