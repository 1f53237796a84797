"""Calendar and subscriptions on the real store: a sammanträdesplan, an ingested protocol that
moves a meeting, reminders in simulated time, admin moves, and the .ics a phone imports."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlmodel import Session, select

from bot.notify import Notifier, Pacing
from knowledge import calendar
from knowledge import subscriptions as subs
from knowledge.models import Body, Meeting
from knowledge.store import ingest_document
from tests.knowledge.store_docs import HSN, hsn_2024_09_04, hsu_2024_08_28

STHLM = ZoneInfo("Europe/Stockholm")
FAST = Pacing(private_interval=0.0, group_interval=0.0)
PLAN = f"""organ,datum,tid,plats
{HSN},2024-10-04,09.00,Regionens hus Härnösand
{HSN},2024-11-20,9:30,Regionens hus Härnösand
Hälso- och sjukvårdsutskottet,2024-10-16,13,Sundsvall
"""
BODY_SUB, CASE_SUB, WORD_SUB, QUIET, THREE_DAYS = 11, 12, 13, 14, 15


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STHLM)


def _notifier(engine, clock):
    return Notifier(engine, now=clock.now, pacing=FAST, monotonic=clock.monotonic, sleep=clock.sleep)


@pytest.fixture
def planned(engine, tmp_path):
    """A plan imported for HSN and HSU, and chats following a body, a case and a word."""
    path = tmp_path / "plan.csv"
    path.write_text(PLAN, encoding="utf-8")
    with Session(engine) as s:
        report = calendar.import_plan(s, path, organisation="Region Västernorrland")
        assert (report.added, report.errors) == (3, [])
        hsn = calendar.find_body(s, "HSN")
        subs.subscribe(s, BODY_SUB, "body", str(hsn.id), hsn.short)
        subs.subscribe(s, QUIET, "body", str(hsn.id), hsn.short)
        subs.set_reminder_days(s, QUIET, 0)
        subs.set_reminder_days(s, THREE_DAYS, 3)
        subs.subscribe(s, THREE_DAYS, "body", str(hsn.id), hsn.short)
        subs.subscribe(s, CASE_SUB, "case", "23HSN4128", "23HSN4128")
        subs.subscribe(s, WORD_SUB, "word", subs.normalise_word("Tandvårdskliniken"), "tandvårdskliniken")
        s.commit()
        return hsn.id


async def test_import_is_idempotent_and_reports_bad_rows(engine, tmp_path, planned):
    path = tmp_path / "plan.csv"
    path.write_text(PLAN + "Okänd nämnd,2024-12-01,,\nHSN,31 februari,,\nHSN,2024-12-02,25.00,\n", encoding="utf-8")
    with Session(engine) as s:
        report = calendar.import_plan(s, path)
        assert (report.added, report.unchanged) == (0, 3)
        assert len(report.errors) == 3
        assert any("okänt organ" in e for e in report.errors)
        assert any("rad 6" in e and "datum" in e for e in report.errors)
        assert any("rad 7" in e and "tid" in e for e in report.errors)


async def test_ingested_protocol_moves_meeting_and_notifies_at_once(engine, clock, server, app, planned):
    clock.set(local(2024, 9, 5, 14, 0))
    with Session(engine) as s:
        ingest_document(s, hsu_2024_08_28(), source_name="hsu.txt", sha256="hsu")
        ingest_document(s, hsn_2024_09_04(), source_name="hsn.txt", sha256="hsn")
    notifier = _notifier(engine, clock)
    report = await notifier.tick(app.bot)
    assert report.queued == report.sent

    moved = [d for d in server.delivered(BODY_SUB) if "flyttat" in d.text]
    assert len(moved) == 1
    assert "HSN 4 oktober är flyttat till 3 oktober</b> — beslut HSN 2024-09-04 § 104" in moved[0].text
    assert "kl. 09.00, Regionens hus Härnösand" in moved[0].text  # time and place follow the move

    summary = [d.text for d in server.delivered(BODY_SUB) if "Nytt protokoll" in d.text]
    assert len(summary) == 1 and "§ 98" in summary[0] and "Val av justerare" not in summary[0]
    case = server.delivered(CASE_SUB)
    assert len(case) == 1 and "23HSN4128" in case[0].text and "att flytta nämndens" in case[0].text
    word = sorted(d.text for d in server.delivered(WORD_SUB))  # HSU prepared it, HSN decided: both
    assert len(word) == 2
    assert "sjukvårdsnämnden 4 september 2024" in word[0] and "«tandvårdskliniken»: § 100" in word[0]
    assert "sjukvårdsutskottet 28 augusti 2024" in word[1] and "«tandvårdskliniken»: § 68" in word[1]
    assert not any("Nytt protokoll" in d.text and "Hälso- och sjukvårdsutskottet" in d.text
                   for d in server.delivered(BODY_SUB))  # HSU is not followed

    # the same protocol again (a new version): nothing new is sent
    doc = hsn_2024_09_04()
    doc.chair = "Någon annan"
    with Session(engine) as s:
        ingest_document(s, doc, source_name="hsn-v2.txt", sha256="hsn2")
    before = len(server.delivered())
    clock.advance(30)
    await notifier.tick(app.bot)
    assert len(server.delivered()) == before
    assert max(server.counts().values()) == 1


async def test_ics_keeps_uid_and_raises_sequence_when_moved(engine, clock, planned):
    with Session(engine) as s:
        before = icalendar.Calendar.from_ical(calendar.export_ics(s, date(2024, 9, 1), planned)[0])
        ingest_document(s, hsn_2024_09_04(), source_name="hsn.txt", sha256="hsn")
        data, count = calendar.export_ics(s, date(2024, 9, 5), planned, now=clock.now())
    old = {str(e["UID"]): e for e in before.walk("VEVENT")}
    cal = icalendar.Calendar.from_ical(data)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert count == 2 and len(events) == 2
    moved = next(e for e in events.values() if e.decoded("DTSTART").date() == date(2024, 10, 3))
    uid = str(moved["UID"])
    assert uid in old and old[uid].decoded("DTSTART").date() == date(2024, 10, 4)
    assert int(moved["SEQUENCE"]) == int(old[uid]["SEQUENCE"]) + 1
    assert moved.decoded("DTSTART") == datetime(2024, 10, 3, 9, 0, tzinfo=STHLM)
    assert "beslut HSN 2024-09-04 § 104" in str(moved["DESCRIPTION"])
    assert str(moved["LOCATION"]) == "Regionens hus Härnösand"
    assert cal.walk("VTIMEZONE")  # the zone travels with the file


async def test_reminders_fire_once_at_eight_n_days_before(engine, clock, server, app, planned):
    with Session(engine) as s:
        ingest_document(s, hsn_2024_09_04(), source_name="hsn.txt", sha256="hsn")  # 4 → 3 October
    notifier = _notifier(engine, clock)
    clock.set(local(2024, 9, 5, 12, 0))
    await notifier.tick(app.bot)  # the protocol's messages
    sent_before = {c: len(server.delivered(c)) for c in (BODY_SUB, QUIET, THREE_DAYS)}

    def reminders(chat):
        return [d for d in server.delivered(chat) if "Påminnelse" in d.text]

    for moment, body_sub, three_days in [
        (local(2024, 9, 29, 12, 0), 0, 0),
        (local(2024, 9, 30, 7, 59), 0, 0),
        (local(2024, 9, 30, 8, 0), 0, 1),   # 3 days before, 08:00
        (local(2024, 10, 1, 9, 0), 0, 1),
        (local(2024, 10, 2, 7, 59), 0, 1),
        (local(2024, 10, 2, 8, 0), 1, 1),   # the day before, 08:00
        (local(2024, 10, 2, 17, 0), 1, 1),  # only once
        (local(2024, 10, 3, 8, 30), 1, 1),  # the day itself: still once
        (local(2024, 10, 4, 8, 0), 1, 1),   # the old date: nothing
    ]:
        clock.set(moment)
        await notifier.tick(app.bot)
        assert (len(reminders(BODY_SUB)), len(reminders(THREE_DAYS))) == (body_sub, three_days), moment
    assert reminders(QUIET) == [] and len(server.delivered(QUIET)) == sent_before[QUIET]
    text = reminders(BODY_SUB)[0].text
    assert "i morgon" in text and "torsdag 3 oktober 2024 kl. 09.00, Regionens hus Härnösand" in text
    assert "om 3 dagar" in reminders(THREE_DAYS)[0].text


async def test_admin_move_notifies_at_once_and_the_restarted_bot_does_not_repeat(engine, clock, server, app, planned):
    clock.set(local(2024, 11, 1, 10, 0))
    with Session(engine) as s:
        body = s.get(Body, planned)
        calendar.move_meeting(s, body, date(2024, 11, 20), date(2024, 11, 21), place="Sundsvall")
        s.commit()
    await _notifier(engine, clock).tick(app.bot)
    moved = [d.text for d in server.delivered(BODY_SUB)]
    assert len(moved) == 1
    assert "HSN 20 november är flyttat till 21 november</b> — ändrat i sammanträdesplanen" in moved[0]
    assert "kl. 09.30, Sundsvall" in moved[0]
    clock.advance(30)
    await _notifier(engine, clock).tick(app.bot)  # a fresh process: the store says it is done
    assert len(server.delivered(BODY_SUB)) == 1
    with Session(engine) as s:
        rows = s.exec(select(Meeting).where(Meeting.body_id == planned).order_by(Meeting.id)).all()
        old = next(m for m in rows if m.date == date(2024, 11, 20))
        new = next(m for m in rows if m.date == date(2024, 11, 21))
        assert (old.status, new.uid, new.sequence) == ("moved", old.uid, old.sequence + 1)
        with pytest.raises(calendar.ScheduleError):
            calendar.move_meeting(s, s.get(Body, planned), date(2024, 11, 21), date(2024, 11, 21))


async def test_ics_import_with_known_uid_is_a_move(engine, clock, server, app, planned, tmp_path):
    with Session(engine) as s:
        data, _ = calendar.export_ics(s, date(2024, 9, 1), planned, now=clock.now())
    cal = icalendar.Calendar.from_ical(data)
    nov = next(e for e in cal.walk("VEVENT") if e.decoded("DTSTART").date() == date(2024, 11, 20))
    nov["DTSTART"] = icalendar.vDDDTypes(datetime(2024, 11, 19, 9, 30, tzinfo=STHLM))
    path = tmp_path / "plan.ics"
    path.write_bytes(cal.to_ical())
    with Session(engine) as s:
        report = calendar.import_plan(s, path)
        s.commit()
    assert (report.moved, report.unchanged, report.errors) == (1, 1, [])
    clock.set(datetime(2024, 11, 1, 9, 0, tzinfo=UTC))
    await _notifier(engine, clock).tick(app.bot)
    assert ["20 november är flyttat till 19 november" in d.text for d in server.delivered(BODY_SUB)] == [True]


async def test_protocol_that_cancels_a_meeting_tells_followers_once(engine, clock, server, app, planned):
    from knowledge.parse.model import ScheduleChange

    clause = "att ställa in nämndens sammanträde den 20 november"
    doc = hsn_2024_09_04()
    doc.schedule_changes.append(
        ScheduleChange(**{"from": date(2024, 11, 20)}, to=None, cancelled=True, paragraph=104, quote=clause)
    )
    clock.set(local(2024, 9, 5, 14, 0))
    with Session(engine) as s:
        ingest_document(s, doc, source_name="hsn.txt", sha256="hsn")
        (meeting,) = s.exec(select(Meeting).where(Meeting.date == date(2024, 11, 20))).all()
        assert (meeting.status, meeting.sequence) == ("cancelled", 1)
    notifier = _notifier(engine, clock)
    await notifier.tick(app.bot)
    cancelled = [d.text for d in server.delivered(BODY_SUB) if "inställt" in d.text]
    assert cancelled == [
        "📅 <b>HSN 20 november 2024 är inställt</b> — beslut HSN 2024-09-04 § 104\n"
        "Hälso- och sjukvårdsnämnden sammanträder inte onsdag 20 november 2024."
    ]
    with Session(engine) as s:
        data, _ = calendar.export_ics(s, date(2024, 9, 5), planned, now=clock.now())
    ics = icalendar.Calendar.from_ical(data)
    (event,) = [ev for ev in ics.walk("VEVENT") if ev.decoded("DTSTART").date() == date(2024, 11, 20)]
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)

    again = hsn_2024_09_04()  # a new version of the same protocol: told already
    again.schedule_changes = list(doc.schedule_changes)
    with Session(engine) as s:
        ingest_document(s, again, source_name="hsn-v2.txt", sha256="hsn2")
    clock.advance(30)
    await notifier.tick(app.bot)
    assert len([d for d in server.delivered(BODY_SUB) if "inställt" in d.text]) == 1


async def test_a_plan_that_cancels_a_meeting_tells_followers(engine, clock, server, app, planned, tmp_path):
    with Session(engine) as s:
        data, _ = calendar.export_ics(s, date(2024, 9, 1), planned, now=clock.now())
    cal = icalendar.Calendar.from_ical(data)
    nov = next(e for e in cal.walk("VEVENT") if e.decoded("DTSTART").date() == date(2024, 11, 20))
    nov["STATUS"] = "CANCELLED"
    path = tmp_path / "plan.ics"
    path.write_bytes(cal.to_ical())
    with Session(engine) as s:
        report = calendar.import_plan(s, path)
        s.commit()
    assert (report.updated, report.errors) == (1, [])
    clock.set(datetime(2024, 11, 1, 9, 0, tzinfo=UTC))
    await _notifier(engine, clock).tick(app.bot)
    told = [d.text for d in server.delivered(BODY_SUB) if "inställt" in d.text]
    assert told == [
        "📅 <b>HSN 20 november 2024 är inställt</b> — ändrat i sammanträdesplanen\n"
        "Hälso- och sjukvårdsnämnden sammanträder inte onsdag 20 november 2024."
    ]
    notifier = _notifier(engine, clock)
    clock.set(local(2024, 11, 19, 9, 0))  # the day before, past the reminders' hour
    await notifier.tick(app.bot)
    assert not [d for d in server.delivered(BODY_SUB) if "Påminnelse" in d.text and "20 november" in d.text]
