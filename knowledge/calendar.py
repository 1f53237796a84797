"""The meetings calendar: a sammanträdesplan in (.ics or CSV), admin changes, .ics out.

Meetings live in the store's ``meetings`` table next to those the protocols create. A moved
meeting keeps its row (status "moved") and the meeting on the new date shares its ``uid`` with a
higher ``sequence``, so the exported .ics updates the event in place on a phone. Every move is
written as a "meeting_moved" event, exactly like a move found by ingest, so that the notifier
tells subscribers within one poll (or at once, when the admin command triggers a tick).
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
from sqlmodel import Session, col, select

from knowledge.models import Body, Event, Meeting
from knowledge.parse.dates import parse_swedish_date, swedish
from knowledge.registry import Registry
from knowledge.text import fold

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEFAULT_LENGTH = timedelta(hours=3)
ACTIVE = ("planned", "held")
PRODID = "-//nämndbot//sammanträden//SV"


class ScheduleError(ValueError):
    """A row or file of a sammanträdesplan that cannot be used; the message is Swedish."""


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged + self.moved


@dataclass(frozen=True)
class PlanRow:
    body: str
    date: date
    time: str | None = None
    place: str | None = None
    uid: str | None = None  # from an .ics: keeps the meeting's identity across imports
    sequence: int | None = None
    cancelled: bool = False


# --------------------------------------------------------------------------- parsing input

_TIME = re.compile(r"^\s*(?:kl\.?\s*)?(\d{1,2})(?:[.:](\d{2}))?\s*$", re.IGNORECASE)


def parse_time(value: str | None) -> str | None:
    """"9", "09:00", "kl. 9.30" → "09.00", "09.30" (the Swedish way); '' → None."""
    if not value or not value.strip():
        return None
    m = _TIME.match(value)
    if not m or int(m[1]) > 23 or int(m[2] or 0) > 59:
        raise ScheduleError(f"okänd tid {value.strip()[:20]!r} (skriv till exempel 09.00)")
    return f"{int(m[1]):02d}.{int(m[2] or 0):02d}"


def parse_day(value: str, default_year: int | None = None) -> date:
    """"2024-10-03", "3 oktober 2024", "3/10" (with a default year) → a date."""
    value = (value or "").strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    found = parse_swedish_date(value, default_year)
    if found is not None:
        return found
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:[-/](\d{2,4}))?", value)
    if m:
        year = int(m[3]) if m[3] else default_year
        if year is not None and year < 100:
            year += 2000
        if year is not None:
            try:
                return date(year, int(m[2]), int(m[1]))
            except ValueError:
                pass
    raise ScheduleError(f"okänt datum {value[:30]!r} (skriv till exempel 2024-10-03)")


def read_csv(text: str) -> tuple[list[PlanRow], list[str]]:
    """CSV ``organ,datum,tid,plats`` (a header row is optional; ``;`` works too)."""
    rows: list[PlanRow] = []
    errors: list[str] = []
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for n, rec in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cells = [c.strip() for c in rec]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if n == 1 and fold(cells[0]) in ("organ", "body", "namnd"):
            continue
        cells += [""] * (4 - len(cells))
        try:
            if not cells[0]:
                raise ScheduleError("organ saknas")
            rows.append(PlanRow(cells[0], parse_day(cells[1]), parse_time(cells[2]), cells[3] or None))
        except ScheduleError as exc:
            errors.append(f"rad {n}: {exc}")
    return rows, errors


def read_ics(data: bytes | str, tz: ZoneInfo = STOCKHOLM) -> tuple[list[PlanRow], list[str]]:
    """VEVENTs: SUMMARY names the body, DTSTART the date and time, LOCATION the place."""
    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception as exc:
        raise ScheduleError(f"filen är ingen läsbar iCalendar-fil ({exc})") from exc
    rows: list[PlanRow] = []
    errors: list[str] = []
    for n, ev in enumerate(cal.walk("VEVENT"), start=1):
        summary = str(ev.get("SUMMARY") or "").strip()
        start = ev.decoded("DTSTART") if ev.get("DTSTART") is not None else None
        if not summary or start is None:
            errors.append(f"händelse {n}: SUMMARY eller DTSTART saknas")
            continue
        at = None
        if isinstance(start, datetime):
            local = start.astimezone(tz) if start.tzinfo else start
            day, at = local.date(), f"{local.hour:02d}.{local.minute:02d}"
        else:
            day = start
        body = re.sub(r"\s*[-–:]\s*sammanträde\s*$|^sammanträde\s*[-–:]?\s*", "", summary, flags=re.I)
        place = str(ev.get("LOCATION") or "").strip() or None
        rows.append(PlanRow(
            body, day, at, place, uid=str(ev.get("UID") or "") or None,
            sequence=int(ev.get("SEQUENCE", 0) or 0),
            cancelled=str(ev.get("STATUS") or "").upper() == "CANCELLED",
        ))
    return rows, errors


def read_plan(path: Path) -> tuple[list[PlanRow], list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScheduleError(f"{path}: kan inte läsas ({exc.strerror})") from exc
    if not raw.strip():
        raise ScheduleError(f"{path}: filen är tom")
    if path.suffix.lower() in (".ics", ".ical", ".ifb") or raw.lstrip().startswith(b"BEGIN:VCALENDAR"):
        return read_ics(raw)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return read_csv(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ScheduleError(f"{path}: okänd teckenkodning")


# --------------------------------------------------------------------------- bodies


def find_body(s: Session, name: str) -> Body | None:
    """The one body ``name`` means ("HSN", "Hälso- och sjukvårdsnämnden", "nämnden"), or None."""
    from knowledge import queries

    found = queries.find_bodies(s, name)
    if len(found) == 1:
        return s.get(Body, found[0].id)
    exact = [b for b in found if b.short.casefold() == name.strip().casefold() or fold(b.name) == fold(name)]
    return s.get(Body, exact[0].id) if len(exact) == 1 else None


def ensure_body(s: Session, name: str, organisation: str | None) -> Body | None:
    """An existing body, or (when an organisation is named) a new one, as ingest would make it."""
    body = find_body(s, name)
    if body is not None or not organisation:
        return body
    registry = Registry(s)  # the same rows an ingest would find or make
    return registry.body(registry.organisation(organisation).organisation, name)


# --------------------------------------------------------------------------- changes


def _active(s: Session, body_id: int, day: date) -> Meeting | None:
    return s.exec(
        select(Meeting)
        .where(Meeting.body_id == body_id, Meeting.date == day, col(Meeting.status).in_(ACTIVE))
        .order_by(Meeting.id)
    ).first()


def _now() -> datetime:
    return datetime.now(UTC)


def add_meeting(s: Session, body: Body, day: date, at: str | None = None, place: str | None = None,
                *, uid: str | None = None) -> tuple[Meeting, str]:
    """Plan a meeting (or update its time and place). Returns (meeting, "added"|"updated"|"unchanged")."""
    meeting = _active(s, body.id, day)
    if meeting is None and uid:
        meeting = s.exec(select(Meeting).where(Meeting.uid == uid, Meeting.date == day)).first()
    if meeting is None:
        meeting = Meeting(uid=uid or f"{uuid.uuid4()}@namndbot", body_id=body.id, date=day,
                          time=at, place=place, status="planned")
        s.add(meeting)
        s.flush()
        return meeting, "added"
    changed = (at is not None and at != meeting.time) or (place is not None and place != meeting.place)
    if not changed:
        return meeting, "unchanged"
    meeting.time = at if at is not None else meeting.time
    meeting.place = place if place is not None else meeting.place
    meeting.sequence += 1  # calendars replace the event in place
    meeting.updated_at = _now()
    s.add(meeting)
    s.flush()
    return meeting, "updated"


def move_meeting(s: Session, body: Body, from_day: date, to_day: date, *, at: str | None = None,
                 place: str | None = None, paragraph_id: int | None = None,
                 quote: str | None = None, by_admin: bool = True) -> Meeting:
    """Move a planned meeting: the old row becomes "moved", the new one shares its uid with a
    higher sequence; a "meeting_moved" event tells the subscribers. Raises ScheduleError when
    the move makes no sense (same day, a meeting already held)."""
    if from_day == to_day:
        raise ScheduleError("från- och till-datum är samma dag")
    old = _active(s, body.id, from_day)
    if old is not None and old.status == "held":
        raise ScheduleError(f"{body.short} {swedish(from_day)} är redan hållet")
    new = _active(s, body.id, to_day)
    if new is not None and new.moved_from == from_day:
        return new  # already recorded (an admin and a protocol agreeing)
    if new is None:
        new = Meeting(
            uid=old.uid if old else f"{uuid.uuid4()}@namndbot",
            sequence=old.sequence + 1 if old else 0,
            body_id=body.id, date=to_day,
            time=at or (old.time if old else None),
            place=place or (old.place if old else None),
            status="planned",
        )
        s.add(new)
    new.moved_from = from_day
    new.moved_by_paragraph_id = paragraph_id
    new.moved_quote = quote
    new.updated_at = _now()
    if old is not None:
        old.status, old.moved_to, old.updated_at = "moved", to_day, _now()
        s.add(old)
    s.flush()
    s.add(Event(kind="meeting_moved", body_id=body.id, payload={
        "meeting_id": new.id, "uid": new.uid, "from": from_day.isoformat(), "to": to_day.isoformat(),
        "paragraph_id": paragraph_id, "by_admin": by_admin, "quote": quote,
    }))
    s.flush()
    return new


def import_rows(s: Session, rows: Iterable[PlanRow], *, organisation: str | None = None) -> ImportReport:
    """Apply a sammanträdesplan. An .ics event whose UID is known on another date is a move."""
    report = ImportReport()
    for row in rows:
        body = ensure_body(s, row.body, organisation)
        if body is None:
            report.errors.append(f"{row.body[:60]} {row.date}: okänt organ (ange --organisation för att lägga till det)")
            continue
        if row.uid:
            known = s.exec(
                select(Meeting).where(Meeting.uid == row.uid, col(Meeting.status).in_(ACTIVE))
            ).first()
            if known is not None and known.body_id == body.id and known.date != row.date and not row.cancelled:
                move_meeting(s, body, known.date, row.date, at=row.time, place=row.place)
                report.moved += 1
                continue
        if row.cancelled:
            meeting = _active(s, body.id, row.date)
            if meeting is not None and meeting.status == "planned":
                meeting.status, meeting.sequence = "cancelled", meeting.sequence + 1
                s.add(meeting)
                s.flush()
                # Followers are told, as when a protocol cancels it (the same event).
                s.add(Event(kind="meeting_moved", body_id=body.id, payload={
                    "meeting_id": meeting.id, "uid": meeting.uid, "from": row.date.isoformat(),
                    "to": None, "cancelled": True, "by_admin": True,
                }))
                report.updated += 1
            else:
                report.unchanged += 1
            continue
        _, outcome = add_meeting(s, body, row.date, row.time, row.place, uid=row.uid)
        setattr(report, outcome, getattr(report, outcome) + 1)
    s.flush()
    return report


def import_plan(s: Session, path: Path, *, organisation: str | None = None) -> ImportReport:
    """``python -m bot schedule import FILE``: read, apply, return counts and row errors (the caller commits)."""
    rows, errors = read_plan(path)
    report = import_rows(s, rows, organisation=organisation)
    report.errors = errors + report.errors
    return report


# --------------------------------------------------------------------------- .ics out


def _citation(s: Session, paragraph_id: int | None) -> str | None:
    from knowledge.subscriptions import citation

    return citation(s, paragraph_id)


def upcoming(s: Session, today: date, body_id: int | None = None) -> list[tuple[Meeting, Body]]:
    """Meetings from ``today`` on, one per uid (the newest sequence), cancelled ones included."""
    q = select(Meeting, Body).join(Body, Body.id == Meeting.body_id).where(Meeting.date >= today)
    if body_id is not None:
        q = q.where(Meeting.body_id == body_id)
    best: dict[str, tuple[Meeting, Body]] = {}
    for m, b in s.exec(q.order_by(Meeting.date, Meeting.id)).all():
        if m.status == "moved":
            continue
        if m.uid not in best or m.sequence > best[m.uid][0].sequence:
            best[m.uid] = (m, b)
    return sorted(best.values(), key=lambda mb: (mb[0].date, mb[1].short))


def export_ics(s: Session, today: date, body_id: int | None = None, *, now: datetime | None = None,
               tz: ZoneInfo = STOCKHOLM) -> tuple[bytes, int]:
    """The .ics of upcoming meetings and how many it holds."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Sammanträden")
    cal.add("x-wr-timezone", str(tz))
    stamp = (now or _now()).astimezone(UTC)
    meetings = upcoming(s, today, body_id)
    for m, b in meetings:
        ev = icalendar.Event()
        ev.add("uid", m.uid)
        ev.add("sequence", m.sequence)
        ev.add("dtstamp", stamp)
        ev.add("summary", f"{b.name} ({b.short})")
        start = _start(m, tz)
        if start is None:
            ev.add("dtstart", m.date)
            ev.add("dtend", m.date + timedelta(days=1))
        else:
            ev.add("dtstart", start)
            ev.add("dtend", start + DEFAULT_LENGTH)
        if m.place:
            ev.add("location", m.place)
        notes = []
        if m.moved_from:
            note = f"Flyttat från {swedish(m.moved_from)}"
            cite = _citation(s, m.moved_by_paragraph_id)
            if cite:
                note += f" (beslut {cite})"
            notes.append(note + ".")
        if notes:
            ev.add("description", " ".join(notes))
        ev.add("status", "CANCELLED" if m.status == "cancelled" else "CONFIRMED")
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical(), len(meetings)


def _start(m: Meeting, tz: ZoneInfo) -> datetime | None:
    if not m.time:
        return None
    hit = re.search(r"(\d{1,2})[.:](\d{2})", m.time)
    if not hit or int(hit[1]) > 23 or int(hit[2]) > 59:
        return None
    return datetime.combine(m.date, time(int(hit[1]), int(hit[2])), tzinfo=tz)

