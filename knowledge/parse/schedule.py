"""Schedule changes decided in a paragraph: a meeting moved, cancelled or added.

Read from the decision's att-clauses only (what was decided, not what was proposed or
discussed). Rules, so that a subscriber is never told a wrong date:

- A date without a year takes the year written elsewhere in the clause, else the meeting's
  year; if that puts it before the deciding meeting, it is the next year's date (a protocol
  moves meetings ahead of it: "flytta 15 januari till 22 januari" decided on 10 december).
  Without a year and without a meeting date, nothing is guessed and the clause is skipped.
- Whose meeting: "nämndens"/"utskottets"/"styrelsens" is the deciding body when the deciding
  body is of that kind ("nämndens" decided by a nämnd); a named owner ("hälso- och
  sjukvårdsutskottets sammanträde") is that body; a bare "utskottets" decided by a nämnd cannot
  be resolved, so body stays None. "sammanträdet" without an owner is the deciding body's.
- The meeting is named before its dates ("flytta nämndens sammanträde 4 oktober …"), so a
  clause about something else that mentions a sammanträde is not read as a change.
- A move needs both dates: the one after "till"/"i stället" is the new one ("X och Z till Y
  respektive W" moves two). "flytta sammanträdet till den 3 oktober" without the old date is
  left out, since it would read as an extra meeting. A cancellation has ``cancelled=True``,
  ``from`` = the cancelled date and ``to`` = None. An added meeting has ``from`` = None.
"""

from __future__ import annotations

import re
from datetime import date

from knowledge.parse.dates import FoundDate, find_dates
from knowledge.parse.model import ScheduleChange

__all__ = ["extract_schedule_changes"]

_MEETING = re.compile(r"sammanträde|\bmöte|sammanträdesdag|sammanträdesdatum", re.IGNORECASE)
_MOVE = re.compile(r"flytt|ändra|byt[ae]|senarelägg|tidigarelägg|förlägg|ändring|i\s*stället", re.IGNORECASE)
_MOVE_ONLY = re.compile(r"flytt|senarelägg|tidigarelägg|i\s*stället", re.IGNORECASE)
_CANCEL = re.compile(r"ställ\w*\s+in|inställ|\bstryk|\butgå|avlys|ställs\s+in", re.IGNORECASE)
_ADD = re.compile(
    r"extra\s+(?:sammanträde|möte)|(?:ytterligare|tillkommande|nytt)\s+(?:sammanträde|möte)"
    r"|lägga\s+till\s+(?:ett\s+)?(?:\w+\s+)?(?:sammanträde|möte)|(?:inrätta|kalla\s+till|hålla)\s+ett\s+extra",
    re.IGNORECASE,
)
_TO = re.compile(r"(?:\btill|i\s*stället(?:\s+\w+)?)\s+(?:den\s+|dagen\s+)?(?:\w+dag(?:en)?\s+(?:den\s+)?)?$",
                 re.IGNORECASE)
_OWNER = re.compile(
    r"(?P<owner>(?:[\wåäöÅÄÖ]+-\s+och\s+)?[\wåäöÅÄÖ]*?(?:nämnden|utskottet|styrelsen|fullmäktige|beredningen"
    r"|presidiet|rådet))s?\s+(?:\w+\s+)?(?:sammanträde|möte)",
    re.IGNORECASE,
)
_KINDS = ("nämnden", "utskottet", "styrelsen", "fullmäktige", "beredningen", "presidiet", "rådet")


def _resolve_body(clause: str, body: str | None) -> str | None:
    m = _OWNER.search(clause)
    if not m:
        return body
    owner = m["owner"]
    if owner.lower() in _KINDS:  # bare "nämndens": the deciding body if it is a nämnd
        return body if body and body.lower().endswith(owner.lower()) else None
    if body and owner.casefold() == body.casefold():
        return body
    return owner[0].upper() + owner[1:]


def _dates(clause: str, meeting_date: date | None) -> list[tuple[int, date]]:
    """(position, date) in the clause, years completed as the module docstring says."""
    explicit = [f.value.year for f in find_dates(clause) if f.year_given]
    default_year = explicit[0] if explicit else (meeting_date.year if meeting_date else None)
    found: list[FoundDate] = find_dates(clause, default_year)
    out = []
    for f in found:
        value = f.value
        if not f.year_given and not explicit and meeting_date and value < meeting_date:
            try:
                value = value.replace(year=value.year + 1)
            except ValueError:  # 29 February
                continue
        out.append((f.start, value))
    return out


def _split_clauses(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", c).strip() for c in text.split("\n") if c.strip()]


def _moves(clause: str, found: list[tuple[int, date]]) -> list[tuple[date, date]]:
    """(from, to) pairs: "X till Y", "Y" after "till"/"i stället"; "X och Z till Y respektive W"."""
    if len(found) == 2:
        to_index = next((i for i, (start, _) in enumerate(found) if _TO.search(clause[:start])), 1)
        pairs = [(found[1 - to_index][1], found[to_index][1])]
    elif len(found) >= 4 and len(found) % 2 == 0 and re.search(r"\brespektive\b", clause, re.IGNORECASE):
        half = len(found) // 2
        if not _TO.search(clause[:found[half][0]]):
            return []
        pairs = [(found[i][1], found[half + i][1]) for i in range(half)]
    else:
        return []
    return [(old, new) for old, new in pairs if old != new]


def _changes(clause: str, paragraph: int | None, meeting_date: date | None,
             body: str | None) -> list[ScheduleChange]:
    meeting = _MEETING.search(clause)
    found = _dates(clause, meeting_date)
    # the meeting is named before its dates: "flytta nämndens sammanträde 4 oktober …"
    if not meeting or not found or meeting.start() > found[0][0]:
        return []
    who = _resolve_body(clause, body)
    dates = [d for _, d in found]
    common = {"body": who, "paragraph": paragraph, "quote": clause}
    if _ADD.search(clause) and not _MOVE_ONLY.search(clause):
        return [ScheduleChange(to=d, **common) for d in dates]
    if _CANCEL.search(clause) and not _MOVE.search(clause):
        return [ScheduleChange(to=None, cancelled=True, **common, **{"from": d}) for d in dates]
    if _MOVE.search(clause):
        return [ScheduleChange(to=new, **common, **{"from": old}) for old, new in _moves(clause, found)]
    return []


def extract_schedule_changes(text: str, paragraph: int | None, meeting_date: date | None,
                             body: str | None) -> list[ScheduleChange]:
    """Moved, cancelled and added meetings in a paragraph's att-clauses (joined by "\\n")."""
    changes = []
    for clause in _split_clauses(text):
        changes.extend(_changes(clause, paragraph, meeting_date, body))
    return changes
