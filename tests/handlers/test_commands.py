"""Every command through the real Application, over the bundled samples."""

from __future__ import annotations

import unicodedata

import pytest

from bot.offline import html_to_text
from handlers import COMMANDS
from tests.handlers.conftest import buttons, texts


def plain(calls) -> str:
    return html_to_text(texts(calls))


# --- /start, /hjälp, unknown --------------------------------------------------------------


@pytest.mark.parametrize("text", ["/start", "/hjalp", "/hjälp", "/hjalp@namndbot", "/Hjälp"])
async def test_help_explains_with_tappable_examples(chat, text):
    calls = await chat.say(text)
    assert [c.method for c in calls] == ["sendMessage"]
    assert "/beslut 24HSN2937" in plain(calls)
    data = [d for _, d, _ in buttons(calls)]
    assert "q:beslut:24HSN2937" in data


async def test_start_deep_link_opens_the_case(chat):
    assert "HSN 2024-09-04 § 101" in plain(await chat.say("/start 24HSN2937"))


async def test_example_button_runs_the_command_as_a_new_message(chat):
    [help_msg] = await chat.say("/hjalp")
    calls = await chat.press("q:beslut:24HSN2937", message=help_msg.result)
    assert [c.method for c in calls] == ["sendMessage", "answerCallbackQuery"]
    assert "HSN 2024-09-04 § 101" in plain(calls)


async def test_unknown_command_gets_short_help(chat):
    calls = await chat.say("/fika")
    assert "känner jag inte till" in plain(calls) and "/beslut" in plain(calls)


def test_command_menu_is_swedish_and_valid():
    names = [name for name, _ in COMMANDS]
    assert {"start", "hjalp", "beslut", "reservationer", "nasta_mote", "underskott", "sok"} <= set(names)
    assert all(name.isascii() and name.islower() and 3 <= len(desc) <= 256 for name, desc in COMMANDS)


# --- /beslut -----------------------------------------------------------------------------


@pytest.mark.parametrize("arg", ["24HSN2937", "24 hsn 2937", " 24hsn2937 "])
async def test_beslut_dnr_shows_every_handling_in_date_order(chat, arg):
    calls = await chat.say(f"/beslut {arg}")
    text = plain(calls)
    assert "HSU 2024-08-28 § 69" in text and "HSN 2024-09-04 § 101" in text
    assert text.index("HSU 2024-08-28 § 69") < text.index("HSN 2024-09-04 § 101")
    assert "att lägga informationen till handlingarna" in text
    assert "Tillgänglighet och läkares arbetsvillkor" in text
    assert "28 augusti 2024" in text and "4 september 2024" in text


async def test_beslut_card_lists_reservations_and_notes_per_handling(chat):
    text = plain(await chat.say("/beslut 23HSN2705"))
    hsn = text[text.index("Hälso- och sjukvårdsnämnden, 4 september 2024"):]
    assert "Pia Lundin (SJVP)" in hsn and "Daniel Ekdahl (KD)" in hsn
    assert "Protokollsanteckning: Nina Orefjärd (V)" in hsn


async def test_plain_text_is_a_beslut_question(chat):
    text = plain(await chat.say("24HSN2937"))
    assert "HSN 2024-09-04 § 101" in text


async def test_dnr_typo_offers_nearest_dnrs_and_the_button_opens_the_card(chat):
    calls = await chat.say("/beslut 24HSN2973")
    assert "Närmaste diarienummer" in plain(calls)
    [(label, data, sent)] = [b for b in buttons(calls) if "24HSN2937" in b[0]]
    assert data.startswith("c:")
    pressed = await chat.press(data, message=sent.result)
    assert [c.method for c in pressed] == ["editMessageText", "answerCallbackQuery"]
    assert pressed[0].params["message_id"] == sent.result["message_id"]
    assert "HSN 2024-09-04 § 101" in plain(pressed)


async def test_words_find_the_case(chat):
    calls = await chat.say("/beslut tandvård för att nå fler vuxna")
    text = plain(calls)
    if "Menade du" in text:  # several matches: buttons open the cards
        assert any("22HSN3175" in label for label, _, _ in buttons(calls))
    else:
        assert "22HSN3175" in text and "HSN 2024-09-04 § 102" in text


async def test_beslut_without_argument_gives_usage_and_latest_decisions(chat):
    calls = await chat.say("/beslut")
    text = plain(calls)
    assert "/beslut 24HSN2937" in text and "Senaste besluten" in text
    assert "HSN 2024-09-04" in text
    assert buttons(calls)


async def test_unknown_case_is_not_invented(chat):
    text = plain(await chat.say("/beslut xyzzy qwöp blorf"))
    assert "känner inte till" in text
    assert "§" not in text


async def test_html_in_arguments_is_escaped(chat):
    calls = await chat.say('/beslut <b>hej</b> & <script>')
    assert "&lt;b&gt;hej&lt;/b&gt;" in texts(calls)
    assert "<script>" not in texts(calls)


@pytest.mark.parametrize("command", ["/beslut", "/reservationer", "/sok", "/underskott", "/nasta_mote", ""])
async def test_five_thousand_characters_get_a_clear_message(chat, command):
    calls = await chat.say(f"{command} {'å' * 5000}".strip())
    assert [c.method for c in calls] == ["sendMessage"]
    assert "för lång" in plain(calls) and "200 tecken" in plain(calls)


# --- /reservationer ------------------------------------------------------------------------


async def test_reservationer_by_party_lists_pia_lundin_on_23hsn2705(chat):
    calls = await chat.say("/reservationer SJVP")
    text = plain(calls)
    assert "Pia Lundin (SJVP)" in text and "23HSN2705" in text
    assert "Hälso- och sjukvårdsnämnden, 4 september 2024, § 98" in text
    assert "Erica Stenberg" not in text  # SD, not SJVP


@pytest.mark.parametrize("arg", ["Pia Lundin", "23HSN2705", ""])
async def test_reservationer_by_person_dnr_or_latest(chat, arg):
    text = plain(await chat.say(f"/reservationer {arg}"))
    assert "Pia Lundin (SJVP)" in text and "23HSN2705" in text


async def test_reservationer_unknown_filter(chat):
    text = plain(await chat.say("/reservationer Kalle Anka"))
    assert "Inga reservationer" in text


async def test_reservation_buttons_open_full_text_and_next_page(chat, monkeypatch):
    from handlers import reservationer

    monkeypatch.setattr(reservationer, "PAGE", 3)
    calls = await chat.say("/reservationer")
    assert "Erica Stenberg" not in plain(calls)
    sent = calls[-1]
    data = [d for _, d, _ in buttons(calls)]
    full = [d for d in data if d.startswith("r:")]
    pages = [d for d in data if d.startswith("p:")]
    assert pages == ["p:r:3:"], "six reservations on § 98: two pages of three"
    pressed = await chat.press(pages[0], message=sent.result)
    assert [c.method for c in pressed] == ["editMessageText", "answerCallbackQuery"]
    assert "Erica Stenberg (SD), Jenny Voittonen (SD), Daniel Ekdahl (KD)" in plain(pressed)
    assert "Pia Lundin (" not in plain(pressed), "page one's reservers are not repeated"
    if full:
        pressed = await chat.press(full[0], message=sent.result)
        assert pressed[0].method == "editMessageText"
        assert "Källa: Hälso- och sjukvårdsnämnden 2024-09-04 § 98" in plain(pressed)


# --- /nasta_mote ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "/nasta_mote",
        "/nasta_mote hsn",
        "/nästa-möte",
        "/nästa_möte nämnden",
        "/nasta-mote",
        "/nästa-möte@namndbot hsn",
        unicodedata.normalize("NFD", "/nästa-möte hsn"),
        "/nästa möte",
    ],
)
async def test_next_meeting_shows_the_moved_date_and_the_decision(chat, text):
    calls = await chat.say(text)
    body = plain(calls)
    assert "Hälso- och sjukvårdsnämnden" in body
    assert "3 oktober 2024" in body
    assert "Flyttat från 4 oktober 2024" in body and "2024-09-04 § 104" in body


async def test_next_meeting_unknown_body(chat):
    text = plain(await chat.say("/nasta_mote kommunfullmäktige i Ankeborg"))
    assert "känner inte till något organ" in text and "Hälso- och sjukvårdsnämnden" in text


async def test_typed_command_for_another_bot_is_ignored(chat):
    assert await chat.say("/nästa-möte@annanbot", chat_id=-100, chat_type="group") == []


# --- /underskott ----------------------------------------------------------------------------


@pytest.mark.parametrize("arg", ["", "hsn", "2024"])
async def test_underskott_cites_each_figure(chat, arg):
    text = plain(await chat.say(f"/underskott {arg}"))
    assert "−277 mnkr" in text and "−565 mnkr" in text
    assert "Källa: Hälso- och sjukvårdsnämnden 2024-09-04 § 97" in text
    assert "Budget" in text or arg == "2024"


async def test_underskott_for_a_year_without_figures_says_so(chat):
    text = plain(await chat.say("/underskott 1999"))
    assert "inga ekonomiska siffror" in text


# --- /sok ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["/sok tandvård", "/sök tandvård", "/SÖK tandvård"])
async def test_search_shows_hits_with_source(chat, text):
    calls = await chat.say(text)
    body = plain(calls)
    assert "Träffar för tandvård" in body and "22HSN3175" in body and "Källa:" in body
    assert any(d.startswith("c:") for _, d, _ in buttons(calls))


async def test_search_without_text_explains(chat):
    assert "/sok tandvård" in plain(await chat.say("/sok"))


# --- buttons -------------------------------------------------------------------------------


@pytest.mark.parametrize("data", ["c:999999", "r:999999", "zz:1", "p:r:x:", "q:okänt:x", "d:99XYZ1"])
async def test_stale_buttons_are_answered_politely(chat, data):
    calls = await chat.press(data, message_text="gammalt meddelande")
    answer = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(answer) == 1
    assert answer[0].params.get("text") or any(c.method == "editMessageText" for c in calls)


async def test_button_on_an_inline_message_edits_it(chat):
    calls = await chat.press("c:1", inline_message_id="im1")
    assert [c.method for c in calls] == ["editMessageText", "answerCallbackQuery"]
    assert calls[0].params["inline_message_id"] == "im1"


# --- inline mode ---------------------------------------------------------------------------


async def test_inline_dnr_gives_a_shareable_card(chat):
    [call] = await chat.inline("24HSN2937")
    assert call.method == "answerInlineQuery"
    [first, *_] = call.params["results"]
    message = first["input_message_content"]["message_text"]
    assert "HSN 2024-09-04 § 101" in html_to_text(message) and len(message) <= 4096
    assert first["input_message_content"]["parse_mode"] == "HTML"


async def test_inline_too_long(chat):
    [call] = await chat.inline("x" * 250)
    assert "för lång" in call.params["results"][0]["input_message_content"]["message_text"]


async def test_answer_stays_in_the_forum_topic(chat):
    from telegram import Update

    from bot.offline import text_message_dict

    msg = text_message_dict("/beslut 24HSN2937", chat_id=-1001, chat_type="supergroup")
    msg.update(message_thread_id=77, is_topic_message=True)
    calls = await chat._run(Update.de_json({"update_id": 999, "message": msg}, chat.app.bot))
    assert calls[0].params["message_thread_id"] == 77


async def test_inline_words_and_empty_query(chat):
    [call] = await chat.inline("tandvård")
    assert any("22HSN3175" in r["input_message_content"]["message_text"] for r in call.params["results"])
    [call] = await chat.inline("")
    assert call.params["results"][0]["id"] == "help"


# --- empty store ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["/beslut 24HSN2937", "/beslut", "24HSN2937", "/reservationer", "/nasta_mote", "/nästa-möte hsn",
     "/underskott", "/sok tandvård"],
)
async def test_empty_store_says_so(empty_chat, text):
    assert "Databasen är tom" in plain(await empty_chat.say(text))
