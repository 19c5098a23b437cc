"""/faq management from Telegram: team chat and group admins only; edits go live."""

from __future__ import annotations

from bot.playground import Playground

NEW_ENTRY = """/faq add
id: decaf
questions: {it: ["Avete il caffè decaffeinato?"], en: ["Do you sell decaf coffee?"]}
answer: {it: "Sì, la miscela Notte è decaffeinata.", en: "Yes, our Notte blend is decaf."}"""


def _replies(play: Playground, chat_id: int) -> list[str]:
    return [c.params["text"] for c in play.sandbox.calls_of("sendMessage")
            if c.params["chat_id"] == chat_id and c.ok]


async def test_team_member_adds_an_entry_and_the_bot_uses_it(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.team_chat_id, play.people.team, NEW_ENTRY)
    await play.deliver()
    assert _replies(play, play.team_chat_id)[-1] == "Saved 'decaf'."
    sandbox.user_sends(play.group_id, play.people.member, "avete anche il decaffeinato?")
    await play.deliver()
    assert "miscela Notte" in _replies(play, play.group_id)[-1]


async def test_bad_yaml_and_bad_entries_are_explained(play: Playground) -> None:
    sandbox = play.sandbox
    sandbox.user_sends(play.team_chat_id, play.people.team, "/faq add\nid: [oops")
    sandbox.user_sends(play.team_chat_id, play.people.team,
                       "/faq add\nid: x\nquestions: {it: [a]}")
    sandbox.user_sends(play.team_chat_id, play.people.team,
                       "/faq add\nid: shipping-cost\nquestions: {it: [a]}\nanswer: {it: b}")
    await play.deliver()
    replies = _replies(play, play.team_chat_id)
    assert replies[0].startswith("YAML error")
    assert replies[1].startswith("answer: Field required")
    assert replies[2] == "FAQ entry 'shipping-cost' exists (use /faq edit)."


async def test_never_say_phrase_is_refused(play: Playground) -> None:
    play.sandbox.user_sends(play.team_chat_id, play.people.team, (
        "/faq add\nid: refunds\nquestions: {it: [Rimborsi?]}\n"
        "answer: {it: Purtroppo non possiamo farci nulla.}"))
    await play.deliver()
    assert "never_say" in _replies(play, play.team_chat_id)[-1]


async def test_test_list_show_and_remove(play: Playground) -> None:
    sandbox = play.sandbox
    for command in ("/faq test quanto costa spedire?", "/faq list", "/faq show capsules",
                    "/faq rm capsules", "/faq show capsules"):
        sandbox.user_sends(play.team_chat_id, play.people.team, command)
        await play.deliver()
    test, listing, show, removed, gone = _replies(play, play.team_chat_id)
    assert test.splitlines()[1].startswith("✅ shipping-cost")
    assert "• capsules — Le capsule sono compatibili con Nespresso?" in listing
    assert "compatibili Nespresso Original" in show
    assert removed == "Removed 'capsules'."
    assert gone == "No FAQ entry 'capsules'."


async def test_members_cannot_edit_the_faq(play: Playground) -> None:
    play.sandbox.user_sends(play.group_id, play.people.member, "/faq rm capsules")
    await play.deliver()
    assert _replies(play, play.group_id) == ["Solo gli amministratori del gruppo possono farlo."]


async def test_export_sends_a_yaml_document(play: Playground) -> None:
    play.sandbox.user_sends(play.team_chat_id, play.people.team, "/faq export")
    await play.deliver()
    [call] = play.sandbox.calls_of("sendDocument")
    assert call.ok and call.params["caption"] == "7 FAQ entries"


async def test_import_takes_what_export_wrote(play: Playground) -> None:
    document = ("/faq import\nentries:\n"
                "- id: decaf\n  questions: {it: [Avete il decaffeinato?]}\n"
                "  answer: {it: 'Sì, la miscela Notte.'}\n"
                "- id: gift\n  questions: {it: [Fate buoni regalo?]}\n"
                "  answer: {it: 'Sì, dal sito.'}\n")
    play.sandbox.user_sends(play.team_chat_id, play.people.team, document)
    play.sandbox.user_sends(play.team_chat_id, play.people.team, "/faq import\n- id: x")
    await play.deliver()
    imported, refused = _replies(play, play.team_chat_id)[-2:]
    assert imported == "Imported 2 entries."
    assert refused.startswith("Nothing imported")
