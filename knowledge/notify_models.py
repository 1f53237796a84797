"""Tables for subscriptions and the notification outbox.

The outbox is the source of truth for delivery: a notification is written once (unique per
recipient and event key) before it is sent, marked sending just before its request leaves, and
marked sent right after Telegram accepted it. A restart therefore resumes what is unsent and
resends only what was in flight when the process died (`bot.notify`). With several workers, a
row is claimed (``claimed_by``, ``claimed_until``) before it is sent. Times are stored
as aware UTC (`utc`; SQLModel's UTCDateTime), so SQLite and PostgreSQL compare them alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

SubscriptionKind = Literal["body", "case", "word"]

# Outbox status: pending → sent | failed (permanent Telegram refusal) | blocked (403, chat paused)
PENDING, SENT, FAILED, BLOCKED = "pending", "sent", "failed", "blocked"


def utc(moment: datetime) -> datetime:
    """Aware UTC for storage; an aware datetime is converted, a naive one is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class NotifyChat(SQLModel, table=True):
    """Per chat: the reminder setting and whether delivery is paused (the user blocked the bot)."""

    __tablename__ = "notify_chat"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    reminder_days: int = 1  # 0 = no reminders
    paused: bool = False
    paused_reason: str | None = None
    updated_at: datetime = Field(default_factory=lambda: utc(datetime.now(UTC)))


class Subscription(SQLModel, table=True):
    """A chat (person or group) follows a body, a case (dnr) or a word."""

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("chat_id", "kind", "target", name="uq_subscription"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    kind: str = Field(max_length=8)  # SubscriptionKind
    target: str = Field(max_length=200)  # normalised: body id, case id, or a lower-cased word
    label: str = Field(max_length=300)  # as shown to the user: "HSN", "24HSN2937", "akutmottagning"
    reminder_days: int = 1
    paused: bool = False
    created_at: datetime = Field(default_factory=lambda: utc(datetime.now(UTC)))


class Outbox(SQLModel, table=True):
    """One notification to one chat. UNIQUE(recipient, event_key) makes enqueueing idempotent."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("recipient", "event_key", name="uq_outbox_recipient_event"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient: int = Field(sa_column=Column(BigInteger, nullable=False))
    event_key: str = Field(max_length=200)
    kind: str = Field(max_length=16)  # reminder | moved | protocol | notice
    text: str = Field(sa_column=Column(Text, nullable=False))  # HTML, already rendered and escaped
    payload: str | None = Field(default=None, sa_column=Column(Text))  # JSON: .ics attachment etc.
    status: str = Field(default=PENDING, max_length=8)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=lambda: utc(datetime.now(UTC)))
    created_at: datetime = Field(default_factory=lambda: utc(datetime.now(UTC)))
    sent_at: datetime | None = None
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    last_error: str | None = Field(default=None, max_length=500)
    # The worker delivering the row, until when (a lease): with several workers each row is
    # claimed by one; a crashed worker's rows are taken again once the lease has run out.
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_until: datetime | None = None
    # Set just before the request leaves, kept until the answer is recorded: a row whose worker
    # died while it was sending may have reached Telegram, so it waits out that worker's lease.
    sending_at: datetime | None = None


class NotifyEventDone(SQLModel, table=True):
    """Store events already turned into outbox rows (a set, not a cursor: a separate ingest
    process may commit a lower event id after a higher one has been seen)."""

    __tablename__ = "notify_event_done"

    event_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    done_at: datetime = Field(default_factory=lambda: utc(datetime.now(UTC)))
