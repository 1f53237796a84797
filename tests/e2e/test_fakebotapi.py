"""The fake Bot API server speaks the API the way PTB's real HTTP transport uses it."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, InvalidToken, RetryAfter

from tests.e2e.fakebotapi import FakeBotAPI


@pytest.fixture
def api():
    with FakeBotAPI() as server:
        yield server


def make_bot(api: FakeBotAPI, token: str = "123:ABC") -> Bot:
    return Bot(
        token, base_url=api.base_url, base_file_url=api.base_url.replace("/bot", "/file/bot")
    )


async def test_get_me_send_edit_and_upload(api):
    async with make_bot(api) as bot:
        assert bot.username == "namnd_test_bot"
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Öppna", callback_data="c:1")]])
        msg = await bot.send_message(
            7, "<b>Hej</b> &amp; 12", parse_mode="HTML", reply_markup=keyboard
        )
        assert msg.text == "Hej & 12"
        edited = await bot.edit_message_text("Kort", chat_id=7, message_id=msg.message_id)
        assert edited.text == "Kort"
        await bot.send_photo(7, b"\x89PNG\r\n\x1a\n", caption="Graf", filename="graf.png")
        await bot.send_document(7, b"BEGIN:VCALENDAR", filename="mote.ics")

    sent = api.of("sendMessage")[0]
    assert sent.params["chat_id"] == 7
    assert sent.params["text"] == "<b>Hej</b> &amp; 12"
    assert sent.buttons == [{"text": "Öppna", "callback_data": "c:1"}]
    photo = api.of("sendPhoto")[0]
    assert photo.files["photo"].content == b"\x89PNG\r\n\x1a\n"
    assert photo.params["caption"] == "Graf"
    assert api.of("sendDocument")[0].files["document"].filename == "mote.ics"


async def test_refusals_follow_the_api(api):
    async with make_bot(api) as bot:
        with pytest.raises(BadRequest, match="(?i)parse entities"):
            await bot.send_message(7, "1 < 2", parse_mode="HTML")
        with pytest.raises(BadRequest, match="(?i)too long"):
            await bot.send_message(7, "x" * 4097)
        api.fail("sendMessage", retry_after=2)
        with pytest.raises(RetryAfter):
            await bot.send_message(7, "hej")
        assert (await bot.send_message(7, "hej")).text == "hej"
        with pytest.raises(Exception, match="(?i)not found"):
            await bot.do_api_request("noSuchMethod")
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=api.base_url):
            pass


async def test_long_poll_waits_for_updates_and_offset_confirms(api):
    async with make_bot(api) as bot:
        started = time.monotonic()
        assert await bot.get_updates(timeout=1) == ()
        assert time.monotonic() - started >= 0.9  # it waited for the timeout

        async def later():
            await asyncio.sleep(0.3)
            api.send_text("/start")

        task = asyncio.create_task(later())
        updates = await bot.get_updates(timeout=5)
        await task
        assert [u.message.text for u in updates] == ["/start"]
        assert updates[0].message.entities[0].type == "bot_command"
        # Not confirmed yet: the same update comes again; with offset it is gone.
        assert (await bot.get_updates(timeout=0))[0].update_id == updates[0].update_id
        assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()
