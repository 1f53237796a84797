"""/bevaka, /sluta_bevaka, /bevakningar, /paminnelse, /kalender and the admin commands through
the real Application (`bot.app.build_application`) against the local Bot API server."""

from __future__ import annotations

import asyncio
from datetime import date

import icalendar
import pytest
from sqlmodel import Session

from bot.app import build_application
from bot.offline import make_update
from bot.settings import Settings
from knowledge import calendar
from knowledge import subscriptions as subs
from knowledge.store import ingest_document
from tests.knowledge.store_docs import hsn_2024_09_04
from tests.notify.fakeserver import TOKEN

ADMIN, MEMBER, GROUP = 7, 8, -100500


class _Settings(Settings):
    admin_user_ids: list[int] = []


@pytest.fixture
async def bot(engine, server, tmp_path):
    with Session(engine) as s:
        ingest_document(s, hsn_2024_09_04(), source_name="hsn.txt", sha256="hsn")
        calendar.add_meeting(s, calendar.find_body(s, "HSN"), date(2024, 11, 20), "09.00", "Härnösand")
        s.commit()
    settings = _Settings(telegram_bot_token=TOKEN, telegram_api_base_url=server.base_url,
                         bot_today=date(2024, 9, 10), admin_user_ids=[ADMIN], _env_file=None)
    app = build_application(settings, engine)
    await app.initialize()
    await app.bot_data["notifier"].tick(app.bot)  # the ingest's events: before anyone followed
    server.state.admins[GROUP] = {ADMIN}
    yield app
    await app.shutdown()


async def say(app, server, text, *, user=1, chat=None, chat_type="private"):
    before = len(server.delivered())
    await app.process_update(make_update(app, text, user_id=user, chat_id=chat or user, chat_type=chat_type))
    return [d for d in server.delivered()[before:]]


async def test_follow_a_body_a_case_and_a_word(bot, server, engine):
    (r,) = await say(bot, server, "/bevaka HSN")
    assert "Du bevakar nu organ <b>HSN</b>" in r.text and "1 dag före" in r.text
    (r,) = await say(bot, server, "/bevaka 24 hsn 2937")
    assert "ärende <b>24 hsn 2937</b>" in r.text
    (r,) = await say(bot, server, "/bevaka Akutmottagning")
    assert "ord <b>akutmottagning</b>" in r.text
    (r,) = await say(bot, server, "/bevaka HSN")
    assert "redan" in r.text
    (r,) = await say(bot, server, "/bevaka <b>x</b>")
    assert "&lt;b&gt;x&lt;/b&gt;" in r.text  # escaped, never markup
    (r,) = await say(bot, server, "/bevaka ab")
    assert "för kort" in r.text
    (r,) = await say(bot, server, "/bevaka organ Okänd nämnd")
    assert "känner inte till organet" in r.text and "HSN" in r.text
    (r,) = await say(bot, server, "/paminnelse 3")
    assert "3 dagar före" in r.text
    (r,) = await say(bot, server, "/bevakningar")
    assert "Organ: HSN" in r.text and "Ärende: 24 hsn 2937" in r.text and "3 dagar före" in r.text
    with Session(engine) as s:
        views = subs.list_subscriptions(s, 1)
        assert {(v.kind, v.target) for v in views} >= {("case", "24HSN2937"), ("word", "akutmottagning")}
        assert {v.reminder_days for v in views} == {3}
    (r,) = await say(bot, server, "/paminnelse 0")
    assert "avstängda" in r.text
    (r,) = await say(bot, server, "/paminnelse tusen")
    assert "0–60" in r.text
    (r,) = await say(bot, server, "/sluta_bevaka 24HSN2937")
    assert "inte längre" in r.text
    (r,) = await say(bot, server, "/sluta_bevaka 24HSN2937")
    assert "Du bevakar inte" in r.text
    (r,) = await say(bot, server, "/sluta_bevaka alla")
    (r,) = await say(bot, server, "/bevakningar")
    assert "ingenting" in r.text


async def test_in_a_group_only_admins_change(bot, server, engine):
    (r,) = await say(bot, server, "/bevaka HSN", user=MEMBER, chat=GROUP, chat_type="supergroup")
    assert "administratörer" in r.text
    (r,) = await say(bot, server, "/paminnelse 2", user=MEMBER, chat=GROUP, chat_type="supergroup")
    assert "administratörer" in r.text
    (r,) = await say(bot, server, "/bevaka HSN", user=ADMIN, chat=GROUP, chat_type="supergroup")
    assert "Du bevakar nu" in r.text
    (r,) = await say(bot, server, "/bevakningar", user=MEMBER, chat=GROUP, chat_type="supergroup")
    assert "Organ: HSN" in r.text  # anyone may look
    with Session(engine) as s:
        assert [v.label for v in subs.list_subscriptions(s, GROUP)] == ["HSN"]
        assert subs.list_subscriptions(s, MEMBER) == []


async def test_kalender_sends_an_ics_document(bot, server):
    (r,) = await say(bot, server, "/kalender hsn")
    assert r.method == "sendDocument" and r.filename == "sammantraden-hsn.ics"
    cal = icalendar.Calendar.from_ical(r.document)
    days = sorted(e.decoded("DTSTART").date() if hasattr(e.decoded("DTSTART"), "date") else e.decoded("DTSTART")
                  for e in cal.walk("VEVENT"))
    assert days == [date(2024, 10, 3), date(2024, 11, 20)]  # 3 October: moved there by § 104
    (r,) = await say(bot, server, "/kalender okänd<i>")
    assert r.method == "sendMessage" and "okänd&lt;i&gt;" in r.text


async def test_admin_commands_are_refused_for_others_and_move_notifies_at_once(bot, server, engine):
    (r,) = await say(bot, server, "/flytta_mote HSN 2024-11-20 2024-11-19", user=MEMBER)
    assert "känner jag inte till" in r.text
    (r,) = await say(bot, server, "/nytt_mote HSN 2024-12-10 13.00 Sundsvall", user=MEMBER)
    assert "känner jag inte till" in r.text
    await say(bot, server, "/bevaka HSN", user=MEMBER)
    (r,) = await say(bot, server, "/nytt_mote HSN 2024-12-10 13 Sundsvall, sal 2", user=ADMIN)
    assert "Lagt till: HSN tisdag 10 december 2024 kl. 13.00, Sundsvall, sal 2" in r.text
    (r,) = await say(bot, server, "/nytt_mote HSN den tionde", user=ADMIN)
    assert "datum saknas" in r.text
    replies = await say(bot, server, "/flytta_mote HSN 2024-11-20 2024-11-19", user=ADMIN)
    assert "flyttat till 19 november" in replies[0].text
    def notices():
        return [d.text for d in server.delivered(MEMBER) if d.text.startswith("📅")]

    for _ in range(100):  # the notifier was nudged: the follower hears at once, not at the next poll
        if notices():
            break
        await asyncio.sleep(0.05)
    (notice,) = notices()
    assert "HSN 20 november är flyttat till 19 november" in notice and "kl. 09.00, Härnösand" in notice
