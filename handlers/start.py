"""/start and /hjalp: what the bot does, with examples to tap."""

from __future__ import annotations

from telegram import Update

from handlers import render
from handlers.beslut import answer_case
from handlers.common import Context, bot_username, command, send


@command
async def start(update: Update, context: Context, arg: str) -> None:
    """A deep link (t.me/namndbot?start=24HSN2937) opens that case; else the help."""
    if arg:
        await answer_case(update, context, arg)
        return
    await send(update, context, render.help_text(bot_username(context)))


@command
async def hjalp(update: Update, context: Context, arg: str) -> None:
    await send(update, context, render.help_text(bot_username(context)))
