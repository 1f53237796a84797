"""/bevaka, /sluta_bevaka, /bevakningar, /paminnelse: what a chat follows.

A group (a party group, a committee chat) follows things like a person; only its admins may
change what it follows. The argument is read as a dnr, a body or a word, in that order; the
prefixes "organ", "dnr" and "ord" force a reading ("/bevaka ord nämnden").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session
from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler

from handlers import render, render_notify
from handlers.common import Context, ask, command, send
from knowledge import subscriptions as subs
from knowledge.db import write_transaction
from knowledge.search import fold, looks_like_dnr, normalise_dnr

log = logging.getLogger(__name__)

MIN_WORD = 3
_PREFIXES = {"organ": "body", "nämnd": "body", "namnd": "body", "dnr": "case", "ärende": "case",
             "arende": "case", "ord": "word"}


@dataclass(frozen=True)
class Target:
    kind: str
    target: str
    label: str


@dataclass(frozen=True)
class Unresolved:
    message: str


def resolve(s: Session, arg: str) -> Target | Unresolved:
    """The argument of /bevaka as (kind, normalised target, label)."""
    from knowledge import queries

    head, _, rest = arg.partition(" ")
    forced = _PREFIXES.get(head.casefold()) if rest.strip() else None
    text = rest.strip() if forced else arg.strip()
    if forced in (None, "case") and looks_like_dnr(text):
        return Target("case", normalise_dnr(text), " ".join(text.split()))
    if forced == "case":
        return Unresolved(render_notify.error(f"{text[:60]} ser inte ut som ett diarienummer (till exempel 24HSN2937)."))
    if forced in (None, "body"):
        found = queries.find_bodies(s, text)
        q = fold(text)
        exact = [b for b in found if q in (b.short.casefold(), fold(b.name)) or fold(b.name).endswith(q)]
        pick = exact if exact else (found if forced == "body" else [])
        if len(pick) == 1:
            b = pick[0]
            return Target("body", str(b.id), b.short)
        if forced == "body":
            known = [f"{b.short} ({b.name})" for b in (pick or queries.bodies(s))]
            return Unresolved(render_notify.unknown_body(text, known))
    word = subs.normalise_word(text)
    if len(word) < MIN_WORD:
        return Unresolved(render_notify.error(f"Ordet är för kort: skriv minst {MIN_WORD} tecken."))
    return Target("word", word, word)


# --------------------------------------------------------------------------- store calls


def _subscribe(s: Session, chat_id: int, arg: str) -> str:
    write_transaction(s)  # reads, then writes: the write lock first (see knowledge.subscriptions)
    target = resolve(s, arg)
    if isinstance(target, Unresolved):
        return target.message
    new = subs.subscribe(s, chat_id, target.kind, target.target, target.label)
    days = subs.chat_settings(s, chat_id).reminder_days
    s.commit()
    return render_notify.subscribed(target.kind, target.label, new, days)


def _unsubscribe(s: Session, chat_id: int, arg: str) -> str:
    write_transaction(s)
    if fold(arg) in ("alla", "allt"):
        removed = sum(subs.unsubscribe(s, chat_id, v.kind, v.target) for v in subs.list_subscriptions(s, chat_id))
        s.commit()
        return render_notify.unsubscribed("alla bevakningar", removed)
    target = resolve(s, arg)
    removed = 0
    if isinstance(target, Target):
        removed = subs.unsubscribe(s, chat_id, target.kind, target.target)
    if not removed:  # by what /bevakningar shows
        removed = subs.unsubscribe(s, chat_id, None, arg.strip())
    s.commit()
    return render_notify.unsubscribed(target.label if isinstance(target, Target) else arg, removed)


def _list(s: Session, chat_id: int) -> str:
    rows = subs.list_subscriptions(s, chat_id)
    chat = s.get(subs.NotifyChat, chat_id)
    return render_notify.subscription_list(rows, chat.reminder_days if chat else 1)


def _set_days(s: Session, chat_id: int, days: int) -> str:
    write_transaction(s)
    subs.set_reminder_days(s, chat_id, days)
    s.commit()
    return render_notify.reminder_set(days)


# --------------------------------------------------------------------------- handlers


async def may_change(update: Update, context: Context) -> bool:
    """In a group only its admins (or the group itself posting anonymously) may change it."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous admin
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.info("getChatMember %s/%s failed: %s", chat.id, user.id, exc)
        return False
    return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


async def _reply(update: Update, context: Context, text: str) -> None:
    await send(update, context, render.simple(text))


async def _guarded(update: Update, context: Context) -> bool:
    if await may_change(update, context):
        return True
    await _reply(update, context, render_notify.admins_only())
    return False


@command
async def bevaka(update: Update, context: Context, arg: str) -> None:
    if not arg:
        await _reply(update, context, render_notify.usage("bevaka", "HSN | 24HSN2937 | akutmottagning")
                     + "\n\n" + await ask(context, _list, update.effective_chat.id))
        return
    if await _guarded(update, context):
        await _reply(update, context, await ask(context, _subscribe, update.effective_chat.id, arg))


@command
async def sluta_bevaka(update: Update, context: Context, arg: str) -> None:
    if not arg:
        await _reply(update, context, render_notify.usage("sluta_bevaka", "HSN | 24HSN2937 | akutmottagning | alla"))
        return
    if await _guarded(update, context):
        await _reply(update, context, await ask(context, _unsubscribe, update.effective_chat.id, arg))


@command
async def bevakningar(update: Update, context: Context, arg: str) -> None:
    await _reply(update, context, await ask(context, _list, update.effective_chat.id))


@command
async def paminnelse(update: Update, context: Context, arg: str) -> None:
    try:
        days = int(arg)
    except ValueError:
        days = -1
    if not 0 <= days <= subs.MAX_REMINDER_DAYS:
        await _reply(update, context, render_notify.usage("paminnelse", "1") + "\n"
                     + render_notify.e(f"Antal dagar före sammanträdet, 0–{subs.MAX_REMINDER_DAYS}; 0 stänger av påminnelserna."))
        return
    if await _guarded(update, context):
        await _reply(update, context, await ask(context, _set_days, update.effective_chat.id, days))


def register(app: Application) -> None:
    for name, fn in [("bevaka", bevaka), ("sluta_bevaka", sluta_bevaka), ("bevakningar", bevakningar),
                     ("paminnelse", paminnelse)]:
        app.add_handler(CommandHandler(name, fn))
