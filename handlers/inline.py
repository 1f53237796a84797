"""Inline mode: "@namndbot 24HSN2937" in any chat → shareable case cards."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session
from telegram import Update

from handlers import render
from handlers.common import Context, ask, clean
from knowledge import queries
from knowledge.views import Candidate, CaseCard, SearchHit

CARDS = 5
CACHE_SECONDS = 60


@dataclass(frozen=True)
class Found:
    cards: list[CaseCard] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    hits: list[SearchHit] = field(default_factory=list)


def cards_for(s: Session, text: str) -> Found:
    """The clear winner's card; else the best candidates (each shared as a short card whose
    button opens the full one); else full-text hits."""
    lookup = queries.lookup_case(s, text)
    if lookup.card is not None:
        return Found([lookup.card])
    if lookup.candidates:
        return Found(candidates=lookup.candidates[:CARDS])
    return Found(hits=queries.full_text(s, text, limit=CARDS))


async def inline_query(update: Update, context: Context) -> None:
    query = update.inline_query
    text = clean(query.query)
    if not text:
        results = render.inline_help()
    elif len(text) > render.MAX_QUERY:
        results = render.inline_too_long(len(text))
    else:
        found = await ask(context, cards_for, text)
        results = (
            render.inline_cards(found.cards)
            or render.inline_candidates(found.candidates)
            or render.inline_hits(found.hits, text)
            or render.inline_nothing(text)
        )
    await query.answer(results, cache_time=CACHE_SECONDS)
