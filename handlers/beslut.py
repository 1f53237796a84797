"""/beslut and plain questions: a dnr or words → the case card (or "Menade du …?")."""

from __future__ import annotations

from telegram import Update

from handlers import keys, render
from handlers.common import Context, ask, button, command, edit, send, store_is_empty
from knowledge import queries

LATEST = 5


async def answer_case(update: Update, context: Context, arg: str) -> None:
    """The card for ``arg`` (knowledge decides whether it is a dnr or words)."""
    if not arg:
        latest = await ask(context, queries.latest_decisions, limit=LATEST)
        if not latest and await store_is_empty(context):
            await send(update, context, render.empty_store())
            return
        await send(update, context, render.latest_decisions(latest))
        return
    lookup = await ask(context, queries.lookup_case, arg)
    if lookup.card is None and not lookup.candidates and await store_is_empty(context):
        await send(update, context, render.empty_store())
        return
    await send(update, context, render.case_lookup(lookup))


@command
async def beslut(update: Update, context: Context, arg: str) -> None:
    await answer_case(update, context, arg)


@button
async def open_case(update: Update, context: Context) -> str | None:
    """Buttons `c:<case_id>` and `d:<dnr>`: the card replaces the message."""
    key = keys.decode(update.callback_query.data)
    if key is None:
        return render.stale_button()
    if key.kind == "c":
        card = await ask(context, queries.case_by_id, int(key.value))
        if card is None:
            await edit(update, context, render.case_gone())
            return "Ärendet finns inte längre."
        await edit(update, context, render.case_card(card))
        return None
    lookup = await ask(context, queries.lookup_case, key.value)
    if lookup.card is None and not lookup.candidates:
        await edit(update, context, render.case_gone())
        return "Ärendet finns inte längre."
    await edit(update, context, render.case_lookup(lookup))
    return None
