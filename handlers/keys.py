"""Button keys: the compact ``callback_data`` every inline button carries.

Telegram allows 64 bytes of ``callback_data``, so a key names a thing by id, never by content:

    c:<case_id>            open a case card
    d:<dnr>                open the case of a diarienummer (views that carry no case id)
    r:<reservation_id>     the full text of one reservation
    p:r:<offset>:<filter>  the next page of reservations (filter dropped when it would not fit)
    q:<command>:<arg>      run an example from the help text

Keys from an older version of the bot may still sit under old messages: `decode` never raises,
it answers ``None`` for anything it does not understand.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64
MAX_NUMBER = 2**31 - 1
"""Ids and offsets in keys fit an INTEGER column; a larger number names no row, and SQLite
refuses one past 64 bits with an OverflowError."""


@dataclass(frozen=True)
class Key:
    kind: str  # "c", "d", "r", "p", "q"
    value: str = ""
    page: int = 0
    extra: str = ""


def _fits(data: str) -> str | None:
    return data if len(data.encode("utf-8")) <= MAX_BYTES else None


def case(case_id: int) -> str:
    return f"c:{case_id}"


def dnr(value: str) -> str | None:
    """None when the dnr would not fit in 64 bytes (the button is then left out)."""
    return _fits(f"d:{value}")


def reservation(reservation_id: int) -> str:
    return f"r:{reservation_id}"


def page(kind: str, offset: int, filter_text: str = "") -> str | None:
    """A paging key; the filter is kept only when the whole key fits (else None: no button)."""
    return _fits(f"p:{kind}:{offset}:{filter_text}")


def example(command: str, arg: str) -> str | None:
    return _fits(f"q:{command}:{arg}")


def _number(text: str) -> bool:
    """ASCII digits within MAX_NUMBER: "²".isdigit() is True, but int("²") raises."""
    return text.isascii() and text.isdigit() and int(text) <= MAX_NUMBER


def decode(data: str | None) -> Key | None:
    """The key in ``data``, or None for stale, foreign or damaged data."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES or ":" not in data:
        return None
    kind, _, rest = data.partition(":")
    if kind in ("c", "r"):
        return Key(kind, rest) if _number(rest) else None
    if kind == "d":
        return Key(kind, rest) if rest.strip() else None
    if kind == "p":
        sub, _, tail = rest.partition(":")
        offset, _, filter_text = tail.partition(":")
        if not sub or not _number(offset):
            return None
        return Key(kind, sub, int(offset), filter_text)
    if kind == "q":
        command, _, arg = rest.partition(":")
        return Key(kind, command, extra=arg) if command else None
    return None
