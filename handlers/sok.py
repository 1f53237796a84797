"""/sok TEXT (and the typed /sök): full-text search over the protocols."""

from __future__ import annotations

from telegram import Update

from handlers import render
from handlers.common import Context, ask, command, send, store_is_empty
from knowledge import queries

HITS = 5


@command
async def sok(update: Update, context: Context, arg: str) -> None:
    if not arg:
        await send(update, context, render.search_usage())
        return
    hits = await ask(context, queries.full_text, arg, limit=HITS)
    if not hits and await store_is_empty(context):
        await send(update, context, render.empty_store())
        return
    await send(update, context, render.search_hits(hits, arg))
