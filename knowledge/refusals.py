"""Whom the bot has told that it is not for them: one refusal per chat, ever.

Kept in the store, not in process memory, so that several workers (webhook mode) and restarts
agree: the insert of the chat's row is the claim, and only the worker whose insert succeeds
sends the refusal.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, select


class AccessRefusal(SQLModel, table=True):
    """A chat that got the polite refusal (a private chat's id is the user's id)."""

    __tablename__ = "access_refusals"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    user_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    refused_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def ensure_table(engine: Engine) -> None:
    """Create the table when a store made before it existed lacks it (idempotent)."""
    AccessRefusal.__table__.create(engine, checkfirst=True)


def claim_refusal(s: Session, chat_id: int, user_id: int | None) -> bool:
    """True when this call is the first to refuse ``chat_id`` (the caller sends the refusal)."""
    if s.get(AccessRefusal, chat_id) is not None:
        return False
    s.add(AccessRefusal(chat_id=chat_id, user_id=user_id))
    try:
        s.commit()
    except IntegrityError:  # another worker refused the same chat a moment ago
        s.rollback()
        return False
    return True


def refused_chats(s: Session) -> int:
    """How many chats have been refused (for /status)."""
    return s.exec(select(func.count()).select_from(AccessRefusal)).one()
