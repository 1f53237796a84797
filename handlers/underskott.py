"""/underskott [organ | år]: the latest figures with quote and source, and a chart over time."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlmodel import Session
from telegram import Update

from handlers import chart, render
from handlers.common import Context, ask, command, said_unknown_or_empty, send
from handlers.render import Reply
from knowledge import queries
from knowledge.views import BodyView, FigureReport


@dataclass(frozen=True)
class Reports:
    reports: list[FigureReport] = field(default_factory=list)
    unknown_body: bool = False
    known: list[BodyView] = field(default_factory=list)


def _year(arg: str) -> int | None:
    return int(arg) if len(arg) == 4 and arg.isdigit() and arg[:2] in ("19", "20") else None


def reports_for(s: Session, arg: str) -> Reports:
    """Figure reports of every body, of one year, or of the bodies ``arg`` names."""
    if not arg:
        return Reports(queries.figure_reports(s))
    year = _year(arg)
    if year is not None:
        return Reports(queries.figure_reports(s, year=year))
    found = queries.find_bodies(s, arg)
    if not found:
        return Reports(unknown_body=True, known=queries.bodies(s))
    out: list[FigureReport] = []
    for body in found:
        out += queries.figure_reports(s, body_id=body.id)
    return Reports(out)


@command
async def underskott(update: Update, context: Context, arg: str) -> None:
    result = await ask(context, reports_for, arg)
    found_nothing = not any(r.latest or r.budget for r in result.reports)
    if await said_unknown_or_empty(update, context, arg, result, found_nothing):
        return
    await send(update, context, render.figures(result.reports, arg))
    charts = [r for r in result.reports if chart.chartable(r)]
    if charts:
        # The figures are the answer; the chart follows when drawn, without holding them back.
        context.application.create_task(_send_charts(update, context, charts), update=update)


async def _send_charts(update: Update, context: Context, reports: list[FigureReport]) -> None:
    for report in reports:
        png = await asyncio.to_thread(chart.figure_chart, report)
        if png:
            caption = render.chart_caption(report)
            await send(update, context, Reply([], photo=png, photo_caption=caption))
