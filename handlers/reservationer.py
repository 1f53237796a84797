"""/reservationer [parti | namn | dnr]: the latest reservations, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session
from telegram import Update

from handlers import keys, render
from handlers.common import Context, ask, button, command, edit, send, store_is_empty
from knowledge import queries
from knowledge.views import ReservationView

PAGE = 5


@dataclass(frozen=True)
class Page:
    views: list[ReservationView]
    more: bool


def reservation_page(s: Session, arg: str, offset: int = 0) -> Page:
    """One page of reservations matching ``arg`` (knowledge decides: party, person or dnr)."""
    kw: dict[str, str] = {}
    if arg:
        kind, value = queries.filter_kind(s, arg)
        if kind not in ("party", "person", "dnr"):
            return Page([], False)
        kw[kind] = value
    views = queries.reservations(s, limit=offset + PAGE + 1, **kw)
    return Page(views[offset : offset + PAGE], len(views) > offset + PAGE)


@command
async def reservationer(update: Update, context: Context, arg: str) -> None:
    page = await ask(context, reservation_page, arg)
    if not page.views and await store_is_empty(context):
        await send(update, context, render.empty_store())
        return
    await send(update, context, render.reservation_list(page.views, arg, more=page.more))


@button
async def open_reservation(update: Update, context: Context) -> str | None:
    """Button `r:<id>`: the full reservation text replaces the message."""
    key = keys.decode(update.callback_query.data)
    if key is None:
        return render.stale_button()
    view = await ask(context, queries.reservation, int(key.value))
    if view is None:
        await edit(update, context, render.reservation_gone())
        return "Reservationen finns inte längre."
    await edit(update, context, render.reservation_full(view))
    return None


@button
async def next_page(update: Update, context: Context) -> str | None:
    """Button `p:r:<offset>:<filter>`: the next page replaces the message."""
    key = keys.decode(update.callback_query.data)
    if key is None or key.value != "r":
        return render.stale_button()
    page = await ask(context, reservation_page, key.extra, key.page)
    if not page.views:
        return "Inga fler reservationer."
    await edit(
        update,
        context,
        render.reservation_list(page.views, key.extra, offset=key.page, more=page.more),
    )
    return None
