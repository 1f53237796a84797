"""Subscriptions and the outbox: who follows what, and which notifications are owed.

Pure logic over a Session with the clock passed in; no telegram import. The delivery loop in
`bot.notify` calls `enqueue_due` (store events + due reminders → outbox rows, in one
transaction with marking the events done) and then sends the rows it claimed with
`claim_outbox`, recording each outcome with `mark_sent` / `mark_retry` / `mark_failed` /
`pause_chat`, and gives back what it did not send with `release_claims`.

Several workers may share one PostgreSQL: `claim_outbox` takes rows with ``FOR UPDATE SKIP
LOCKED`` and a lease, so each row is sent by one worker; `enqueue_due` runs in one worker at a
time (a transaction-level advisory lock) and every insert is ``ON CONFLICT DO NOTHING``.

Rendering is passed in as a callable (`Notice → HTML`) so that knowledge never imports the
handlers; `handlers.render_notify.render_notice` is the one used by the bot.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from knowledge.db import write_transaction
from knowledge.notify_models import (
    BLOCKED,
    FAILED,
    PENDING,
    SENT,
    NotifyChat,
    Outbox,
    Subscription,
    utc,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
REMINDER_HOUR = time(8, 0)  # reminders go out at 08:00 local time, N days before the meeting
MAX_REMINDER_DAYS = 60
MAX_WORD_LENGTH = 60

# --------------------------------------------------------------------------- notices


@dataclass(frozen=True)
class BodyRef:
    id: int | None
    name: str
    short: str


@dataclass(frozen=True)
class ReminderNotice:
    body: BodyRef
    date: date
    time: str | None
    place: str | None
    days_before: int


@dataclass(frozen=True)
class MovedNotice:
    body: BodyRef
    from_date: date | None
    to_date: date | None  # None: the meeting on from_date is cancelled
    citation: str | None = None  # "HSN 2024-09-04 § 104" — the decision that moved it
    by_admin: bool = False
    time: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class ParagraphRef:
    number: int
    title: str
    dnr: str | None = None
    decision: str | None = None  # the first att-clause, to show
    routine: bool = False
    decision_text: str = ""  # every att-clause, for word matching
    page: int | None = None  # where the § stands in the protocol
    doubts: tuple[str, ...] = ()  # why its parse may be wrong (parse health): the notice says so


@dataclass(frozen=True)
class ProtocolNotice:
    """One message per chat per newly ingested protocol: what this chat follows in it."""

    body: BodyRef
    date: date
    paragraph_count: int
    summary: list[ParagraphRef] = field(default_factory=list)  # when the chat follows the body
    cases: list[ParagraphRef] = field(default_factory=list)  # followed cases that appear
    words: list[tuple[str, ParagraphRef]] = field(default_factory=list)  # (word, paragraph)
    document: str | None = None


Notice = ReminderNotice | MovedNotice | ProtocolNotice


@dataclass(frozen=True)
class SubscriptionView:
    kind: str
    target: str
    label: str
    reminder_days: int
    paused: bool


@dataclass(frozen=True)
class OutboxItem:
    id: int
    recipient: int
    event_key: str
    kind: str
    text: str
    payload: dict | None
    attempts: int


# --------------------------------------------------------------------------- helpers


def normalise_word(word: str) -> str:
    """A word subscription's key: NFC, lower-case, single spaces."""
    word = unicodedata.normalize("NFC", word).casefold()
    return " ".join(word.split())[:MAX_WORD_LENGTH]


def word_matches(word: str, text: str) -> bool:
    """Word at a word start, so "akutmottagning" also finds "akutmottagningen"."""
    if not word:
        return False
    text = unicodedata.normalize("NFC", text).casefold()
    return re.search(r"(?<!\w)" + re.escape(word), text) is not None


def reminder_time(meeting_day: date, days_before: int, tz: ZoneInfo = STOCKHOLM) -> datetime:
    """When the reminder for a meeting is due: 08:00 local time, ``days_before`` days ahead."""
    return datetime.combine(meeting_day - timedelta(days=days_before), REMINDER_HOUR, tzinfo=tz)


def meeting_start(meeting_day: date, at: str | None, tz: ZoneInfo = STOCKHOLM) -> datetime:
    """The meeting's start as an aware datetime ("09.00", "9:00", "kl. 13.15"); end of day if unknown."""
    m = re.search(r"(\d{1,2})[.:](\d{2})", at or "")
    if m and int(m[1]) < 24 and int(m[2]) < 60:
        return datetime.combine(meeting_day, time(int(m[1]), int(m[2])), tzinfo=tz)
    return datetime.combine(meeting_day, time(23, 59), tzinfo=tz)


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


# --------------------------------------------------------------------------- subscriptions


# Every function below that writes starts its transaction as a writer (`write_transaction`:
# BEGIN IMMEDIATE on SQLite). A deferred transaction that reads and then writes fails at once in
# WAL mode when another writer committed in between, busy timeout or not; a writer that asks
# first waits its turn. Inserts are ON CONFLICT DO NOTHING, so two chats (or two taps) racing on
# PostgreSQL get the same answer as one after the other. A caller that reads before calling one
# of them in the same transaction (`handlers.bevaka`) calls `write_transaction` first itself.


def chat_settings(session: Session, chat_id: int) -> NotifyChat:
    """The chat's row, made with the defaults on first use."""
    write_transaction(session)
    chat = session.get(NotifyChat, chat_id)
    if chat is None:
        fresh = NotifyChat(chat_id=chat_id)
        session.execute(
            _insert(session)(NotifyChat)
            .values(chat_id=chat_id, reminder_days=fresh.reminder_days, paused=False,
                    updated_at=fresh.updated_at)
            .on_conflict_do_nothing(index_elements=["chat_id"])
        )
        chat = session.get(NotifyChat, chat_id)
    return chat


def subscribe(session: Session, chat_id: int, kind: str, target: str, label: str,
              *, now: datetime | None = None) -> bool:
    """Follow something from ``now`` on; True when new. Subscribing again also lifts a 403 pause
    (the user is back)."""
    if kind not in ("body", "case", "word"):
        raise ValueError(f"okänd bevakningstyp: {kind}")
    chat = chat_settings(session, chat_id)
    if chat.paused:
        resume_chat(session, chat_id)
    inserted = session.execute(
        _insert(session)(Subscription)
        .values(chat_id=chat_id, kind=kind, target=target, label=label,
                reminder_days=chat.reminder_days, paused=False,
                created_at=utc(now or datetime.now(UTC)))
        .on_conflict_do_nothing(index_elements=["chat_id", "kind", "target"])
        .returning(Subscription.id)
    ).first()
    return inserted is not None


def unsubscribe(session: Session, chat_id: int, kind: str | None, target: str) -> int:
    """Stop following; ``kind`` None matches any kind with that target or label. Returns rows removed."""
    write_transaction(session)
    query = select(Subscription).where(Subscription.chat_id == chat_id)
    if kind is not None:
        query = query.where(Subscription.kind == kind, Subscription.target == target)
    rows = [
        s for s in session.exec(query).all()
        if kind is not None or s.target == target or normalise_word(s.label) == normalise_word(target)
    ]
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def list_subscriptions(session: Session, chat_id: int) -> list[SubscriptionView]:
    rows = session.exec(
        select(Subscription).where(Subscription.chat_id == chat_id).order_by(Subscription.kind, Subscription.label)
    ).all()
    return [SubscriptionView(r.kind, r.target, r.label, r.reminder_days, r.paused) for r in rows]


def set_reminder_days(session: Session, chat_id: int, days: int) -> None:
    """Days before each meeting of a followed body; 0 turns reminders off."""
    if not 0 <= days <= MAX_REMINDER_DAYS:
        raise ValueError(f"antal dagar måste vara 0–{MAX_REMINDER_DAYS}")
    write_transaction(session)
    chat = chat_settings(session, chat_id)
    chat.reminder_days = days
    session.add(chat)
    session.execute(
        update(Subscription).where(Subscription.chat_id == chat_id).values(reminder_days=days)
    )
    session.flush()


def pause_chat(session: Session, chat_id: int, reason: str) -> None:
    """The chat refused delivery (403): pause its subscriptions and park its pending rows."""
    chat = chat_settings(session, chat_id)
    chat.paused, chat.paused_reason = True, reason[:200]
    session.add(chat)
    session.execute(update(Subscription).where(Subscription.chat_id == chat_id).values(paused=True))
    session.execute(
        update(Outbox)
        .where(Outbox.recipient == chat_id, Outbox.status == PENDING)
        .values(status=BLOCKED, last_error=reason[:500])
    )
    session.flush()


def resume_chat(session: Session, chat_id: int) -> None:
    chat = chat_settings(session, chat_id)
    chat.paused, chat.paused_reason = False, None
    session.add(chat)
    session.execute(update(Subscription).where(Subscription.chat_id == chat_id).values(paused=False))
    session.flush()


def migrate_chat(session: Session, old_id: int, new_id: int) -> None:
    """A group became a supergroup: move its subscriptions and pending rows to the new id."""
    write_transaction(session)
    chat = session.get(NotifyChat, old_id)
    if chat is not None and session.get(NotifyChat, new_id) is None:
        session.add(NotifyChat(chat_id=new_id, reminder_days=chat.reminder_days))
    for sub in session.exec(select(Subscription).where(Subscription.chat_id == old_id)).all():
        clash = session.exec(
            select(Subscription).where(Subscription.chat_id == new_id, Subscription.kind == sub.kind,
                                       Subscription.target == sub.target)
        ).first()
        if clash is None:
            sub.chat_id = new_id
            session.add(sub)
        else:
            session.delete(sub)
    session.flush()
    for row in session.exec(select(Outbox).where(Outbox.recipient == old_id, Outbox.status == PENDING)).all():
        enqueue(session, new_id, row.event_key, row.kind, row.text,
                json.loads(row.payload) if row.payload else None, now=row.next_attempt_at)
        row.status, row.last_error = FAILED, f"migrerad till {new_id}"
        session.add(row)
    session.flush()


def subscribers(session: Session, kind: str, targets: Iterable[str] | None = None, *,
                since: datetime | None = None) -> list[Subscription]:
    """Active subscriptions of a kind (optionally only for some targets). With ``since`` (when an
    event happened) only those that existed then: news goes to who followed when it happened,
    not to whoever follows by the time the notifier gets to it."""
    query = select(Subscription).where(Subscription.kind == kind, Subscription.paused == False)  # noqa: E712
    if since is not None:
        query = query.where(Subscription.created_at <= utc(since))
    if targets is not None:
        targets = list(targets)
        if not targets:
            return []
        query = query.where(Subscription.target.in_(targets))
    return list(session.exec(query.order_by(Subscription.id)).all())


# --------------------------------------------------------------------------- outbox


def enqueue(
    session: Session,
    recipient: int,
    event_key: str,
    kind: str,
    text: str,
    payload: dict | None = None,
    *,
    now: datetime,
) -> bool:
    """Store one notification unless (recipient, event_key) is already there. True when inserted."""
    now = utc(now)
    stmt = (
        _insert(session)(Outbox)
        .values(recipient=recipient, event_key=event_key[:200], kind=kind, text=text,
                payload=json.dumps(payload, ensure_ascii=False) if payload else None,
                status=PENDING, attempts=0, next_attempt_at=now, created_at=now)
        .on_conflict_do_nothing(index_elements=["recipient", "event_key"])
        .returning(Outbox.id)
    )
    return session.execute(stmt).first() is not None


def _item(r: Outbox) -> OutboxItem:
    return OutboxItem(r.id, r.recipient, r.event_key, r.kind, r.text,
                      json.loads(r.payload) if r.payload else None, r.attempts)


def due_outbox(session: Session, now: datetime, limit: int = 1000) -> list[OutboxItem]:
    """Unsent rows whose time has come, oldest first (whoever may have claimed them)."""
    rows = session.exec(
        select(Outbox)
        .where(Outbox.status == PENDING, Outbox.next_attempt_at <= utc(now))
        .order_by(Outbox.id)
        .limit(limit)
    ).all()
    return [_item(r) for r in rows]


def live_claimants(session: Session, now: datetime) -> list[str]:
    """Workers holding an unexpired claim on a pending row (for `claim_outbox`'s ``dead``)."""
    return list(session.exec(
        select(Outbox.claimed_by).distinct()
        .where(Outbox.status == PENDING, Outbox.claimed_by.is_not(None), Outbox.claimed_until > utc(now))
    ).all())


def claim_outbox(
    session: Session,
    now: datetime,
    worker: str,
    *,
    lease: timedelta,
    limit: int = 1000,
    dead: Iterable[str] = (),
) -> list[OutboxItem]:
    """Claim up to ``limit`` due rows for ``worker`` until ``now + lease``; oldest first.

    One statement, ``WITH picked AS (SELECT … FOR UPDATE SKIP LOCKED) UPDATE … RETURNING``: on
    PostgreSQL concurrent workers skip each other's rows instead of waiting or taking them twice;
    SQLite (one writer at a time) runs it as a plain update. A row is free when unclaimed, when
    its lease ran out, or when it is not marked sending and its claimant is this worker or known
    to be ``dead`` (a crashed process on this machine). A row marked sending may have reached
    Telegram: it waits for its lease whoever claimed it. A chat is delivered by one worker at a
    time, in order: when an older due row of a chat is not ours (another worker has it), our
    rows of that chat are given back. The caller commits.
    """
    now = utc(now)
    mine = [worker, *(d for d in dead if d != worker)]
    free = or_(Outbox.claimed_until.is_(None), Outbox.claimed_until <= now,
               and_(Outbox.sending_at.is_(None), Outbox.claimed_by.in_(mine)))
    due = (Outbox.status == PENDING, Outbox.next_attempt_at <= now)
    # A CTE, not a bare subquery: PostgreSQL may run a LIMIT subquery inside UPDATE … IN once
    # per row and claim far more than ``limit``; a CTE is evaluated once.
    picked = (
        select(Outbox.id).where(*due, free).order_by(Outbox.id).limit(limit)
        .with_for_update(skip_locked=True)
        .cte("picked")
    )
    claimed = session.execute(
        update(Outbox)
        .where(Outbox.id.in_(select(picked.c.id)), *due, free)
        .values(claimed_by=worker, claimed_until=now + lease, sending_at=None)
        .returning(Outbox.id, Outbox.recipient)
        .execution_options(synchronize_session=False)
    ).all()
    if not claimed:
        return []
    first: dict[int, int] = {}
    for row_id, chat in claimed:
        first[chat] = min(row_id, first.get(chat, row_id))
    others = session.execute(
        select(Outbox.recipient, func.min(Outbox.id))
        .where(Outbox.recipient.in_(list(first)), *due,
               or_(Outbox.claimed_by.is_(None), Outbox.claimed_by != worker))
        .group_by(Outbox.recipient)
    ).all()
    give_back = [chat for chat, lowest in others if lowest < first[chat]]
    if give_back:
        session.execute(
            update(Outbox)
            .where(Outbox.recipient.in_(give_back), Outbox.claimed_by == worker, Outbox.status == PENDING)
            .values(claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )
    ids = sorted(row_id for row_id, chat in claimed if chat not in set(give_back))
    rows = session.exec(select(Outbox).where(Outbox.id.in_(ids)).order_by(Outbox.id)).all() if ids else []
    return [_item(r) for r in rows]


def release_claims(session: Session, worker: str) -> int:
    """Give back ``worker``'s claims on rows it did not send (end of a round, or shutdown). A row
    still marked sending has no recorded answer: it keeps its claim until the lease ends."""
    result = session.execute(
        update(Outbox)
        .where(Outbox.claimed_by == worker, Outbox.status == PENDING, Outbox.sending_at.is_(None))
        .values(claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def mark_sending(session: Session, outbox_id: int, worker: str, now: datetime) -> bool:
    """Just before the request leaves: the row is ``worker``'s and in flight. False when the claim
    is no longer ours (the lease ran out and another worker took it): then it is not sent."""
    result = session.execute(
        update(Outbox)
        .where(Outbox.id == outbox_id, Outbox.claimed_by == worker, Outbox.status == PENDING)
        .values(sending_at=utc(now))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def unmark_sending(session: Session, outbox_id: int) -> None:
    """The request never left after all (no slot before the lease's half): an ordinary claim again."""
    session.execute(update(Outbox).where(Outbox.id == outbox_id, Outbox.status == PENDING).values(sending_at=None))


def next_due_at(session: Session) -> datetime | None:
    """The earliest next_attempt_at among pending rows (aware UTC), for callers that want to wait."""
    return session.exec(select(func.min(Outbox.next_attempt_at)).where(Outbox.status == PENDING)).one()


def mark_sent(session: Session, outbox_id: int, now: datetime, message_id: int | None = None) -> None:
    session.execute(
        update(Outbox).where(Outbox.id == outbox_id)
        .values(status=SENT, sent_at=utc(now), message_id=message_id, attempts=Outbox.attempts + 1)
    )


def mark_retry(session: Session, outbox_id: int, at: datetime, error: str, *, count_attempt: bool = True) -> None:
    values = {"next_attempt_at": utc(at), "last_error": error[:500], "claimed_by": None,
              "claimed_until": None, "sending_at": None}
    if count_attempt:
        values["attempts"] = Outbox.attempts + 1
    session.execute(update(Outbox).where(Outbox.id == outbox_id, Outbox.status == PENDING).values(**values))


def mark_failed(session: Session, outbox_id: int, error: str) -> None:
    session.execute(
        update(Outbox).where(Outbox.id == outbox_id)
        .values(status=FAILED, last_error=error[:500], attempts=Outbox.attempts + 1)
    )


def outbox_counts(session: Session) -> dict[str, int]:
    rows = session.exec(select(Outbox.status, func.count()).group_by(Outbox.status)).all()
    return {status: n for status, n in rows}


# --------------------------------------------------------------------------- fan-out


def notify_moved(
    session: Session,
    notice: MovedNotice,
    render: Callable[[Notice], str],
    *,
    now: datetime,
    since: datetime | None = None,
) -> int:
    """Queue "meeting moved" for every subscriber of the body (who followed it ``since``, when the
    move was recorded). Keyed by body and dates, so a protocol and an admin recording the same
    move notify once."""
    if notice.body.id is None:
        return 0
    key = f"moved:{notice.body.id}:{notice.from_date}:{notice.to_date}"
    text = render(notice)
    return sum(
        enqueue(session, sub.chat_id, key, "moved", text, now=now)
        for sub in subscribers(session, "body", [str(notice.body.id)], since=since)
    )


def notify_protocol(
    session: Session,
    body: BodyRef,
    meeting_date: date,
    paragraphs: list[ParagraphRef],
    case_keys: dict[int, str],
    render: Callable[[Notice], str],
    *,
    now: datetime,
    document: str | None = None,
    since: datetime | None = None,
) -> int:
    """One message per chat for a newly ingested protocol: the summary for body subscribers,
    followed cases (``case_keys``: paragraph number → normalised dnr) and word hits, to the
    subscriptions that existed ``since`` (when it was ingested). Keyed by body and meeting date,
    so a replaced version of the same protocol does not repeat."""
    per_chat: dict[int, dict] = {}

    def slot(chat_id: int) -> dict:
        return per_chat.setdefault(chat_id, {"summary": False, "cases": [], "words": []})

    if body.id is not None:
        for sub in subscribers(session, "body", [str(body.id)], since=since):
            slot(sub.chat_id)["summary"] = True
    by_dnr: dict[str, list[ParagraphRef]] = {}
    for p in paragraphs:
        if p.number in case_keys:
            by_dnr.setdefault(case_keys[p.number], []).append(p)
    for sub in subscribers(session, "case", by_dnr, since=since):
        slot(sub.chat_id)["cases"].extend(by_dnr[sub.target])
    for sub in subscribers(session, "word", since=since):
        for p in paragraphs:
            if p.routine:
                continue
            if word_matches(sub.target, f"{p.title}\n{p.decision_text or p.decision or ''}"):
                slot(sub.chat_id)["words"].append((sub.label, p))
    key = f"protocol:{body.id if body.id is not None else body.short}:{meeting_date}"
    queued = 0
    for chat_id, hits in per_chat.items():
        if not (hits["summary"] or hits["cases"] or hits["words"]):
            continue
        notice = ProtocolNotice(
            body=body, date=meeting_date, paragraph_count=len(paragraphs),
            summary=[p for p in paragraphs if not p.routine] if hits["summary"] else [],
            cases=sorted(set(hits["cases"]), key=lambda p: p.number),
            words=hits["words"], document=document,
        )
        queued += enqueue(session, chat_id, key, "protocol", render(notice), now=now)
    return queued


@dataclass(frozen=True)
class UpcomingMeeting:
    """What reminders need to know about a meeting (filled from the store's Meeting rows)."""

    body: BodyRef
    date: date
    time: str | None
    place: str | None
    uid: str  # stable identity of the meeting across moves


def queue_reminders(
    session: Session,
    meetings: Iterable[UpcomingMeeting],
    render: Callable[[Notice], str],
    *,
    now: datetime,
    tz: ZoneInfo = STOCKHOLM,
) -> int:
    """Queue the reminders that are due at ``now``: at 08:00 local, N days before, until the
    meeting starts. Keyed by meeting and date, so each fires once (and again only if the
    meeting moves to another day)."""
    now_local = now.astimezone(tz) if now.tzinfo else now.replace(tzinfo=tz)
    by_body: dict[str, list[UpcomingMeeting]] = {}
    for m in meetings:
        if m.body.id is not None:
            by_body.setdefault(str(m.body.id), []).append(m)
    queued = 0
    for sub in subscribers(session, "body", by_body):
        if sub.reminder_days <= 0:
            continue
        for m in by_body[sub.target]:
            if not reminder_time(m.date, sub.reminder_days, tz) <= now_local < meeting_start(m.date, m.time, tz):
                continue
            days_left = (m.date - now_local.date()).days
            notice = ReminderNotice(m.body, m.date, m.time, m.place, days_left)
            key = f"reminder:{m.uid}:{m.date}"
            queued += enqueue(session, sub.chat_id, key, "reminder", render(notice), now=now)
    return queued


# --------------------------------------------------------------------------- the store's events


def _body_ref(session: Session, body_id: int | None) -> BodyRef | None:
    from knowledge.models import Body

    body = session.get(Body, body_id) if body_id is not None else None
    return BodyRef(body.id, body.name, body.short) if body is not None else None


def citation(session: Session, paragraph_id: int | None) -> str | None:
    """"HSN 2024-09-04 § 104" for a paragraph of the store."""
    from knowledge.models import Body, Paragraph

    p = session.get(Paragraph, paragraph_id) if paragraph_id is not None else None
    if p is None:
        return None
    body = session.get(Body, p.body_id) if p.body_id is not None else None
    parts = [body.short if body else None, p.date.isoformat() if p.date else None, f"§ {p.number}"]
    return " ".join(x for x in parts if x)


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def protocol_fanout(session: Session, document_id: int, render: Callable[[Notice], str], *, now: datetime,
                    since: datetime | None = None) -> int:
    """A newly ingested protocol → one message per interested chat (body, case and word
    subscribers that existed ``since``, the ingest)."""
    from knowledge.models import Case, Decision, Document, Paragraph

    doc = session.get(Document, document_id)
    if doc is None or doc.body_id is None or doc.meeting_date is None:
        return 0  # replaced meanwhile (its successor has its own event) or not a body's protocol
    body = _body_ref(session, doc.body_id)
    rows = session.exec(
        select(Paragraph).where(Paragraph.document_id == doc.id).order_by(Paragraph.number)
    ).all()
    clauses: dict[int, list[str]] = {}
    ids = [p.id for p in rows]
    if ids:
        for d in session.exec(
            select(Decision).where(Decision.paragraph_id.in_(ids)).order_by(Decision.paragraph_id, Decision.position)
        ).all():
            clauses.setdefault(d.paragraph_id, []).append(d.text)
    case_ids = {p.case_id for p in rows if p.case_id is not None}
    dnr_of = {
        c.id: c.dnr_norm
        for c in (session.exec(select(Case).where(Case.id.in_(case_ids))).all() if case_ids else [])
    }
    paragraphs, case_keys = [], {}
    for p in rows:
        own = clauses.get(p.id, [])
        doubts = tuple(p.doubts or ()) + (("hela protokollets tolkning är osäker",) if doc.doubtful else ())
        paragraphs.append(ParagraphRef(p.number, p.title, p.dnr, own[0] if own else None, p.routine,
                                       "\n".join(own), p.page, doubts))
        key = dnr_of.get(p.case_id) or p.dnr_norm
        if key:
            case_keys[p.number] = key
    return notify_protocol(session, body, doc.meeting_date, paragraphs, case_keys, render,
                           now=now, document=doc.source_name, since=since)


def moved_fanout(session: Session, event, render: Callable[[Notice], str], *, now: datetime) -> int:
    """A "meeting_moved" event (a move, or with "cancelled" a cancellation) → a message to
    every subscriber of the body who followed it when the move was recorded."""
    from knowledge.models import Meeting

    payload = event.payload or {}
    meeting = session.get(Meeting, payload["meeting_id"]) if payload.get("meeting_id") else None
    from_date = _date(payload.get("from") or payload.get("from_date") or (meeting.moved_from if meeting else None))
    cancelled = bool(payload.get("cancelled"))
    to_date = None if cancelled else _date(
        payload.get("to") or payload.get("to_date") or (meeting.moved_to or meeting.date if meeting else None)
    )
    body = _body_ref(session, event.body_id or (meeting.body_id if meeting else None))
    if body is None or (to_date is None and (not cancelled or from_date is None)):
        return 0
    paragraph_id = payload.get("paragraph_id") or (meeting.moved_by_paragraph_id if meeting else None)
    cite = payload.get("citation") or citation(session, paragraph_id)
    shown = meeting
    if meeting is not None and to_date is not None:  # the meeting on the new date shares the uid, with a higher sequence
        shown = session.exec(
            select(Meeting).where(Meeting.uid == meeting.uid, Meeting.date == to_date)
            .order_by(Meeting.sequence.desc())
        ).first() or meeting
    notice = MovedNotice(
        body=body, from_date=from_date, to_date=to_date, citation=cite,
        by_admin=bool(payload.get("by_admin")),
        time=shown.time if shown else None, place=shown.place if shown else None,
    )
    return notify_moved(session, notice, render, now=now, since=event.created_at)


def upcoming_meetings(session: Session, today: date, days: int = MAX_REMINDER_DAYS) -> list[UpcomingMeeting]:
    """Meetings from ``today`` on that still take place (not moved away, not cancelled)."""
    from knowledge.models import Body, Meeting

    rows = session.exec(
        select(Meeting, Body)
        .join(Body, Body.id == Meeting.body_id)
        .where(Meeting.date >= today, Meeting.date <= today + timedelta(days=days),
               Meeting.status.not_in(["moved", "cancelled"]))
        .order_by(Meeting.date)
    ).all()
    return [
        UpcomingMeeting(BodyRef(b.id, b.name, b.short), m.date, m.time, m.place, m.uid)
        for m, b in rows
    ]


#: pg_advisory_xact_lock key of the collecting step ("nb" "collect" as an int).
COLLECT_LOCK_KEY = 0x6E62_636F_6C6C


def _collect_lock(session: Session) -> bool:
    """PostgreSQL: try the collecting step's advisory lock, held until the transaction ends.
    SQLite has one writer at a time anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": COLLECT_LOCK_KEY}).scalar())


def enqueue_due(
    session: Session,
    now: datetime,
    render: Callable[[Notice], str],
    *,
    tz: ZoneInfo = STOCKHOLM,
    max_events: int = 200,
) -> int:
    """Everything owed at ``now`` → outbox rows: unprocessed store events, then due reminders.
    Events are marked done in the same transaction as their rows (the caller commits). An
    event's notices go to the subscriptions that existed when it happened (its ``created_at``),
    however late this runs; reminders are about what is ahead and go to every follower.

    With several workers on PostgreSQL one collects at a time (the others return 0 at once and
    only deliver); were two to run anyway, each insert is ``ON CONFLICT DO NOTHING``."""
    from knowledge.models import Event
    from knowledge.notify_models import NotifyEventDone

    write_transaction(session)  # reads the events, then writes their rows
    if not _collect_lock(session):
        return 0
    queued = 0
    events = session.exec(
        select(Event)
        .outerjoin(NotifyEventDone, NotifyEventDone.event_id == Event.id)
        .where(NotifyEventDone.event_id.is_(None))
        .order_by(Event.id)
        .limit(max_events)
    ).all()
    seen_documents: set[int] = set()
    for event in events:
        payload = event.payload or {}
        if event.kind == "meeting_moved":
            queued += moved_fanout(session, event, render, now=now)
        elif payload.get("document_id") is not None:
            # "protocol" and "case" events of one document make one message per chat
            doc_id = int(payload["document_id"])
            if doc_id not in seen_documents:
                seen_documents.add(doc_id)
                queued += protocol_fanout(session, doc_id, render, now=now, since=event.created_at)
        session.execute(
            _insert(session)(NotifyEventDone)
            .values(event_id=event.id, done_at=utc(now))
            .on_conflict_do_nothing(index_elements=["event_id"])
        )
    session.flush()
    local_today = (now.astimezone(tz) if now.tzinfo else now).date()
    queued += queue_reminders(session, upcoming_meetings(session, local_today), render, now=now, tz=tz)
    return queued
