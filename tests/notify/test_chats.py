"""Through the real Application against the Bot API model, in a private chat, a group and a
forum topic: news goes to who followed when it happened (not to who follows by the time the
notifier runs), commands addressed to another bot get no answer at all, and every answer goes
to the topic it was asked in."""

from __future__ import annotations

import asyncio
import logging
from datetime import date

import icalendar
import pytest
from sqlmodel import Session
from telegram import Update

from bot.app import build_application
from bot.offline import text_message_dict
from bot.settings import Settings
from knowledge import calendar
from knowledge import subscriptions as subs
from knowledge.store import ingest_document
from tests.knowledge.store_docs import hsn_2024_09_04
from tests.notify.fakeserver import TOKEN

ADMIN = 7
PRIVATE, GROUP, FORUM, TOPIC = 8, -100500, -100600, 77
CHATS = [  # (chat, chat type, topic)
    pytest.param(PRIVATE, "private", None, id="private"),
    pytest.param(GROUP, "supergroup", None, id="group"),
    pytest.param(FORUM, "supergroup", TOPIC, id="forum-topic"),
]


class _Settings(Settings):
    admin_user_ids: list[int] = []


@pytest.fixture
async def bot(engine, server):
    with Session(engine) as s:
        calendar.add_meeting(s, calendar.ensure_body(s, "Hälso- och sjukvårdsnämnden", "Region Västernorrland"),
                             date(2024, 11, 20), "09.00", "Härnösand")
        s.commit()
    settings = _Settings(telegram_bot_token=TOKEN, telegram_api_base_url=server.base_url,
                         bot_today=date(2024, 9, 10), admin_user_ids=[ADMIN], _env_file=None)
    app = build_application(settings, engine)
    await app.initialize()
    for chat in (GROUP, FORUM):
        server.state.admins[chat] = {ADMIN}
    yield app
    await app.bot_data["notifier"].close()
    await app.shutdown()


async def say(app, server, text: str, chat: int, chat_type: str, topic: int | None, user: int = ADMIN):
    """A message in ``chat`` (in forum topic ``topic``); what the bot sent back."""
    message = text_message_dict(text, user_id=user, chat_id=chat if chat_type != "private" else user,
                                chat_type=chat_type)
    if topic is not None:
        message["chat"]["is_forum"] = True
        message.update(message_thread_id=topic, is_topic_message=True)
    before = len(server.attempts())
    await app.process_update(Update.de_json({"update_id": message["message_id"], "message": message}, app.bot))
    return server.attempts()[before:]


@pytest.mark.parametrize(("chat", "chat_type", "topic"), CHATS)
async def test_news_goes_to_who_followed_when_it_happened(bot, server, engine, chat, chat_type, topic):
    chat = chat if chat_type != "private" else ADMIN
    with Session(engine) as s:  # a protocol arrives: nobody follows HSN yet
        ingest_document(s, hsn_2024_09_04(), source_name="hsn.txt", sha256="hsn")
        s.commit()
    # … then the chat follows, before the notifier has run
    (reply,) = await say(bot, server, "/bevaka HSN", chat, chat_type, topic)
    assert "Du bevakar nu organ" in reply.text
    (reply,) = await say(bot, server, "/bevaka ord tandvård", chat, chat_type, topic)
    notifier = bot.bot_data["notifier"]
    await notifier.tick(bot.bot)
    assert [d.text for d in server.delivered(chat) if "Nytt protokoll" in d.text or "«" in d.text] == []
    # a later event reaches it: an admin moves a meeting of HSN
    await say(bot, server, "/flytta_mote HSN 2024-11-20 2024-11-19", ADMIN, "private", None)
    await notifier.idle()  # the run the move nudged
    moved = [d.text for d in server.delivered(chat) if d.text.startswith("📅")]
    assert len(moved) == 1 and "20 november är flyttat till 19 november" in moved[0]


@pytest.mark.parametrize(("chat", "chat_type", "topic"), CHATS)
async def test_commands_to_another_bot_get_no_answer(bot, server, chat, chat_type, topic):
    for text in ["/bevaka@annan_bot HSN", "/sluta_bevaka@annan_bot HSN", "/bevakningar@annan_bot",
                 "/paminnelse@annan_bot 2", "/kalender@annan_bot", "/flytta_mote@annan_bot HSN 2024-11-20 2024-11-19",
                 "/finnsinte@annan_bot", "/beslut@annan_bot 24HSN2937", "/nästa-möte@annan_bot"]:
        assert await say(bot, server, text, chat, chat_type, topic) == [], text
    # the same, addressed to this bot (or to no bot), are answered
    (reply,) = await say(bot, server, "/bevakningar@namndbot", chat, chat_type, topic)
    assert "Du bevakar" in reply.text or "ingenting" in reply.text
    (reply,) = await say(bot, server, "/finnsinte@namndbot", chat, chat_type, topic)
    assert "känner jag inte till" in reply.text
    (reply,) = await say(bot, server, "/finnsinte", chat, chat_type, topic)
    assert "känner jag inte till" in reply.text


@pytest.mark.parametrize(("chat", "chat_type", "topic"), CHATS)
async def test_every_answer_goes_to_the_topic_it_came_from(bot, server, chat, chat_type, topic):
    chat_id = chat if chat_type != "private" else ADMIN
    sent = []
    for text in ["/kalender", "/kalender hsn", "/kalender okänd", "/bevaka HSN", "/bevakningar",
                 "/paminnelse 2", "/sluta_bevaka HSN", "/finnsinte", "/beslut 24HSN2937", "/hjalp"]:
        answers = await say(bot, server, text, chat, chat_type, topic)
        assert answers, text
        sent += answers
    assert {a.chat_id for a in sent} == {chat_id}
    assert {a.thread for a in sent} == {topic}
    (ics,) = [d for d in server.delivered(chat_id) if d.filename == "sammantraden-hsn.ics"]
    assert icalendar.Calendar.from_ical(ics.document).walk("VEVENT")


async def test_the_notify_job_never_overlaps_a_long_broadcast(engine, server, caplog):
    """A broadcast longer than the poll interval is one run that keeps going; the job's later
    polls find it running and say nothing (APScheduler warned at every poll before)."""
    with Session(engine) as s:
        body = calendar.ensure_body(s, "Hälso- och sjukvårdsnämnden", "Region Västernorrland")
        calendar.add_meeting(s, body, date(2031, 10, 4), "09.00", "Regionens hus")
        for chat in range(1, 41):
            subs.subscribe(s, chat, "body", str(body.id), body.short)
        s.commit()
        calendar.move_meeting(s, body, date(2031, 10, 4), date(2031, 10, 3))
        s.commit()
    settings = Settings(telegram_bot_token=TOKEN, telegram_api_base_url=server.base_url,
                        notify_poll_seconds=0.05, notify_overall_rate=20, _env_file=None)
    app = build_application(settings, engine)
    with caplog.at_level(logging.DEBUG):
        async with app:
            await app.start()
            notifier = app.bot_data["notifier"]
            while len([d for d in server.delivered() if "flyttat" in d.text]) < 40:
                await asyncio.sleep(0.05)
            await app.stop()
            await notifier.close()
    runs = [r for r in caplog.records if "maximum number of running instances" in r.getMessage()]
    assert runs == []
    assert sorted(d.chat_id for d in server.delivered() if "flyttat" in d.text) == list(range(1, 41))
