"""What every handler shares: asking the store off the event loop, reading the argument,
sending a rendered `Reply`, and the guarantee that a button press is always answered."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

from sqlmodel import Session
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from handlers import render
from handlers.render import Reply

log = logging.getLogger(__name__)

T = TypeVar("T")
Context = ContextTypes.DEFAULT_TYPE
CommandFn = Callable[[Update, Context, str], Awaitable[None]]


async def ask(context: Context, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
    """Run one store query in a worker thread with its own Session: the event loop never waits
    on the database, and no Session is shared between concurrent updates."""
    engine = context.bot_data["engine"]

    def run() -> T:
        with Session(engine) as s:
            return fn(s, *args, **kw)

    return await asyncio.to_thread(run)


async def store_is_empty(context: Context) -> bool:
    """Asked only on the "nothing found" path: an empty store gets its own message."""
    from knowledge import queries

    stats = await ask(context, queries.stats)
    return stats.documents == 0


async def said_unknown_or_empty(
    update: Update, context: Context, arg: str, result: Any, found_nothing: bool
) -> bool:
    """For a per-body answer (``result`` has ``unknown_body`` and ``known``): an unknown body,
    or nothing found in an empty store, is said here (True); else the caller answers."""
    if result.unknown_body and (result.known or not await store_is_empty(context)):
        await send(update, context, render.unknown_body(arg, result.known))
        return True
    if (result.unknown_body or found_nothing) and await store_is_empty(context):
        await send(update, context, render.empty_store())
        return True
    return False


def today(context: Context) -> date:
    """The bot's today: `BOT_TODAY` when set (demos, tests), else the date in the bot's zone."""
    settings = context.bot_data.get("settings")
    return settings.today() if settings is not None else date.today()


def clean(text: str | None) -> str:
    """NFC, one space between words: "24  HSN\u00a02937" and a decomposed "ä" look like typed.
    Control characters go: they mean nothing in a question, and PostgreSQL refuses a NUL in
    any text (DataError)."""
    text = unicodedata.normalize("NFC", text or "")
    return " ".join(
        "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) != "Cc").split()
    )


def command_argument(context: Context) -> str:
    return clean(" ".join(context.args or []))


async def check_length(update: Update, context: Context, arg: str) -> bool:
    """False (and a clear message sent) when the argument is too long to look up."""
    if len(arg) > render.MAX_QUERY:
        await send(update, context, render.too_long(len(arg)))
        return False
    return True


# --- sending ------------------------------------------------------------------------------


def reply_thread(update: object) -> int | None:
    """The forum topic an update came from, where every answer to it belongs (None: the chat
    itself, or a forum's General topic)."""
    message = update.effective_message if isinstance(update, Update) else None
    return message.message_thread_id if message is not None and message.is_topic_message else None


async def send(update: Update, context: Context, reply: Reply) -> None:
    """Send every part of ``reply`` into the update's chat (and topic); buttons under the last part."""
    chat = update.effective_chat
    if chat is None:  # a button on an inline-mode message: there is no chat to write to
        return
    thread = reply_thread(update)
    parts = reply.parts if (reply.parts or reply.photo) else [render.failure_notice()]
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        await context.bot.send_message(
            chat.id,
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=reply.keyboard if last else None,
            message_thread_id=thread,
        )
    if reply.photo:
        await context.bot.send_photo(
            chat.id,
            reply.photo,
            caption=reply.photo_caption,
            parse_mode=ParseMode.HTML,
            message_thread_id=thread,
        )


async def edit(update: Update, context: Context, reply: Reply) -> None:
    """Replace the message whose button was pressed; further parts follow as new messages."""
    query = update.callback_query
    parts = reply.parts or [render.failure_notice()]
    if query.inline_message_id:  # inline-mode message: one message is all there is
        parts = [render.truncate(reply.text, note="<i>(förkortat)</i>")]
    first = parts[0]
    try:
        await query.edit_message_text(
            first,
            parse_mode=ParseMode.HTML,
            reply_markup=reply.keyboard if len(parts) == 1 else None,
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
    if len(parts) > 1:
        await send(update, context, Reply(parts[1:], reply.keyboard, reply.photo, reply.photo_caption))
    elif reply.photo:
        await send(update, context, Reply([], None, reply.photo, reply.photo_caption))


# --- decorators ---------------------------------------------------------------------------


def button(fn: Callable[[Update, Context], Awaitable[str | None]]):
    """A callback-query handler that always answers the query, whatever happens.

    ``fn`` returns the short notice to show (or None); on an exception the user sees a brief
    notice and the error handler gets the exception.
    """

    @functools.wraps(fn)
    async def wrapper(update: Update, context: Context) -> None:
        notice: str | None = None
        try:
            notice = await fn(update, context)
        except Exception:
            notice = render.failure_notice()
            raise
        finally:
            try:
                await update.callback_query.answer(notice)
            except TelegramError as exc:  # too old, or already answered
                log.info("answerCallbackQuery misslyckades: %s", exc)

    return wrapper


def command(fn: CommandFn):
    """A command handler taking its argument from ``context.args`` (capped and NFC-cleaned)."""

    @functools.wraps(fn)
    async def wrapper(update: Update, context: Context) -> None:
        arg = command_argument(context)
        if await check_length(update, context, arg):
            await fn(update, context, arg)

    wrapper.run = fn  # the typed-Swedish and example paths call the body with their own argument
    return wrapper


def bot_username(context: Context) -> str | None:
    try:
        return context.bot.username
    except RuntimeError:  # the bot was never initialised (no getMe yet)
        return None


_ADDRESSED = re.compile(r"^/[^\s@/]*@(?P<bot>\S+)")


def addressed_to_another_bot(update: Update, context: Context) -> bool:
    """``/command@other_bot``: said to another bot in the group, so not ours to answer, not even
    as an unknown command. Unknown own name (no getMe yet): assume it is ours."""
    message = update.effective_message
    m = _ADDRESSED.match(((message.text or "") if message is not None else "").strip())
    own = bot_username(context)
    return bool(m and own and m["bot"].casefold() != own.casefold())
