"""/kalender [organ]: an .ics of upcoming meetings. /nytt_mote and /flytta_mote for ADMIN_USER_IDS.

The admin commands are not in the command menu and answer others as an unknown command would.
A move is stored with a "meeting_moved" event and the notifier is nudged at once, so followers
hear of it within seconds rather than at the next poll.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlmodel import Session
from telegram import Update
from telegram.ext import Application, CommandHandler

from handlers import render, render_notify
from handlers.common import Context, ask, command, reply_thread, send, today
from knowledge import calendar
from knowledge.models import Body

log = logging.getLogger(__name__)


def _body_or_message(s: Session, name: str) -> Body | str:
    from knowledge import queries

    body = calendar.find_body(s, name)
    if body is not None:
        return body
    return render_notify.unknown_body(name, [f"{b.short} ({b.name})" for b in queries.bodies(s)])


def _export(s: Session, asked: str, day: date, now) -> tuple[bytes | None, str, str]:
    body = None
    if asked:
        found = _body_or_message(s, asked)
        if isinstance(found, str):
            return None, found, ""
        body = found
    data, count = calendar.export_ics(s, day, body.id if body else None, now=now)
    name = f"sammantraden-{body.short.lower()}.ics" if body else "sammantraden.ics"
    caption = render_notify.calendar_caption(body.name if body else None, count)
    return (data if count else None), caption, name


@command
async def kalender(update: Update, context: Context, arg: str) -> None:
    settings = context.bot_data.get("settings")
    now = settings.now() if settings is not None else None
    data, caption, filename = await ask(context, _export, arg, today(context), now)
    if data is None:
        await send(update, context, render.simple(caption))
        return
    await context.bot.send_document(update.effective_chat.id, document=data, filename=filename,
                                    caption=caption, message_thread_id=reply_thread(update))


# --------------------------------------------------------------------------- admin


def is_admin(update: Update, context: Context) -> bool:
    settings = context.bot_data.get("settings")
    admins = set(getattr(settings, "admin_user_ids", None) or [])
    user = update.effective_user
    return user is not None and user.id in admins


async def _refuse(update: Update, context: Context) -> None:
    text = update.effective_message.text if update.effective_message else ""
    await send(update, context, render.unknown_command((text or "/").split()[0]))


def _split_meeting_args(arg: str) -> tuple[str, date, str | None, str | None]:
    """"HSN 2024-10-03 09.00 Regionens hus" → (organ, date, time, place). Organ may be several words."""
    words = arg.split()
    for i in range(1, len(words)):
        try:
            day = calendar.parse_day(words[i])
        except calendar.ScheduleError:
            continue
        at, rest = None, words[i + 1:]
        if rest:
            try:
                at = calendar.parse_time(rest[0])
                rest = rest[1:]
            except calendar.ScheduleError:
                pass
        return " ".join(words[:i]), day, at, " ".join(rest) or None
    raise calendar.ScheduleError("datum saknas (skriv till exempel 2024-10-03)")


def _add(s: Session, arg: str) -> str:
    try:
        organ, day, at, place = _split_meeting_args(arg)
    except calendar.ScheduleError as exc:
        return render_notify.error(str(exc)) + "\n" + render_notify.usage("nytt_mote", "HSN 2024-10-03 09.00 Regionens hus")
    body = _body_or_message(s, organ)
    if isinstance(body, str):
        return body
    meeting, outcome = calendar.add_meeting(s, body, day, at, place)
    s.commit()
    return render_notify.meeting_added(body.short, meeting.date, meeting.time, meeting.place, outcome == "added")


def _move(s: Session, arg: str) -> tuple[str, bool]:
    words = arg.split()
    usage = render_notify.usage("flytta_mote", "HSN 2024-10-04 2024-10-03")
    if len(words) < 3:
        return usage, False
    try:
        from_day, to_day = calendar.parse_day(words[-2]), calendar.parse_day(words[-1])
    except calendar.ScheduleError as exc:
        return render_notify.error(str(exc)) + "\n" + usage, False
    body = _body_or_message(s, " ".join(words[:-2]))
    if isinstance(body, str):
        return body, False
    try:
        calendar.move_meeting(s, body, from_day, to_day, by_admin=True)
    except calendar.ScheduleError as exc:
        return render_notify.error(str(exc)), False
    s.commit()
    return render_notify.meeting_moved(body.short, from_day, to_day, True), True


@command
async def nytt_mote(update: Update, context: Context, arg: str) -> None:
    if not is_admin(update, context):
        await _refuse(update, context)
        return
    if not arg:
        await send(update, context, render.simple(render_notify.usage("nytt_mote", "HSN 2024-10-03 09.00 Regionens hus")))
        return
    await send(update, context, render.simple(await ask(context, _add, arg)))


@command
async def flytta_mote(update: Update, context: Context, arg: str) -> None:
    if not is_admin(update, context):
        await _refuse(update, context)
        return
    text, moved = await ask(context, _move, arg)
    await send(update, context, render.simple(text))
    notifier = context.bot_data.get("notifier")
    if moved and notifier is not None:  # tell the followers now, not at the next poll
        notifier.nudge(context.bot)




def register(app: Application) -> None:
    app.add_handler(CommandHandler("kalender", kalender))
    app.add_handler(CommandHandler("nytt_mote", nytt_mote))
    app.add_handler(CommandHandler("flytta_mote", flytta_mote))


