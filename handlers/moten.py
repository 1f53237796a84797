"""/nasta_mote [organ] (and the typed /nästa-möte): the next meeting of each body."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session
from telegram import Update

from handlers import render
from handlers.common import Context, ask, command, said_unknown_or_empty, send, today
from knowledge import queries
from knowledge.views import BodyView, MeetingView


@dataclass(frozen=True)
class Meetings:
    meetings: list[MeetingView] = field(default_factory=list)
    unknown_body: bool = False
    known: list[BodyView] = field(default_factory=list)


def meetings_for(s: Session, arg: str, when: date) -> Meetings:
    """Next meetings of every body, or of the bodies ``arg`` names (fuzzy: "hsn", "nämnden")."""
    if not arg:
        return Meetings(queries.next_meetings(s, when))
    found = queries.find_bodies(s, arg)
    if not found:
        return Meetings(unknown_body=True, known=queries.bodies(s))
    out: list[MeetingView] = []
    for body in found:
        out += queries.next_meetings(s, when, body_id=body.id)
    return Meetings(out)


@command
async def nasta_mote(update: Update, context: Context, arg: str) -> None:
    when = today(context)
    result = await ask(context, meetings_for, arg, when)
    if await said_unknown_or_empty(update, context, arg, result, not result.meetings):
        return
    await send(update, context, render.meetings(result.meetings, when, arg))
